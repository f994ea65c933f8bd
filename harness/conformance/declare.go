package conformance

import (
	"fmt"
	"os"

	"github.com/onsi/ginkgo/v2"
)

// Declare declares the suite-level nodes every provider suite has and returns the getter of the
// session they open: BeforeSuite opens the target (a configuration error fails the suite before
// any request, with the setting's name), and ReportAfterSuite writes the report bundle, also when
// the run stopped half-way. Call it once, at package level, beside the suite's specs.
func Declare(s Suite) (session func() *Session) {
	var sess *Session
	cat := s.Catalogue()
	ginkgo.BeforeSuite(func(ctx ginkgo.SpecContext) {
		var err error
		// Progress of real-time waits goes to the terminal at once, not to the spec's buffered
		// output.
		sess, err = Open(ctx, s, os.Stderr)
		if err != nil {
			ginkgo.Fail("the run stopped before any request: " + err.Error())
		}
		ginkgo.DeferCleanup(sess.Close)
	})
	ginkgo.ReportAfterSuite("paycert conformance report", func(r ginkgo.Report) {
		dir := os.Getenv("PAYCERT_REPORT_DIR")
		if sess != nil {
			dir = sess.Config.ReportDir
		}
		dir = ReportDir(dir, RunID())
		if err := WriteReport(dir, BuildReport(r, s, cat, sess), os.Stdout); err != nil {
			ginkgo.Fail(fmt.Sprintf("write the report: %v", err))
		}
	})
	return func() *Session { return sess }
}
