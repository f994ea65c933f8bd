//go:build pact

package contracts_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pact-foundation/pact-go/v2/provider"

	"github.com/paycert/paycert/contracts"
	"github.com/paycert/paycert/harness/receiver"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/providers"
	"github.com/paycert/paycert/harness/sim/simtest"
)

// verify checks the provider's checked-in pact against a simulator with the given faults, with
// states set up through its control API and its credentials put in by the request filter; it
// returns the verifier's error.
func verify(t *testing.T, name string, faults ...string) error {
	t.Helper()
	l := simtest.Start(t, sim.Options{Seed: 5, Faults: faults})
	var creds sim.Credentials
	for _, f := range providers.All() {
		if f.Name == name {
			creds = simtest.CredentialsOf(f)
		}
	}
	tg := contracts.Target{Provider: name, BaseURL: l.ProviderURL(name), ControlURL: l.ControlURL(), AccountID: creds.ID, SecretKey: creds.Secret}
	file, err := filepath.Abs(contracts.File("pacts", name))
	if err != nil {
		t.Fatal(err)
	}
	rcv, err := receiver.Start("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rcv.Close() })
	req, err := tg.VerifyRequest(contracts.Sources{Files: []string{file}}, rcv)
	if err != nil {
		t.Fatal(err)
	}
	return provider.NewVerifier().VerifyProvider(t, req)
}

// contracted lists the providers whose pacts are checked in.
var contracted = []string{"bepaid", "freedompay", "monetix", "paysage"}

// faultEnv names a simulator fault TestVerify runs with: set by TestVerifyFailsOnFaults for the
// child process it starts, never by hand.
const faultEnv = "PAYCERT_PACT_FAULT"

// TestVerify verifies every checked-in pact against the simulator, which keeps them all. In the
// child process TestVerifyFailsOnFaults starts, the simulator runs with a fault, and only the
// pact of that fault's provider is verified.
func TestVerify(t *testing.T) {
	fault := os.Getenv(faultEnv)
	for _, name := range contracted {
		if fault != "" && !strings.HasPrefix(fault, name+".") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			var faults []string
			if fault != "" {
				faults = []string{fault}
			}
			if err := verify(t, name, faults...); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestVerifyFailsOnFaults: a simulator fault breaks the verification of its provider's pact, on
// the interaction it breaks. Verification failing is what is tested, so it runs in a child
// process (this test binary, running TestVerify with the fault), whose failure and output are
// checked.
func TestVerifyFailsOnFaults(t *testing.T) {
	cases := []struct{ fault, interaction string }{
		{"paysage.accept-wrong-otp", "the confirmation of a pending payment with a wrong OTP"},
		{"bepaid.created-successful", "an MTS Money test payment from a number whose service is active"},
		{"monetix.resend-early", "a new OTP asked for before the OTP sent has expired"},
		{"freedompay.approval-any-code", "the approval of a payment with a wrong code"},
	}
	for _, c := range cases {
		t.Run(c.fault, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run", "^TestVerify$", "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), faultEnv+"="+c.fault)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the pact verified against a simulator with %s:\n%s", c.fault, out)
			}
			failed := regexp.MustCompile(`(?m)^\s*\d+\) Verifying a pact between .* - ` + regexp.QuoteMeta(c.interaction) + `$`)
			if !failed.Match(out) || !strings.Contains(string(out), "There were 1 pact failures") {
				t.Errorf("the verification did not fail on %q alone:\n%s", c.interaction, out)
			}
		})
	}
}
