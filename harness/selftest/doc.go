// Package selftest proves that the suites can fail: it runs each provider suite against the
// reference simulator with each fault switched on and expects the fault's requirement to be
// reported failed; against misbehaving targets (an HTML page, a body that is not JSON, a cut
// body, a 500, a reset connection, an answer that never comes) and expects every spec to fail
// with the evidence, the run to end and the report to be written; and it searches a whole run's
// output for the secret key, phone numbers and OTPs. It has only tests.
package selftest
