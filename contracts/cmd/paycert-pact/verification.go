//go:build pact

package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/pact-foundation/pact-go/v2/log"
	"github.com/pact-foundation/pact-go/v2/provider"

	"github.com/paycert/paycert/contracts"
	"github.com/paycert/paycert/harness/receiver"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/providers"
)

// runVerification is the process the verify command starts: it sets the target up (the embedded
// simulator, or the configured one), runs pact-go's verifier, whose report goes to standard
// output, and exits 0 when every interaction verified, 1 when one did not, 2 when it could not
// run, with the reason on a line of standard error that starts with errorPrefix. (It ends in
// os.Exit: what it started ends with the process.)
func runVerification(args []string) {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, errorPrefix+err.Error())
		os.Exit(2)
	}
	j, err := parse(args, io.Discard)
	if err != nil {
		fail(err)
	}
	if os.Getenv("PACT_DO_NOT_TRACK") == "" {
		// Pact reports usage over the network unless told not to; a verification sends nothing
		// but what the pacts say.
		_ = os.Setenv("PACT_DO_NOT_TRACK", "true")
	}
	_ = log.SetLogLevel("ERROR")
	p := j.cfg.Providers[j.provider]
	tg := contracts.Target{
		Provider: j.provider, BaseURL: p.URL, ControlURL: j.cfg.ControlURL, AccountID: p.AccountID, SecretKey: p.SecretKey,
		SignatureVariant: p.SignatureVariant, HTTP: &http.Client{Timeout: j.cfg.RequestTimeout},
	}
	if j.cfg.Embedded {
		l, all, err := startSimulator(j)
		if err != nil {
			fail(err)
		}
		creds := all[j.provider]
		tg.BaseURL, tg.ControlURL, tg.AccountID, tg.SecretKey = l.ProviderURL(j.provider), l.ControlURL(), creds.ID, creds.Secret
	}
	listen := j.cfg.CallbackListen
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	rcv, err := receiver.Start(listen, j.cfg.CallbackPublicURL)
	if err != nil {
		fail(err)
	}
	req, err := tg.VerifyRequest(j.sources, rcv)
	if err != nil {
		fail(err)
	}
	req.BrokerURL, req.Tags, req.ProviderVersion, req.ProviderBranch = j.broker.url, j.broker.consumerTags, j.broker.providerVersion, j.broker.providerBranch
	req.PublishVerificationResults = j.broker.publish
	req.BrokerToken, req.BrokerUsername, req.BrokerPassword = os.Getenv("PACT_BROKER_TOKEN"), os.Getenv("PACT_BROKER_USERNAME"), os.Getenv("PACT_BROKER_PASSWORD")
	if j.broker.url != "" {
		req.FailIfNoPactsFound = true
	}

	// pact-go's verifier reports through a *testing.T: the verification runs as the one test of
	// a test main, which exits 0 when it passed and 1 when it failed.
	os.Args = []string{os.Args[0], "-test.run=^PactVerification$", "-test.count=1"}
	testing.Main(func(string, string) (bool, error) { return true, nil }, []testing.InternalTest{{
		Name: "PactVerification",
		F: func(t *testing.T) {
			if err := provider.NewVerifier().VerifyProvider(t, req); err != nil {
				t.Fail()
			}
		},
	}}, nil, nil)
}

// startSimulator serves every provider's simulator on a loopback port, with credentials of its
// own and the PAYCERT_SIM_* settings; its clock runs, as a target's does while a verifier waits
// for its callbacks.
func startSimulator(j *job) (*sim.Listening, map[string]sim.Credentials, error) {
	fs := providers.All()
	creds, err := sim.NewCredentials(fs)
	if err != nil {
		return nil, nil, err
	}
	seed := j.cfg.Sim.Seed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	srv, err := sim.New(sim.Options{
		Seed: seed, Faults: j.cfg.Sim.Faults, OTPDigits: j.cfg.Sim.OTPDigits, OTPLifetime: j.cfg.Sim.OTPLifetime,
		Running: true, Providers: fs, Credentials: creds,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("PAYCERT_SIM_FAULTS: %w", err)
	}
	l, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return l, creds, nil
}
