package conformance

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/progress"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/requirements"
)

// Handle is a suite declared in this process's Ginkgo tree: its catalogue from the start, its
// session once BeforeSuite has opened it. A provider suite's Declare returns one; specs reach
// their session through it.
type Handle struct {
	Suite     Suite
	Catalogue *requirements.Catalogue

	opts     RunOptions
	session  *Session
	progress *progress.Reporter
}

// RunOptions are what a runner (paycert run) tells a suite beyond the configuration. The zero
// value is what a developer's `ginkgo ./suites/<name>` gets.
type RunOptions struct {
	// ReportDir overrides the configured report folder.
	ReportDir string
	// RunID names the run; empty means the start time.
	RunID string
	// NoSummary leaves the one-screen summary to the runner, which prints the merged one.
	NoSummary bool
	// Checked says the runner has already checked the configuration, printed its warnings and
	// probed the target (Open then does neither again).
	Checked bool
	// Output is where the summary goes (os.Stdout when nil).
	Output io.Writer
	// Progress shows each spec's waits while they last; nil: plain lines on os.Stderr.
	Progress *progress.Reporter
}

// Declare declares the suite-level nodes every provider suite has and returns the suite's handle:
// BeforeSuite opens the target (a configuration error fails the suite before any request, with
// the setting's name), and ReportAfterSuite writes the report bundle, also when the run stopped
// half-way. A provider suite's Declare calls it once, before declaring its specs.
func Declare(s Suite) *Handle {
	h := &Handle{Suite: s, Catalogue: s.Catalogue()}
	ginkgo.BeforeSuite(func(ctx ginkgo.SpecContext) {
		// Progress of waits goes to the terminal at once, not to the spec's buffered output.
		h.progress = h.opts.Progress
		if h.progress == nil {
			h.progress = progress.New(os.Stderr, s.Name, progress.Options{})
		}
		ticking, stop := context.WithCancel(context.Background())
		go h.progress.Run(ticking, time.Second)
		ginkgo.DeferCleanup(stop)
		sess, err := Open(ctx, s, h.opts, h.progress)
		if err != nil {
			ginkgo.Fail("the run stopped before any request: " + err.Error())
		}
		h.session = sess
		ginkgo.DeferCleanup(sess.Close)
	})
	ginkgo.ReportBeforeEach(func(r ginkgo.SpecReport) {
		if !r.State.Is(types.SpecStateSkipped | types.SpecStatePending) {
			h.progress.Begin(r.LeafNodeText)
		}
	})
	ginkgo.ReportAfterEach(func(r ginkgo.SpecReport) {
		h.progress.End(outcome(r))
	})
	ginkgo.ReportAfterSuite("paycert conformance report", func(r ginkgo.Report) {
		runID := h.opts.RunID
		if runID == "" {
			runID = r.StartTime.UTC().Format("20060102-150405")
		}
		dir := h.opts.ReportDir
		if dir == "" && h.session != nil {
			dir = h.session.Config.ReportDir
		}
		if dir == "" {
			dir = os.Getenv("PAYCERT_REPORT_DIR")
		}
		dir = ReportDir(dir, runID)
		out := h.opts.Output
		if out == nil {
			out = os.Stdout
		}
		if err := WriteReport(dir, BuildReport(r, runID, s, h.Catalogue, h.session), !h.opts.NoSummary, out); err != nil {
			ginkgo.Fail(fmt.Sprintf("write the report: %v", err))
		}
	})
	return h
}

// outcome says how a spec ended, in the words of the progress line.
func outcome(r types.SpecReport) string {
	switch {
	case r.State == types.SpecStatePassed:
		return progress.Passed
	case r.State.Is(types.SpecStateInterrupted | types.SpecStateTimedout | types.SpecStateAborted):
		return progress.NotRun
	case r.State.Is(types.SpecStateFailureStates):
		return progress.Failed
	case strings.HasPrefix(r.Failure.Message, report.NotApplicablePrefix):
		return progress.NotApplicable
	}
	return progress.Skipped
}

// Session is the session BeforeSuite opened in this process; nil before, or when it failed.
func (h *Handle) Session() *Session { return h.session }

// Begin starts a spec on the suite's session (see Session.Begin).
func (h *Handle) Begin() *T {
	ginkgo.GinkgoHelper()
	return h.session.Begin()
}

// Each declares, in the container it is called in, a BeforeEach that begins every spec on h: *t
// becomes the spec's view of the session and *client what newClient makes for it.
func Each[C any](h *Handle, t **T, client *C, newClient func(*T) C) {
	ginkgo.BeforeEach(func() {
		*t = h.Begin()
		*client = newClient(*t)
	})
}

// Req labels a spec with requirement IDs of the suite's catalogue and their flows.
func (h *Handle) Req(ids ...string) ginkgo.Labels { return Req(h.Catalogue, ids...) }

// RunSpecs registers the suite's fail handler and runs the Ginkgo tree of this process, which
// must hold this suite alone (Ginkgo runs one tree once per process). t is a go test's
// *testing.T, or any GinkgoTestingT; args are passed to ginkgo.RunSpecs (a SuiteConfig, a
// ReporterConfig).
func (h *Handle) RunSpecs(t ginkgo.GinkgoTestingT, opts RunOptions, args ...any) bool {
	h.opts = opts
	gomega.RegisterFailHandler(FailHandler(h.Catalogue, h.Session))
	return ginkgo.RunSpecs(t, h.Suite.Title, args...)
}

// GinkgoSettings are the Ginkgo settings of a run outside `go test`.
type GinkgoSettings struct {
	LabelFilter string
	Timeout     time.Duration
	NoColor     bool
	Seed        int64
	// AllowEmpty: a filter that selects no spec is no failure (the runner judges the whole run).
	AllowEmpty bool
	// Focus, when set, runs only the specs whose suite title and full text it matches.
	Focus string
}

// Configure returns Ginkgo's configuration with the settings paycert runs suites with: specs in
// random order, pending specs fail the run, and so does a filter that selects nothing unless
// AllowEmpty. The output is succinct: no skipped specs, and no progress polled from a spec that
// takes long (paycert's progress line says what it waits for).
func (g GinkgoSettings) Configure() (types.SuiteConfig, types.ReporterConfig) {
	sc, rc := ginkgo.GinkgoConfiguration()
	sc.PollProgressAfter, sc.PollProgressInterval = 0, 0
	rc.Succinct, rc.SilenceSkips = true, true
	sc.RandomizeAllSpecs = true
	sc.FailOnPending = true
	sc.FailOnEmpty = !g.AllowEmpty
	sc.LabelFilter = g.LabelFilter
	if g.Focus != "" {
		sc.FocusStrings = []string{g.Focus}
	}
	if g.Timeout > 0 {
		sc.Timeout = g.Timeout
	}
	if g.Seed != 0 {
		sc.RandomSeed = g.Seed
	}
	rc.NoColor = g.NoColor
	return sc, rc
}
