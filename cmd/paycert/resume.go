package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/suites"
)

// resumedDir is the folder of a bundle the suites of its resumptions write their own bundles
// into, one folder per attempt (resumed/1/paysage, ...); the suites/ folder of the first attempt
// is kept as it was.
const resumedDir = "resumed"

// cmdResume is paycert run -resume BUNDLE: it runs again the specs the run of BUNDLE did not run
// for a reason of its own (interrupted, past its deadline, the target unreachable, a suite that
// never set up), and merges their results into BUNDLE's report in place: same run ID, the other
// specs with their results and transcripts as they were, the attempt listed in the report.
func cmdResume(set *flag.FlagSet, f runFlags, stdout, stderr io.Writer) (int, error) {
	var clash []string
	set.Visit(func(fl *flag.Flag) {
		switch fl.Name {
		case "suites", "report-dir", "label-filter":
			clash = append(clash, "-"+fl.Name)
		}
	})
	if len(clash) > 0 {
		return exitError, fmt.Errorf("-resume runs the specs the bundle's run selected, into the bundle: %s cannot go with it", strings.Join(clash, ", "))
	}
	if set.NArg() > 0 {
		return exitError, fmt.Errorf("unexpected arguments %q (flags come before them? see paycert help)", set.Args())
	}
	dir, old, err := readResumable(f.resume)
	if err != nil {
		return exitError, err
	}
	plan := planResume(old)
	if len(plan) == 0 {
		fmt.Fprintf(stdout, "paycert: nothing to resume in %s: every spec its run selected has run (verdict %s)\n", dir, old.Verdict)
		return exitCode(old, f.strict), nil
	}
	key, err := signingKey()
	if err != nil {
		return exitError, err
	}
	// The bundle is signed again below: what is in it must be what its manifest says.
	b, err := report.Open(dir)
	if err != nil {
		return exitError, err
	}
	if err := checkBeforeSigning(b, key); err != nil {
		return exitError, fmt.Errorf("-resume: %w", err)
	}
	var names []string
	for _, p := range plan {
		names = append(names, p.suite)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// A target the money guard refuses gets nothing on a resumption either.
	cfg, refused, err := checkTarget(ctx, names, stderr)
	if err == nil {
		err = refused
	}
	if err != nil {
		return exitError, err
	}
	exe, err := os.Executable()
	if err != nil {
		return exitError, fmt.Errorf("find the paycert binary to run the suites with: %w", err)
	}
	attempt := attemptOf(old)
	started := time.Now().UTC()
	parts := make([]*report.Report, len(plan))
	for i, p := range plan {
		child := suiteChild{exe: exe, name: p.suite, dir: filepath.Join(dir, resumedDir, fmt.Sprint(attempt), p.suite), runID: old.RunID,
			flags: f, interactive: isPromptSource(cfg.OTPSource), key: cfg.SigningKey, focus: p.focus}
		fmt.Fprintf(stdout, "paycert: resuming suite %s: %s\n", p.suite, p.describe())
		parts[i] = child.run(ctx, stdout, stderr)
		if err := report.CopyTranscripts(os.DirFS(child.dir), dir, parts[i]); err != nil {
			return exitError, err
		}
	}
	merged := mergeResumed(old, plan, parts, report.Attempt{Started: started, Finished: time.Now().UTC()})
	if err := writeBundle(dir, merged, key, stderr); err != nil {
		return exitError, err
	}
	fmt.Fprintln(stdout)
	report.PrintSummary(stdout, merged, dir)
	return exitCode(merged, f.strict), nil
}

// attemptOf is the number of the resumption about to start: the first attempt was the run itself.
func attemptOf(r *report.Report) int { return len(r.Resumed) + 2 }

// readResumable reads the report of the bundle folder path and checks that it is a paycert run of
// this binary's suites.
func readResumable(path string) (string, *report.Report, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", nil, fmt.Errorf("-resume: %w", err)
	}
	if !info.IsDir() {
		return "", nil, fmt.Errorf("-resume %s: want the bundle's folder (an archive cannot be rewritten in place; unpack it first)", path)
	}
	r, err := report.Read(path)
	if err != nil {
		return "", nil, fmt.Errorf("-resume %s: not the bundle of a paycert run: %w", path, err)
	}
	if r.Tool != "paycert" || r.RunID == "" {
		return "", nil, fmt.Errorf("-resume %s: not the bundle of a paycert run (tool %q, run %q)", path, r.Tool, r.RunID)
	}
	var unknown []string
	for _, s := range suitesOf(r) {
		if _, ok := suites.Find(s); !ok {
			unknown = append(unknown, s)
		}
	}
	if len(unknown) > 0 {
		return "", nil, fmt.Errorf("-resume %s: the run tested %s, which this paycert has no suite of (it has %s)", path, strings.Join(unknown, ", "), strings.Join(suites.Names(), ", "))
	}
	return path, r, nil
}

// suitesOf lists the suites of a report, in the order they first appear.
func suitesOf(r *report.Report) []string {
	var out []string
	add := func(s string) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, t := range r.Targets {
		add(t.Suite)
	}
	for _, s := range r.Specs {
		add(s.Suite)
	}
	return out
}

