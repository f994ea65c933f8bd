package conformance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/paycert/paycert/harness/money"
	"github.com/paycert/paycert/harness/probe"
	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/requirements"
)

// BuildReport turns a Ginkgo suite report into a conformance report. sess may be nil when the
// suite could not set up; then the failure of the setup is the report's harness error.
func BuildReport(gr types.Report, runID string, s Suite, cat *requirements.Catalogue, sess *Session) *report.Report {
	r := &report.Report{Tool: "paycert", RunID: runID, Started: gr.StartTime, Finished: gr.EndTime}
	for _, req := range cat.Items {
		r.Requirements = append(r.Requirements, report.Requirement{Requirement: req, Suite: s.Name})
	}
	selected := selection(gr)
	var unselected []bool
	for _, sr := range gr.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			// A setup node that was interrupted is said once, by markStopped.
			if sr.State.Is(types.SpecStateFailureStates) && !sr.State.Is(types.SpecStateInterrupted|types.SpecStateTimedout) {
				r.Errors = append(r.Errors, fmt.Sprintf("%s %s: %s", s.Name, sr.LeafNodeType, sr.Failure.Message))
			}
			continue
		}
		r.Specs = append(r.Specs, specResult(s.Name, sr))
		unselected = append(unselected, !selected(sr))
	}
	// Why Ginkgo failed the suite apart from its specs (a filter that selects nothing); a stopped
	// run is said by markStopped.
	for _, reason := range gr.SpecialSuiteFailureReasons {
		if _, stop := stopReasons[reason]; stop {
			continue
		}
		if plain, ok := suiteFailures[reason]; ok {
			reason = plain
		}
		r.Errors = append(r.Errors, s.Name+": "+reason)
	}
	markStopped(r, s.Name, gr, unselected)
	refusals(r, s.Name)
	switch {
	case sess != nil:
		r.Targets = []report.Target{sess.Target()}
	case len(r.Errors) == 0:
		// Ginkgo sets a suite up only when a spec of it is to run.
		r.Targets = []report.Target{{Suite: s.Name, Provider: s.Provider, Kind: report.NoSpecSelected}}
	default:
		r.Targets = []report.Target{{Suite: s.Name, Provider: s.Provider, Kind: report.NotSetUp}}
	}
	r.Judge()
	return r
}

// markStopped reports a run that ended before its specs did: interrupted (Ctrl-C, SIGTERM), past
// its deadline, or ended because the target stopped answering. None of these is a finding about
// the target: the spec that was stopped (it keeps its exchanges as evidence) and the specs never
// started are not run, and the run's error says why and how many. A spec the run's filter left
// out (unselected[i] for r.Specs[i]) stays as a filter leaves it: it was never going to run.
func markStopped(r *report.Report, suite string, gr types.Report, unselected []bool) {
	why := ""
	for _, reason := range gr.SpecialSuiteFailureReasons {
		if w, ok := stopReasons[reason]; ok {
			why = w
		}
	}
	for i := range r.Specs {
		sp := &r.Specs[i]
		var stopped string
		switch {
		case sp.State == types.SpecStateAborted.String() && strings.HasPrefix(sp.Failure, probe.UnreachablePrefix):
			stopped = report.FirstLine(sp.Failure)
		case sp.State == types.SpecStateInterrupted.String():
			stopped = stopReasons[interruptedByUser]
		case sp.State == types.SpecStateTimedout.String():
			stopped = stopReasons[suiteTimeout]
		default:
			continue
		}
		if why == "" || strings.HasPrefix(stopped, probe.UnreachablePrefix) {
			why = stopped
		}
		sp.State, sp.Failure = types.SpecStateSkipped.String(), report.NotRunPrefix+stopped
	}
	if why == "" {
		return
	}
	notRun := 0
	for i := range r.Specs {
		sp := &r.Specs[i]
		switch {
		case sp.State != types.SpecStateSkipped.String() || unselected[i]:
		case sp.Failure == "":
			sp.Failure = report.NotRunPrefix + why
			notRun++
		case strings.HasPrefix(sp.Failure, report.NotRunPrefix):
			notRun++
		}
	}
	if notRun == 0 {
		r.Errors = append(r.Errors, fmt.Sprintf("%s: %s before any spec ran", suite, why))
		return
	}
	r.Errors = append(r.Errors, fmt.Sprintf("%s: %s (%d specs not run)", suite, why, notRun))
}

// refusals makes each money request the guard refused an error of the run: the configuration did
// not let a spec run, which is neither a finding nor a pass.
func refusals(r *report.Report, suite string) {
	for _, sp := range r.Specs {
		if why, ok := strings.CutPrefix(sp.Failure, report.NotRunPrefix+money.RefusalPrefix); ok {
			r.Errors = append(r.Errors, fmt.Sprintf("%s: %q was not run: %s%s", suite, sp.Name, money.RefusalPrefix, report.FirstLine(why)))
		}
	}
}

