package selftest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/paysage"
	"github.com/paycert/paycert/harness/sim/simtest"
)

// TestTargetWithoutControlAPI runs the suite against the simulator as a plain external target: no
// control API, no OTP source, callbacks off, real time (the slow specs filtered out). The specs
// that need what is missing are reported not applicable with the reason, never passed; the rest
// pass; the verdict is incomplete.
func TestTargetWithoutControlAPI(t *testing.T) {
	t.Parallel()
	l := simtest.Start(t, sim.Options{Seed: 5, Running: true,
		Providers:   []sim.Factory{paysage.Factory()},
		Credentials: map[string]sim.Credentials{"paysage": {ID: "shop", Secret: "plain-target-secret"}}})
	r := runSuiteArgs(t, paysageSuite, 3*time.Minute, []string{"-label-filter=!slow"},
		"PAYCERT_TARGET="+l.ProviderURL("paysage"),
		"PAYCERT_PAYSAGE_SHOP_ID=shop",
		"PAYCERT_PAYSAGE_SECRET_KEY=plain-target-secret",
		"PAYCERT_CALLBACKS=false",
	)
	if r.exit != 0 {
		t.Fatalf("exit %d: a target without a control API is not a failure\n%s", r.exit, tail(r.output, 4000))
	}
	if r.report.Verdict != report.Incomplete {
		t.Errorf("verdict %s, want %s", r.report.Verdict, report.Incomplete)
	}
	for _, id := range []string{"PSG-CONFIRM-002", "PSG-CONFIRM-003", "PSG-DUP-001", "PSG-NOTIFY-001", "PSG-REFUND-001", "BGW-NOTIFY-001"} {
		q := r.requirement(id)
		if q.Status != report.NotApplicable || !strings.Contains(q.Reason, "PAYCERT_") {
			t.Errorf("%s: %s (%q), want not applicable with the setting to change", id, q.Status, q.Reason)
		}
	}
	for _, id := range []string{"PSG-PAY-001", "PSG-PAY-006", "PSG-CONFIRM-001", "PSG-REFUND-003", "BGW-AUTH-001", "BGW-STATUS-002"} {
		if q := r.requirement(id); q.Status != report.Passed {
			t.Errorf("%s: %s (%s), want passed", id, q.Status, q.Reason)
		}
	}
	if q := r.requirement("BGW-PAY-007"); q.Status != report.NotRun {
		t.Errorf("BGW-PAY-007 (filtered out as slow): %s, want not run", q.Status)
	}
	for _, s := range r.report.Specs {
		if s.State == "passed" && len(s.Requirements) > 0 && strings.HasPrefix(s.Requirements[0], "PSG-DUP-00") {
			t.Errorf("a duplicate-window spec passed without an OTP source: %s", s.Name)
		}
	}
}
