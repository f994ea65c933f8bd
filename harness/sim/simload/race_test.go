//go:build race

package simload_test

// Under the race detector the soak runs a tenth of its flows.
const (
	raceEnabled = true
	soakFlows   = fullSoakFlows / 10
)
