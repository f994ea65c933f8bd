package selftest_test

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/report"
)

// TestServedSimulatorAsTarget follows the README: serve the simulator, paste the export lines it
// prints into another shell, run paycert. The run is conformant, moves the simulator's clock
// through the control API instead of waiting out the protocol's minutes, and prints no waits.
func TestServedSimulatorAsTarget(t *testing.T) {
	t.Parallel()
	sim := exec.Command(paycertBinary, "sim", "-listen", "127.0.0.1:0")
	sim.Dir = t.TempDir()
	sim.Env = cleanEnv()
	stdout, err := sim.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = sim.Process.Signal(os.Interrupt)
		_ = sim.Wait()
	})

	// What the user pastes: every export line up to the "paycert run" line.
	var env, printed []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		printed = append(printed, line)
		if line == "paycert run" {
			break
		}
		if rest, ok := strings.CutPrefix(line, "export "); ok {
			env = append(env, strings.Fields(rest)...)
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	text := strings.Join(printed, "\n")
	for _, want := range []string{"secret key   paycert-paysage-secret", "PAYCERT_PAYSAGE_SECRET_KEY=paycert-paysage-secret", "PAYCERT_CONTROL_URL=http://127.0.0.1:"} {
		if !strings.Contains(text, want) {
			t.Errorf("paycert sim does not print %q:\n%s", want, text)
		}
	}
	if len(env) < 8 {
		t.Fatalf("paycert sim printed %d settings to export:\n%s", len(env), text)
	}

	dir := t.TempDir()
	r := runPaycert(t, 2*time.Minute, []string{"run", "-report-dir", dir}, env...)
	if r.exit != 0 {
		t.Fatalf("exit %d against the served simulator\n%s", r.exit, tail(r.output, 4000))
	}
	rep, err := report.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != report.Conformant || len(rep.Targets) != 4 {
		t.Errorf("verdict %s with %d targets", rep.Verdict, len(rep.Targets))
	}
	for _, tg := range rep.Targets {
		if tg.Kind != "external" || tg.Clock != report.ClockMoved {
			t.Errorf("%s: %s target, clock %q; want an external target whose clock the suite moved", tg.Suite, tg.Kind, tg.Clock)
		}
	}
	for _, noise := range []string{"waiting out", "Spec Goroutine", "goroutine "} {
		if strings.Contains(r.output, noise) {
			t.Errorf("the run printed %q:\n%s", noise, tail(r.output, 3000))
		}
	}
}

// cleanEnv is this process's environment without PAYCERT_ settings.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PAYCERT_") {
			out = append(out, kv)
		}
	}
	return out
}
