package report_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/requirements"
)

// viewports are the screens a report is read on: a laptop and a phone.
var viewports = []struct {
	name          string
	width, height int
}{
	{"desktop", 1366, 900},
	{"phone", 390, 844},
}

// TestFirstScreenInBrowser renders a conformant, a non-conformant and a harness-error report in
// headless Chromium at desktop and phone sizes, and reads from the DOM the browser built what
// the first screen shows: the whole provider × flow matrix, and, where there is one, the first
// failed requirement (the root cause, not the failures it caused) or the harness error. A
// screenshot of each is kept in the artifact folder (PAYCERT_ARTIFACT_DIR, else
// reports/test-artifacts/browser). `make test` installs Chromium and sets
// PAYCERT_REQUIRE_BROWSER=1, so that a missing browser fails there instead of skipping.
func TestFirstScreenInBrowser(t *testing.T) {
	browser := chromium(t)
	artifacts := artifactDir(t)
	cases := []struct {
		name    string
		report  *report.Report
		verdict string
		first   []string
		// failure is the heading of the first failed requirement.
		failure string
	}{
		{"conformant", bigReport(false, false), report.Conformant, []string{"matrix"}, ""},
		{"non-conformant", bigReport(true, false), report.NonConformant, []string{"matrix", "first-failure"}, "PSG-CONFIRM-003"},
		{"harness-error", bigReport(false, true), report.HarnessError, []string{"matrix", "first-error"}, ""},
	}
	for _, c := range cases {
		dir := t.TempDir()
		if err := report.Write(dir, c.report); err != nil {
			t.Fatal(err)
		}
		page, _ := filepath.Abs(filepath.Join(dir, report.HTMLFile))
		for _, v := range viewports {
			t.Run(c.name+"/"+v.name, func(t *testing.T) {
				dom := runChromium(t, browser, "--dump-dom", "file://"+page)
				if m := regexp.MustCompile(`data-verdict="([a-z-]+)"`).FindStringSubmatch(dom); m == nil || m[1] != c.verdict {
					t.Errorf("the browser shows verdict %v, want %s", m, c.verdict)
				}
				// A headless window is never narrower than 500 pixels, so the page is laid out in a
				// frame of the viewport's size, whose first screen the frame's page reports.
				frame := filepath.Join(dir, v.name+".html")
				if err := os.WriteFile(frame, []byte(fmt.Sprintf(framePage, v.width, v.height)), 0o644); err != nil {
					t.Fatal(err)
				}
				framed := runChromium(t, browser, "--allow-file-access-from-files", "--window-size=1400,1000", "--dump-dom", "file://"+frame)
				body := regexp.MustCompile(`<body[^>]*>`).FindString(framed)
				if !strings.Contains(body, `data-ready="yes"`) {
					t.Fatalf("the page's script did not run in the browser: %s", body)
				}
				if want := fmt.Sprintf(`data-viewport="%dx%d"`, v.width, v.height); !strings.Contains(body, want) {
					t.Fatalf("the page was not laid out at %dx%d: %s", v.width, v.height, body)
				}
				shown := regexp.MustCompile(`data-first-screen="([^"]*)"`).FindStringSubmatch(body)
				if shown == nil {
					t.Fatalf("the page did not say what its first screen shows: %s", body)
				}
				for _, want := range c.first {
					if !strings.Contains(" "+shown[1]+" ", " "+want+" ") {
						t.Errorf("%s is not on the first screen (%s), which shows: %q", want, regexp.MustCompile(`data-viewport="[^"]*"`).FindString(body), shown[1])
					}
				}
				if c.failure != "" {
					first := regexp.MustCompile(`(?s)id="failures".*?<h3><a[^>]*>([A-Z]+-[A-Z]+-[0-9]+)</a>`).FindStringSubmatch(dom)
					if first == nil || first[1] != c.failure {
						t.Errorf("the first failed requirement shown is %v, want %s (the root cause)", first, c.failure)
					}
				}
				shot := filepath.Join(artifacts, c.name+"-"+v.name+".png")
				runChromium(t, browser, fmt.Sprintf("--window-size=%d,%d", v.width, v.height), "--hide-scrollbars", "--screenshot="+shot, "file://"+page)
				if info, err := os.Stat(shot); err != nil || info.Size() == 0 {
					t.Errorf("no screenshot at %s: %v", shot, err)
				}
			})
		}
	}
}

// framePage shows the report in a frame of a viewport's width and height and copies what the
// report's script says of its first screen onto its own body.
const framePage = `<!DOCTYPE html><html><body style="margin:0">
<iframe src="index.html" width="%d" height="%d" style="border:0;display:block"
 onload="var b = this.contentDocument.body; for (var k in b.dataset) document.body.dataset[k] = b.dataset[k];"></iframe>
</body></html>`

// checkoutPath is the absolute path, on this machine, of a file of the checkout: what a spec's
// location is before the report makes it a repository path.
func checkoutPath(file string) string {
	abs, err := filepath.Abs(filepath.Join("..", "..", filepath.FromSlash(file)))
	if err != nil {
		panic(err)
	}
	return abs
}

func chromium(t *testing.T) string {
	t.Helper()
	browser, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("PAYCERT_REQUIRE_BROWSER") != "" {
			t.Fatal("chromium is not installed (make browser installs it)")
		}
		t.Skip("chromium is not installed; make test installs it (make browser)")
	}
	return browser
}

// artifactDir is where screenshots are kept after the test.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("PAYCERT_ARTIFACT_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "reports", "test-artifacts")
	}
	dir = filepath.Join(dir, "browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func runChromium(t *testing.T, browser string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	all := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + t.TempDir()}, args...)
	out, err := exec.CommandContext(ctx, browser, all...).Output()
	if err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// bigReport is a run of four suites the size of paycert's (about 140 requirements), with, when
// failing is true, the failures of the wrong-OTP fault: the requirement it breaks is the last of
// its catalogue, after the four duplicate-window requirements that failed because of it; with
// broken true, a suite that could not set up.
func bigReport(failing, broken bool) *report.Report {
	start := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	r := &report.Report{Tool: "paycert", RunID: "browser-test", Started: start, Finished: start.Add(3 * time.Second)}
	flows := []string{"init", "otp", "wrong-otp", "resend", "refund", "status", "callback", "signature", "test-phones", "validation"}
	for _, suite := range []string{"bepaid", "freedompay", "monetix", "paysage"} {
		r.Targets = append(r.Targets, report.Target{Suite: suite, Provider: suite, Kind: "embedded simulator", URL: "http://127.0.0.1:1/" + suite, Clock: report.ClockMoved})
		for i := 0; i < 35; i++ {
			id := fmt.Sprintf("%s-REQ-%03d", strings.ToUpper(suite[:3]), i+1)
			r.Requirements = append(r.Requirements, report.Requirement{Suite: suite, Requirement: requirements.Requirement{
				ID: id, Level: requirements.Must, Flow: flows[i%len(flows)], Source: "document, section " + id,
				Text: "A requirement of the provider's document, paraphrased at the length the catalogues have, " + id + "."}})
			if broken && suite == "monetix" {
				continue // the suite that could not set up ran no spec
			}
			r.Specs = append(r.Specs, report.Spec{ID: suite + "-spec-" + id, Suite: suite, Name: "a spec of " + id, State: "passed", Requirements: []string{id}})
		}
	}
	if failing {
		for _, id := range []string{"PSG-DUP-001", "PSG-DUP-002", "PSG-DUP-003", "PSG-DUP-004", "PSG-CONFIRM-003"} {
			flow := "otp"
			if id == "PSG-CONFIRM-003" {
				flow = "wrong-otp"
			}
			r.Requirements = append(r.Requirements, report.Requirement{Suite: "paysage", Requirement: requirements.Requirement{
				ID: id, Level: requirements.Must, Flow: flow, Text: "The requirement " + id + ".", Source: "000, Transaction confirmation"}})
			s := report.Spec{ID: "paysage-" + id, Suite: "paysage", Name: "PaySage transaction confirmation, " + id, State: "failed",
				Requirements: []string{id}, Location: checkoutPath("suites/paysage/confirm.go") + ":50",
				Failure: "want the request declined, got transaction.status \"successful\"\n" + strings.Repeat("evidence line\n", 30)}
			if id != "PSG-CONFIRM-003" {
				s.Because = "PSG-CONFIRM-003"
			}
			s.Exchanges = []record.Exchange{{Seq: 1, Provider: "paysage", Operation: "confirmPayment",
				Request:  record.Message{Method: "POST", URL: "http://127.0.0.1:1/confirm", Body: `{"request":{"password":"[OTP#1 altered]"}}`},
				Response: &record.Message{Status: 200, Body: `{"transaction":{"status":"successful","uid":"u1"}}`}, LookedAt: []string{"transaction.status"}}}
			r.Specs = append(r.Specs, s)
		}
	}
	if broken {
		r.Errors = append(r.Errors, "monetix BeforeSuite: PAYCERT_MONETIX_URL: the target does not answer: dial tcp 127.0.0.1:1: connection refused")
	}
	r.Judge()
	return r
}
