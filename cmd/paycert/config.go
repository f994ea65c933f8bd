package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/requirements"
	"github.com/paycert/paycert/harness/sim/providers"
	"github.com/paycert/paycert/harness/target"
	"github.com/paycert/paycert/suites"
)

// loadConfig reads the configuration for the named suites and checks what only the binary knows
// (which faults the simulator has); warnings go to stderr, once for the whole run.
func loadConfig(names []string, stderr io.Writer) (target.Config, error) {
	sc := target.Scope{Known: knownProviders()}
	for _, n := range names {
		e, _ := suites.Find(n)
		sc.Providers = append(sc.Providers, e.Provider)
	}
	cfg, err := target.FromEnvironment(sc)
	if err == nil {
		err = checkFaults(cfg.Sim.Faults)
	}
	if err != nil {
		return cfg, fmt.Errorf("configuration: %w", err)
	}
	target.PrintWarnings(stderr, cfg.Warnings)
	return cfg, nil
}

// checkFaults checks fault names against the simulator's, before any suite starts.
func checkFaults(names []string) error {
	var known []string
	for _, f := range providers.Faults() {
		known = append(known, f.Name)
	}
	var errs []error
	for _, n := range names {
		if !slices.Contains(known, n) {
			errs = append(errs, &target.Error{Setting: "PAYCERT_SIM_FAULTS", Problem: fmt.Sprintf("%q is not a fault of the simulator%s; paycert sim -fault list lists them", n, target.DidYouMean(n, known))})
		}
	}
	return errors.Join(errs...)
}

// checkVariables reports the PAYCERT_ variables that are no setting (for the commands that do not
// read a whole configuration): errors for likely misspellings, warnings on stderr for the rest.
func checkVariables(stderr io.Writer) error {
	errs, warnings := target.CheckVariables(target.EnvOf(os.Environ()), knownProviders())
	target.PrintWarnings(stderr, warnings)
	if len(errs) > 0 {
		return fmt.Errorf("configuration: %w", errors.Join(errs...))
	}
	return nil
}

// knownProviders names every provider paycert has.
func knownProviders() []string {
	var out []string
	for _, f := range providers.All() {
		out = append(out, f.Name)
	}
	return out
}

// requirementsOf returns the requirements of a suite's catalogues.
func requirementsOf(s conformance.Suite) ([]requirements.Requirement, error) {
	cat, err := requirements.Load(paycert.Assets(""), s.Catalogues...)
	if err != nil {
		return nil, err
	}
	return cat.Items, nil
}
