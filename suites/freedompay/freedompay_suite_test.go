package freedompay_test

import (
	"testing"

	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/suites/freedompay"
)

func TestFreedomPay(t *testing.T) {
	freedompay.Declare().RunSpecs(t, conformance.RunOptions{})
}
