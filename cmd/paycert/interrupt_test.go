package main

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/report"
)

// waitingSpecs selects two PaySage specs, one of which waits 31 s of real time on a simulator
// that runs on the wall clock (PAYCERT_CLOCK=real).
const waitingSpecs = "PSG-DUP-004 || PSG-DUP-002"

// startPaycert starts this test binary as paycert with args, PAYCERT_CLOCK=real, and returns the
// command, its stdout (kept) and its stderr, read line by line.
func startPaycert(t *testing.T, args ...string) (*exec.Cmd, *strings.Builder, *bufio.Scanner) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// Past this the child is killed: the wait it is interrupted in lasts 31 s.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), asPaycert+"=1", "PAYCERT_CLOCK=real")
	var out strings.Builder
	cmd.Stdout = &out
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &out, bufio.NewScanner(stderr)
}

// TestInterruptedRunWritesItsReport starts paycert run on a spec that waits in real time, sends
// it SIGINT (Ctrl-C) or SIGTERM (a CI job's timeout) once the wait is under way, and checks that
// the run exits 2 having written its report: the interrupted spec and those not reached are "not
// run: the run was interrupted", the specs the filter left out are not, and no goroutine stacks
// were printed.
func TestInterruptedRunWritesItsReport(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a spec to start a real-time wait")
	}
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			cmd, out, stderr := startPaycert(t, "run", "-suites", "paysage", "-label-filter", waitingSpecs, "-report-dir", dir)
			var progress []string
			for stderr.Scan() {
				progress = append(progress, stderr.Text())
				if strings.Contains(stderr.Text(), "waiting out 31s of real time") {
					break
				}
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			var rest strings.Builder
			for stderr.Scan() {
				rest.WriteString(stderr.Text() + "\n")
			}
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitError {
				t.Fatalf("exit: %v, want status %d\nstdout:\n%s\nstderr:\n%s%s", err, exitError, out, strings.Join(progress, "\n"), rest.String())
			}
			r, err := report.Read(dir)
			if err != nil {
				t.Fatalf("no report after the interrupt: %v\n%s", err, out)
			}
			if r.Verdict != report.HarnessError || len(r.Errors) != 1 || !strings.Contains(r.Errors[0], "the run was interrupted") {
				t.Errorf("verdict %s, errors %q; want the run's error to say it was interrupted", r.Verdict, r.Errors)
			}
			var waited bool
			for _, s := range r.Specs {
				selected := hasAny(s.Requirements, "PSG-DUP-004", "PSG-DUP-002")
				switch {
				case hasAny(s.Requirements, "PSG-DUP-004"):
					waited = true
					if s.State != "skipped" || s.Failure != "not run: the run was interrupted" {
						t.Errorf("the interrupted spec: %s, %q", s.State, s.Failure)
					}
				case selected && s.State != "passed" && s.Failure != "not run: the run was interrupted":
					t.Errorf("a selected spec %q: %s, %q", s.Name, s.State, s.Failure)
				case !selected && (s.State != "skipped" || s.Failure != ""):
					t.Errorf("a spec the filter left out: %q %s, %q", s.Name, s.State, s.Failure)
				}
			}
			if !waited {
				t.Error("the report has no PSG-DUP-004 spec")
			}
			for _, noise := range []string{"goroutine", "Goroutine", "Progress Report", "Interrupt again"} {
				if strings.Contains(out.String(), noise) || strings.Contains(rest.String(), noise) {
					t.Errorf("the output has %q:\n%s%s", noise, out, rest.String())
				}
			}
		})
	}
}

// hasAny reports whether list holds any of want.
func hasAny(list []string, want ...string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return slices.Contains(want, s) })
}
