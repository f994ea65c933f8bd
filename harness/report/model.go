// Package report is the conformance report of a run: the verdict, the requirement matrix, every
// spec with its failure and its transcript, and the bundle written from them (report.json,
// junit.xml, a self-contained index.html, transcripts and a manifest of SHA-256 hashes). Reports
// of several runs (a CI matrix, several suites) merge into one.
package report

import (
	"sort"
	"time"

	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/requirements"
)

// Requirement statuses.
const (
	Passed        = "passed"
	Failed        = "failed"
	NotRun        = "not run"
	NotApplicable = "not applicable"
	NotCovered    = "not covered"
)

// Verdicts.
const (
	Conformant    = "conformant"
	NonConformant = "non-conformant"
	Incomplete    = "incomplete"
	HarnessError  = "error"
)

// Report is one run's result, or several merged.
type Report struct {
	Tool     string    `json:"tool"`
	RunID    string    `json:"run_id"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Targets  []Target  `json:"targets"`
	// Verdict is conformant, non-conformant, incomplete (no failure, but MUST requirements not
	// run) or error (the harness could not run). A failed MAY requirement (a decision of paycert
	// where the documents are silent) is reported but does not make a run non-conformant.
	Verdict      string        `json:"verdict"`
	Summary      Summary       `json:"summary"`
	Requirements []Requirement `json:"requirements"`
	Specs        []Spec        `json:"specs"`
	// Errors are the harness's own failures (a suite that could not set up).
	Errors []string `json:"errors,omitempty"`
	// SignedBy is the fingerprint of the Ed25519 key the bundle's manifest is signed with, or ""
	// for an unsigned bundle.
	SignedBy string `json:"signed_by,omitempty"`
	// Comparison is this run compared with an older one, when the report was given one.
	Comparison *Diff `json:"comparison,omitempty"`
	// Resumed are the attempts that ran again the specs an earlier attempt did not run
	// (paycert run -resume), oldest first.
	Resumed []Attempt `json:"resumed,omitempty"`
}

// Attempt is one resumption of a run: when, and which specs it ran again.
type Attempt struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Specs are the IDs of the specs it ran again.
	Specs []string `json:"specs"`
}

// Kinds of a target a suite did not reach.
const (
	// NotSetUp: the suite could not set up (its error says why).
	NotSetUp = "not set up"
	// NoSpecSelected: the run's label filter selected no spec of the suite.
	NoSpecSelected = "no spec selected"
)

// How protocol time passed in a run (Target.Clock).
const (
	// ClockMoved: the suite moved the target's clock through its control API.
	ClockMoved = "moved by the control API"
	// ClockWaited: the suite waited in real time.
	ClockWaited = "real time, waited"
)

// Target describes what a suite ran against.
type Target struct {
	Suite    string `json:"suite"`
	Provider string `json:"provider"`
	Kind     string `json:"kind"`
	URL      string `json:"url"`
	Control  bool   `json:"control_api"`
	// Clock says how protocol time passed: ClockMoved or ClockWaited.
	Clock     string `json:"clock"`
	OTPSource string `json:"otp_source"`
	Callbacks bool   `json:"callbacks"`
	// Signature says how messages are signed, where the provider's SDKs differ (the Monetix
	// variant).
	Signature string `json:"signature,omitempty"`
	// Budget says how requests to the provider were spaced, and how many waited how long.
	Budget string `json:"request_budget,omitempty"`
	// Money says by which rule money requests went to the target (the money guard).
	Money string `json:"money,omitempty"`
}

// Summary counts requirements and specs by status.
type Summary struct {
	Requirements map[string]int `json:"requirements"`
	MustNotRun   int            `json:"must_not_run"`
	Specs        map[string]int `json:"specs"`
}

// Requirement is one catalogue entry with its result.
type Requirement struct {
	requirements.Requirement
	Suite  string   `json:"suite"`
	Status string   `json:"status"`
	Specs  []string `json:"specs"`
	// Reason says why it was not run or not applicable.
	Reason string `json:"reason,omitempty"`
	// CausedBy, for a failed requirement, are the requirements (of the same suite) that probably
	// made it fail: every failed spec of it failed in a step relying on one of them, and each of
	// them failed on its own.
	CausedBy []string `json:"caused_by,omitempty"`
}

// OutcomeByPolling is Spec.OutcomeBy of a spec that polled the provider's status operation for
// the outcome a callback would have brought.
const OutcomeByPolling = "polling"

// Spec is one Ginkgo spec's result.
type Spec struct {
	ID           string   `json:"id"`
	Suite        string   `json:"suite"`
	Name         string   `json:"name"`
	Labels       []string `json:"labels"`
	Requirements []string `json:"requirements"`
	// State is passed, failed, skipped, pending, panicked, interrupted, aborted or timedout.
	State    string        `json:"state"`
	Duration time.Duration `json:"duration_ns"`
	Failure  string        `json:"failure,omitempty"`
	Location string        `json:"location,omitempty"`
	// Because is the requirement whose behaviour a step of the spec relied on, when the spec
	// failed in that step: its failure is evidence against that requirement first.
	Because string `json:"because,omitempty"`
	// OutcomeBy says how the spec learnt the outcome of its payment when it did not come by a
	// callback: OutcomeByPolling when no callback could reach the harness and the provider's
	// status operation was polled for it; "" otherwise.
	OutcomeBy string `json:"outcome_by,omitempty"`
	// Transcript is the path, inside the bundle, of the spec's recorded exchanges.
	Transcript string            `json:"transcript,omitempty"`
	Exchanges  []record.Exchange `json:"-"`
}

// reqKey identifies a requirement within a report: an ID is unique in its suite's catalogues
// only (both beGateway suites have BGW-...).
func reqKey(suite, id string) string { return suite + "\x00" + id }

// Failed reports whether the spec's state is a failure.
func (s Spec) Failed() bool {
	switch s.State {
	case "failed", "panicked", "interrupted", "aborted", "timedout":
		return true
	}
	return false
}

// NotApplicablePrefix starts the skip message of a spec whose target lacks a capability.
const NotApplicablePrefix = "not applicable: "

// NotRunPrefix starts the message of a spec the run did not run for a reason of its own (it was
// interrupted, its deadline passed, the target stopped answering), not for one of the target's.
const NotRunPrefix = "not run: "

// Judge fills in the requirement statuses, the summary and the verdict from the specs.
func (r *Report) Judge() {
	bySpec := map[string][]Spec{}
	for _, s := range r.Specs {
		for _, id := range s.Requirements {
			bySpec[reqKey(s.Suite, id)] = append(bySpec[reqKey(s.Suite, id)], s)
		}
	}
	r.Summary = Summary{Requirements: map[string]int{}, Specs: map[string]int{}}
	level := map[string]requirements.Level{}
	for _, req := range r.Requirements {
		level[reqKey(req.Suite, req.ID)] = req.Level
	}
	anyFailed := false
	for i := range r.Requirements {
		req := &r.Requirements[i]
		specs := bySpec[reqKey(req.Suite, req.ID)]
		req.Specs = req.Specs[:0]
		var passed, failed, applicable int
		var reasons []string
		for _, s := range specs {
			req.Specs = append(req.Specs, s.ID)
			switch {
			case s.Failed():
				failed++
			case s.State == "passed":
				passed++
			default:
				if len(s.Failure) >= len(NotApplicablePrefix) && s.Failure[:len(NotApplicablePrefix)] == NotApplicablePrefix {
					applicable++
				}
				if s.Failure != "" {
					reasons = append(reasons, s.Failure)
				} else {
					reasons = append(reasons, s.State)
				}
			}
		}
		switch {
		case len(specs) == 0 && len(r.Errors) > 0:
			req.Status, req.Reason = NotRun, "the suite did not run (harness error)"
		case len(specs) == 0:
			req.Status, req.Reason = NotCovered, "no spec tests this requirement"
		case failed > 0:
			req.Status = Failed
			anyFailed = anyFailed || req.Level != requirements.May
		case passed > 0:
			req.Status = Passed
		case applicable == len(specs):
			req.Status, req.Reason = NotApplicable, uniqueJoin(reasons)
		default:
			req.Status, req.Reason = NotRun, uniqueJoin(reasons)
		}
		r.Summary.Requirements[req.Status]++
		if req.Level == requirements.Must && req.Status != Passed && req.Status != Failed {
			r.Summary.MustNotRun++
		}
	}
	r.attributeCauses()
	for _, s := range r.Specs {
		r.Summary.Specs[s.State]++
		if s.Failed() && countsForVerdict(s, level) {
			anyFailed = true
		}
	}
	switch {
	case len(r.Errors) > 0:
		r.Verdict = HarnessError
	case anyFailed:
		r.Verdict = NonConformant
	case r.Summary.MustNotRun > 0:
		r.Verdict = Incomplete
	default:
		r.Verdict = Conformant
	}
}

// countsForVerdict reports whether a failed spec makes the run non-conformant: it does unless
// every requirement it tests is a MAY (paycert's own decisions where a document is silent).
func countsForVerdict(s Spec, level map[string]requirements.Level) bool {
	for _, id := range s.Requirements {
		if level[reqKey(s.Suite, id)] != requirements.May {
			return true
		}
	}
	return len(s.Requirements) == 0
}

func uniqueJoin(list []string) string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	res := ""
	for i, s := range out {
		if i > 0 {
			res += "; "
		}
		res += s
	}
	return res
}

// Merge combines reports of several suites or runs into one and judges it.
func Merge(runID string, parts ...*Report) *Report {
	out := &Report{Tool: "paycert", RunID: runID}
	for _, p := range parts {
		if out.Started.IsZero() || (!p.Started.IsZero() && p.Started.Before(out.Started)) {
			out.Started = p.Started
		}
		if p.Finished.After(out.Finished) {
			out.Finished = p.Finished
		}
		out.Targets = append(out.Targets, p.Targets...)
		out.Requirements = append(out.Requirements, p.Requirements...)
		out.Specs = append(out.Specs, p.Specs...)
		out.Errors = append(out.Errors, p.Errors...)
	}
	out.Judge()
	return out
}
