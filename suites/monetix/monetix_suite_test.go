package monetix_test

import (
	"testing"

	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/suites/monetix"
)

func TestMonetix(t *testing.T) {
	monetix.Declare().RunSpecs(t, conformance.RunOptions{})
}
