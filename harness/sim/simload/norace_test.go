//go:build !race

package simload_test

// Without the race detector the soak runs all its flows.
const (
	raceEnabled = false
	soakFlows   = fullSoakFlows
)
