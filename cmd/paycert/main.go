// Command paycert runs the provider conformance suites, serves the reference simulator, checks
// captured messages against a provider's spec, and merges reports. It carries the specs, schemas
// and suites inside it: it needs neither the Go toolchain nor a checkout.
//
//	paycert run [flags]                       every suite against the configured target; report
//	paycert sim [flags]                       serve the simulator
//	paycert sim -replay BUNDLE [-listen ADDR] serve a report bundle's recorded answers
//	paycert validate [flags] FILE             check one captured message
//	paycert pact check [flags] FILE|DIR...    check consumer pacts against the providers' documents
//	paycert pact verify [flags] ...           verify pacts against a provider (runs paycert-pact)
//	paycert report merge -out DIR BUNDLE...   merge report bundles
//	paycert report diff OLD NEW               compare two runs: what got worse, what better
//	paycert report verify BUNDLE              check a bundle's hashes and signature
//	paycert report keygen -out PREFIX         make a key pair to sign bundles with
//	paycert version                           this build's version
//
// paycert run starts itself once per suite as "paycert run-suite", which is not meant to be
// typed. Exit codes: 0 conformant, 1 non-conformant, 2 configuration or harness error.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Exit codes.
const (
	exitConformant    = 0
	exitNonConformant = 1
	exitError         = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitError
	}
	var err error
	code := exitConformant
	switch args[0] {
	case "run":
		code, err = cmdRun(args[1:], stdout, stderr)
	case runSuiteCommand:
		code, err = cmdRunSuite(args[1:], stdout, stderr)
	case "sim":
		err = cmdSim(args[1:], stdout, stderr)
	case "validate":
		code, err = cmdValidate(args[1:], stdout, stderr)
	case "pact":
		code, err = cmdPact(args[1:], stdout, stderr)
	case "report":
		code, err = cmdReport(args[1:], stdout, stderr)
	case "version", "-version", "--version":
		cmdVersion(stdout)
		return exitConformant
	case "help", "-h", "--help":
		usage(stdout)
		return exitConformant
	default:
		fmt.Fprintf(stderr, "paycert: unknown command %q\n", args[0])
		usage(stderr)
		return exitError
	}
	if err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintf(stderr, "paycert %s: %v\n", args[0], err)
		}
		return exitError
	}
	return code
}

var errUsage = errors.New("usage")

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  paycert run [-suites all|bepaid,paysage] [-report-dir DIR] [-strict] [-label-filter EXPR] [-p=false]
      run the conformance suites against the configured target (the embedded simulator when
      PAYCERT_TARGET is not set); the target is probed first, and one report bundle is written
  paycert run -resume BUNDLE [-timeout D] [-strict]
      run again, into BUNDLE, the specs its run did not run (interrupted, past its deadline,
      the target unreachable); the other specs keep their results
  paycert sim [-listen 127.0.0.1:8080] [-clock real|virtual] [-seed N] [-fault NAME]...
      serve the reference simulator for every provider, with the test-control API; it prints the
      credentials and the lines that point the suites at it
  paycert sim -replay BUNDLE [-listen 127.0.0.1:8080]
      serve the recorded answers of a report bundle as a target: a request gets the answer of the
      recording it matches, in recorded order; one that matches none gets HTTP 501 naming the
      nearest recording and the fields that differ
  paycert validate -provider P -op OPERATION [-kind request|response|webhook] [-status 200] FILE|-
  paycert validate -schema schemas/begateway/transaction.json FILE|-
  paycert validate -list
      check one captured message body against an operation of a provider's spec, or a schema file
  paycert pact check [-provider P] [-json] FILE|DIR...
      check every interaction of consumer pacts (Pact V2, V3, V4) against the provider's spec: the
      requests in full, the answers and messages for what they expect; a folder stands for its
      *.json files (not its subfolders); -provider names the provider of a pact whose
      provider.name is not one of paycert's
  paycert pact verify [flags] FILE|DIR|-broker-url URL
      verify pacts against a running provider with the paycert-pact binary (cgo, the Pact FFI
      library; make paycert-pact builds it into .tools/bin), found beside paycert or on PATH; the flags
      are paycert-pact's
  paycert report merge -out DIR BUNDLE...
      merge report bundles (a CI matrix) into one; a bundle is a folder, or a .zip or .tar.gz of one
  paycert report diff [-out DIR] OLD NEW
      compare two report bundles requirement by requirement: what got worse (exit 1), what got
      better, what is new or gone; written as diff.json and diff.txt into -out, by default into
      NEW (a folder then), whose report then carries the comparison
  paycert report verify [-key PUBKEY_FILE | -fingerprint FP] [-require-signature] BUNDLE
      check every file of a bundle against its manifest, and the manifest's signature: exit 0
      verified (unsigned too, unless -require-signature), 1 when anything does not check
  paycert report keygen -out PREFIX
      make an Ed25519 key pair, PREFIX.key and PREFIX.pub; PAYCERT_SIGNING_KEY_FILE=PREFIX.key
      signs every bundle paycert writes
  paycert version

settings come from PAYCERT_* environment variables (and PAYCERT_CONFIG); see the README
exit codes: 0 conformant, 1 non-conformant, 2 configuration or harness error
`)
}
