// Package money keeps a run from moving real money. Every request that moves money (a payment,
// its confirmation or approval, a refund) to a target that is not the embedded simulator is
// checked before it is sent, and refused unless one rule lets it go:
//
//   - the target serves paycert's test-control API on the same host (a test double, such as paycert
//     sim or a team's facade in test mode);
//   - the target is a sandbox host the provider publishes;
//   - the user allowed live money for that host (PAYCERT_ALLOW_LIVE) with an amount cap
//     (PAYCERT_MAX_AMOUNT);
//   - the request carries the provider's test mode (beGateway "test": true, FreedomPay
//     pg_testing_mode=1), for a provider that has one.
//
// A target none of these rules lets money requests reach is refused as a whole, before any byte is
// sent to it (Judge); a request that breaks its rule is refused before it is sent (Guard).
package money

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/jsondoc"
)

// Rule names why money requests may go to a target, or why one was refused.
type Rule string

// The rules a target's money requests go by.
const (
	// Simulator: the embedded reference simulator; nothing is checked.
	Simulator Rule = "embedded-simulator"
	// TestDouble: the target serves paycert's test-control API on its own host.
	TestDouble Rule = "test-double"
	// SandboxHost: a sandbox host the provider publishes.
	SandboxHost Rule = "sandbox-host"
	// AllowLive: PAYCERT_ALLOW_LIVE names the host; amounts are capped by PAYCERT_MAX_AMOUNT.
	AllowLive Rule = "allow-live"
	// TestMode: only payments that carry the provider's test mode go.
	TestMode Rule = "test-mode"
)

// Rules that refuse.
const (
	// NoLiveMoney refuses a target no rule lets money requests reach.
	NoLiveMoney Rule = "no-live-money"
	// TestModeRequired refuses a payment without test mode to a target allowed only in test mode.
	TestModeRequired Rule = "test-mode-required"
	// MaxAmount refuses a request whose amount is over PAYCERT_MAX_AMOUNT.
	MaxAmount Rule = "max-amount"
)

// Settings of the guard.
const (
	AllowLiveSetting = "PAYCERT_ALLOW_LIVE"
	MaxAmountSetting = "PAYCERT_MAX_AMOUNT"
)

// Provider is what the guard knows of a provider's money requests, from its documents.
type Provider struct {
	// Name is the provider's name in messages ("FreedomPay").
	Name string
	// Creates are the operations (by operation ID) that create a payment.
	Creates []string
	// FollowUps are the operations that move money of a payment already made: confirmation,
	// approval, clarification, refund.
	FollowUps []string
	// SandboxHosts are hosts the provider publishes as test-only, with SandboxSource saying where.
	SandboxHosts  []string
	SandboxSource string
	// TestModeField is the field that puts a payment in test mode (a dotted path in a JSON body,
	// a field name in a form), and TestModeOn its value for on; empty when the provider has none.
	TestModeField, TestModeOn string
	// AmountFields are the fields that carry a request's amount, by operation ID.
	AmountFields map[string]string
	// MinorUnits says the amounts are integers in minor units (hundredths); false: written in
	// major units (150 or 150.00).
	MinorUnits bool
}

// Allowance is what the user allowed (the configuration).
type Allowance struct {
	// Embedded is a run against the embedded simulator.
	Embedded bool
	// ControlURL is the target's test-control API ("" when it has none).
	ControlURL string
	// Live are the hosts PAYCERT_ALLOW_LIVE names.
	Live []string
	// Max caps every money request's amount in major units; nil: no cap.
	Max *big.Rat
}

// Refusal is a money request, or a whole target, the guard refused. It is a configuration
// error: nothing was sent.
type Refusal struct {
	Rule Rule
	// Provider, Host and Operation say what was refused (Operation is empty for a whole target).
	Provider, Host, Operation string
	// Problem says why; Fix what the user may do.
	Problem, Fix string
}

// RefusalPrefix starts every Refusal's message.
const RefusalPrefix = "money guard: "

func (r *Refusal) Error() string {
	what := r.Provider + " at " + r.Host
	if r.Operation != "" {
		what = r.Operation + " to " + what
	}
	msg := fmt.Sprintf("%srefused %s (rule %s): %s", RefusalPrefix, what, r.Rule, r.Problem)
	if r.Fix != "" {
		msg += "; " + r.Fix
	}
	return msg
}

