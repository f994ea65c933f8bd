package conformance

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	"github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/requirements"
)

// Handle is a suite declared in this process's Ginkgo tree: its catalogue from the start, its
// session once BeforeSuite has opened it. A provider suite's Declare returns one; specs reach
// their session through it.
type Handle struct {
	Suite     Suite
	Catalogue *requirements.Catalogue

	opts    RunOptions
	session *Session
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
}

// Declare declares the suite-level nodes every provider suite has and returns the suite's handle:
// BeforeSuite opens the target (a configuration error fails the suite before any request, with
// the setting's name), and ReportAfterSuite writes the report bundle, also when the run stopped
// half-way. A provider suite's Declare calls it once, before declaring its specs.
func Declare(s Suite) *Handle {
	h := &Handle{Suite: s, Catalogue: s.Catalogue()}
	ginkgo.BeforeSuite(func(ctx ginkgo.SpecContext) {
		// Progress of real-time waits goes to the terminal at once, not to the spec's buffered
		// output.
		sess, err := Open(ctx, s, h.opts, os.Stderr)
		if err != nil {
			ginkgo.Fail("the run stopped before any request: " + err.Error())
		}
		h.session = sess
		ginkgo.DeferCleanup(sess.Close)
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
}

// Configure returns Ginkgo's configuration with the settings paycert runs suites with: specs in
// random order, pending specs fail the run, and so does a filter that selects nothing unless
// AllowEmpty.
func (g GinkgoSettings) Configure() (types.SuiteConfig, types.ReporterConfig) {
	sc, rc := ginkgo.GinkgoConfiguration()
	sc.RandomizeAllSpecs = true
	sc.FailOnPending = true
	sc.FailOnEmpty = !g.AllowEmpty
	sc.LabelFilter = g.LabelFilter
	if g.Timeout > 0 {
		sc.Timeout = g.Timeout
	}
	if g.Seed != 0 {
		sc.RandomSeed = g.Seed
	}
	rc.NoColor = g.NoColor
	return sc, rc
}
