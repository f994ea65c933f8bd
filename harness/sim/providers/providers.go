// Package providers lists every provider simulator, so that one server can serve them all. The
// simulator core (package sim) knows none of them.
package providers

import (
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/bepaid"
	"github.com/paycert/paycert/harness/sim/freedompay"
	"github.com/paycert/paycert/harness/sim/monetix"
	"github.com/paycert/paycert/harness/sim/paysage"
)

// All returns the factories of every simulated provider.
func All() []sim.Factory {
	return []sim.Factory{bepaid.Factory(), freedompay.Factory(), monetix.Factory(), paysage.Factory()}
}

// Faults lists every fault the simulated providers can be switched into.
func Faults() []sim.Fault {
	var out []sim.Fault
	for _, f := range All() {
		out = append(out, f.Faults...)
	}
	return out
}
