// Package sim is the reference simulator: one HTTP server on which every provider package
// (harness/sim/paysage, …) serves its documented API under its own prefix (/paysage, …), plus the
// test-control API under /control (specs/control.yaml).
//
// The core owns what all providers share: the clock (frozen by default, so that protocol time
// passes only when the control API advances it), seeded randomness for identifiers and OTPs, the
// dispatcher that delivers callbacks with retries, and the fault switches a self-test turns on to
// prove that the suites notice a broken implementation.
package sim
