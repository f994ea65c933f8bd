package conformance_test

import (
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/paycert/paycert/harness/conformance"
)

// TestProgressReportFilter feeds the filter what Ginkgo's own console reporter writes for an
// interrupted run (the progress report of the interrupt, then the interrupted spec with the report
// inside its failure) and checks that the stacks are gone while the dots, the failure and the
// summary stay, with and without colour.
func TestProgressReportFilter(t *testing.T) {
	start := time.Date(2025, 4, 26, 7, 15, 0, 0, time.UTC)
	pr := types.ProgressReport{
		Message:       "Interrupted by User\nFirst interrupt received; Ginkgo will run any cleanup and reporting nodes but will skip all remaining specs.\nHere's a current progress report:",
		LeafNodeText:  "resends the OTP after the window",
		SpecStartTime: start, CurrentNodeType: types.NodeTypeIt, CurrentNodeStartTime: start,
		TimelineLocation: types.TimelineLocation{Time: start.Add(time.Minute)},
		Goroutines: []types.Goroutine{{ID: 7, State: "select", IsSpecGoroutine: true,
			Stack: []types.FunctionCall{{Function: "github.com/paycert/paycert/harness/clock.Wait.Advance", Filename: "/src/harness/clock/clock.go", Line: 121}}}},
	}
	failed := pr
	failed.Message = "This is the Progress Report generated when the interrupt was received:"
	interrupted := types.SpecReport{
		LeafNodeType: types.NodeTypeIt, LeafNodeText: "resends the OTP after the window", State: types.SpecStateInterrupted,
		StartTime: start, EndTime: start.Add(time.Minute), RunTime: time.Minute,
		Failure: types.Failure{Message: "Interrupted by User", FailureNodeType: types.NodeTypeIt, ProgressReport: failed,
			Location: types.CodeLocation{FileName: "/src/suites/paysage/otp.go", LineNumber: 40}},
	}
	passed := types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: "confirms", State: types.SpecStatePassed}
	suite := types.Report{SuiteDescription: "PaySage conformance", SpecReports: types.SpecReports{passed, interrupted},
		SpecialSuiteFailureReasons: []string{"Interrupted by User"}, SuiteConfig: types.SuiteConfig{RandomSeed: 1}}

	for _, color := range []bool{false, true} {
		var out strings.Builder
		f := conformance.NewProgressReportFilter(&out)
		r := reporters.NewDefaultReporter(types.ReporterConfig{NoColor: !color, Succinct: true}, f)
		r.SuiteWillBegin(suite)
		r.DidRun(passed)
		if !strings.Contains(out.String(), "•") {
			t.Errorf("color %v: the passed spec's dot was held back: %q", color, out.String())
		}
		r.EmitProgressReport(pr)
		withTimeline := interrupted
		withTimeline.ProgressReports = []types.ProgressReport{pr}
		r.DidRun(withTimeline)
		r.SuiteDidEnd(suite)
		if err := f.Flush(); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		for _, gone := range []string{"Goroutine", "clock.Wait.Advance", "clock.go", "Progress Report", "progress report", "First interrupt received", "Interrupt again"} {
			if strings.Contains(got, gone) {
				t.Errorf("color %v: %q is still in the output:\n%s", color, gone, got)
			}
		}
		for _, kept := range []string{"PaySage conformance", "[INTERRUPTED] Interrupted by User", "otp.go:40", "Summarizing 1 Failure", "FAIL!"} {
			if !strings.Contains(got, kept) {
				t.Errorf("color %v: %q is missing from the output:\n%s", color, kept, got)
			}
		}
	}
}

// TestProgressReportFilterPassesPlainOutput: output with no progress report passes unchanged,
// however it is cut into writes.
func TestProgressReportFilterPassesPlainOutput(t *testing.T) {
	text := "[1] PaySage - 3/3 specs •••\n  [FAILED] the answer\n  In [It] at: otp.go:40\n------------------------------\n SUCCESS! 1s "
	for _, size := range []int{1, 3, 7, len(text)} {
		var out strings.Builder
		f := conformance.NewProgressReportFilter(&out)
		for i := 0; i < len(text); i += size {
			if _, err := f.Write([]byte(text[i:min(i+size, len(text))])); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.Flush(); err != nil {
			t.Fatal(err)
		}
		if out.String() != text {
			t.Errorf("writes of %d: got %q", size, out.String())
		}
	}
}
