package main

import (
	"bytes"
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
	"sync"
	"syscall"
	"time"

	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/suites"
)

// runSuiteCommand is the command paycert run starts itself with, once per suite: Ginkgo runs one
// tree once per process, so each suite runs in a process of its own, and a suite that crashes
// cannot take the others' results or the report with it.
const runSuiteCommand = "run-suite"

// runFlags are the flags of paycert run.
type runFlags struct {
	suites    string
	reportDir string
	strict    bool
	parallel  bool
	timeout   time.Duration
	labels    string
	seed      int64
}

// cmdRun runs the suites, each in a child process of this binary writing its bundle under
// <report-dir>/suites/<name>, then merges them into <report-dir> and prints the summary.
func cmdRun(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f runFlags
	fs.StringVar(&f.suites, "suites", "all", "suites to run, comma-separated: "+strings.Join(suites.Names(), ", ")+", or all")
	fs.StringVar(&f.reportDir, "report-dir", "", "where the report goes (default PAYCERT_REPORT_DIR, else reports/<run> in the working folder)")
	fs.BoolVar(&f.strict, "strict", false, "an incomplete run (MUST requirements not run) exits 1")
	fs.BoolVar(&f.parallel, "p", true, "run the suites side by side (the embedded simulator only; an external target is tested by one process)")
	fs.DurationVar(&f.timeout, "timeout", time.Hour, "deadline of each suite")
	fs.StringVar(&f.labels, "label-filter", "", "Ginkgo label filter (refund, PSG-CONFIRM-002, !slow, ...)")
	fs.Int64Var(&f.seed, "seed", 0, "seed of the specs' random order (0: a new one; the report names it)")
	if err := fs.Parse(args); err != nil {
		return exitError, errUsage
	}
	if fs.NArg() > 0 {
		return exitError, fmt.Errorf("unexpected arguments %q (flags come before them? see paycert help)", fs.Args())
	}
	names, err := suiteNames(f.suites)
	if err != nil {
		return exitError, err
	}
	// A bad configuration stops here, before any suite starts or any request is sent.
	cfg, err := loadConfig(names, stderr)
	if err != nil {
		return exitError, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A target that cannot be tested at all stops here, within seconds, with the likely fix.
	var chosen []conformance.Suite
	for _, n := range names {
		e, _ := suites.Find(n)
		chosen = append(chosen, e.Suite)
	}
	if err := conformance.Preflight(ctx, cfg, chosen); err != nil {
		return exitError, fmt.Errorf("the target cannot be tested:\n  %s", strings.ReplaceAll(err.Error(), "\n", "\n  "))
	}
	runID := time.Now().UTC().Format("20060102-150405")
	dir := f.reportDir
	if dir == "" {
		dir = cfg.ReportDir
	}
	if dir == "" {
		dir = filepath.Join("reports", runID)
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return exitError, err
	}
	exe, err := os.Executable()
	if err != nil {
		return exitError, fmt.Errorf("find the paycert binary to run the suites with: %w", err)
	}
	// One external target has one clock and one callback URL: one process at a time tests it.
	parallel := f.parallel && cfg.Embedded && len(names) > 1

	parts := make([]*report.Report, len(names))
	var wg sync.WaitGroup
	var outMu sync.Mutex
	for i, name := range names {
		child := suiteChild{exe: exe, name: name, dir: filepath.Join(dir, "suites", name), runID: runID, flags: f}
		if !parallel {
			fmt.Fprintf(stdout, "paycert: running suite %s\n", name)
			parts[i] = child.run(ctx, stdout, stderr)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Side by side, each suite's output is kept and printed whole when it ends.
			var buf bytes.Buffer
			parts[i] = child.run(ctx, &buf, &buf)
			outMu.Lock()
			defer outMu.Unlock()
			fmt.Fprintf(stdout, "paycert: suite %s\n", name)
			_, _ = stdout.Write(buf.Bytes())
		}()
	}
	wg.Wait()
	merged := report.Merge(runID, parts...)
	if err := writeMerged(dir, merged, parts, names); err != nil {
		return exitError, err
	}
	fmt.Fprintln(stdout)
	report.PrintSummary(stdout, merged, dir)
	return exitCode(merged, f.strict), nil
}

// suiteNames reads -suites.
func suiteNames(list string) ([]string, error) {
	if strings.TrimSpace(list) == "all" {
		return suites.Names(), nil
	}
	var names []string
	seen := map[string]bool{}
	for _, n := range strings.Split(list, ",") {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" || seen[n] {
			continue
		}
		if _, ok := suites.Find(n); !ok {
			return nil, fmt.Errorf("-suites: %q is not a suite%s (have %s)", n, didYouMean(n, suites.Names()), strings.Join(suites.Names(), ", "))
		}
		seen[n] = true
		names = append(names, n)
	}
	if len(names) == 0 {
		return nil, errors.New("-suites: no suite named")
	}
	return names, nil
}

