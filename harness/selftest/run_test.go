package selftest_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/report"
)

// Suites the self-tests run.
const (
	paysageSuite    = "paysage"
	bepaidSuite     = "bepaid"
	monetixSuite    = "monetix"
	freedompaySuite = "freedompay"
)

// paycertBinary is the paycert command, built once for all the runs of this package (with
// CGO_ENABLED=0, as it ships). Only TestMain writes it.
var paycertBinary string

func TestMain(m *testing.M) {
	flag.Parse()
	// Every case runs paycert in processes of its own, which spend much of their time waiting (on
	// a wait timeout, on a target that does not answer), so twice as many run at once as there are
	// processors, unless -parallel says otherwise.
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		_ = flag.Set("test.parallel", strconv.Itoa(2*runtime.GOMAXPROCS(0)))
	}
	dir, err := os.MkdirTemp("", "paycert-selftest-")
	if err != nil {
		panic(err)
	}
	paycertBinary = filepath.Join(dir, "paycert")
	build := exec.Command("go", "build", "-o", paycertBinary, "./cmd/paycert")
	build.Dir = moduleRoot()
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		panic("build paycert: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run is one run of paycert.
type run struct {
	exit   int
	output string
	dir    string
	report *report.Report
}

// runSuite runs one suite with paycert run, with env on top of an environment cleared of
// PAYCERT_* settings, and returns what it printed and the report it wrote. The run must end
// within limit.
func runSuite(t *testing.T, suite string, limit time.Duration, env ...string) run {
	t.Helper()
	return runSuiteArgs(t, suite, limit, nil, env...)
}

// runSuiteArgs is runSuite with more flags of paycert run (-label-filter=...).
func runSuiteArgs(t *testing.T, suite string, limit time.Duration, args []string, env ...string) run {
	t.Helper()
	dir := t.TempDir()
	r := runPaycert(t, limit, append([]string{"run", "-suites", suite, "-report-dir", dir}, args...), env...)
	r.dir = dir
	rep, err := report.Read(dir)
	if err != nil {
		t.Fatalf("the run wrote no report (exit %d): %v\n%s", r.exit, err, tail(r.output, 4000))
	}
	r.report = rep
	return r
}

// runPaycert runs the paycert binary in an empty folder with args and env (on top of an
// environment cleared of PAYCERT_* settings); it must end within limit.
func runPaycert(t *testing.T, limit time.Duration, args []string, env ...string) run {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, paycertBinary, args...)
	cmd.Dir = t.TempDir()
	// Request budgets are off unless a case asks (a target without a control API would otherwise
	// space its requests a second apart), and their state stays in the case's folder.
	cmd.Env = append(append(cleanEnv(), "PAYCERT_BUDGET=off", "PAYCERT_BUDGET_DIR="+t.TempDir()), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("paycert %s did not end within %s; it printed:\n%s", strings.Join(args, " "), limit, tail(out.String(), 4000))
	}
	r := run{output: out.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.exit = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run paycert: %v", err)
	}
	return r
}

func (r run) requirement(id string) report.Requirement {
	for _, req := range r.report.Requirements {
		if req.ID == id {
			return req
		}
	}
	return report.Requirement{}
}

func moduleRoot() string {
	dir, _ := os.Getwd()
	for d := dir; filepath.Dir(d) != d; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
	}
	return dir
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
