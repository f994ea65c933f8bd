package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/target"
)

// cmdRun runs the suites with the Ginkgo CLI at the go.mod version, each writing its bundle under
// <report-dir>/suites/<name>, then merges them into <report-dir>.
func cmdRun(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	suites := fs.String("suites", strings.Join(keys(suiteSpecs), ","), "suites to run, comma-separated")
	runID := time.Now().UTC().Format("20060102-150405")
	reportDir := fs.String("report-dir", "", "where the report goes (default reports/<run>, or PAYCERT_REPORT_DIR)")
	strict := fs.Bool("strict", false, "an incomplete run (MUST requirements not run) exits 1")
	parallel := fs.Bool("p", true, "run each suite's specs in parallel processes (the embedded simulator only)")
	timeout := fs.Duration("timeout", time.Hour, "deadline of each suite")
	labels := fs.String("label-filter", "", "Ginkgo label filter (refund, PSG-CONFIRM-002, !slow, ...)")
	if err := fs.Parse(args); err != nil {
		return exitError, errUsage
	}
	names := strings.Split(*suites, ",")
	for _, n := range names {
		if _, ok := suiteSpecs[n]; !ok {
			return exitError, fmt.Errorf("-suites: %q is not a suite (have %s)", n, strings.Join(keys(suiteSpecs), ", "))
		}
	}
	// A bad configuration stops here, before any suite sends a request.
	cfg, err := target.FromEnvironment(names...)
	if err != nil {
		return exitError, fmt.Errorf("configuration: %w", err)
	}
	if !cfg.Embedded {
		// One external target has one clock and one callback URL: one process tests it.
		*parallel = false
	}
	root, err := moduleRoot()
	if err != nil {
		return exitError, err
	}
	dir := *reportDir
	if dir == "" {
		dir = os.Getenv("PAYCERT_REPORT_DIR")
	}
	if dir == "" {
		dir = filepath.Join(root, "reports", runID)
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return exitError, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var parts []string
	for _, name := range names {
		partDir := filepath.Join(dir, "suites", name)
		ginkgoArgs := []string{"run", "github.com/onsi/ginkgo/v2/ginkgo",
			"--randomize-all", "--fail-on-pending", "--fail-on-empty", "--keep-going",
			"--timeout=" + timeout.String(), "--poll-progress-after=60s"}
		if *parallel {
			ginkgoArgs = append(ginkgoArgs, "-p")
		}
		if *labels != "" {
			ginkgoArgs = append(ginkgoArgs, "--label-filter="+*labels)
		}
		ginkgoArgs = append(ginkgoArgs, "./suites/"+name)
		cmd := exec.CommandContext(ctx, "go", ginkgoArgs...)
		cmd.Dir = root
		cmd.Stdout, cmd.Stderr = stdout, stderr
		cmd.Env = append(os.Environ(), "PAYCERT_RUN_ID="+runID, "PAYCERT_REPORT_DIR="+partDir, "PAYCERT_SUMMARY=off")
		fmt.Fprintf(stdout, "paycert: running suite %s\n", name)
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			return exitError, fmt.Errorf("suite %s: %w", name, err)
		}
		if _, statErr := os.Stat(filepath.Join(partDir, report.JSONFile)); statErr != nil {
			return exitError, fmt.Errorf("suite %s wrote no report (it did not build, or was killed): %v", name, err)
		}
		parts = append(parts, partDir)
	}
	merged, err := mergeBundles(dir, runID, parts)
	if err != nil {
		return exitError, err
	}
	report.PrintSummary(stdout, merged, dir)
	return exitCode(merged, *strict), nil
}

// moduleRoot finds the checkout the suites are in: the folder of go.mod above the working folder.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && strings.Contains(string(data), "module github.com/paycert/paycert") {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("paycert run needs the paycert checkout (its suites are Go tests): no go.mod of github.com/paycert/paycert above %s", dir)
		}
	}
}