// suiteResume is what a resumption runs of one suite.
type suiteResume struct {
	suite string
	// ids are the specs run again; nil with whole.
	ids []string
	// whole: the suite never set up and its report lists no spec: all of it runs again.
	whole bool
	// focus selects the specs by their full text ("" with whole).
	focus string
}

// describe says what is run again.
func (p suiteResume) describe() string {
	if p.whole {
		return "all of it (it never set up)"
	}
	return count(len(p.ids), "spec") + " not run before"
}

// planResume lists, per suite, the specs a resumption runs again: those not run for a reason of
// the harness, and every spec the filter selected in a suite that never set up. A spec that
// passed, failed, or was not applicable keeps its result.
func planResume(r *report.Report) []suiteResume {
	notSetUp := map[string]bool{}
	for _, t := range r.Targets {
		if t.Kind == report.NotSetUp {
			notSetUp[t.Suite] = true
		}
	}
	var plan []suiteResume
	for _, name := range suitesOf(r) {
		e, _ := suites.Find(name)
		p := suiteResume{suite: name}
		var texts []string
		listed := false
		for _, s := range r.Specs {
			if s.Suite != name {
				continue
			}
			listed = true
			if resumable(s, notSetUp[name]) {
				p.ids = append(p.ids, s.ID)
				texts = append(texts, "^"+regexp.QuoteMeta(e.Title+" "+s.Name)+"$")
			}
		}
		switch {
		case notSetUp[name] && !listed:
			p.whole = true
		case len(p.ids) == 0:
			continue
		default:
			p.focus = strings.Join(texts, "|")
		}
		plan = append(plan, p)
	}
	return plan
}

// resumable reports whether a spec is run again: it was not run for a reason of the harness or,
// in a suite that never set up, it was not run at all (the filter's choices look the same then).
func resumable(s report.Spec, suiteNotSetUp bool) bool {
	if s.State != "skipped" {
		return false
	}
	if strings.HasPrefix(s.Failure, report.NotRunPrefix) {
		return true
	}
	return suiteNotSetUp && s.Failure == ""
}

// mergeResumed puts the results of a resumption into the run's report: each spec run again takes
// its new result, the suites run again their new target and errors, and every other spec and
// error is kept as it was. A spec to run again that the resumption did not run (this paycert has
// no spec of that name) keeps its old result, and the report says so.
func mergeResumed(old *report.Report, plan []suiteResume, parts []*report.Report, a report.Attempt) *report.Report {
	r := *old
	rerun := map[string]bool{}
	for _, p := range plan {
		rerun[p.suite] = true
	}
	fresh := map[string]report.Spec{}
	var extra []report.Spec
	r.Targets, r.Errors, r.Specs = nil, nil, nil
	for _, t := range old.Targets {
		if !rerun[t.Suite] {
			r.Targets = append(r.Targets, t)
		}
	}
	for _, e := range old.Errors {
		if !rerun[suiteOfError(e, old)] {
			r.Errors = append(r.Errors, e)
		}
	}
	for i, part := range parts {
		r.Targets = append(r.Targets, part.Targets...)
		r.Errors = append(r.Errors, part.Errors...)
		for _, s := range part.Specs {
			if !plan[i].whole && !slices.Contains(plan[i].ids, s.ID) {
				continue
			}
			fresh[s.ID] = s
		}
	}
	listed := map[string]bool{}
	var missing []string
	for _, s := range old.Specs {
		listed[s.ID] = true
		if !rerun[s.Suite] || !resumable(s, suiteNotSetUp(old, s.Suite)) {
			r.Specs = append(r.Specs, s)
			continue
		}
		n, ok := fresh[s.ID]
		if !ok {
			missing = append(missing, s.ID)
			r.Specs = append(r.Specs, s)
			continue
		}
		a.Specs = append(a.Specs, s.ID)
		r.Specs = append(r.Specs, n)
	}
	// A suite that never set up before lists its specs for the first time now.
	for _, p := range parts {
		for _, s := range p.Specs {
			if !listed[s.ID] {
				extra = append(extra, s)
				a.Specs = append(a.Specs, s.ID)
			}
		}
	}
	r.Specs = append(r.Specs, extra...)
	if len(missing) > 0 {
		r.Errors = append(r.Errors, fmt.Sprintf("resume: %s of the run not found in this paycert's suites, kept as they were (%s)", count(len(missing), "spec"), strings.Join(missing, ", ")))
	}
	r.Finished = a.Finished
	r.Resumed = append(slices.Clone(old.Resumed), a)
	r.Comparison = nil
	r.Judge()
	return &r
}

// suiteNotSetUp reports whether the report says the suite never set up.
func suiteNotSetUp(r *report.Report, suite string) bool {
	return slices.ContainsFunc(r.Targets, func(t report.Target) bool { return t.Suite == suite && t.Kind == report.NotSetUp })
}

// suiteOfError is the suite a harness error of a report is about ("paysage: the run was
// interrupted (3 specs not run)", "paysage BeforeSuite: ..."), or "" for the run's own.
func suiteOfError(e string, r *report.Report) string {
	for _, s := range suitesOf(r) {
		if strings.HasPrefix(e, s+":") || strings.HasPrefix(e, s+" ") {
			return s
		}
	}
	return ""
}
