package begateway

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/jsondoc"
)

// Edit changes a valid request in one place, for a spec that breaks it on purpose.
type Edit func(jsondoc.Doc)

// Set sets the value at a dotted path ("request.amount").
func Set(path string, v any) Edit {
	return func(d jsondoc.Doc) {
		GinkgoHelper()
		Expect(jsondoc.Set(d, path, v)).To(Succeed())
	}
}

// Delete removes the value at a dotted path.
func Delete(path string) Edit {
	return func(d jsondoc.Doc) { jsondoc.Delete(d, path) }
}
