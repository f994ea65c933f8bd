// Package conformance is what a provider suite stands on: it opens the target a run is configured
// for (starting the embedded simulator when there is none), gives each spec a recorder, the OTP
// source, the clock and a webhook inbox, labels specs with requirement IDs checked against the
// catalogue, decorates failures with the requirement and the document section, and writes the
// report from ReportAfterSuite.
package conformance

import (
	"context"
	"crypto/rsa"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/harness/budget"
	"github.com/paycert/paycert/harness/clock"
	"github.com/paycert/paycert/harness/control"
	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/money"
	"github.com/paycert/paycert/harness/otp"
	"github.com/paycert/paycert/harness/probe"
	"github.com/paycert/paycert/harness/progress"
	"github.com/paycert/paycert/harness/receiver"
	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/requirements"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/target"
	"github.com/paycert/paycert/harness/validate"
)

// Capabilities a requirement may need (requirements.Requirement.Needs).
const (
	CapOTP        = "otp"
	CapCallbacks  = "callbacks"
	CapWebhookKey = "webhook-key"
	CapControl    = "control"
	// CapOutcome is what a flow needs to go on: the outcome of a payment, and the states it passes
	// through, reach the harness, by callbacks or, without them, by polling the provider's status
	// operation (T.Poll). Only a provider that documents no status operation (Suite.NoStatusQuery)
	// lacks it, when callbacks are off.
	CapOutcome = "outcome"
)

// Suite names a provider suite and its documents.
type Suite struct {
	// Name is the suite's name in reports and on the command line ("paysage").
	Name string
	// Title is the suite's description in Ginkgo's output ("PaySage Mobile Commerce conformance").
	Title string
	// Provider is the provider's name in the configuration and on the simulator.
	Provider string
	// SpecFile is the provider's OpenAPI document inside the assets.
	SpecFile string
	// Catalogues are the requirement catalogues the suite covers.
	Catalogues []string
	// Simulators are the provider simulators the embedded simulator serves (the suite's own at
	// least); the harness knows no provider by itself.
	Simulators []sim.Factory
	// Signature, when set, describes for the report how the provider's messages are signed
	// where that is a choice of the configuration (the Monetix signature variant).
	Signature func(target.Provider) string
	// Budget is the provider's request budget by default: what its documents ask, or a
	// conservative default where they say nothing (Limits.Source says which).
	Budget budget.Limits
	// Money is what the money guard knows of the provider's money requests.
	Money money.Provider
	// PublicPhones are the test phone numbers the provider's documents publish (and those of
	// paycert's own test tables); reports show them as they are, while every other phone number
	// keeps only its last four digits.
	PublicPhones []string
	// NoStatusQuery, when set, says why the provider's outcomes cannot be polled (its documents
	// give no status operation; the errata entry that decided so): without callbacks the
	// requirements that need the outcome (CapOutcome) are then not applicable, for that reason.
	NoStatusQuery string
}

// Catalogue loads the suite's requirement catalogues from the embedded assets; it panics when they
// are broken, which stops the suite at tree construction with the reason.
func (s Suite) Catalogue() *requirements.Catalogue {
	c, err := requirements.Load(paycert.Assets(""), s.Catalogues...)
	if err != nil {
		panic(fmt.Sprintf("suite %s: %v", s.Name, err))
	}
	return c
}

// Session is a suite's connection to its target, for one test process.
type Session struct {
	Suite     Suite
	Config    target.Config
	Provider  target.Provider
	Assets    fs.FS
	Spec      *validate.Spec
	Catalogue *requirements.Catalogue
	Redactor  *record.Redactor
	HTTP      *http.Client
	// Control is nil when the target has no control API.
	Control *control.Client
	Caps    control.Capabilities
	// OTP is nil when no OTP source is available.
	OTP otp.Source
	// Clock moves the target's time (the control API, or a real wait).
	Clock clock.Mover
	// Receiver is nil when callbacks cannot reach the harness.
	Receiver *receiver.Receiver
	// WebhookKey verifies webhook signatures; nil when none is known.
	WebhookKey *rsa.PublicKey
	// Progress is told about waits (in real time, for a callback or a status) and takes warnings.
	Progress *progress.Reporter
	// Budget spaces the requests to the provider; nil when the budget is off.
	Budget *budget.Budget
	// MoneyRule is the rule the provider's money requests go by (money.Simulator on the embedded
	// simulator).
	MoneyRule money.Rule

	embedded *sim.Listening
	missing  map[string]string
	// specRedactor is the redaction scope of the spec under way (Ginkgo runs one spec at a time
	// in a process), so that its failure message masks OTPs as its transcript does.
	specRedactor *record.Redactor
}

