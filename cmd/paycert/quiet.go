package main

import (
	"github.com/onsi/ginkgo/v2/formatter"

	"github.com/paycert/paycert/harness/conformance"
)

// runQuietly runs a suite with Ginkgo's console output passed through a
// conformance.ProgressReportFilter, so that an interrupt or a deadline prints no goroutine
// stacks. Ginkgo's console reporter writes to formatter.ColorableStdOut, which RunSpecs reads when
// it starts; a run-suite process runs one suite and exits, so setting it here touches nothing
// else.
func runQuietly(run func() bool) bool {
	f := conformance.NewProgressReportFilter(formatter.ColorableStdOut)
	formatter.ColorableStdOut = f
	defer func() { _ = f.Flush() }()
	return run()
}
