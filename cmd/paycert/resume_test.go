package main

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/paycert/paycert/harness/report"
)

// resumeFilter selects a few PaySage specs that run in a moment on the simulator.
const resumeFilter = "PSG-DUP-002 || PSG-DUP-003 || PSG-CONFIRM-002"

// interruptedBundle runs the specs of resumeFilter, signed with a new key, and rewrites the
// report as if the run had been interrupted before one of them ran and another had failed on a
// finding; it returns the folder and the IDs of those two specs.
func interruptedBundle(t *testing.T) (dir, notRun, finding string) {
	t.Helper()
	key := newTestKey(t, t.TempDir(), "signer")
	t.Setenv("PAYCERT_SIGNING_KEY_FILE", key.file)
	dir = t.TempDir()
	if code, out, errOut := runCmd(t, "run", "-suites", "paysage", "-label-filter", resumeFilter, "-report-dir", dir); code != exitConformant {
		t.Fatalf("the first run: exit %d\n%s%s", code, out, errOut)
	}
	r, err := report.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	var passed []int
	for i, s := range r.Specs {
		if s.State == "passed" {
			passed = append(passed, i)
		}
	}
	if len(passed) < 3 {
		t.Fatalf("the filter ran %d specs, want 3 or more", len(passed))
	}
	a, b := &r.Specs[passed[0]], &r.Specs[passed[1]]
	a.State, a.Failure, a.Transcript, a.Exchanges = "skipped", "not run: the run was interrupted", "", nil
	b.State, b.Failure = "failed", "the target answered 500"
	r.Errors = []string{"paysage: the run was interrupted (1 specs not run)"}
	r.Judge()
	if err := os.Remove(filepath.Join(dir, report.TranscriptsD, a.ID+".json")); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteSigned(dir, r, key.key); err != nil {
		t.Fatal(err)
	}
	return dir, a.ID, b.ID
}

