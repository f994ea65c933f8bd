package bepaid_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/conformance"
)

func TestBePaid(t *testing.T) {
	RegisterFailHandler(conformance.FailHandler(catalogue, sessionOf))
	RunSpecs(t, "bePaid MTS Money conformance")
}
