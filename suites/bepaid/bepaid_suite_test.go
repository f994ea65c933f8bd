package bepaid_test

import (
	"testing"

	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/suites/bepaid"
)

func TestBePaid(t *testing.T) {
	bepaid.Declare().RunSpecs(t, conformance.RunOptions{})
}