// suiteChild is one suite's process.
type suiteChild struct {
	exe, name, dir, runID string
	flags                 runFlags
}

// run runs the suite and returns its report; when the process wrote none (it crashed, or was
// killed), the report says so as a harness error, so that the run's report is still written.
func (c suiteChild) run(ctx context.Context, stdout, stderr io.Writer) *report.Report {
	args := []string{runSuiteCommand, "-suite", c.name, "-report-dir", c.dir, "-run-id", c.runID,
		"-timeout", c.flags.timeout.String(), "-checked"}
	if c.flags.labels != "" {
		args = append(args, "-label-filter", c.flags.labels)
	}
	if c.flags.seed != 0 {
		args = append(args, "-seed", fmt.Sprint(c.flags.seed))
	}
	cmd := exec.CommandContext(ctx, c.exe, args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// An interrupt reaches the suite as one (Ginkgo then runs the cleanup and writes the report);
	// only a suite that does not stop within the grace period is killed.
	separateGroup(cmd)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	// Past the suite's own deadline (Ginkgo's timeout), the process is stopped from outside.
	timer := time.AfterFunc(c.flags.timeout+time.Minute, func() { _ = cmd.Process.Kill() })
	err := cmd.Run()
	timer.Stop()
	r, readErr := report.Read(c.dir)
	if readErr == nil {
		return r
	}
	why := "it did not start"
	if cmd.ProcessState != nil {
		why = "it ended with " + cmd.ProcessState.String()
	} else if err != nil {
		why = err.Error()
	}
	suite, _ := suites.Find(c.name)
	r = &report.Report{Tool: "paycert", RunID: c.runID, Started: time.Now().UTC(), Finished: time.Now().UTC(),
		Targets: []report.Target{{Suite: c.name, Provider: suite.Provider, Kind: report.NotSetUp}},
		Errors:  []string{fmt.Sprintf("%s: the suite wrote no report (%s); its output above says why", c.name, why)},
	}
	if cat, err := requirementsOf(suite.Suite); err == nil {
		for _, req := range cat {
			r.Requirements = append(r.Requirements, report.Requirement{Requirement: req, Suite: c.name})
		}
	}
	r.Judge()
	if err := report.Write(c.dir, r); err != nil {
		r.Errors = append(r.Errors, fmt.Sprintf("%s: %v", c.name, err))
	}
	return r
}

// writeMerged writes the merged bundle: the suites' transcripts, then the merged report.
func writeMerged(dir string, merged *report.Report, parts []*report.Report, names []string) error {
	for i, p := range parts {
		if err := report.CopyTranscripts(filepath.Join(dir, "suites", names[i]), dir, p); err != nil {
			return err
		}
	}
	return report.Write(dir, merged)
}

// cmdRunSuite runs one suite in this process (paycert run starts it; it is not meant to be typed).
func cmdRunSuite(args []string, _, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet(runSuiteCommand, flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("suite", "", "the suite")
	var opts conformance.RunOptions
	fs.StringVar(&opts.ReportDir, "report-dir", "", "where the suite's bundle goes")
	fs.StringVar(&opts.RunID, "run-id", "", "the run's name")
	fs.BoolVar(&opts.Checked, "checked", false, "the configuration was checked and the target probed already")
	var g conformance.GinkgoSettings
	fs.StringVar(&g.LabelFilter, "label-filter", "", "Ginkgo label filter")
	fs.DurationVar(&g.Timeout, "timeout", time.Hour, "deadline of the suite")
	fs.Int64Var(&g.Seed, "seed", 0, "seed of the specs' random order")
	if err := fs.Parse(args); err != nil {
		return exitError, errUsage
	}
	entry, ok := suites.Find(*name)
	if !ok {
		return exitError, fmt.Errorf("-suite: %q is not a suite", *name)
	}
	opts.NoSummary = true
	g.NoColor = !isTerminal(os.Stdout)
	sc, rc := g.Configure()
	if entry.Declare().RunSpecs(&ginkgoT{}, opts, sc, rc) {
		return exitConformant, nil
	}
	return exitNonConformant, nil
}

// ginkgoT is what Ginkgo reports a failed run to outside `go test`; the exit status follows the
// report, not it.
type ginkgoT struct{ failed bool }

// Fail marks the run failed.
func (t *ginkgoT) Fail() { t.failed = true }

// isTerminal reports whether f is a terminal (colour and prompts make sense there).
func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