// ParseAmount reads PAYCERT_MAX_AMOUNT: a positive decimal in the currency's major units.
func ParseAmount(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() <= 0 || strings.ContainsAny(s, "/eE") {
		return nil, fmt.Errorf("%q is not an amount above zero in the currency's major units (such as 1.00)", s)
	}
	return r, nil
}

// ParseHosts reads PAYCERT_ALLOW_LIVE: host names (host or host:port), separated by commas. A URL
// given instead is read for its host.
func ParseHosts(s string) ([]string, error) {
	var out []string
	for _, h := range strings.Split(s, ",") {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" {
			continue
		}
		if strings.Contains(h, "://") {
			u, err := url.Parse(h)
			if err != nil || u.Host == "" {
				return nil, fmt.Errorf("%q is not a host name", h)
			}
			h = u.Host
		}
		if strings.ContainsAny(h, "/?#@ *") {
			return nil, fmt.Errorf("%q is not a host name (give the host of the target, such as api.example.com)", h)
		}
		out = append(out, h)
	}
	return out, nil
}

// Judge decides by which rule money requests may go to a provider at base, or refuses the target
// as a whole: no rule lets them, or live money is allowed with no cap.
func Judge(p Provider, base string, a Allowance) (Rule, error) {
	if a.Embedded {
		return Simulator, nil
	}
	host := hostOf(base)
	switch {
	case a.ControlURL != "" && sameHost(hostOf(a.ControlURL), host):
		return TestDouble, nil
	case hostIn(host, p.SandboxHosts):
		return SandboxHost, nil
	case hostIn(host, a.Live):
		if a.Max == nil {
			return "", &Refusal{Rule: MaxAmount, Provider: p.Name, Host: host,
				Problem: AllowLiveSetting + " allows live money at " + host + " with no cap",
				Fix:     "set " + MaxAmountSetting + " to the most one request may move (such as 1.00)"}
		}
		return AllowLive, nil
	case p.TestModeField != "":
		return TestMode, nil
	}
	fix := "if it is a test account or sandbox, set " + AllowLiveSetting + "=" + host + " and " + MaxAmountSetting + " to the most one request may move"
	return "", &Refusal{Rule: NoLiveMoney, Provider: p.Name, Host: host,
		Problem: fmt.Sprintf("%s is not a sandbox host of %s%s, %s requests have no test mode, and %s does not name it: paycert sends it nothing",
			host, p.Name, known(p), p.Name, AllowLiveSetting),
		Fix: fix}
}

// known lists a provider's sandbox hosts for a message.
func known(p Provider) string {
	if len(p.SandboxHosts) == 0 {
		return " (it publishes none)"
	}
	return " (" + strings.Join(p.SandboxHosts, ", ") + ")"
}

// Describe says, for the report's target table, how money requests went.
func Describe(rule Rule, p Provider, max *big.Rat) string {
	var s string
	switch rule {
	case Simulator:
		return "embedded simulator"
	case TestDouble:
		s = "test double (the target serves the test-control API)"
	case SandboxHost:
		s = "sandbox host"
	case AllowLive:
		s = "live money allowed (" + AllowLiveSetting + ")"
	case TestMode:
		s = "test mode only (" + p.TestModeField + " " + p.TestModeOn + ")"
	default:
		s = string(rule)
	}
	if max != nil {
		s += ", at most " + max.FloatString(2) + " a request"
	}
	return s
}

// Guard is an http.RoundTripper that checks every money request by its target's rule before it
// is sent; a refused request is never sent, and its error is a *Refusal.
type Guard struct {
	Provider Provider
	Rule     Rule
	Max      *big.Rat
	// Operation tells a request's operation ID (exchange.OperationOf).
	Operation func(*http.Request) string
	// Next sends the requests (http.DefaultTransport when nil).
	Next http.RoundTripper
}

// RoundTrip checks req and sends it, or refuses it.
func (g *Guard) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := g.check(req); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	next := g.Next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(req)
}

