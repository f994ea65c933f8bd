package sim

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sort"
	"time"

	"github.com/paycert/paycert/harness/clock"
)

// Credentials are the merchant credentials a simulated provider accepts (beGateway shop ID and
// secret key, Monetix project ID and secret, FreedomPay merchant ID and secret).
type Credentials struct {
	ID     string
	Secret string
}

// Env is what the core gives a provider simulator.
type Env struct {
	Clock      *clock.Sim
	Rand       *Rand
	Dispatcher *Dispatcher
	Faults     Faults
	OTPDigits  int
	// OTPLifetime is how long an OTP is valid, for a provider whose document leaves it to the
	// project (Monetix: 80 or 90 seconds); 0 means the provider's default.
	OTPLifetime time.Duration
	Credentials Credentials
	// Keys are the key pairs the provider signs with (never nil).
	Keys *Keys
	// Retention is how long the provider keeps finished transactions.
	Retention Retention
}

// OTPInfo is the OTP a provider simulator sent for a transaction.
type OTPInfo struct {
	OTP       string
	IssuedAt  time.Time
	ExpiresAt *time.Time
	Resends   int
}

// Provider is one simulated provider API.
type Provider interface {
	// Handler serves the documented paths, relative to the provider's prefix.
	Handler() http.Handler
	// OTP returns the OTP sent for a transaction.
	OTP(id string) (OTPInfo, bool)
	// WebhookKey is the public key webhooks are signed with, or nil.
	WebhookKey() *rsa.PublicKey
	// States lists the named provider states SetState can set up.
	States() []string
	// SetState sets up a named state and returns the values it made.
	SetState(state string, params map[string]any) (map[string]any, error)
	// Reset forgets every transaction.
	Reset()
}

// WebhookSigner is a Provider whose webhooks carry a signature of their raw body in a header
// (beGateway's Content-Signature): a self-test that changes a webhook signs it again.
type WebhookSigner interface {
	// SignWebhook returns the header's value for body.
	SignWebhook(body []byte) (string, error)
}

// Customer is a Provider on whose own pages a customer acts (a payment page): the control API
// acts for the customer, who enters a phone number or an OTP.
type Customer interface {
	// CustomerAction does what the customer does on the page of the transaction id: action is
	// "enter-phone" or "enter-otp", value what they typed.
	CustomerAction(id, action, value string) error
}

// Customer actions (Customer.CustomerAction).
const (
	EnterPhone = "enter-phone"
	EnterOTP   = "enter-otp"
)

// Factory makes a provider simulator; Faults are the faults it can be switched into.
type Factory struct {
	Name string
	// AccountID is the merchant's ID when none is configured, for a provider whose IDs have a
	// form of their own (Monetix project IDs are integers); empty means "paycert-<name>".
	AccountID string
	Faults    []Fault
	New       func(Env) (Provider, error)
}

// DefaultAccountID is the merchant ID a simulator of f uses when none is configured.
func (f Factory) DefaultAccountID() string {
	if f.AccountID != "" {
		return f.AccountID
	}
	return "paycert-" + f.Name
}

// Options configure a simulator.
type Options struct {
	// Seed makes identifiers and OTPs reproducible.
	Seed int64
	// Running makes the clock follow the wall clock (plus what is advanced); by default it stands
	// still at Start until advanced, which is what suites want.
	Running bool
	Start   time.Time
	// Faults switches deliberate departures on, by name.
	Faults []string
	// OTPDigits is the length of issued OTPs; 0 means each provider's documented length.
	OTPDigits int
	// OTPLifetime is how long OTPs live where the document leaves it to the project; 0 means
	// each provider's default.
	OTPLifetime time.Duration
	// Providers to serve, and the credentials each accepts.
	Providers   []Factory
	Credentials map[string]Credentials
	// Keys are the signing key pairs; nil means the process's (ProcessKeys), generated once.
	Keys *Keys
	// Retention is how long finished transactions are kept; zero fields take the defaults.
	Retention Retention
	// CallbackTransport, when set, carries every callback attempt in place of the default
	// transport: a self-test looks at, or changes, what the simulator sends to merchants.
	CallbackTransport http.RoundTripper
}

// NewCredentials gives each provider its default account ID and one secret key drawn from
// crypto/rand, for a simulator started in-process: nothing outside the process knows them.
func NewCredentials(fs []Factory) (map[string]Credentials, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("simulator credentials: %w", err)
	}
	creds := map[string]Credentials{}
	for _, f := range fs {
		creds[f.Name] = Credentials{ID: f.DefaultAccountID(), Secret: hex.EncodeToString(b[:])}
	}
	return creds, nil
}

// DefaultStart is where a frozen clock starts when Options.Start is zero.
var DefaultStart = time.Date(2025, 4, 26, 7, 15, 0, 0, time.UTC)

