package selftest_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/report"
)

// TestBadConfigurationStopsBeforeAnyRequest: a missing secret stops the suite in its setup with the
// setting's name; the target sees no request; the report is still written, with verdict error.
func TestBadConfigurationStopsBeforeAnyRequest(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	r := runSuite(t, paysageSuite, time.Minute, "PAYCERT_TARGET="+srv.URL, "PAYCERT_PAYSAGE_SHOP_ID=shop", "PAYCERT_CLOCK=fast")
	if r.exit == 0 {
		t.Error("a bad configuration exited 0")
	}
	if r.report.Verdict != report.HarnessError || len(r.report.Errors) == 0 {
		t.Fatalf("verdict %s, errors %v", r.report.Verdict, r.report.Errors)
	}
	for _, setting := range []string{"PAYCERT_PAYSAGE_SECRET_KEY", "PAYCERT_CLOCK"} {
		if !strings.Contains(r.report.Errors[0], setting) || !strings.Contains(r.output, setting) {
			t.Errorf("the error does not name %s: %s", setting, r.report.Errors[0])
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the target got %d requests", n)
	}
}
