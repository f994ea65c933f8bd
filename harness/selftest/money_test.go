package selftest_test

import (
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/budget"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/paysage"
)

// TestMoneyGuardRefusesALiveTarget: a Monetix target that is no test double, no sandbox host and
// not allowed (Monetix requests have no test mode) gets not one connection, not even the probe;
// the run exits 2 and its report names the rule. Allowing the host without capping the amount is
// refused the same way.
func TestMoneyGuardRefusesALiveTarget(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	base := []string{"PAYCERT_TARGET=http://" + ln.Addr().String(), "PAYCERT_MONETIX_PROJECT_ID=1", "PAYCERT_MONETIX_SECRET_KEY=live-looking-secret", "PAYCERT_CALLBACKS=false"}
	cases := []struct {
		name string
		env  []string
		rule string
	}{
		{"not allowed", nil, "rule no-live-money"},
		{"allowed without a cap", []string{"PAYCERT_ALLOW_LIVE=127.0.0.1"}, "rule max-amount"},
	}
	for _, c := range cases {
		r := runSuite(t, "monetix", time.Minute, append(base, c.env...)...)
		if r.exit != 2 {
			t.Errorf("%s: exit %d, want 2\n%s", c.name, r.exit, tail(r.output, 2000))
		}
		if len(r.report.Errors) == 0 || !strings.Contains(r.report.Errors[0], c.rule) || !strings.Contains(r.output, "PAYCERT_ALLOW_LIVE") {
			t.Errorf("%s: the report's errors %q (or the output) do not name %q and PAYCERT_ALLOW_LIVE", c.name, r.report.Errors, c.rule)
		}
		if strings.Contains(r.output, "live-looking-secret") {
			t.Errorf("%s: the output holds the secret key", c.name)
		}
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("the live-looking target got %d connections, want none", n)
	}
}

// servedPaysage serves a simulator of PaySage as an external target (with its control API on the
// same host, a test double) and counts the requests of specs that reach it.
type servedPaysage struct {
	*httptest.Server
	mu       sync.Mutex
	payments int
	requests int
}

func servePaysage(t *testing.T) *servedPaysage {
	t.Helper()
	srv, err := sim.New(sim.Options{Seed: 3, Providers: []sim.Factory{paysage.Factory()},
		Credentials: map[string]sim.Credentials{"paysage": {ID: "shop", Secret: "served-paysage-secret"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	s := &servedPaysage{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The probe before the run asks each documented path once, with no credentials and no
		// body: it moves nothing and is not a spec's request.
		if strings.HasPrefix(r.URL.Path, "/paysage/") && r.Header.Get("Authorization") != "" {
			s.mu.Lock()
			s.requests++
			if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/transactions/payments") {
				s.payments++
			}
			s.mu.Unlock()
		}
		srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *servedPaysage) env() []string {
	return []string{"PAYCERT_TARGET=" + s.URL + "/paysage", "PAYCERT_CONTROL_URL=" + s.URL + "/control",
		"PAYCERT_PAYSAGE_SHOP_ID=shop", "PAYCERT_PAYSAGE_SECRET_KEY=served-paysage-secret"}
}

// TestMoneyGuardCapsAmounts: with PAYCERT_MAX_AMOUNT under the suite's payments, no payment
// reaches the target; the specs that would have sent one are not run, with the rule, and the run
// is a configuration error (exit 2), not a pass or a finding.
func TestMoneyGuardCapsAmounts(t *testing.T) {
	t.Parallel()
	s := servePaysage(t)
	r := runSuiteArgs(t, "paysage", 2*time.Minute, []string{"-label-filter=PSG-PAY-001"}, append(s.env(), "PAYCERT_MAX_AMOUNT=0.50")...)
	if r.exit != 2 || r.report.Verdict != report.HarnessError {
		t.Errorf("exit %d, verdict %s; want 2 and %s\n%s", r.exit, r.report.Verdict, report.HarnessError, tail(r.output, 3000))
	}
	if s.payments != 0 {
		t.Errorf("%d payments reached the target over the cap", s.payments)
	}
	if len(r.report.Errors) == 0 || !strings.Contains(strings.Join(r.report.Errors, "\n"), "rule max-amount") {
		t.Errorf("the report's errors %q do not name the rule max-amount", r.report.Errors)
	}
	if q := r.requirement("PSG-PAY-001"); q.Status == report.Passed || q.Status == report.Failed {
		t.Errorf("PSG-PAY-001 is %s; a spec the guard stopped is neither passed nor failed", q.Status)
	}
	if tg := r.report.Targets[0]; !strings.Contains(tg.Money, "test double") || !strings.Contains(tg.Money, "at most 0.50") {
		t.Errorf("the target table says money %q", tg.Money)
	}
}

// TestBudgetSpacesEveryRequest: a budget set for a provider spaces every request of the run to it
// (here 100ms apart): each reached the target through a slot of the shared state, and the report's
// target table says the budget and how much it was used.
func TestBudgetSpacesEveryRequest(t *testing.T) {
	t.Parallel()
	s := servePaysage(t)
	budgetDir := t.TempDir()
	r := runSuiteArgs(t, "paysage", 2*time.Minute, []string{"-label-filter=PSG-PAY-001 || BGW-STATUS-002"},
		append(s.env(), "PAYCERT_BUDGET=auto", "PAYCERT_PAYSAGE_MIN_INTERVAL=100ms", "PAYCERT_BUDGET_DIR="+budgetDir)...)
	if r.exit != 0 {
		t.Fatalf("exit %d\n%s", r.exit, tail(r.output, 3000))
	}
	files, _ := filepath.Glob(filepath.Join(budgetDir, "*.budget"))
	if len(files) != 1 {
		t.Fatalf("%d budget state files, want 1", len(files))
	}
	starts, err := budget.Starts(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(starts) != s.requests || s.requests < 3 {
		t.Errorf("%d slots taken for %d requests to the target; want one each (and a few)", len(starts), s.requests)
	}
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < 100*time.Millisecond {
			t.Errorf("requests %d and %d started %s apart, want at least 100ms", i, i+1, gap)
		}
	}
	tg := r.report.Targets[0]
	if !strings.Contains(tg.Budget, "100ms apart") || !strings.Contains(tg.Budget, "PAYCERT_PAYSAGE_MIN_INTERVAL") {
		t.Errorf("the target table says the budget %q", tg.Budget)
	}
}
