package selftest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/bepaid"
	"github.com/paycert/paycert/harness/sim/freedompay"
	"github.com/paycert/paycert/harness/sim/monetix"
	"github.com/paycert/paycert/harness/sim/paysage"
)

// suiteFaults are the faults of each suite's provider simulator.
var suiteFaults = map[string][]sim.Fault{paysageSuite: paysage.Faults(), bepaidSuite: bepaid.Faults(), monetixSuite: monetix.Faults(), freedompaySuite: freedompay.Faults()}

// minSpecs is how many specs each suite has at least, so that a suite that lost specs is noticed.
var minSpecs = map[string]int{paysageSuite: 80, bepaidSuite: 95, monetixSuite: 70, freedompaySuite: 90}

// TestSuitePassesAgainstTheSimulator is the baseline the fault runs are compared with: the sound
// simulator is conformant, and every requirement of the catalogue is tested by some spec.
func TestSuitePassesAgainstTheSimulator(t *testing.T) {
	t.Parallel()
	for _, suite := range []string{paysageSuite, bepaidSuite, monetixSuite, freedompaySuite} {
		t.Run(suite, func(t *testing.T) {
			t.Parallel()
			r := runSuite(t, suite, 3*time.Minute)
			if r.exit != 0 || r.report.Verdict != report.Conformant {
				t.Fatalf("want a conformant run with exit 0, got %s with exit %d\n%s", r.report.Verdict, r.exit, tail(r.output, 6000))
			}
			for _, req := range r.report.Requirements {
				if req.Status != report.Passed {
					t.Errorf("%s is %s (%s), want passed", req.ID, req.Status, req.Reason)
				}
			}
			if len(r.report.Specs) < minSpecs[suite] {
				t.Errorf("only %d specs ran", len(r.report.Specs))
			}
		})
	}
}

// TestFaultsAreCaught switches each simulator fault on, one at a time, and expects the suite of
// its provider to report the requirement the fault breaks failed, and the run to exit non-zero.
func TestFaultsAreCaught(t *testing.T) {
	t.Parallel()
	for _, suite := range []string{paysageSuite, bepaidSuite, monetixSuite, freedompaySuite} {
		for _, f := range suiteFaults[suite] {
			t.Run(f.Name, func(t *testing.T) {
				t.Parallel()
				expectCaught(t, suite, f)
			})
		}
	}
}

func expectCaught(t *testing.T, suite string, f sim.Fault) {
	t.Helper()
	r := runSuite(t, suite, 3*time.Minute, "PAYCERT_SIM_FAULTS="+f.Name, "PAYCERT_WAIT_TIMEOUT=1s")
	got := r.requirement(f.Requirement)
	// A departure from a MAY (paycert's decision where the documents are silent) is reported
	// failed, but the verdict does not count it; any other fault makes the run non-conformant.
	if got.Level != "MAY" {
		if r.exit == 0 {
			t.Errorf("the run exited 0 with fault %s (%s)", f.Name, f.Description)
		}
		if r.report.Verdict != report.NonConformant {
			t.Errorf("verdict %s, want %s", r.report.Verdict, report.NonConformant)
		}
	}
	if got.Status != report.Failed {
		var failed []string
		for _, req := range r.report.Requirements {
			if req.Status == report.Failed {
				failed = append(failed, req.ID)
			}
		}
		t.Errorf("fault %q (%s): %s is %s, want failed; failed: %s", f.Name, f.Description, f.Requirement, got.Status, strings.Join(failed, ", "))
	}
}
