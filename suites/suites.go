// Package suites lists the provider conformance suites paycert carries, so that the paycert
// binary can run any of them without the Go toolchain or a checkout.
package suites

import (
	"sort"

	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/suites/bepaid"
	"github.com/paycert/paycert/suites/freedompay"
	"github.com/paycert/paycert/suites/monetix"
	"github.com/paycert/paycert/suites/paysage"
)

// Entry is one provider suite: what it is, and how to add it to a process's Ginkgo tree.
type Entry struct {
	conformance.Suite
	// Declare adds the suite's specs to the Ginkgo tree of this process; a process runs one suite.
	Declare func() *conformance.Handle
}

// All returns every suite, sorted by name.
func All() []Entry {
	all := []Entry{
		{Suite: bepaid.Suite, Declare: bepaid.Declare},
		{Suite: freedompay.Suite, Declare: freedompay.Declare},
		{Suite: monetix.Suite, Declare: monetix.Declare},
		{Suite: paysage.Suite, Declare: paysage.Declare},
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all
}

// Names lists the suites' names, sorted.
func Names() []string {
	var out []string
	for _, e := range All() {
		out = append(out, e.Name)
	}
	return out
}

// Find returns the suite of that name.
func Find(name string) (Entry, bool) {
	for _, e := range All() {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}
