package selftest_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/report"
)

// Suites the self-tests run.
const (
	paysageSuite = "paysage"
	bepaidSuite  = "bepaid"
)

// suiteBinaries are the suites, compiled once for all the runs of this package, by name. Only
// TestMain writes it.
var suiteBinaries = map[string]string{}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "paycert-selftest-")
	if err != nil {
		panic(err)
	}
	for _, name := range []string{paysageSuite, bepaidSuite} {
		bin := filepath.Join(dir, name+".test")
		build := exec.Command("go", "test", "-c", "-o", bin, "./suites/"+name)
		build.Dir = moduleRoot()
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			os.RemoveAll(dir)
			panic("build the " + name + " suite: " + err.Error() + "\n" + string(out))
		}
		suiteBinaries[name] = bin
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run is one run of the suite binary.
type run struct {
	exit   int
	output string
	dir    string
	report *report.Report
}

// runSuite runs a suite with env (on top of an environment cleared of PAYCERT_*
// settings) and returns what it printed and the report it wrote. The run must end within limit.
func runSuite(t *testing.T, suite string, limit time.Duration, env ...string) run {
	t.Helper()
	return runSuiteArgs(t, suite, limit, nil, env...)
}

// runSuiteArgs is runSuite with Ginkgo flags (-ginkgo.label-filter=...).
func runSuiteArgs(t *testing.T, suite string, limit time.Duration, args []string, env ...string) run {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, suiteBinaries[suite], append([]string{"-ginkgo.no-color"}, args...)...)
	cmd.Dir = filepath.Join(moduleRoot(), "suites", suite)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PAYCERT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "PAYCERT_REPORT_DIR="+dir)
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("the suite did not end within %s; it printed:\n%s", limit, tail(out.String(), 4000))
	}
	r := run{output: out.String(), dir: dir}
	if ee, ok := err.(*exec.ExitError); ok {
		r.exit = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run the suite: %v", err)
	}
	rep, err := report.Read(dir)
	if err != nil {
		t.Fatalf("the run wrote no report: %v\n%s", err, tail(r.output, 4000))
	}
	r.report = rep
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
