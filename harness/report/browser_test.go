package report_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/report"
)

// TestPageInBrowser loads the report page in headless Chromium and reads the verdict from the
// DOM the browser built, after the page's script ran. `make test` installs Chromium and sets
// PAYCERT_REQUIRE_BROWSER=1, so that a missing browser fails there instead of skipping.
func TestPageInBrowser(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("PAYCERT_REQUIRE_BROWSER") != "" {
			t.Fatal("chromium is not installed (make browser installs it)")
		}
		t.Skip("chromium is not installed; make test installs it (make browser)")
	}
	dir := t.TempDir()
	if err := report.Write(dir, sample()); err != nil {
		t.Fatal(err)
	}
	page, _ := filepath.Abs(filepath.Join(dir, report.HTMLFile))

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--dump-dom", "file://"+page)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	dom := string(out)
	verdict := regexp.MustCompile(`id="verdict" data-verdict="([a-z-]+)">([a-z-]+)<`).FindStringSubmatch(dom)
	if verdict == nil || verdict[1] != report.NonConformant || verdict[2] != report.NonConformant {
		t.Fatalf("the browser shows no non-conformant verdict: %v", verdict)
	}
	if !regexp.MustCompile(`<body[^>]*data-ready="yes"`).MatchString(dom) {
		t.Error("the page's script did not run in the browser")
	}
	if n := len(regexp.MustCompile(`<tr class="req"`).FindAllString(dom, -1)); n != 5 {
		t.Errorf("the requirement matrix has %d rows in the browser, want 5", n)
	}
}
