package monetix_test

import (
	"testing"

	"github.com/onsi/ginkgo/v2"

	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/suites/monetix"
)

// TestMonetix runs the suite under go test or the ginkgo command, with the Ginkgo settings of its
// command line (go test's -ginkgo.label-filter, ginkgo's --label-filter and -p).
func TestMonetix(t *testing.T) {
	suite, reporter := ginkgo.GinkgoConfiguration()
	monetix.Declare().RunSpecs(t, conformance.RunOptions{}, suite, reporter)
}