// redactor is the scope of the spec under way, or the run's redactor between specs.
func (s *Session) redactor() *record.Redactor {
	if s.specRedactor != nil {
		return s.specRedactor
	}
	return s.Redactor
}

// Open reads the configuration and connects to the target; with nothing configured it starts the
// embedded simulator. A configuration error is returned before any request is sent.
func Open(ctx context.Context, s Suite, opts RunOptions, progress *progress.Reporter) (*Session, error) {
	cfg, err := target.FromEnvironment(s.Scope())
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	if !opts.Checked {
		target.PrintWarnings(progress, cfg.Warnings)
		refused, err := Check(ctx, cfg, []Suite{s})
		if refused != nil {
			return nil, refused
		}
		if err != nil {
			return nil, fmt.Errorf("the target cannot be tested: %w", err)
		}
	}
	return OpenConfig(ctx, s, cfg, progress)
}

// Scope is what the suite reads a configuration for: its provider, among every provider the
// simulator knows.
func (s Suite) Scope() target.Scope {
	sc := target.Scope{Providers: []string{s.Provider}}
	for _, f := range s.Simulators {
		sc.Known = append(sc.Known, f.Name)
	}
	return sc
}

// OpenConfig is Open with a configuration already read.
func OpenConfig(ctx context.Context, s Suite, cfg target.Config, progress *progress.Reporter) (*Session, error) {
	assets := paycert.Assets(cfg.AssetsDir)
	spec, err := validate.Load(assets, s.SpecFile)
	if err != nil {
		return nil, err
	}
	cat, err := requirements.Load(assets, s.Catalogues...)
	if err != nil {
		return nil, err
	}
	if suiteCfg, _ := ginkgo.GinkgoConfiguration(); suiteCfg.ParallelTotal > 1 {
		if err := sideBySide(cfg); err != nil {
			return nil, err
		}
	}
	// Every request goes through one guard: a target that stops answering in the middle of the
	// run ends it (the rest not run), instead of failing every spec after it.
	guard := &probe.Guard{RequestTimeout: cfg.RequestTimeout, Timeout: probeTimeout(cfg)}
	sess := &Session{
		Suite: s, Config: cfg, Assets: assets, Spec: spec, Catalogue: cat, Progress: progress,
		// A redirect is the target's answer, judged as it is; following it would judge another
		// answer than the one the transcript shows.
		HTTP:    &http.Client{Transport: guard, CheckRedirect: noRedirects},
		missing: map[string]string{},
	}
	if cfg.Embedded {
		if err := sess.startSimulator(); err != nil {
			return nil, err
		}
	}
	sess.Provider = sess.Config.Providers[s.Provider]
	if err := sess.guardMoney(guard); err != nil {
		sess.Close()
		return nil, err
	}
	sess.Redactor = record.NewRedactor(sess.Config.Secrets()...)
	sess.Redactor.AllowPhones(s.PublicPhones...)
	sess.Redactor.AddSecret(signing.BasicAuth(sess.Provider.AccountID, sess.Provider.SecretKey)[len("Basic "):])

	if sess.Config.ControlURL != "" {
		sess.Control = control.New(sess.Config.ControlURL, &http.Client{Transport: guard})
		caps, err := sess.Control.Capabilities(ctx)
		if err != nil {
			sess.Close()
			return nil, fmt.Errorf("PAYCERT_CONTROL_URL: the control API does not answer: %w", err)
		}
		sess.Caps = caps
	} else {
		sess.missing[CapControl] = "the target has no test-control API (PAYCERT_CONTROL_URL)"
	}

	switch {
	case sess.Config.OTPSource != "":
		src, err := otp.Parse(sess.Config.OTPSource, sess.Control)
		if err != nil {
			sess.Close()
			return nil, &target.Error{Setting: "PAYCERT_OTP_SOURCE", Problem: err.Error()}
		}
		sess.OTP = src
	case sess.Control != nil && sess.Caps.OTP:
		sess.OTP = otp.Control{Client: sess.Control}
	default:
		sess.missing[CapOTP] = "no OTP source: the target has no control API that reads OTPs and PAYCERT_OTP_SOURCE is not set"
	}

	switch {
	case sess.Control != nil && sess.Caps.CanAdvance() && sess.Config.Clock != "real":
		// Protocol time passes through the control API whenever it says it may: instantly.
		sess.Clock = sess.Control
	case sess.Config.Clock == "virtual":
		sess.Close()
		return nil, &target.Error{Setting: "PAYCERT_CLOCK", Problem: "virtual, but the target's control API cannot move its clock forward; set auto or real"}
	default:
		sess.Clock = clock.Wait{Progress: progress}
	}
	sess.Clock = stoppingMover{sess.Clock}

	if cfg.Callbacks {
		rcv, err := receiver.Start(cfg.CallbackListen, cfg.CallbackPublicURL)
		if err != nil {
			sess.Close()
			return nil, &target.Error{Setting: "PAYCERT_CALLBACK_LISTEN", Problem: err.Error()}
		}
		sess.Receiver = rcv
	} else {
		sess.missing[CapCallbacks] = "callbacks are switched off (PAYCERT_CALLBACKS=false); the target cannot reach the harness"
		if s.NoStatusQuery != "" {
			sess.missing[CapOutcome] = sess.missing[CapCallbacks] + ", and " + s.NoStatusQuery
		}
	}

	switch {
	case sess.Provider.WebhookPublicKey != "":
		key, err := signing.ParsePublicKey(sess.Provider.WebhookPublicKey)
		if err != nil {
			sess.Close()
			return nil, &target.Error{Setting: target.EnvName(s.Provider, "WEBHOOK_PUBLIC_KEY"), Problem: err.Error()}
		}
		sess.WebhookKey = key
	case sess.Control != nil:
		if k, err := sess.Control.WebhookKey(ctx, s.Provider); err == nil {
			if key, err := signing.ParsePublicKey(k.PEM); err == nil {
				sess.WebhookKey = key
			}
		}
	}
	if sess.WebhookKey == nil {
		sess.missing[CapWebhookKey] = "no webhook public key: set " + target.EnvName(s.Provider, "WEBHOOK_PUBLIC_KEY")
	}
	return sess, nil
}