// TestResume: paycert run -resume runs again the spec the run did not run, and only it, into the
// same bundle: same run ID, its new result and transcript, every other spec as it was (the one
// that failed on a finding too), the attempt listed, the bundle signed again; a second -resume
// finds nothing to do and exits with the bundle's verdict.
func TestResume(t *testing.T) {
	dir, notRun, finding := interruptedBundle(t)
	before, err := report.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCmd(t, "run", "-resume", dir)
	if code != exitNonConformant {
		t.Errorf("exit %d, want %d (the finding stays)\n%s%s", code, exitNonConformant, out, errOut)
	}
	after, err := report.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if after.RunID != before.RunID || len(after.Specs) != len(before.Specs) {
		t.Fatalf("run %s with %d specs, want run %s with %d", after.RunID, len(after.Specs), before.RunID, len(before.Specs))
	}
	for i, s := range after.Specs {
		was := before.Specs[i]
		switch s.ID {
		case notRun:
			if s.State != "passed" || s.Transcript == "" {
				t.Errorf("the spec not run before: %s, transcript %q", s.State, s.Transcript)
			} else if _, err := os.Stat(filepath.Join(dir, s.Transcript)); err != nil {
				t.Errorf("its transcript: %v", err)
			}
		default:
			if s.ID != was.ID || s.State != was.State || s.Failure != was.Failure || s.Transcript != was.Transcript {
				t.Errorf("spec %s changed: %s %q %q, was %s %q %q", s.ID, s.State, s.Failure, s.Transcript, was.State, was.Failure, was.Transcript)
			}
		}
		if s.ID == finding && s.State != "failed" {
			t.Errorf("the spec that failed on a finding was run again: %s", s.State)
		}
	}
	if len(after.Resumed) != 1 || !slices.Equal(after.Resumed[0].Specs, []string{notRun}) {
		t.Errorf("resumed %+v, want one attempt of %s", after.Resumed, notRun)
	}
	if len(after.Errors) != 0 || after.Verdict != report.NonConformant {
		t.Errorf("verdict %s, errors %q", after.Verdict, after.Errors)
	}
	// The resumption ran that one spec and no other.
	part, err := report.Read(filepath.Join(dir, resumedDir, "2", "paysage"))
	if err != nil {
		t.Fatal(err)
	}
	if ran := part.Summary.Specs["passed"] + countFailed(part); ran != 1 {
		t.Errorf("the resumption ran %d specs, want 1", ran)
	}
	if !strings.Contains(out, "resumed 1 time(s); the last attempt ran 1 spec(s) again") {
		t.Errorf("the summary does not say the run was resumed:\n%s", out)
	}
	if code, out, errOut := runCmd(t, "report", "verify", "-require-signature", dir); code != 0 {
		t.Errorf("the resumed bundle does not verify signed: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = runCmd(t, "run", "-resume", dir)
	if code != exitNonConformant || !strings.Contains(out, "nothing to resume") {
		t.Errorf("a second -resume: exit %d\n%s", code, out)
	}
}

// countFailed counts a report's failed specs.
func countFailed(r *report.Report) int {
	n := 0
	for _, s := range r.Specs {
		if s.Failed() {
			n++
		}
	}
	return n
}

// TestResumeRefuses: -resume of what is not a paycert run of this binary's suites, or with flags
// that choose other specs or another folder, is a usage error (exit 2) naming -resume.
func TestResumeRefuses(t *testing.T) {
	write := func(t *testing.T, r *report.Report) string {
		t.Helper()
		dir := t.TempDir()
		if err := report.Write(dir, r); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	other := &report.Report{Tool: "other", RunID: "x"}
	foreign := &report.Report{Tool: "paycert", RunID: "x", Targets: []report.Target{{Suite: "stripe"}}}
	cases := []struct {
		name string
		args func(t *testing.T) []string
		want string
	}{
		{"not a bundle", func(t *testing.T) []string { return []string{"-resume", t.TempDir()} }, "-resume"},
		{"an archive", func(t *testing.T) []string {
			f := filepath.Join(t.TempDir(), "r.zip")
			if err := os.WriteFile(f, []byte("PK"), 0o644); err != nil {
				t.Fatal(err)
			}
			return []string{"-resume", f}
		}, "-resume"},
		{"another tool's", func(t *testing.T) []string { return []string{"-resume", write(t, other)} }, "not the bundle of a paycert run"},
		{"suites paycert lacks", func(t *testing.T) []string { return []string{"-resume", write(t, foreign)} }, "stripe, which this paycert has no suite of"},
		{"with a filter", func(t *testing.T) []string { return []string{"-label-filter", "otp", "-resume", t.TempDir()} }, "-label-filter cannot go with it"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, append([]string{"run"}, c.args(t)...)...)
			if code != exitError || !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "-resume") {
				t.Errorf("exit %d, stderr %q; want exit 2 saying %q\n%s", code, errOut, c.want, out)
			}
		})
	}
}

// TestResumeRefusedTarget: a resumption is checked by the money guard as a run is: a target it
// refuses gets not one connection, and the bundle is left as it was.
func TestResumeRefusedTarget(t *testing.T) {
	dir, _, _ := interruptedBundle(t)
	before, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
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
	for k, v := range map[string]string{"PAYCERT_TARGET": "http://" + ln.Addr().String(), "PAYCERT_PAYSAGE_SHOP_ID": "shop",
		"PAYCERT_PAYSAGE_SECRET_KEY": "s", "PAYCERT_CALLBACKS": "false", "PAYCERT_ALLOW_LIVE": "127.0.0.1"} {
		t.Setenv(k, v)
	}
	code, out, errOut := runCmd(t, "run", "-resume", dir)
	if code != exitError || !strings.Contains(errOut, "rule max-amount") {
		t.Errorf("exit %d, want 2 with the money guard's rule\n%s%s", code, out, errOut)
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("the refused target got %d connections", n)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "report.json")); string(after) != string(before) {
		t.Error("the refused resumption rewrote the bundle's report")
	}
}
