package conformance

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"sync"
)

// ProgressReportFilter passes Ginkgo's console output on without its progress reports: the
// stacks of the spec's goroutine (and others) Ginkgo prints when a run is interrupted, when a
// node outlives its deadline, or when it polls a slow spec. Ginkgo has no setting that leaves the
// interrupt's report out. A paycert run says which specs were stopped in its report, and its
// progress line says what a spec was waiting for; the stacks would only bury that.
//
// Output is passed on line by line; a line that does not start with a space (Ginkgo's dots, its
// summary) is passed on at once, before its end. Call Flush when Ginkgo is done.
type ProgressReportFilter struct {
	out io.Writer

	mu sync.Mutex
	// line is the line held back until its end.
	line []byte
	// streaming: the current line is being passed on as it comes.
	streaming bool
	// inBlock: inside a progress report between two of Ginkgo's indented delimiters.
	inBlock bool
	// indentedUnder >= 0: dropping the lines indented deeper than this, under a failure's
	// "This is the Progress Report" line.
	indentedUnder int
}

// NewProgressReportFilter returns a filter writing to out.
func NewProgressReportFilter(out io.Writer) *ProgressReportFilter {
	return &ProgressReportFilter{out: out, indentedUnder: -1}
}

// ansi matches the colour escapes Ginkgo writes.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// progressDelimiter is the line, indented once, that opens and closes Ginkgo's progress report.
const progressDelimiter = "  ------------------------------"

// progressHeading matches the line that heads a progress report inside a failure or a spec's
// timeline ("This is the Progress Report generated when ...", "Here's a current progress
// report:"); what is indented under it is the report.
var progressHeading = regexp.MustCompile(`(?i)progress report`)

// interruptAdvice matches Ginkgo's advice to interrupt again, which would stop the run without
// its report.
var interruptAdvice = regexp.MustCompile(`(?i)interrupt received`)

// Write passes p on, less the progress reports.
func (f *ProgressReportFilter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(p)
	for len(p) > 0 {
		nl := bytes.IndexByte(p, '\n')
		chunk := p
		if nl >= 0 {
			chunk = p[:nl+1]
		}
		p = p[len(chunk):]
		if err := f.take(chunk, nl >= 0); err != nil {
			return n - len(p), err
		}
	}
	return n, nil
}

// take handles a piece of a line; ended says it is the line's end.
func (f *ProgressReportFilter) take(chunk []byte, ended bool) error {
	if len(f.line) == 0 && !f.streaming && !f.dropping() && chunk[0] != ' ' {
		f.streaming = true
	}
	if f.streaming {
		if ended {
			f.streaming = false
		}
		_, err := f.out.Write(chunk)
		return err
	}
	f.line = append(f.line, chunk...)
	if !ended {
		return nil
	}
	line := f.line
	f.line = nil
	if f.keep(string(line)) {
		_, err := f.out.Write(line)
		return err
	}
	return nil
}

func (f *ProgressReportFilter) dropping() bool { return f.inBlock || f.indentedUnder >= 0 }

// keep decides on a whole line.
func (f *ProgressReportFilter) keep(line string) bool {
	plain := strings.TrimRight(ansi.ReplaceAllString(line, ""), "\r\n")
	if f.inBlock {
		if plain == progressDelimiter {
			f.inBlock = false
		}
		return false
	}
	if f.indentedUnder >= 0 {
		if strings.TrimSpace(plain) == "" || indentation(plain) > f.indentedUnder {
			return false
		}
		f.indentedUnder = -1
	}
	switch {
	case plain == progressDelimiter:
		f.inBlock = true
		return false
	case progressHeading.MatchString(plain):
		f.indentedUnder = indentation(plain)
		return false
	case interruptAdvice.MatchString(plain):
		return false
	}
	return true
}

// Flush passes on a line held back, unfinished (Ginkgo ends its succinct summary without a
// newline).
func (f *ProgressReportFilter) Flush() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	line := f.line
	f.line = nil
	if len(line) == 0 || f.dropping() {
		return nil
	}
	_, err := f.out.Write(line)
	return err
}

func indentation(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }
