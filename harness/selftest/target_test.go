package selftest_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/paysage"
	"github.com/paycert/paycert/harness/sim/simtest"
)

// unusableLimit is how long a run against a target that cannot be tested may take at most: the
// probe's own bound is 8 s.
const unusableLimit = 30 * time.Second

// TestUnusableTargetStopsAtOnce: a target that is down, accepts connections but never answers,
// resets every connection, or is the simulator's root instead of a provider's base URL stops
// paycert run before the first spec with exit 2, naming the URL and the likely fix, instead of
// failing every requirement.
func TestUnusableTargetStopsAtOnce(t *testing.T) {
	t.Parallel()
	closed := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		return "http://" + ln.Addr().String()
	}()
	silent := simtest.Listen(t, func(c net.Conn) {
		<-t.Context().Done()
		c.Close()
	})
	resets := simtest.Listen(t, func(c net.Conn) {
		if tcp, ok := c.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0)
		}
		c.Close()
	})
	simulator := simtest.Start(t, sim.Options{Providers: []sim.Factory{paysage.Factory()},
		Credentials: map[string]sim.Credentials{"paysage": {ID: "shop", Secret: "unusable-target-secret"}}})

	cases := []struct {
		name, url string
		want      []string
	}{
		{"down", closed, []string{"nothing listens", "start the target"}},
		{"silent", silent, []string{"accepted the connection", "sent no HTTP answer"}},
		{"resets every connection", resets, []string{"closed the connection", "without an answer"}},
		{"simulator root", simulator.URL(), []string{"404 Not Found on every documented path", "set PAYCERT_TARGET to " + simulator.ProviderURL("paysage")}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := runPaycert(t, unusableLimit, []string{"run", "-suites", paysageSuite, "-report-dir", t.TempDir()},
				"PAYCERT_TARGET="+c.url,
				"PAYCERT_PAYSAGE_SHOP_ID=shop",
				"PAYCERT_PAYSAGE_SECRET_KEY=unusable-target-secret",
				"PAYCERT_OTP_SOURCE=static:1234",
			)
			if r.exit != 2 {
				t.Errorf("exit %d, want 2", r.exit)
			}
			for _, w := range append([]string{"the target cannot be tested", "PAYCERT_TARGET (" + c.url + ")"}, c.want...) {
				if !strings.Contains(r.output, w) {
					t.Errorf("the output does not say %q:\n%s", w, r.output)
				}
			}
			if strings.Contains(r.output, "Running Suite") {
				t.Errorf("a suite started against a target that cannot be tested")
			}
		})
	}
}

// TestTargetGoingAwayMidRun: a target that stops answering half-way (its port closed, or open
// but silent) ends the run at once: the specs before it keep their results, the rest are reported
// not run with the reason, not failed, the report is written, and the exit status is 2.
func TestTargetGoingAwayMidRun(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, reason string
		// goAway is called, in the proxy's handler, when the 60th request has been served.
		goAway func(proxy *httptest.Server, silent *atomic.Bool)
	}{
		{"port closed", "target unreachable: nothing listens", func(proxy *httptest.Server, _ *atomic.Bool) {
			proxy.Listener.Close()
			go proxy.CloseClientConnections()
		}},
		{"falls silent", "target unreachable: it accepted the connection", func(_ *httptest.Server, silent *atomic.Bool) {
			silent.Store(true)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			const secret = "mid-run-secret"
			simulator := simtest.Start(t, sim.Options{Providers: []sim.Factory{paysage.Factory()},
				Credentials: map[string]sim.Credentials{"paysage": {ID: "shop", Secret: secret}}})
			upstream, err := url.Parse(simulator.URL())
			if err != nil {
				t.Fatal(err)
			}
			// The target is a proxy to the simulator that goes away after its 60th request.
			var served atomic.Int32
			var silent atomic.Bool
			var once sync.Once
			var proxy *httptest.Server
			forward := httputil.NewSingleHostReverseProxy(upstream)
			// Made before it serves, so that its handlers see it.
			proxy = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if silent.Load() {
					// The server notices the client going only once the body is read.
					_, _ = io.Copy(io.Discard, r.Body)
					<-r.Context().Done()
					return
				}
				forward.ServeHTTP(w, r)
				if served.Add(1) == 60 {
					once.Do(func() { c.goAway(proxy, &silent) })
				}
			}))
			proxy.Start()
			defer proxy.Close()
			defer proxy.CloseClientConnections()

			r := runSuiteArgs(t, paysageSuite, unusableLimit, []string{"-seed", "7"},
				"PAYCERT_TARGET="+proxy.URL+"/paysage",
				"PAYCERT_CONTROL_URL="+simulator.ControlURL(),
				"PAYCERT_PAYSAGE_SHOP_ID=shop",
				"PAYCERT_PAYSAGE_SECRET_KEY="+secret,
				"PAYCERT_REQUEST_TIMEOUT=1s",
			)
			if r.exit != 2 {
				t.Errorf("exit %d, want 2", r.exit)
			}
			if r.report.Verdict != report.HarnessError {
				t.Errorf("verdict %s, want %s", r.report.Verdict, report.HarnessError)
			}
			if len(r.report.Errors) != 1 || !strings.Contains(r.report.Errors[0], c.reason) {
				t.Errorf("errors %q, want one saying %q", r.report.Errors, c.reason)
			}
			var passed, failed, notRun int
			for _, s := range r.report.Specs {
				switch {
				case s.State == "passed":
					passed++
				case s.Failed():
					failed++
					t.Errorf("spec failed instead of not run: %s: %s", s.Name, s.Failure)
				case strings.HasPrefix(s.Failure, "not run: "):
					notRun++
				}
			}
			if passed == 0 || notRun == 0 || passed+notRun != len(r.report.Specs) {
				t.Errorf("%d passed, %d failed, %d not run of %d specs: want the ones before the outage passed and the rest not run",
					passed, failed, notRun, len(r.report.Specs))
			}
		})
	}
}

// TestInterruptedRunWritesItsReport: Ctrl-C in the middle of a run (on the real clock, so that it
// is mid-wait) stops it with exit 2 and the report written; the interrupted specs are not run, not
// failed.
func TestInterruptedRunWritesItsReport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmd := exec.Command(paycertBinary, "run", "-suites", paysageSuite, "-report-dir", dir)
	cmd.Dir = t.TempDir()
	cmd.Env = append(cleanEnv(), "PAYCERT_CLOCK=real")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt it in the middle of a spec: while it waits out protocol time.
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if strings.Contains(sc.Text(), "waiting out") {
			break
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("the interrupted run did not end within a minute")
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Errorf("exit %v, want 2", err)
	}
	r, err := report.Read(dir)
	if err != nil {
		t.Fatalf("the interrupted run wrote no report: %v", err)
	}
	if r.Verdict != report.HarnessError || len(r.Errors) != 1 || !strings.Contains(r.Errors[0], "the run was interrupted (") {
		t.Errorf("verdict %s, errors %q; want error, saying once that the run was interrupted", r.Verdict, r.Errors)
	}
	stopped := 0
	for _, s := range r.Specs {
		if s.Failed() {
			t.Errorf("spec %q failed: an interrupt is no finding about the target", s.Name)
		}
		if s.Failure == "not run: the run was interrupted" && len(s.Exchanges) == 0 && s.Transcript != "" {
			stopped++
		}
	}
	if stopped == 0 {
		t.Error("no spec is reported as interrupted mid-way with its exchanges kept")
	}
}

// TestPromptSourceReadsTheTerminal: with PAYCERT_OTP_SOURCE=prompt, the suite asks at the
// terminal and reads the code typed there (a suite outside the terminal's process group would be
// stopped by the system on reading it, and the run would hang). The spec of a wrong OTP passes
// with whatever code is typed.
func TestPromptSourceReadsTheTerminal(t *testing.T) {
	t.Parallel()
	scriptCmd, err := exec.LookPath("script")
	if err != nil {
		t.Skip("needs script(1) for a terminal: " + err.Error())
	}
	dir := t.TempDir()
	line := strings.Join([]string{paycertBinary, "run", "-suites", paysageSuite, "-label-filter", "PSG-CONFIRM-003", "-report-dir", dir}, " ")
	cmd := exec.Command(scriptCmd, "-qefc", line, "/dev/null")
	cmd.Dir = t.TempDir()
	cmd.Env = append(cleanEnv(), "PAYCERT_OTP_SOURCE=prompt")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// The code, typed before the prompt as a person may: the terminal keeps the line. The input
	// stays open, as a terminal's does, until the run ends.
	if _, err := io.WriteString(stdin, "4812\n"); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("the run waiting for a typed OTP did not end within a minute:\n%s", out.String())
	}
	stdin.Close()
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "enter the OTP sent for paysage transaction") {
		t.Errorf("no prompt:\n%s", out.String())
	}
	r, err := report.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if q := r.Requirements; len(q) == 0 || r.Summary.Specs["passed"] != 1 {
		t.Errorf("specs %v: want the one selected spec passed with the typed code", r.Summary.Specs)
	}
}
