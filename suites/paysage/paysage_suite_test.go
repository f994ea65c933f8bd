package paysage_test

import (
	"testing"

	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/suites/paysage"
)

func TestPaySage(t *testing.T) {
	paysage.Declare().RunSpecs(t, conformance.RunOptions{})
}
