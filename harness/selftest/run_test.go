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

// suiteBinary is the PaySage suite compiled once for all the runs of this package.
var suiteBinary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "paycert-selftest-")
	if err != nil {
		panic(err)
	}
	suiteBinary = filepath.Join(dir, "paysage.test")
	build := exec.Command("go", "test", "-c", "-o", suiteBinary, "./suites/paysage")
	build.Dir = moduleRoot()
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		panic("build the PaySage suite: " + err.Error() + "\n" + string(out))
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

// runSuite runs the PaySage suite with env (on top of an environment cleared of PAYCERT_*
// settings) and returns what it printed and the report it wrote. The run must end within limit.
func runSuite(t *testing.T, limit time.Duration, env ...string) run {
	t.Helper()
	return runSuiteArgs(t, limit, nil, env...)
}

// runSuiteArgs is runSuite with Ginkgo flags (-ginkgo.label-filter=...).
func runSuiteArgs(t *testing.T, limit time.Duration, args []string, env ...string) run {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, suiteBinary, append([]string{"-ginkgo.no-color"}, args...)...)
	cmd.Dir = filepath.Join(moduleRoot(), "suites", "paysage")
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
