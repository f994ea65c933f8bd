package report

import (
	"fmt"
	"io"
	"strings"

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
	}
	s := r.Summary.Requirements
	fmt.Fprintf(w, "  requirements: %d passed, %d failed, %d not run, %d not applicable, %d not covered (%d MUST not run)\n",
		s[Passed], s[Failed], s[NotRun], s[NotApplicable], s[NotCovered], r.Summary.MustNotRun)
	fmt.Fprintf(w, "  specs: %d passed, %d failed, %d skipped\n", r.Summary.Specs["passed"], countFailed(r), r.Summary.Specs["skipped"])
	for _, req := range r.Requirements {
		if req.Status == Failed {
			note := ""
			if req.Level == requirements.May {
				note = " [a decision of paycert's; not counted in the verdict]"
			}
			fmt.Fprintf(w, "  FAILED %s (%s) %s%s\n", req.ID, req.Level, req.Text, note)
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
