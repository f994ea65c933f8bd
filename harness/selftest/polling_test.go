package selftest_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/report"
)

// TestCallbacksOff runs each suite against the embedded simulator with callbacks switched off
// (PAYCERT_CALLBACKS=false), on the flows that wait for an outcome (label filters keep it short):
// the requirements about the callbacks themselves are not applicable, with the reason; Monetix's
// flows too, since its documents give no status operation (errata ERR-MTX-024); everything else
// that ran passed, and the specs that took their outcome by polling the status operation say so.
func TestCallbacksOff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		suite  string
		filter string
		// polled says whether some spec must have its outcome by polling.
		polled bool
	}{
		{paysageSuite, "!slow && (status || callback || refund)", true},
		{bepaidSuite, "!slow && (status || callback || refund)", true},
		{freedompaySuite, "!slow && (status || callback || test-phones)", true},
		{monetixSuite, "!slow && (init || otp || callback || refund)", false},
	}
	for _, tt := range tests {
		t.Run(tt.suite, func(t *testing.T) {
			t.Parallel()
			r := runSuiteArgs(t, tt.suite, 3*time.Minute, []string{"-label-filter=" + tt.filter}, "PAYCERT_CALLBACKS=false")
			if r.exit != 0 {
				t.Fatalf("exit %d, want 0: nothing failed\n%s", r.exit, tail(r.output, 4000))
			}
			passed, notApplicable := 0, 0
			for _, q := range r.report.Requirements {
				switch q.Status {
				case report.Passed:
					passed++
				case report.NotApplicable:
					notApplicable++
					if !strings.Contains(q.Reason, "PAYCERT_CALLBACKS=false") {
						t.Errorf("%s is not applicable for another reason than callbacks: %s", q.ID, q.Reason)
					}
					switch {
					case slices.Contains(q.Needs, "callbacks"):
					case tt.suite == monetixSuite && slices.Contains(q.Needs, "outcome") && strings.Contains(q.Reason, "ERR-MTX-024"):
					default:
						t.Errorf("%s (needs %v) is not applicable (%s); only the callbacks' own requirements may be", q.ID, q.Needs, q.Reason)
					}
				case report.NotRun:
				default:
					t.Errorf("%s is %s, want passed or, about callbacks, not applicable", q.ID, q.Status)
				}
			}
			if passed == 0 || notApplicable == 0 {
				t.Errorf("%d requirements passed and %d not applicable; want some of each", passed, notApplicable)
			}
			var polled []string
			for _, s := range r.report.Specs {
				if s.OutcomeBy == report.OutcomeByPolling {
					polled = append(polled, s.Name)
					if s.State != "passed" {
						t.Errorf("spec %q, outcome by polling, is %s", s.Name, s.State)
					}
				}
			}
			if tt.polled != (len(polled) > 0) {
				t.Errorf("%d specs have their outcome by polling, want some: %t", len(polled), tt.polled)
			}
		})
	}
}

// TestCallbacksOffCatchesAWrongOutcome checks that polling judges the outcome: a bePaid simulator
// that pays from the test number meant to fail for insufficient funds, with callbacks off, fails
// the status requirement in a spec whose outcome came by polling.
func TestCallbacksOffCatchesAWrongOutcome(t *testing.T) {
	t.Parallel()
	r := runSuiteArgs(t, bepaidSuite, 3*time.Minute, []string{"-label-filter=BPD-STATUS-001"},
		"PAYCERT_CALLBACKS=false", "PAYCERT_SIM_FAULTS=bepaid.wrong-test-result")
	if r.exit != 1 || r.report.Verdict != report.NonConformant {
		t.Errorf("exit %d, verdict %s; want 1, %s", r.exit, r.report.Verdict, report.NonConformant)
	}
	if q := r.requirement("BPD-STATUS-001"); q.Status != report.Failed {
		t.Errorf("BPD-STATUS-001 is %s (%s), want failed", q.Status, q.Reason)
	}
	caught := false
	for _, s := range r.report.Specs {
		if s.Failed() {
			caught = true
			if s.OutcomeBy != report.OutcomeByPolling {
				t.Errorf("the failed spec %q does not say its outcome came by polling", s.Name)
			}
		}
	}
	if !caught {
		t.Errorf("no spec failed\n%s", tail(r.output, 4000))
	}
}