// sideBySide says why processes of one suite (ginkgo -p) cannot test the configured target side by
// side, or nil when they can: each embedded simulator is its own, and a target on the real clock
// is shared safely when each process has a receiver of its own (or none). A target whose clock
// the control API moves is one clock for every process: they would move each other's time inside
// a 30-second window. A fixed receiver address is one process's.
func sideBySide(cfg target.Config) error {
	switch {
	case cfg.Embedded:
		return nil
	case cfg.ControlURL != "" && cfg.Clock != "real":
		return &target.Error{Setting: "PAYCERT_CONTROL_URL", Problem: "the target's control API moves one clock for every process; run the suite without -p, or set PAYCERT_CLOCK=real"}
	case cfg.Callbacks && !strings.HasSuffix(cfg.CallbackListen, ":0"):
		return &target.Error{Setting: "PAYCERT_CALLBACK_LISTEN", Problem: cfg.CallbackListen + " is one process's address; run the suite without -p, or set PAYCERT_CALLBACKS=false (outcomes are then polled)"}
	}
	return nil
}

// guardMoney judges the provider's money rule and puts the money guard and the request budget in
// front of every request to the provider: a refused request costs no budget, and the wait for the
// budget does not count against the request's own timeout.
func (s *Session) guardMoney(next http.RoundTripper) error {
	rule, err := money.Judge(s.Suite.Money, s.Provider.URL, allowance(s.Config))
	if err != nil {
		return err
	}
	s.MoneyRule = rule
	if s.Budget, err = s.requestBudget(); err != nil {
		return err
	}
	if s.Budget != nil {
		next = &budget.Transport{Budget: s.Budget, Next: next, Waiting: func(req *http.Request, d time.Duration) func() {
			return s.Progress.Awaiting(fmt.Sprintf("the request budget (%s) before %s", s.Budget.Limits(), req.URL.Path), d)
		}}
	}
	s.HTTP.Transport = &money.Guard{Provider: s.Suite.Money, Rule: rule, Max: s.Config.MaxAmount, Operation: exchange.OperationOf, Next: next}
	return nil
}

// BudgetLimits are the limits a configuration gives the suite's provider, and whether the budget
// is on: always with PAYCERT_BUDGET=on, never with off; with auto, for a target without a control
// API (a sandbox, a live API), or where the configuration sets the provider's budget.
func (s Suite) BudgetLimits(cfg target.Config) (budget.Limits, bool) {
	l := s.Budget
	o := cfg.Providers[s.Provider].Budget
	var set []string
	if o.MinIntervalSet {
		l.MinInterval = o.MinInterval
		set = append(set, target.EnvName(s.Provider, "MIN_INTERVAL"))
	}
	if o.PerMinute > 0 {
		l.PerMinute = o.PerMinute
		set = append(set, target.EnvName(s.Provider, "RATE"))
	}
	if len(set) > 0 {
		l.Source = "set by " + strings.Join(set, " and ") + "; the rest: " + l.Source
	}
	switch cfg.Budget {
	case target.BudgetOff:
		return l, false
	case target.BudgetOn:
		return l, !l.Off()
	}
	return l, !l.Off() && (o.Given() || (!cfg.Embedded && cfg.ControlURL == ""))
}

