package sim

import (
	"fmt"
	"sort"
	"strings"
)

// Fault is a deliberate departure from the documents that a provider simulator can be switched
// into, so that a self-test can prove a suite notices it. Requirement names what the suite must
// then report as failed.
type Fault struct {
	Name        string
	Description string
	Requirement string
}

// NewFault is the fault kind of a provider ("signature-not-checked" of "monetix"): its name is
// "<provider>.<kind>", the name PAYCERT_SIM_FAULTS takes.
func NewFault(provider, kind, description, requirement string) Fault {
	return Fault{Name: provider + "." + kind, Description: description, Requirement: requirement}
}

// Faults is the set of faults switched on.
type Faults map[string]bool

// On reports whether the named fault is switched on.
func (f Faults) On(name string) bool { return f[name] }

// Of reports whether the fault kind of provider (NewFault) is switched on.
func (f Faults) Of(provider, kind string) bool { return f[provider+"."+kind] }

// Names lists the faults switched on, sorted.
func (f Faults) Names() []string {
	out := make([]string, 0, len(f))
	for n, on := range f {
		if on {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// parseFaults checks names against the faults the providers know.
func parseFaults(names []string, known map[string]Fault) (Faults, error) {
	f := Faults{}
	for _, n := range names {
		if _, ok := known[n]; !ok {
			all := make([]string, 0, len(known))
			for k := range known {
				all = append(all, k)
			}
			sort.Strings(all)
			return nil, fmt.Errorf("unknown simulator fault %q (known: %s)", n, strings.Join(all, ", "))
		}
		f[n] = true
	}
	return f, nil
}