// Server is a running simulator (not yet listening: see Listen, or mount Handler).
type Server struct {
	clock      *clock.Sim
	dispatcher *Dispatcher
	faults     Faults
	names      []string
	providers  map[string]Provider
	mux        *http.ServeMux
	stopTick   chan struct{}
	ticked     chan struct{}
}

// tick tells the clock's listeners the time every interval, so that on a running clock timers
// fall due (an expired_at, a callback retry) without anybody calling the API.
func (s *Server) tick(interval time.Duration) {
	defer close(s.ticked)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-s.stopTick:
			return
		case <-t.C:
			s.clock.Advance(0)
		}
	}
}

// New builds a simulator.
func New(opts Options) (*Server, error) {
	known := map[string]Fault{}
	for _, f := range opts.Providers {
		for _, fault := range f.Faults {
			known[fault.Name] = fault
		}
	}
	faults, err := parseFaults(opts.Faults, known)
	if err != nil {
		return nil, err
	}
	var c *clock.Sim
	if opts.Running {
		c = clock.NewRunning()
	} else {
		start := opts.Start
		if start.IsZero() {
			start = DefaultStart
		}
		c = clock.NewFrozen(start)
	}
	s := &Server{clock: c, faults: faults, providers: map[string]Provider{}, mux: http.NewServeMux()}
	s.dispatcher = NewDispatcher(c)
	if opts.CallbackTransport != nil {
		s.dispatcher.http.Transport = opts.CallbackTransport
	}
	rnd := NewRand(opts.Seed)
	keys := opts.Keys
	if keys == nil {
		keys = ProcessKeys()
	}
	for _, f := range opts.Providers {
		creds, ok := opts.Credentials[f.Name]
		if !ok || creds.ID == "" || creds.Secret == "" {
			s.dispatcher.Close()
			return nil, fmt.Errorf("simulator: no credentials for provider %q", f.Name)
		}
		p, err := f.New(Env{Clock: c, Rand: rnd, Dispatcher: s.dispatcher, Faults: faults, OTPDigits: opts.OTPDigits, OTPLifetime: opts.OTPLifetime, Credentials: creds, Keys: keys, Retention: opts.Retention})
		if err != nil {
			s.dispatcher.Close()
			return nil, fmt.Errorf("simulator: %s: %w", f.Name, err)
		}
		s.providers[f.Name] = p
		s.names = append(s.names, f.Name)
		s.mux.Handle("/"+f.Name+"/", http.StripPrefix("/"+f.Name, p.Handler()))
	}
	sort.Strings(s.names)
	s.mountControl()
	s.stopTick, s.ticked = make(chan struct{}), make(chan struct{})
	if opts.Running {
		go s.tick(250 * time.Millisecond)
	} else {
		close(s.ticked)
	}
	return s, nil
}

// Handler serves every provider under /<name> and the control API under /control.
func (s *Server) Handler() http.Handler { return s.mux }

// Clock is the simulator's clock.
func (s *Server) Clock() *clock.Sim { return s.clock }

// Dispatcher delivers the simulator's callbacks.
func (s *Server) Dispatcher() *Dispatcher { return s.dispatcher }

// Providers names the providers served, sorted.
func (s *Server) Providers() []string { return append([]string(nil), s.names...) }

// Provider returns a provider simulator by name.
func (s *Server) Provider(name string) (Provider, bool) {
	p, ok := s.providers[name]
	return p, ok
}

// Reset forgets every transaction and callback and moves the clock back to its start.
func (s *Server) Reset() {
	for _, p := range s.providers {
		p.Reset()
	}
	s.dispatcher.Reset()
	s.clock.Reset()
}

// Close stops the clock's ticking and callback delivery. It may be called more than once.
func (s *Server) Close() {
	select {
	case <-s.stopTick:
	default:
		close(s.stopTick)
	}
	<-s.ticked
	s.dispatcher.Close()
}

// Listening is a simulator served on a TCP address.
type Listening struct {
	*Server
	srv *http.Server
	url string
}

// Listen serves the simulator on addr ("127.0.0.1:0" for a free port).
func (s *Server) Listen(addr string) (*Listening, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("simulator: listen on %s: %w", addr, err)
	}
	l := &Listening{Server: s, url: "http://" + ln.Addr().String()}
	l.srv = &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := l.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(fmt.Sprintf("simulator: serve: %v", err))
		}
	}()
	return l, nil
}

// URL is the simulator's base URL; a provider's base URL is URL()+"/"+name.
func (l *Listening) URL() string { return l.url }

// ProviderURL is the base URL of one provider.
func (l *Listening) ProviderURL(name string) string { return l.url + "/" + name }

// ControlURL is the base URL of the test-control API.
func (l *Listening) ControlURL() string { return l.url + "/control" }

// Close stops serving and delivering.
func (l *Listening) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = l.srv.Shutdown(ctx)
	l.Server.Close()
}

// WriteJSON writes v as a JSON answer with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