// requestBudget opens the provider's budget, shared by every process that tests the same account
// at the same base URL; nil when it is off.
func (s *Session) requestBudget() (*budget.Budget, error) {
	l, on := s.Suite.BudgetLimits(s.Config)
	if !on {
		return nil, nil
	}
	key := s.Suite.Provider + "\x00" + strings.ToLower(strings.TrimRight(s.Provider.URL, "/")) + "\x00" + s.Provider.AccountID
	b, err := budget.New(l, budget.Options{Dir: s.Config.BudgetDir, Key: key})
	if err != nil {
		return nil, &target.Error{Setting: "PAYCERT_BUDGET_DIR", Problem: err.Error()}
	}
	return b, nil
}

// startSimulator starts the embedded reference simulator and points the configuration at it.
func (s *Session) startSimulator() error {
	creds, err := sim.NewCredentials(s.Suite.Simulators)
	if err != nil {
		return err
	}
	seed := s.Config.Sim.Seed
	if seed == 0 {
		seed = 1
	}
	srv, err := sim.New(sim.Options{
		Seed: seed, Faults: s.Config.Sim.Faults, OTPDigits: s.Config.Sim.OTPDigits, OTPLifetime: s.Config.Sim.OTPLifetime,
		// PAYCERT_CLOCK=real runs the simulator on the wall clock, as a live target would be.
		Running:   s.Config.Clock == "real",
		Providers: s.Suite.Simulators, Credentials: creds,
	})
	if err != nil {
		return &target.Error{Setting: "PAYCERT_SIM_FAULTS", Problem: err.Error()}
	}
	l, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		srv.Close()
		return err
	}
	s.embedded = l
	s.Config.ControlURL = l.ControlURL()
	c := creds[s.Suite.Provider]
	p := s.Config.Providers[s.Suite.Provider]
	p.URL, p.AccountID, p.SecretKey = l.ProviderURL(s.Suite.Provider), c.ID, c.Secret
	s.Config.Providers[s.Suite.Provider] = p
	return nil
}

// Close stops what the session started.
func (s *Session) Close() {
	if s.Receiver != nil {
		_ = s.Receiver.Close()
	}
	if s.embedded != nil {
		s.embedded.Close()
	}
}

// Target describes the target for the report.
func (s *Session) Target() report.Target {
	t := report.Target{
		Suite: s.Suite.Name, Provider: s.Suite.Provider, URL: s.Provider.URL,
		Control: s.Control != nil, Callbacks: s.Receiver != nil, Kind: "external",
	}
	if s.embedded != nil {
		t.Kind = "embedded simulator"
	}
	if s.Clock.Virtual() {
		t.Clock = report.ClockMoved
	} else {
		t.Clock = report.ClockWaited
	}
	if s.OTP != nil {
		t.OTPSource = s.OTP.Describe()
	} else {
		t.OTPSource = "none"
	}
	if s.embedded != nil {
		t.URL = "(in-process) " + t.URL
	}
	if s.Suite.Signature != nil {
		t.Signature = s.Suite.Signature(s.Provider)
	}
	t.Money = money.Describe(s.MoneyRule, s.Suite.Money, s.Config.MaxAmount)
	t.Budget = "off"
	if s.Budget != nil {
		l := s.Budget.Limits()
		sent, waited := s.Budget.Used()
		t.Budget = fmt.Sprintf("%s (%s); %d requests, %s waited", l, l.Source, sent, waited.Round(time.Second))
	}
	return t
}

// Missing says why the target lacks a capability (CapOTP, CapOutcome, ...): "" when it has it.
func (s *Session) Missing(capability string) string {
	return s.missing[capability]
}

// WaitContext bounds a wait for a webhook or a status, and shows the wait while it lasts; what
// says what is waited for ("callback 2 of payment ..."). Cancelling ends both.
func (s *Session) WaitContext(ctx context.Context, what string) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(ctx, s.Config.WaitTimeout)
	done := s.Progress.Awaiting("waiting for "+what, s.Config.WaitTimeout)
	return ctx, func() {
		done()
		cancel()
	}
}
