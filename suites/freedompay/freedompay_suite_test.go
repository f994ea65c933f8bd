package freedompay_test

import (
	"testing"

	"github.com/onsi/ginkgo/v2"

	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/suites/freedompay"
)

// TestFreedomPay runs the suite under go test or the ginkgo command, with the Ginkgo settings of its
// command line (go test's -ginkgo.label-filter, ginkgo's --label-filter and -p).
func TestFreedomPay(t *testing.T) {
	suite, reporter := ginkgo.GinkgoConfiguration()
	freedompay.Declare().RunSpecs(t, conformance.RunOptions{}, suite, reporter)
}