func (g *Guard) check(req *http.Request) error {
	if g.Rule == Simulator || g.Operation == nil {
		return nil
	}
	op := g.Operation(req)
	create := slices.Contains(g.Provider.Creates, op)
	if !create && !slices.Contains(g.Provider.FollowUps, op) {
		return nil
	}
	body, err := peekBody(req)
	if err != nil {
		return fmt.Errorf("%s%s: read the request to check it: %w", RefusalPrefix, op, err)
	}
	refuse := func(rule Rule, problem, fix string) error {
		return &Refusal{Rule: rule, Provider: g.Provider.Name, Host: req.URL.Host, Operation: op, Problem: problem, Fix: fix}
	}
	// Each way the target may read the request (the first JSON value of the body, a form, the
	// query) is checked: one reading in which it is a payment without test mode, or over the cap,
	// refuses it. A reading that has no amount makes no payment (a body that is no request of the
	// API); confirmations and refunds move money only of a payment made through this guard.
	field := g.Provider.AmountFields[op]
	for _, msg := range readings(req, body) {
		v, isPayment := msg.get(field)
		if field == "" {
			isPayment = true
		}
		if !isPayment {
			continue
		}
		if g.Rule == TestMode && create {
			if mode, _ := msg.get(g.Provider.TestModeField); mode != g.Provider.TestModeOn {
				return refuse(TestModeRequired, fmt.Sprintf("the payment does not carry %s %s, and %s is allowed in test mode only", g.Provider.TestModeField, g.Provider.TestModeOn, req.URL.Host),
					"set "+AllowLiveSetting+" and "+MaxAmountSetting+" to allow live payments to it")
			}
		}
		if g.Max != nil && field != "" {
			if amount, ok := g.amount(v); ok && amount.Cmp(g.Max) > 0 {
				return refuse(MaxAmount, fmt.Sprintf("%s %s is over %s %s", field, amount.FloatString(2), MaxAmountSetting, g.Max.FloatString(2)),
					"raise "+MaxAmountSetting+", or run the specs that send larger amounts against a sandbox")
			}
		}
	}
	return nil
}

// amount reads an amount in major units.
func (g *Guard) amount(v string) (*big.Rat, bool) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(v))
	if !ok {
		return nil, false
	}
	if g.Provider.MinorUnits {
		r.Quo(r, big.NewRat(100, 1))
	}
	return r, true
}

// peekBody reads the request's body and puts it back.
func peekBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	_ = req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// message is a request's fields, read from a JSON body, a form body or the query.
type message struct {
	json  any
	form  fields.List
	query url.Values
}

func (m message) get(path string) (string, bool) {
	if m.json != nil {
		v, ok := jsondoc.Get(m.json, path)
		if !ok {
			return "", false
		}
		if s, ok := v.(string); ok {
			return s, true
		}
		b, _ := json.Marshal(v)
		return string(b), true
	}
	if v, ok := m.form.Get(path); ok {
		return v, true
	}
	if vs, ok := m.query[path]; ok && len(vs) > 0 {
		return vs[len(vs)-1], true
	}
	return "", false
}

// readings are the ways a target may read a request's fields: the first JSON value of the body,
// the body as a form, the query.
func readings(req *http.Request, body []byte) []message {
	var out []message
	if len(bytes.TrimSpace(body)) > 0 {
		var v any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&v); err == nil {
			out = append(out, message{json: v})
		}
		if l, err := fields.ParseForm(formType(req.Header.Get("Content-Type")), body); err == nil {
			out = append(out, message{form: l})
		}
	}
	if req.URL.RawQuery != "" {
		out = append(out, message{query: req.URL.Query()})
	}
	return out
}

// formType is the content type a body is read as a form with: its own when it is a form, else
// URL encoding.
func formType(ct string) string {
	if fields.IsForm(ct) {
		return ct
	}
	return "application/x-www-form-urlencoded"
}

// hostOf is the host (and port) of a URL, lower case.
func hostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// hostIn reports whether host is one of hosts: the same name, with the same port where the list
// gives one.
func hostIn(host string, hosts []string) bool {
	for _, h := range hosts {
		if sameHost(strings.ToLower(h), host) {
			return true
		}
	}
	return false
}

// sameHost compares hosts; a without a port matches b on any port.
func sameHost(a, b string) bool {
	if a == b {
		return true
	}
	if _, _, err := net.SplitHostPort(a); err == nil {
		return false
	}
	name, _, err := net.SplitHostPort(b)
	return err == nil && name == a
}
