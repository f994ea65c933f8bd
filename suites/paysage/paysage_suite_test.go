package paysage_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/conformance"
)

func TestPaySage(t *testing.T) {
	RegisterFailHandler(conformance.FailHandler(catalogue, sessionOf))
	RunSpecs(t, "PaySage Mobile Commerce conformance")
}
