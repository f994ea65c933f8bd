package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/report"
)

var archiveFlag = flag.String("archive", "", "a release archive to test (make dist passes the host's); empty: build one")

// exitForms is what every documented way of running paycert must give: 0 for a conformant run,
// 1 for a non-conformant one, 2 for a configuration error.
var exitForms = []struct {
	name    string
	args    []string
	env     []string
	exit    int
	verdict string
}{
	{"conformant", []string{"run"}, nil, exitConformant, report.Conformant},
	{"non-conformant", []string{"run", "-suites", "paysage"}, []string{"PAYCERT_SIM_FAULTS=paysage.accept-wrong-otp"}, exitNonConformant, report.NonConformant},
	{"configuration error", []string{"run"}, []string{"PAYCERT_CLOCK=fast"}, exitError, ""},
}

// TestReleaseArchive unpacks a release archive in an empty folder and runs its binary there with
// a PATH that has no Go: each documented outcome gives its exit status, and the report lands in
// the working folder.
func TestReleaseArchive(t *testing.T) {
	archive := *archiveFlag
	if archive == "" {
		archive = buildArchiveIn(t, t.TempDir())
	}
	dir := t.TempDir()
	untar := exec.Command("tar", "-xzf", archive, "-C", dir)
	if out, err := untar.CombinedOutput(); err != nil {
		t.Fatalf("unpack %s: %v\n%s", archive, err, out)
	}
	bins, _ := filepath.Glob(filepath.Join(dir, "paycert_*", "paycert"))
	if len(bins) != 1 {
		t.Fatalf("the archive holds %d paycert binaries", len(bins))
	}
	bin := bins[0]
	for _, extra := range []string{"README.md", "examples/otp/sms-gateway-otp.sh"} {
		if _, err := os.Stat(filepath.Join(filepath.Dir(bin), extra)); err != nil {
			t.Errorf("the archive lacks %s", extra)
		}
	}
	path := "/usr/bin:/bin"
	for _, d := range filepath.SplitList(path) {
		if _, err := os.Stat(filepath.Join(d, "go")); err == nil {
			t.Fatalf("%s has a go command; the test needs a PATH without Go", d)
		}
	}
	env := []string{"PATH=" + path, "HOME=" + dir}

	if out, code := runBinary(t, bin, t.TempDir(), env, "version"); code != 0 || !strings.HasPrefix(out, "paycert ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
	for _, c := range exitForms {
		t.Run(c.name, func(t *testing.T) {
			work := t.TempDir()
			out, code := runBinary(t, bin, work, append(env, c.env...), c.args...)
			checkOutcome(t, work, out, code, c.exit, c.verdict)
		})
	}
}

// TestCheckoutWrapper runs ./paycert, the README's main command, from another folder: each
// documented outcome gives its exit status, not make's or go run's.
func TestCheckoutWrapper(t *testing.T) {
	if testing.Short() {
		t.Skip("builds paycert")
	}
	wrapper, err := filepath.Abs(filepath.Join("..", "..", "paycert"))
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOFLAGS", "GOPROXY", "GOTOOLCHAIN"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	for _, c := range exitForms {
		t.Run(c.name, func(t *testing.T) {
			work := t.TempDir()
			out, code := runBinary(t, wrapper, work, append(env, c.env...), c.args...)
			checkOutcome(t, work, out, code, c.exit, c.verdict)
		})
	}
}

// runBinary runs bin in work with exactly env, and returns what it printed and its exit status.
func runBinary(t *testing.T, bin, work string, env []string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir, cmd.Env = work, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %v did not end:\n%s", bin, args, out.String())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %s: %v", bin, err)
	}
	return out.String(), code
}

// checkOutcome checks a run's exit status and, for a run that judged, the report it left in
// reports/<run> of the working folder.
func checkOutcome(t *testing.T, work, out string, code, wantCode int, verdict string) {
	t.Helper()
	if code != wantCode {
		t.Fatalf("exit %d, want %d\n%s", code, wantCode, out)
	}
	runs, _ := filepath.Glob(filepath.Join(work, "reports", "*", report.JSONFile))
	if verdict == "" {
		if len(runs) != 0 {
			t.Errorf("a configuration error wrote a report: %v", runs)
		}
		return
	}
	if len(runs) != 1 {
		t.Fatalf("%d reports under %s/reports, want 1\n%s", len(runs), work, out)
	}
	r, err := report.Read(filepath.Dir(runs[0]))
	if err != nil {
		t.Fatal(err)
	}
	if r.Verdict != verdict {
		t.Errorf("verdict %s, want %s", r.Verdict, verdict)
	}
}
