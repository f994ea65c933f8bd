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

// TestBadConfigurationStopsBeforeAnyRequest: a missing secret and a bad clock stop paycert run
// with exit 2 and the settings' names, before any suite starts; the target sees no request.
func TestBadConfigurationStopsBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	r := runPaycert(t, time.Minute, []string{"run", "-suites", paysageSuite},
		"PAYCERT_TARGET="+srv.URL, "PAYCERT_PAYSAGE_SHOP_ID=shop", "PAYCERT_CLOCK=fast")
	if r.exit != 2 {
		t.Errorf("exit %d, want 2", r.exit)
	}
	for _, setting := range []string{"PAYCERT_PAYSAGE_SECRET_KEY", "PAYCERT_CLOCK"} {
		if !strings.Contains(r.output, setting) {
			t.Errorf("the error does not name %s:\n%s", setting, r.output)
		}
	}
	if strings.Contains(r.output, "Running Suite") {
		t.Errorf("a suite started with a bad configuration:\n%s", r.output)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the target got %d requests", n)
	}
}

// TestSuiteOnItsOwnReportsBadConfiguration: a suite run on its own (as `ginkgo ./suites/paysage`
// runs it) stops in its setup with the settings' names, sends nothing, and still writes its
// report, with verdict error and the problem said once.
func TestSuiteOnItsOwnReportsBadConfiguration(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	dir := t.TempDir()
	r := runPaycert(t, time.Minute, []string{"run-suite", "-suite", paysageSuite, "-report-dir", dir},
		"PAYCERT_TARGET="+srv.URL, "PAYCERT_PAYSAGE_SHOP_ID=shop", "PAYCERT_CLOCK=fast")
	if r.exit == 0 {
		t.Error("a bad configuration exited 0")
	}
	rep, err := report.Read(dir)
	if err != nil {
		t.Fatalf("no report: %v\n%s", err, r.output)
	}
	if rep.Verdict != report.HarnessError || len(rep.Errors) != 1 {
		t.Fatalf("verdict %s, errors %q; want error, said once", rep.Verdict, rep.Errors)
	}
	for _, setting := range []string{"PAYCERT_PAYSAGE_SECRET_KEY", "PAYCERT_CLOCK"} {
		if !strings.Contains(rep.Errors[0], setting) || !strings.Contains(r.output, setting) {
			t.Errorf("the error does not name %s: %s", setting, rep.Errors[0])
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the target got %d requests", n)
	}
}
