package selftest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/report"
)

// misbehaving targets: each answers every request the same wrong way, but answers. evidence is
// what every failing spec's message must show of it. (A target that gives no answer at all is
// stopped by the probe before the first spec: target_test.go.)
var misbehaving = []struct {
	name     string
	handler  http.HandlerFunc
	evidence []string
	env      []string
}{
	{
		name: "HTML error page",
		handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, "<html><body><h1>502 Bad Gateway</h1></body></html>")
		},
		evidence: []string{"status 502", "Bad Gateway"},
	},
	{
		name: "body that is not JSON",
		handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, "transaction accepted, thank you")
		},
		evidence: []string{"not JSON"},
	},
	{
		name: "truncated body",
		handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "400")
			_, _ = io.WriteString(w, `{"transaction":{"uid":"abc","status":"pend`)
		},
		evidence: []string{"unexpected EOF"},
	},
	{
		name: "500 with an error body",
		handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"message":"Internal error","errors":{"system":["System error."]}}`)
		},
		evidence: []string{"status 500"},
	},
}

// TestMisbehavingTargets runs the suite against targets that answer garbage: every spec that
// reaches the target fails with the evidence, none passes or panics, the run ends, and the report
// is written.
func TestMisbehavingTargets(t *testing.T) {
	t.Parallel()
	for _, m := range misbehaving {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(m.handler)
			defer srv.Close()
			// Close waits for handlers; cutting the connections ends the one that never answers.
			defer srv.CloseClientConnections()
			env := append([]string{
				"PAYCERT_TARGET=" + srv.URL,
				"PAYCERT_PAYSAGE_SHOP_ID=shop-1",
				"PAYCERT_PAYSAGE_SECRET_KEY=not-a-real-secret-for-garbage",
				"PAYCERT_OTP_SOURCE=static:1234",
				"PAYCERT_REQUEST_TIMEOUT=2s",
				"PAYCERT_WAIT_TIMEOUT=1s",
			}, m.env...)
			r := runSuite(t, paysageSuite, 3*time.Minute, env...)
			if r.exit == 0 {
				t.Errorf("the run exited 0 against a target that answers with a %s", m.name)
			}
			if r.report.Verdict != report.NonConformant {
				t.Errorf("verdict %s, want %s", r.report.Verdict, report.NonConformant)
			}
			failed := 0
			for _, s := range r.report.Specs {
				switch {
				case s.State == "passed":
					t.Errorf("spec passed against garbage: %s", s.Name)
				case s.State == "panicked":
					t.Errorf("spec panicked: %s: %s", s.Name, s.Failure)
				case s.Failed():
					failed++
					if !containsAny(s.Failure, m.evidence) {
						t.Errorf("spec %q failed without the evidence %q:\n%s", s.Name, m.evidence, s.Failure)
					}
					if s.Transcript == "" {
						t.Errorf("spec %q failed with no transcript", s.Name)
					}
				}
			}
			if failed < len(r.report.Specs)*3/4 {
				t.Errorf("only %d of %d specs failed", failed, len(r.report.Specs))
			}
		})
	}
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
