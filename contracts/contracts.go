// Package contracts holds paycert's Pact contracts (specification V4): the consumer tests that
// write the pact files in pacts/ from the reference clients — what a merchant's integration sends
// each provider and what it reads of the answers — and the provider verification that checks
// those files against the reference simulator. The tests link the Pact FFI library through cgo and
// build only with the tag pact (make test, make pacts); the rest of paycert builds without cgo.
package contracts

import "path/filepath"

// Consumer is the consumer every paycert pact names: a merchant's integration of the provider.
const Consumer = "paycert-merchant"

// File is the pact file of the provider's contract in dir, named as Pact names it.
func File(dir, provider string) string {
	return filepath.Join(dir, Consumer+"-"+provider+".json")
}