// selection returns whether a spec was selected to run by the run's label filter, focus and skip
// expressions, as Ginkgo selects them (the report of a filtered-out spec and that of a spec an
// interrupt kept from starting are alike: skipped, with no message).
func selection(gr types.Report) func(types.SpecReport) bool {
	var checks []func(types.SpecReport) bool
	sc := gr.SuiteConfig
	if sc.LabelFilter != "" {
		if f, err := types.ParseLabelFilter(sc.LabelFilter); err == nil {
			checks = append(checks, func(sr types.SpecReport) bool { return f(append(sr.Labels(), gr.SuiteLabels...)) })
		}
	}
	text := func(sr types.SpecReport) string { return gr.SuiteDescription + " " + sr.FullText() }
	if focus := strings.Join(sc.FocusStrings, "|"); focus != "" {
		if re, err := regexp.Compile(focus); err == nil {
			checks = append(checks, func(sr types.SpecReport) bool { return re.MatchString(text(sr)) })
		}
	}
	if skip := strings.Join(sc.SkipStrings, "|"); skip != "" {
		if re, err := regexp.Compile(skip); err == nil {
			checks = append(checks, func(sr types.SpecReport) bool { return !re.MatchString(text(sr)) })
		}
	}
	return func(sr types.SpecReport) bool {
		for _, ok := range checks {
			if !ok(sr) {
				return false
			}
		}
		return true
	}
}

// Ginkgo's reasons for a suite that was stopped, and what the report says of them.
const (
	interruptedByUser = "Interrupted by User"
	suiteTimeout      = "Suite Timeout Elapsed"
)

// suiteFailures say in paycert's words why Ginkgo failed a suite apart from its specs.
var suiteFailures = map[string]string{
	"Detected no specs ran and --fail-on-empty is set":    "no spec ran: the label filter selects none",
	"Detected pending specs and --fail-on-pending is set": "the suite has pending specs",
}

var stopReasons = map[string]string{
	interruptedByUser: "the run was interrupted",
	suiteTimeout:      "the suite's deadline (-timeout) passed",
}

func specResult(suite string, sr types.SpecReport) report.Spec {
	full := sr.FullText()
	sum := sha256.Sum256([]byte(suite + "\x00" + full))
	sp := report.Spec{
		ID:       suite + "-" + slug(sr.LeafNodeText) + "-" + hex.EncodeToString(sum[:3]),
		Suite:    suite,
		Name:     full,
		Labels:   sr.Labels(),
		State:    sr.State.String(),
		Duration: sr.RunTime,
	}
	for _, l := range sp.Labels {
		if requirements.IsID(l) {
			sp.Requirements = append(sp.Requirements, l)
		}
	}
	if sr.State != types.SpecStatePassed {
		sp.Failure = sr.Failure.Message
		if sr.Failure.Location.FileName != "" {
			sp.Location = report.RepoPath(sr.Failure.Location.String())
		}
	}
	relies := ""
	for _, e := range sr.ReportEntries {
		if e.Name == RelianceEntry {
			relies = e.Value.String()
			continue
		}
		if e.Name == OutcomeEntry {
			sp.OutcomeBy = e.Value.String()
			continue
		}
		if e.Name != TranscriptEntry {
			continue
		}
		var xs []record.Exchange
		if err := json.Unmarshal([]byte(e.Value.String()), &xs); err == nil {
			sp.Exchanges = append(sp.Exchanges, xs...)
		}
	}
	// A spec that failed inside a step relying on another requirement failed because of it.
	if sp.Failed() && relies != "" && !slices.Contains(sp.Requirements, relies) {
		sp.Because = relies
	}
	return sp
}

// ReportDir is where a run's report goes: the configured folder, else reports/<run> at the top
// of the paycert checkout the working folder is in (a developer's `ginkgo ./suites/<name>`), else
// reports/<run> in the working folder.
func ReportDir(configured, runID string) string {
	if configured != "" {
		return configured
	}
	return filepath.Join(checkoutRoot(), "reports", runID)
}

// WriteReport writes the bundle and, when summary is true, prints the one-screen summary to out.
// The bundle is signed with the key PAYCERT_SIGNING_KEY_FILE or PAYCERT_SIGNING_KEY gives; with a
// key that cannot be read it is written unsigned, and the error says why.
func WriteReport(dir string, r *report.Report, summary bool, out io.Writer) error {
	key, keyErr := signingKey()
	if err := report.WriteSigned(dir, r, key); err != nil {
		return err
	}
	if summary {
		report.PrintSummary(out, r, dir)
	}
	if keyErr != nil {
		return fmt.Errorf("the report in %s is unsigned: %w", dir, keyErr)
	}
	return nil
}

// checkoutRoot is the folder of paycert's go.mod above the working folder, or the working folder.
func checkoutRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := dir; ; d = filepath.Dir(d) {
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && strings.Contains(string(data), "module github.com/paycert/paycert\n") {
			return d
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		ok := (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
		switch {
		case ok:
			b.WriteRune(c)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 48 {
			break
		}
	}
	return strings.TrimRight(b.String(), "-")
}
