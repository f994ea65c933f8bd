package conformance

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/harness/clock"
	"github.com/paycert/paycert/harness/money"
	"github.com/paycert/paycert/harness/probe"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/target"
	"github.com/paycert/paycert/harness/validate"
)

// Preflight probes, once and side by side, the base URL of every suite's provider and the control
// API before the first spec: a target that does not answer, does not speak HTTP, fails TLS, or
// answers 404 on every documented path stops the run here, with the URL and the likely fix. An
// embedded simulator needs no probe.
func Preflight(ctx context.Context, cfg target.Config, suites []Suite) error {
	if cfg.Embedded {
		return nil
	}
	assets := paycert.Assets(cfg.AssetsDir)
	var targets []probe.Target
	for _, s := range suites {
		spec, err := validate.Load(assets, s.SpecFile)
		if err != nil {
			return err
		}
		p := cfg.Providers[s.Provider]
		t := probe.Target{Setting: p.URLSetting, URL: p.URL, Provider: s.Provider}
		for _, e := range spec.Endpoints() {
			t.Endpoints = append(t.Endpoints, probe.EndpointOf(e.Method, e.Path))
		}
		targets = append(targets, t)
	}
	if cfg.ControlURL != "" {
		targets = append(targets, probe.Target{Setting: "PAYCERT_CONTROL_URL", URL: cfg.ControlURL,
			Endpoints: []probe.Endpoint{{Method: http.MethodGet, Path: "/v1/capabilities"}}})
	}
	hc := probeClient(cfg)
	problems := make([]error, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if p := probe.Check(ctx, hc, t); p != nil {
				problems[i] = p
			}
		}()
	}
	wg.Wait()
	return errors.Join(problems...)
}

// Check is what stands before a run's first request: the money guard's judgement of each suite's
// target, then the probe. A target the guard refuses gets nothing, not even the probe; its refusal
// comes back apart from the probe's problems, for the report to say.
func Check(ctx context.Context, cfg target.Config, suites []Suite) (refused, problems error) {
	if refused = CheckMoney(cfg, suites); refused != nil {
		return refused, nil
	}
	return nil, Preflight(ctx, cfg, suites)
}

// CheckMoney judges, before any byte is sent, whether the money guard lets each suite's money
// requests reach its target (money.Judge): a target no rule allows is refused as a whole, with the
// rule and the settings that would allow it.
func CheckMoney(cfg target.Config, suites []Suite) error {
	var errs []error
	for _, s := range suites {
		if _, err := money.Judge(s.Money, cfg.Providers[s.Provider].URL, allowance(cfg)); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// allowance is what a configuration allows the money guard.
func allowance(cfg target.Config) money.Allowance {
	return money.Allowance{Embedded: cfg.Embedded, ControlURL: cfg.ControlURL, Live: cfg.AllowLive, Max: cfg.MaxAmount}
}

// probeClient is the client probes are sent with: the shorter of the request timeout and
// probe.Timeout, no redirects followed.
func probeClient(cfg target.Config) *http.Client {
	return &http.Client{Timeout: probeTimeout(cfg), CheckRedirect: noRedirects}
}

func probeTimeout(cfg target.Config) time.Duration {
	return min(cfg.RequestTimeout, probe.Timeout)
}

// noRedirects keeps a redirect as the answer: it is the target's, judged as it is.
func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// stopOnHarnessError stops what err says cannot go on. When the target has stopped answering, the
// run ends: this spec and every one after it are reported not run, with the reason, instead of
// failing one by one. When the money guard refused the spec's request (nothing was sent), the
// spec is not run, with the rule; the report counts the refusal as a configuration error.
func stopOnHarnessError(err error) {
	var u *probe.Unreachable
	if errors.As(err, &u) {
		ginkgo.AbortSuite(u.Error(), 1)
	}
	var r *money.Refusal
	if errors.As(err, &r) {
		ginkgo.Skip(report.NotRunPrefix + r.Error())
	}
}

// stoppingMover is a clock Mover that ends the run when the target's control API has stopped
// answering.
type stoppingMover struct{ clock.Mover }

// Advance moves the clock.
func (m stoppingMover) Advance(ctx context.Context, d time.Duration) error {
	err := m.Mover.Advance(ctx, d)
	stopOnHarnessError(err)
	return err
}
