// Package simload drives a reference simulator served on loopback with correctly signed requests:
// one Driver per provider, with the operations the load generator (cmd/paycert-load) measures and
// the flows the soak test runs. Requests are built by the reference clients' builders and signed
// by harness/signing; they are sent without the spec validation and recording of harness/exchange,
// so that the load falls on the simulator, not on the harness.
package simload

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"

	"github.com/paycert/paycert/harness/load"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/providers"
)

// Driver sends one provider's operations to a simulator.
type Driver interface {
	// Name is the provider's name.
	Name() string
	// Status makes one payment and returns an operation that queries it. Monetix's Gate has no
	// status query; its status operation is the operators list, the Gate's one read.
	Status(ctx context.Context) (load.Op, error)
	// Create makes one payment, with no callbacks.
	Create(ctx context.Context) error
	// Flow takes one payment as far as the merchant's requests take it (created and confirmed
	// with the OTP the simulator sent), its callbacks going to callbackURL, and returns its ID.
	Flow(ctx context.Context, callbackURL string) (string, error)
	// FlowRequests is how many requests a Flow sends.
	FlowRequests() int
	// Settle moves the simulator's clock as far as the provider needs to end the flows it ends on
	// its own side (bePaid's MTS Money processing); it does nothing for the others.
	Settle()
	// Final asks the provider for a payment's status; ok is false for a provider without a status
	// query (Monetix: its outcome is in the callbacks).
	Final(ctx context.Context, id string) (status string, ok bool, err error)
	// Succeeded is the status Final and the last callback of a successful flow report.
	Succeeded() string
	// Event reads a callback: the payment it is about and the status it reports.
	Event(contentType string, body []byte) (id, status string, err error)
	// Events are the statuses of the callbacks a successful flow's payment gets, in order.
	Events() []string
}

// Target is a simulator served on a loopback port for load, with a fresh secret per provider and a
// clock that stands still until moved.
type Target struct {
	sim   *sim.Listening
	creds map[string]sim.Credentials
	http  *http.Client
}

// Start serves a simulator of the named providers (every one when names is empty) on a free
// loopback port, for up to conns connections at once.
func Start(conns int, names ...string) (*Target, error) {
	var fs []sim.Factory
	for _, f := range providers.All() {
		if len(names) == 0 || slices.Contains(names, f.Name) {
			fs = append(fs, f)
		}
	}
	if len(fs) == 0 || (len(names) > 0 && len(fs) != len(names)) {
		return nil, fmt.Errorf("simload: unknown provider among %v", names)
	}
	creds, err := sim.NewCredentials(fs)
	if err != nil {
		return nil, err
	}
	s, err := sim.New(sim.Options{Seed: 1, Providers: fs, Credentials: creds})
	if err != nil {
		return nil, err
	}
	l, err := s.Listen("127.0.0.1:0")
	if err != nil {
		s.Close()
		return nil, err
	}
	return &Target{sim: l, creds: creds, http: load.NewClient(conns)}, nil
}

// Sim is the simulator.
func (t *Target) Sim() *sim.Listening { return t.sim }

// Close stops the simulator and closes the client's connections.
func (t *Target) Close() {
	t.http.CloseIdleConnections()
	t.sim.Close()
}

// Driver returns the driver of a provider the target serves.
func (t *Target) Driver(name string) (Driver, error) {
	p, ok := t.sim.Provider(name)
	if !ok {
		return nil, fmt.Errorf("simload: the simulator serves no provider %q", name)
	}
	base := t.sim.ProviderURL(name)
	c := caller{http: t.http}
	switch name {
	case "paysage":
		return &paysageDriver{beGateway{caller: c, base: base, creds: t.creds[name], otp: p}}, nil
	case "bepaid":
		return &bepaidDriver{beGateway{caller: c, base: base, creds: t.creds[name], otp: p}, t.sim.Clock()}, nil
	case "monetix":
		return newMonetix(c, base, t.creds[name], p)
	case "freedompay":
		return newFreedomPay(c, base, t.creds[name], p)
	}
	return nil, fmt.Errorf("simload: no driver for provider %q", name)
}

// caller sends requests and reads answers.
type caller struct{ http *http.Client }

// send sends one request and returns the answer's status and body.
func (c caller) send(ctx context.Context, method, url string, h http.Header, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, fmt.Errorf("build %s %s: %w", method, url, err)
	}
	req.Header = h
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, fmt.Errorf("%s %s: read the answer: %w", method, url, err)
	}
	return resp.StatusCode, out, nil
}

// unexpected is the error of an answer that is not what the operation expects.
func unexpected(op string, status int, body []byte) error {
	const most = 300
	if len(body) > most {
		body = append(body[:most:most], "…"...)
	}
	return fmt.Errorf("%s: unexpected answer %d: %s", op, status, body)
}
