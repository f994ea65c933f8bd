package report

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/paycert/paycert/harness/requirements"
)

// PrintSummary writes the one-screen summary of a run: the verdict, the requirement counts, the
// failed requirements and where the bundle is.
func PrintSummary(w io.Writer, r *Report, dir string) {
	line := strings.Repeat("─", 72)
	fmt.Fprintln(w, line)
	fmt.Fprintf(w, "paycert %s: %s\n", r.RunID, strings.ToUpper(r.Verdict))
	for _, t := range r.Targets {
		switch t.Kind {
		case NotSetUp:
			fmt.Fprintf(w, "  %s: not set up (the error below says why)\n", t.Suite)
			continue
		case NoSpecSelected:
			fmt.Fprintf(w, "  %s: the label filter selected none of its specs\n", t.Suite)
			continue
		}
		sig := ""
		if t.Signature != "" {
			sig = ", signature " + t.Signature
		}
		fmt.Fprintf(w, "  %s against %s %s (clock %s, OTP %s%s)\n", t.Suite, t.Kind, t.URL, t.Clock, t.OTPSource, sig)
		if t.Budget != "" && t.Budget != "off" {
			fmt.Fprintf(w, "    request budget: %s\n", t.Budget)
		}
		if t.Money != "" && t.Money != "embedded simulator" {
			fmt.Fprintf(w, "    money requests: %s\n", t.Money)
		}
	}
	s := r.Summary.Requirements
	fmt.Fprintf(w, "  requirements: %d passed, %d failed, %d not run, %d not applicable, %d not covered (%d MUST not run)\n",
		s[Passed], s[Failed], s[NotRun], s[NotApplicable], s[NotCovered], r.Summary.MustNotRun)
	fmt.Fprintf(w, "  specs: %d passed, %d failed, %d skipped\n", r.Summary.Specs["passed"], countFailed(r), r.Summary.Specs["skipped"])
	if n := len(r.Resumed); n > 0 {
		last := r.Resumed[n-1]
		fmt.Fprintf(w, "  resumed %d time(s); the last attempt ran %d spec(s) again (%s)\n", n, len(last.Specs), last.Started.UTC().Format(time.RFC3339))
	}
	writeMatrix(w, r.Matrix(), colorful(w))
	for _, f := range r.Failures() {
		fmt.Fprintf(w, "  FAILED %s (%s) %s%s\n", f.ID, f.Level, f.Text, mayNote(f.Requirement))
		for _, a := range f.Also {
			fmt.Fprintf(w, "    also failed, probably because of %s: %s (%s) %s%s\n", f.ID, a.ID, a.Level, a.Text, mayNote(a))
		}
	}
	seen := map[string]bool{}
	for _, e := range r.Errors {
		if line := FirstLine(e); !seen[line] {
			seen[line] = true
			fmt.Fprintf(w, "  ERROR %s\n", line)
		}
	}
	if dir != "" {
		fmt.Fprintf(w, "  report: %s/%s\n", dir, HTMLFile)
	}
	fmt.Fprintln(w, line)
}

func mayNote(req Requirement) string {
	if req.Level == requirements.May {
		return " [a decision of paycert's; not counted in the verdict]"
	}
	return ""
}

// matrixMark is the short form of a cell result in the terminal, and its colour.
func matrixMark(result string) (mark, color string) {
	switch result {
	case CellFailedMust:
		return "FAIL", "\x1b[1;31m"
	case CellFailedShould:
		return "fail", "\x1b[33m"
	case CellFailedMay:
		return "may", "\x1b[33m"
	case CellNotRun:
		return "not run", "\x1b[33m"
	case CellNotApplicable:
		return "n/a", "\x1b[2m"
	case CellPassed:
		return "ok", "\x1b[32m"
	}
	return "-", "\x1b[2m"
}

// writeMatrix writes the provider × flow matrix as plain text: each cell its worst result and,
// for a failure, how many of its requirements failed; colours only when color is true.
func writeMatrix(w io.Writer, rows []Row, color bool) {
	if len(rows) == 0 {
		return
	}
	cols := Columns()
	width := make([]int, len(cols))
	cells := make([][]string, len(rows))
	for i, row := range rows {
		for j, c := range row.Cells {
			text, _ := matrixMark(c.Result)
			switch c.Result {
			case CellFailedMust, CellFailedShould, CellFailedMay:
				text = fmt.Sprintf("%s %d/%d", text, c.Counts[Failed], c.Total)
			case CellPassed:
				text = fmt.Sprintf("%s %d", text, c.Total)
			}
			cells[i] = append(cells[i], text)
			width[j] = max(width[j], len(text), len(cols[j].Name))
		}
	}
	name := 10
	for _, row := range rows {
		name = max(name, len(row.Suite))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "  %-*s", name, "")
	for j, c := range cols {
		fmt.Fprintf(&b, " %-*s", width[j], c.Name)
	}
	fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	for i, row := range rows {
		b.Reset()
		fmt.Fprintf(&b, "  %-*s", name, row.Suite)
		for j, text := range cells[i] {
			cell := fmt.Sprintf("%-*s", width[j], text)
			if color {
				_, color := matrixMark(row.Cells[j].Result)
				cell = color + cell + "\x1b[0m"
			}
			b.WriteString(" " + cell)
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// colorful reports whether w is a terminal that takes colours: a character device, and NO_COLOR
// not set (https://no-color.org).
func colorful(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func countFailed(r *Report) int {
	n := 0
	for _, s := range r.Specs {
		if s.Failed() {
			n++
		}
	}
	return n
}

// FirstLine is the first line of a message (a summary names a failure by it).
func FirstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}
