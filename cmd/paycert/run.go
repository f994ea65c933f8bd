package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/progress"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/target"
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
	resume    string
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
	fs.StringVar(&f.resume, "resume", "", "a bundle `folder` of an earlier run: run again only the specs it did not run, into it")
	if err := fs.Parse(args); err != nil {
		return exitError, errUsage
	}
	if f.resume != "" {
		return cmdResume(fs, f, stdout, stderr)
	}
	if fs.NArg() > 0 {
		return exitError, fmt.Errorf("unexpected arguments %q (flags come before them? see paycert help)", fs.Args())
	}
	if f.timeout <= 0 {
		return exitError, fmt.Errorf("-timeout %s: want a deadline above zero (such as 30m)", f.timeout)
	}
	names, err := suiteNames(f.suites)
	if err != nil {
		return exitError, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, refused, err := checkTarget(ctx, names, stderr)
	if err != nil {
		return exitError, err
	}
	runID := time.Now().UTC().Format("20060102-150405")
	dir := f.reportDir
	if dir == "" {
		dir = cfg.ReportDir
	}
	if dir == "" {
		// Two runs started in the same second each get a folder of their own.
		if dir, runID, err = claimRunDir("reports", runID); err != nil {
			return exitError, err
		}
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return exitError, err
	}
	if refused != nil {
		return refuseRun(dir, runID, names, cfg, refused, stdout, stderr)
	}
	exe, err := os.Executable()
	if err != nil {
		return exitError, fmt.Errorf("find the paycert binary to run the suites with: %w", err)
	}
	// One external target has one clock and one callback URL: one process at a time tests it. A
	// person answering OTP prompts answers one suite at a time, and the suite asking must be in
	// the terminal's process group (a process outside it that reads the terminal is stopped).
	interactive := isPromptSource(cfg.OTPSource)
	parallel := f.parallel && cfg.Embedded && len(names) > 1 && !interactive

	parts := make([]*report.Report, len(names))
	var wg sync.WaitGroup
	var outMu sync.Mutex
	for i, name := range names {
		child := suiteChild{exe: exe, name: name, dir: filepath.Join(dir, "suites", name), runID: runID, flags: f, interactive: interactive, key: cfg.SigningKey}
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
	if f.labels != "" && !anySpecRan(merged) {
		merged.Errors = append(merged.Errors, fmt.Sprintf("no spec ran: the label filter %q selects none in the suites run (%s)", f.labels, strings.Join(names, ", ")))
		merged.Judge()
	}
	if err := writeMerged(dir, merged, parts, names, cfg.SigningKey, stderr); err != nil {
		return exitError, err
	}
	fmt.Fprintln(stdout)
	report.PrintSummary(stdout, merged, dir)
	return exitCode(merged, f.strict), nil
}

// checkTarget reads the configuration for the named suites and checks the target before any suite
// starts or any request is sent: a bad configuration is an error; a target the money guard refuses
// gets nothing, not even the probe, and the refusal comes back apart (paycert run writes it in
// the report); a target that cannot be tested at all stops at the probe, within seconds, with the
// likely fix.
func checkTarget(ctx context.Context, names []string, stderr io.Writer) (cfg target.Config, refused, err error) {
	if cfg, err = loadConfig(names, stderr); err != nil {
		return cfg, nil, err
	}
	var chosen []conformance.Suite
	for _, n := range names {
		e, _ := suites.Find(n)
		chosen = append(chosen, e.Suite)
	}
	refused, problems := conformance.Check(ctx, cfg, chosen)
	if problems != nil {
		return cfg, nil, fmt.Errorf("the target cannot be tested:\n  %s", strings.ReplaceAll(problems.Error(), "\n", "\n  "))
	}
	return cfg, refused, nil
}

// refuseRun ends a run the money guard refused before any byte was sent: each suite's report says
// the refusal, its requirements not run, and the run exits 2.
func refuseRun(dir, runID string, names []string, cfg target.Config, refused error, stdout, stderr io.Writer) (int, error) {
	fmt.Fprintf(stderr, "paycert run: configuration: %s\n", strings.ReplaceAll(refused.Error(), "\n", "\n  "))
	parts := make([]*report.Report, len(names))
	for i, name := range names {
		child := suiteChild{name: name, dir: filepath.Join(dir, "suites", name), runID: runID, key: cfg.SigningKey}
		parts[i] = child.failed(name + ": not run: " + refused.Error())
	}
	merged := report.Merge(runID, parts...)
	if err := writeMerged(dir, merged, parts, names, cfg.SigningKey, stderr); err != nil {
		return exitError, err
	}
	fmt.Fprintln(stdout)
	report.PrintSummary(stdout, merged, dir)
	return exitError, nil
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
			return nil, fmt.Errorf("-suites: %q is not a suite%s (have %s)", n, target.DidYouMean(n, suites.Names()), strings.Join(suites.Names(), ", "))
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
	// interactive keeps the suite in paycert's process group, where it can read the terminal.
	interactive bool
	// key signs the report written for a suite that wrote none (the suite signs its own with the
	// same key, from the same settings).
	key ed25519.PrivateKey
	// focus, when set, selects the specs to run by their full text (paycert run -resume).
	focus string
}

// run runs the suite and returns its report. When the process wrote none (it could not start,
// crashed, or was killed), or the run was interrupted before it started, the report says so as a
// harness error, so that the run's report is still written.
func (c suiteChild) run(ctx context.Context, stdout, stderr io.Writer) *report.Report {
	// A report left in the folder by an earlier run must not pass for this one's.
	if err := os.RemoveAll(c.dir); err != nil {
		return c.failed(fmt.Sprintf("%s: clear the suite's report folder: %v", c.name, err))
	}
	if ctx.Err() != nil {
		return c.failed(c.name + ": not run: the run was interrupted before the suite started")
	}
	args := []string{runSuiteCommand, "-suite", c.name, "-report-dir", c.dir, "-run-id", c.runID,
		"-timeout", c.flags.timeout.String(), "-checked"}
	if c.flags.labels != "" {
		// The filter may select nothing in this suite and something in another: the run as a
		// whole is judged for it.
		args = append(args, "-label-filter", c.flags.labels, "-allow-empty")
	}
	if c.flags.seed != 0 {
		args = append(args, "-seed", fmt.Sprint(c.flags.seed))
	}
	if c.focus != "" {
		args = append(args, "-focus", c.focus)
	}
	// Past the suite's own deadline (Ginkgo's timeout), the process is stopped from outside.
	ctx, cancel := context.WithTimeout(ctx, c.flags.timeout+time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.exe, args...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if c.interactive {
		// In the terminal's process group the suite gets a Ctrl-C from the terminal itself;
		// passing it on too would be Ginkgo's second interrupt, "stop without the report".
		cmd.Cancel = func() error { return nil }
	} else {
		// An interrupt reaches the suite once, through paycert (Ginkgo then runs the cleanup and
		// writes the report).
		separateGroup(cmd)
		cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	}
	// A suite that does not stop within this grace period is killed.
	cmd.WaitDelay = 30 * time.Second
	if err := cmd.Start(); err != nil {
		return c.failed(fmt.Sprintf("%s: the suite could not start: %v", c.name, err))
	}
	_ = cmd.Wait()
	r, err := report.Read(c.dir)
	switch {
	case err == nil && r.RunID == c.runID:
		return r
	case err == nil:
		return c.failed(fmt.Sprintf("%s: the suite's report belongs to run %s, not to this run %s", c.name, r.RunID, c.runID))
	}
	return c.failed(fmt.Sprintf("%s: the suite ended without writing its report (%s); its output above says why", c.name, cmd.ProcessState))
}

// failed is the report of a suite that gave none: its requirements not run, and why.
func (c suiteChild) failed(why string) *report.Report {
	suite, _ := suites.Find(c.name)
	now := time.Now().UTC()
	r := &report.Report{Tool: "paycert", RunID: c.runID, Started: now, Finished: now,
		Targets: []report.Target{{Suite: c.name, Provider: suite.Provider, Kind: report.NotSetUp}},
		Errors:  []string{why},
	}
	if cat, err := requirementsOf(suite.Suite); err == nil {
		for _, req := range cat {
			r.Requirements = append(r.Requirements, report.Requirement{Requirement: req, Suite: c.name})
		}
	}
	r.Judge()
	if err := report.WriteSigned(c.dir, r, c.key); err != nil {
		r.Errors = append(r.Errors, fmt.Sprintf("%s: %v", c.name, err))
		r.Judge()
	}
	return r
}

// anySpecRan reports whether any spec of a run was selected to run: a spec the filter left out is
// skipped with no reason; one that was not applicable was run and says why.
func anySpecRan(r *report.Report) bool {
	for _, s := range r.Specs {
		if s.State != "skipped" || s.Failure != "" {
			return true
		}
	}
	return false
}

// isPromptSource reports whether an OTP source setting asks a person at the terminal.
func isPromptSource(setting string) bool {
	kind, _, _ := strings.Cut(strings.TrimSpace(setting), ":")
	return kind == "prompt"
}

// claimRunDir makes the folder of a run under base, named after runID; when a run of the same
// second has it, the name gets a suffix. It returns the folder and the run's name.
func claimRunDir(base, runID string) (string, string, error) {
	if err := os.MkdirAll(base, 0o755); err != nil {
		return "", "", fmt.Errorf("report folder: %w", err)
	}
	for i := 1; i < 100; i++ {
		id := runID
		if i > 1 {
			id = fmt.Sprintf("%s-%d", runID, i)
		}
		dir := filepath.Join(base, id)
		err := os.Mkdir(dir, 0o755)
		if err == nil {
			return dir, id, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", "", fmt.Errorf("report folder: %w", err)
		}
	}
	return "", "", fmt.Errorf("report folder: %s holds 99 runs named %s already", base, runID)
}

// writeMerged writes the merged bundle: the suites' transcripts, then the merged report, signed
// with key when there is one.
func writeMerged(dir string, merged *report.Report, parts []*report.Report, names []string, key ed25519.PrivateKey, stderr io.Writer) error {
	for i, p := range parts {
		if err := report.CopyTranscripts(os.DirFS(filepath.Join(dir, "suites", names[i])), dir, p); err != nil {
			return err
		}
	}
	return writeBundle(dir, merged, key, stderr)
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
	fs.BoolVar(&g.AllowEmpty, "allow-empty", false, "a filter that selects no spec of this suite is no failure of it")
	fs.StringVar(&g.Focus, "focus", "", "Ginkgo focus: a regular expression of the specs' full text")
	if err := fs.Parse(args); err != nil {
		return exitError, errUsage
	}
	entry, ok := suites.Find(*name)
	if !ok {
		return exitError, fmt.Errorf("-suite: %q is not a suite", *name)
	}
	opts.NoSummary = true
	g.NoColor = !isTerminal(os.Stdout)
	opts.Progress = progress.New(os.Stderr, entry.Name, progress.Options{Live: isTerminal(os.Stderr)})
	sc, rc := g.Configure()
	passed := runQuietly(func() bool { return entry.Declare().RunSpecs(&ginkgoT{}, opts, sc, rc) })
	if passed {
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
