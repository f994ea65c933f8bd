package paysage_test

import (
	"testing"

	"github.com/onsi/ginkgo/v2"

	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/suites/paysage"
)

// TestPaySage runs the suite under go test or the ginkgo command, with the Ginkgo settings of its
// command line (go test's -ginkgo.label-filter, ginkgo's --label-filter and -p).
func TestPaySage(t *testing.T) {
	suite, reporter := ginkgo.GinkgoConfiguration()
	paysage.Declare().RunSpecs(t, conformance.RunOptions{}, suite, reporter)
}
