// Package target reads where and what a run tests: the base URL and credentials of each provider,
// the test-control API, the OTP source, the clock, how callbacks reach the harness, and the time
// limits. Settings come from the environment and an optional YAML file (PAYCERT_CONFIG); secrets
// come from the environment only. A bad or missing setting stops the run before any request,
// with a message that names the setting.
package target

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/paycert/paycert/harness/budget"
	"github.com/paycert/paycert/harness/money"
	"github.com/paycert/paycert/harness/otp"
	"github.com/paycert/paycert/harness/report"
)

// Simulator is the PAYCERT_TARGET value (and the default) that runs against the embedded
// reference simulator.
const Simulator = "sim"

// Provider is one provider's endpoint and credentials.
type Provider struct {
	// URL is the base URL the documented paths are appended to (https://api.paysage.io).
	URL string
	// URLSetting names where URL was set (PAYCERT_PAYSAGE_URL, PAYCERT_TARGET, a file key).
	URLSetting string
	// AccountID is the merchant's ID: the beGateway shop ID, the Monetix project ID, the
	// FreedomPay merchant ID.
	AccountID string
	// SecretKey comes from the environment only.
	SecretKey string
	// WebhookPublicKey verifies webhook signatures (PEM or Base64); empty means ask the control
	// API, or check Basic credentials only.
	WebhookPublicKey string
	// SignatureVariant names how the target builds signatures where implementations differ
	// (Monetix: signing.MonetixVariants; FreedomPay: signing.FreedomPayVariants); empty is the
	// default.
	SignatureVariant string
	// Budget overrides the provider's request budget (PAYCERT_<P>_MIN_INTERVAL, PAYCERT_<P>_RATE).
	Budget BudgetOverride
	// ResendPath is where the target serves the request for a new approval code, for a provider
	// whose documents do not give it (FreedomPay); empty is paycert's default.
	ResendPath string
}

// BudgetOverride is a provider's request budget as the configuration sets it; a field left at
// its zero keeps the provider's default.
type BudgetOverride struct {
	// MinInterval is the least time between two requests; Set says it was given (0 is a value).
	MinInterval    time.Duration
	MinIntervalSet bool
	// PerMinute is the most requests a minute; 0: not given.
	PerMinute int
}

// Given reports whether the configuration sets anything of the budget.
func (b BudgetOverride) Given() bool { return b.MinIntervalSet || b.PerMinute > 0 }

// Budget modes (PAYCERT_BUDGET).
const (
	// BudgetAuto spaces requests to a target without a test-control API (a sandbox, a live API),
	// and to any provider whose budget the configuration sets.
	BudgetAuto = "auto"
	BudgetOn   = "on"
	BudgetOff  = "off"
)

// Config is a run's target.
type Config struct {
	// Embedded is true when the suites start the reference simulator in-process.
	Embedded  bool
	Providers map[string]Provider
	// ControlURL is the target's test-control API; empty when it has none.
	ControlURL string
	// OTPSource is an otp.Parse setting; empty means "control" when there is a control API.
	OTPSource string
	// Clock is "auto" (virtual when the control API has one), "virtual" or "real".
	Clock string
	// CallbackListen is the address the webhook receiver listens on; CallbackPublicURL is how the
	// target reaches it (empty: the listening address).
	CallbackListen    string
	CallbackPublicURL string
	// Callbacks is false when the target cannot reach the receiver: flows then poll the status.
	Callbacks bool
	// RequestTimeout bounds one HTTP exchange; WaitTimeout bounds waiting for a webhook or a status.
	RequestTimeout time.Duration
	WaitTimeout    time.Duration
	// ReportDir is where the run writes its report.
	ReportDir string
	// AssetsDir, when set, is a checkout whose specs/ and schemas/ replace the embedded ones.
	AssetsDir string
	// Budget is the request budget's mode (BudgetAuto, BudgetOn, BudgetOff), and BudgetDir the
	// folder of its state files ("" is budget.DefaultDir).
	Budget    string
	BudgetDir string
	// AllowLive are the hosts live money may go to (PAYCERT_ALLOW_LIVE); MaxAmount caps a money
	// request's amount in major units (PAYCERT_MAX_AMOUNT; nil: no cap).
	AllowLive []string
	MaxAmount *big.Rat
	// Sim holds the embedded simulator's settings.
	Sim SimSettings
	// SigningKey signs the report bundle's manifest (PAYCERT_SIGNING_KEY_FILE or
	// PAYCERT_SIGNING_KEY); nil when none is set: the bundle is unsigned.
	SigningKey ed25519.PrivateKey
	// signingKeyText is PAYCERT_SIGNING_KEY as given, a secret like the key itself.
	signingKeyText string
	// Warnings are problems that do not stop the run (a fault for a provider the run does not
	// test, a PAYCERT_ variable that is no setting and resembles none).
	Warnings []string
}

// SimSettings configure the embedded simulator.
type SimSettings struct {
	Seed   int64
	Faults []string
	// OTPDigits overrides the length of the OTPs the simulator sends (0: as documented).
	OTPDigits int
	// OTPLifetime is the OTP lifetime where the document leaves it to the project (Monetix: 80
	// or 90 seconds; 0: the simulator's default).
	OTPLifetime time.Duration
}

// Error is a configuration error; Setting names the environment variable or file key at fault.
type Error struct {
	Setting string
	Problem string
}

func (e *Error) Error() string { return e.Setting + ": " + e.Problem }

// Getenv reads an environment variable (os.Getenv, or a map in tests).
type Getenv func(string) string

// Env is an environment: variable names and their values.
type Env map[string]string

// EnvOf reads an environment in os.Environ's form ("NAME=value").
func EnvOf(environ []string) Env {
	e := Env{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			e[k] = v
		}
	}
	return e
}

// Get returns the value of a variable, "" when it is not set.
func (e Env) Get(name string) string { return e[name] }

// Scope says what a configuration is read for.
type Scope struct {
	// Providers are the providers the run tests; their settings are read and checked.
	Providers []string
	// Known are all the providers paycert has: their variables are settings even when this run
	// does not test them.
	Known []string
}

// EnvName returns the name of a provider's environment variable: EnvName("paysage", "SHOP_ID") is
// PAYCERT_PAYSAGE_SHOP_ID.
func EnvName(provider, setting string) string {
	return "PAYCERT_" + strings.ToUpper(provider) + "_" + setting
}

// fileConfig is the YAML file's shape. Secrets have no place in it.
type fileConfig struct {
	Target     string `yaml:"target"`
	ControlURL string `yaml:"control_url"`
	OTPSource  string `yaml:"otp_source"`
	Clock      string `yaml:"clock"`
	Callback   struct {
		Listen    string `yaml:"listen"`
		PublicURL string `yaml:"public_url"`
		Enabled   *bool  `yaml:"enabled"`
	} `yaml:"callback"`
	Timeouts struct {
		Request string `yaml:"request"`
		Wait    string `yaml:"wait"`
	} `yaml:"timeouts"`
	ReportDir string                  `yaml:"report_dir"`
	Providers map[string]fileProvider `yaml:"providers"`
}

type fileProvider struct {
	URL              string `yaml:"url"`
	ShopID           string `yaml:"shop_id"`
	ProjectID        string `yaml:"project_id"`
	MerchantID       string `yaml:"merchant_id"`
	SignatureVariant string `yaml:"signature_variant"`
	ResendPath       string `yaml:"resend_path"`
	WebhookPublicKey string `yaml:"webhook_public_key"`
	SecretKey        string `yaml:"secret_key"`
}

// settings reads each setting from the environment or, failing that, the file, and remembers
// where it came from, so that a problem names the place the user has to change.
type settings struct {
	getenv Getenv
	file   string
	from   map[string]string
}

// pick returns the environment variable env, else the file's value under key.
func (s *settings) pick(env, key, fileValue string) string {
	if v := strings.TrimSpace(s.getenv(env)); v != "" {
		s.from[env] = env
		return v
	}
	if v := strings.TrimSpace(fileValue); v != "" {
		s.from[env] = key + " in " + s.file
		return v
	}
	s.from[env] = env
	return ""
}

// name is where the setting known by env came from.
func (s *settings) name(env string) string {
	if n, ok := s.from[env]; ok {
		return n
	}
	return env
}

// Load reads the configuration for the scope's providers from the environment (and the file
// named by PAYCERT_CONFIG). Every problem found is reported, joined, each naming its setting; a
// PAYCERT_ variable or a file key that is no setting is one (naming the nearest that is).
func Load(env Env, sc Scope) (Config, error) {
	getenv := env.Get
	providers := sc.Providers
	var fc fileConfig
	var errs []error
	var warnings []string
	fail := func(setting, problem string) { errs = append(errs, &Error{setting, problem}) }
	if path := getenv("PAYCERT_CONFIG"); path != "" {
		if err := readFile(path, &fc, append(sc.Known, sc.Providers...)); err != nil {
			return Config{}, err
		}
	}
	unknown, unknownWarnings := unknownVariables(env, sc)
	errs = append(errs, unknown...)
	warnings = append(warnings, unknownWarnings...)
	st := &settings{getenv: getenv, file: getenv("PAYCERT_CONFIG"), from: map[string]string{}}
	c := Config{Providers: map[string]Provider{}}
	tgt := st.pick("PAYCERT_TARGET", "target", fc.Target)
	c.Embedded = tgt == "" || tgt == Simulator || tgt == "simulator"
	c.ControlURL = st.pick("PAYCERT_CONTROL_URL", "control_url", fc.ControlURL)
	c.OTPSource = st.pick("PAYCERT_OTP_SOURCE", "otp_source", fc.OTPSource)
	c.Clock = st.pick("PAYCERT_CLOCK", "clock", fc.Clock)
	c.CallbackListen = st.pick("PAYCERT_CALLBACK_LISTEN", "callback.listen", fc.Callback.Listen)
	c.CallbackPublicURL = st.pick("PAYCERT_CALLBACK_PUBLIC_URL", "callback.public_url", fc.Callback.PublicURL)
	c.ReportDir = st.pick("PAYCERT_REPORT_DIR", "report_dir", fc.ReportDir)
	c.AssetsDir = getenv("PAYCERT_ASSETS_DIR")
	c.Budget = strings.ToLower(strings.TrimSpace(getenv("PAYCERT_BUDGET")))
	c.BudgetDir = strings.TrimSpace(getenv("PAYCERT_BUDGET_DIR"))
	switch c.Budget {
	case "":
		c.Budget = BudgetAuto
	case BudgetAuto, BudgetOn, BudgetOff:
	default:
		fail("PAYCERT_BUDGET", fmt.Sprintf("%q is not auto, on or off", c.Budget))
	}
	if v := getenv(money.AllowLiveSetting); strings.TrimSpace(v) != "" {
		hosts, err := money.ParseHosts(v)
		if err != nil {
			fail(money.AllowLiveSetting, err.Error())
		}
		c.AllowLive = hosts
	}
	if v := getenv(money.MaxAmountSetting); strings.TrimSpace(v) != "" {
		max, err := money.ParseAmount(v)
		if err != nil {
			fail(money.MaxAmountSetting, err.Error())
		}
		c.MaxAmount = max
	}
	if c.Clock == "" {
		c.Clock = "auto"
	}
	if c.CallbackListen == "" {
		c.CallbackListen = "127.0.0.1:0"
	}
	c.Callbacks = true
	if fc.Callback.Enabled != nil {
		c.Callbacks = *fc.Callback.Enabled
	}
	if v := getenv("PAYCERT_CALLBACKS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			fail("PAYCERT_CALLBACKS", fmt.Sprintf("%q is not true or false", v))
		}
		c.Callbacks = b
	}

	var err error
	if c.RequestTimeout, err = duration(st.pick("PAYCERT_REQUEST_TIMEOUT", "timeouts.request", fc.Timeouts.Request), 15*time.Second); err != nil {
		fail(st.name("PAYCERT_REQUEST_TIMEOUT"), err.Error())
	}
	defaultWait := 2 * time.Minute
	if c.Embedded {
		defaultWait = 10 * time.Second
	}
	if c.WaitTimeout, err = duration(st.pick("PAYCERT_WAIT_TIMEOUT", "timeouts.wait", fc.Timeouts.Wait), defaultWait); err != nil {
		fail(st.name("PAYCERT_WAIT_TIMEOUT"), err.Error())
	}
	switch c.Clock {
	case "auto", "virtual", "real":
	default:
		fail(st.name("PAYCERT_CLOCK"), fmt.Sprintf("%q is not auto, virtual or real", c.Clock))
	}
	for _, u := range []struct{ env, value string }{
		{"PAYCERT_CONTROL_URL", c.ControlURL},
		{"PAYCERT_CALLBACK_PUBLIC_URL", c.CallbackPublicURL},
	} {
		if u.value != "" {
			if err := checkURL(u.value); err != nil {
				fail(st.name(u.env), err.Error())
			}
		}
	}
	if c.OTPSource != "" {
		if err := otp.Check(c.OTPSource, getenv); err != nil {
			fail(st.name("PAYCERT_OTP_SOURCE"), err.Error())
		}
	}
	c.signingKeyText = strings.TrimSpace(getenv(SigningKeySetting))
	if c.SigningKey, err = SigningKey(env); err != nil {
		errs = append(errs, err)
	}

	simSettings := []string{"PAYCERT_SIM_SEED", "PAYCERT_SIM_FAULTS", "PAYCERT_SIM_OTP_DIGITS", "PAYCERT_SIM_OTP_LIFETIME"}
	if c.Embedded {
		c.Sim, errs = simFromEnv(getenv, errs)
		for _, f := range c.Sim.Faults {
			if p, _, ok := strings.Cut(f, "."); ok && !slices.Contains(providers, p) {
				warnings = append(warnings, fmt.Sprintf("PAYCERT_SIM_FAULTS: %s is a fault of %s, which this run does not test; it changes nothing", f, p))
			}
		}
	} else {
		for _, name := range simSettings {
			if getenv(name) != "" {
				fail(name, "applies to the embedded simulator only, and PAYCERT_TARGET names another target")
			}
		}
	}

	names := append([]string(nil), providers...)
	sort.Strings(names)
	external := false
	for _, name := range names {
		fp := fc.Providers[name]
		acc := accountOf(name)
		if other := fp.otherAccountKeys(acc); len(other) > 0 {
			fail("providers."+name+"."+other[0]+" in "+st.file, name+" calls its merchant ID "+acc.key+"; rename the key")
		}
		if fp.SecretKey != "" {
			fail("providers."+name+".secret_key in "+st.file, "secrets are read from the environment only; set "+EnvName(name, "SECRET_KEY")+" and remove the key from the file")
		}
		p := Provider{
			URL:              st.pick(EnvName(name, "URL"), "providers."+name+".url", fp.URL),
			AccountID:        st.pick(EnvName(name, acc.setting), "providers."+name+"."+acc.key, fp.accountID(acc)),
			SecretKey:        getenv(EnvName(name, "SECRET_KEY")),
			WebhookPublicKey: st.pick(EnvName(name, "WEBHOOK_PUBLIC_KEY"), "providers."+name+".webhook_public_key", fp.WebhookPublicKey),
		}
		if acc.variant != nil {
			p.SignatureVariant = st.pick(EnvName(name, "SIGNATURE_VARIANT"), "providers."+name+".signature_variant", fp.SignatureVariant)
			if err := acc.variant(p.SignatureVariant); err != nil {
				fail(st.name(EnvName(name, "SIGNATURE_VARIANT")), err.Error())
			}
		}
		var berrs []error
		if p.Budget, berrs = budgetFromEnv(getenv, name); len(berrs) > 0 {
			errs = append(errs, berrs...)
		}
		if acc.resendPath {
			p.ResendPath = st.pick(EnvName(name, "RESEND_PATH"), "providers."+name+".resend_path", fp.ResendPath)
			if _, err := url.PathUnescape(p.ResendPath); p.ResendPath != "" && (!strings.HasPrefix(p.ResendPath, "/") || strings.ContainsAny(p.ResendPath, "?# ") || err != nil) {
				fail(st.name(EnvName(name, "RESEND_PATH")), fmt.Sprintf("%q is not a path: give the path the target serves the resend at, starting with / (such as /mfs/resend_code)", p.ResendPath))
			}
		}
		if c.Embedded {
			// A provider's own settings with no target would run a "certification" against
			// the embedded simulator: refuse, naming the setting that is missing.
			for _, env := range []string{EnvName(name, "URL"), EnvName(name, acc.setting), EnvName(name, "SECRET_KEY")} {
				if getenv(env) != "" {
					fail("PAYCERT_TARGET", env+" is set but PAYCERT_TARGET is not: set PAYCERT_TARGET to the target's base URL (or unset "+env+" to use the embedded simulator)")
					break
				}
			}
			c.Providers[name] = p
			continue
		}
		p.URLSetting = st.name(EnvName(name, "URL"))
		if p.URL == "" {
			p.URL, p.URLSetting = tgt, st.name("PAYCERT_TARGET") // checked below
		} else if err := checkURL(p.URL); err != nil {
			fail(st.name(EnvName(name, "URL")), err.Error())
		}
		if !isLoopback(p.URL) {
			external = true
		}
		if p.AccountID == "" {
			fail(EnvName(name, acc.setting), "not set; an external target needs the "+acc.noun)
		}
		if p.SecretKey == "" {
			fail(EnvName(name, "SECRET_KEY"), "not set; an external target needs the secret key that goes with the "+acc.noun+", from the environment")
		}
		c.Providers[name] = p
	}
	if !c.Embedded {
		if err := checkURL(tgt); err != nil {
			fail(st.name("PAYCERT_TARGET"), err.Error()+` (want "sim" or the base URL of the target)`)
		}
		if c.Clock == "virtual" && c.ControlURL == "" {
			fail(st.name("PAYCERT_CLOCK"), "virtual needs a control API (PAYCERT_CONTROL_URL)")
		}
		// A target on another host cannot call back to a loopback address.
		if external && c.Callbacks && c.CallbackPublicURL == "" {
			fail("PAYCERT_CALLBACK_PUBLIC_URL", "not set; the target is not on this machine and cannot reach the webhook receiver at "+c.CallbackListen+": give the public URL that forwards to PAYCERT_CALLBACK_LISTEN, or set PAYCERT_CALLBACKS=false (the callback requirements are then not applicable)")
		}
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	c.Warnings = warnings
	return c, nil
}

// simFromEnv reads the embedded simulator's settings.
func simFromEnv(getenv Getenv, errs []error) (SimSettings, []error) {
	var s SimSettings
	var err error
	if v := getenv("PAYCERT_SIM_SEED"); v != "" {
		if s.Seed, err = strconv.ParseInt(v, 10, 64); err != nil {
			errs = append(errs, &Error{"PAYCERT_SIM_SEED", fmt.Sprintf("%q is not an integer", v)})
		}
	}
	if v := getenv("PAYCERT_SIM_OTP_DIGITS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 4 || n > 12 {
			errs = append(errs, &Error{"PAYCERT_SIM_OTP_DIGITS", fmt.Sprintf("%q is not a length from 4 to 12", v)})
		}
		s.OTPDigits = n
	}
	if v := getenv("PAYCERT_SIM_OTP_LIFETIME"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || (d != 80*time.Second && d != 90*time.Second) {
			errs = append(errs, &Error{"PAYCERT_SIM_OTP_LIFETIME", fmt.Sprintf("%q is not 80s or 90s (the OTP lifetimes document 001 names)", v)})
		}
		s.OTPLifetime = d
	}
	for _, f := range strings.Split(getenv("PAYCERT_SIM_FAULTS"), ",") {
		if f = strings.TrimSpace(f); f != "" {
			s.Faults = append(s.Faults, f)
		}
	}
	return s, errs
}

// budgetFromEnv reads a provider's budget settings.
func budgetFromEnv(getenv Getenv, provider string) (BudgetOverride, []error) {
	var b BudgetOverride
	var errs []error
	if v := strings.TrimSpace(getenv(EnvName(provider, "MIN_INTERVAL"))); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			errs = append(errs, &Error{EnvName(provider, "MIN_INTERVAL"), fmt.Sprintf("%q is not a duration of zero or more (such as 2s)", v)})
		}
		b.MinInterval, b.MinIntervalSet = d, err == nil && d >= 0
	}
	if v := strings.TrimSpace(getenv(EnvName(provider, "RATE"))); v != "" {
		n, err := budget.ParseRate(v)
		if err != nil {
			errs = append(errs, &Error{EnvName(provider, "RATE"), err.Error()})
		}
		b.PerMinute = n
	}
	return b, errs
}

// FromEnvironment is Load with the process's environment.
func FromEnvironment(sc Scope) (Config, error) {
	return Load(EnvOf(os.Environ()), sc)
}

// Secrets lists every secret the configuration holds, for redaction: the providers' secret keys,
// and the signing key as given and in the forms it may be written in.
func (c Config) Secrets() []string {
	var out []string
	for _, p := range c.Providers {
		if p.SecretKey != "" {
			out = append(out, p.SecretKey)
		}
	}
	if c.signingKeyText != "" {
		out = append(out, c.signingKeyText)
	}
	return append(out, report.KeySecrets(c.SigningKey)...)
}

// Settings of the key report bundles are signed with.
const (
	// SigningKeyFileSetting names a file holding the key.
	SigningKeyFileSetting = "PAYCERT_SIGNING_KEY_FILE"
	// SigningKeySetting holds the key itself (a secret).
	SigningKeySetting = "PAYCERT_SIGNING_KEY"
)

// SigningKey reads the Ed25519 key report bundles are signed with: from the file
// PAYCERT_SIGNING_KEY_FILE names, or from PAYCERT_SIGNING_KEY (the PEM text, or the base64 of the
// seed or the key; see report.ParsePrivateKey). It is nil, with no error, when neither is set;
// both set, or a key that cannot be read or is not Ed25519, is an error naming the setting (and
// never quoting the key).
func SigningKey(env Env) (ed25519.PrivateKey, error) {
	file := strings.TrimSpace(env.Get(SigningKeyFileSetting))
	text := strings.TrimSpace(env.Get(SigningKeySetting))
	switch {
	case file != "" && text != "":
		return nil, &Error{SigningKeySetting, "set, and " + SigningKeyFileSetting + " too: give the key one way"}
	case file != "":
		key, err := report.ReadPrivateKey(file)
		if err != nil {
			return nil, &Error{SigningKeyFileSetting, err.Error()}
		}
		return key, nil
	case text != "":
		key, err := report.ParsePrivateKey([]byte(text))
		if err != nil {
			return nil, &Error{SigningKeySetting, err.Error()}
		}
		return key, nil
	}
	return nil, nil
}

// accountID is the file's merchant ID under the provider's own key.
func (fp fileProvider) accountID(acc account) string {
	switch acc.key {
	case "project_id":
		return fp.ProjectID
	case "merchant_id":
		return fp.MerchantID
	}
	return fp.ShopID
}

// otherAccountKeys are the merchant-ID keys the file gives that are not the provider's own.
func (fp fileProvider) otherAccountKeys(acc account) []string {
	var out []string
	for key, v := range map[string]string{"shop_id": fp.ShopID, "project_id": fp.ProjectID, "merchant_id": fp.MerchantID} {
		if v != "" && key != acc.key {
			out = append(out, key)
		}
	}
	sort.Strings(out)
	return out
}

func readFile(path string, fc *fileConfig, providers []string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return &Error{"PAYCERT_CONFIG", fmt.Sprintf("cannot read %q: %v", path, err)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return &Error{"PAYCERT_CONFIG", fmt.Sprintf("%q is not YAML: %v", path, err)}
	}
	if errs := unknownKeys(&doc, path, providers); len(errs) > 0 {
		return errors.Join(errs...)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(fc); err != nil {
		return &Error{"PAYCERT_CONFIG", fmt.Sprintf("%q: %v", path, err)}
	}
	return nil
}

func duration(s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration (such as 30s or 2m)", s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q must be more than zero", s)
	}
	return d, nil
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Errorf("%q is not an http(s) URL", withoutPassword(s))
	case u.User != nil:
		// Never echo it: the user information may hold a password.
		return errors.New("the URL carries user information; credentials are given in their own settings, not in URLs")
	}
	return nil
}

// withoutPassword is s with the password of its user information ("https://user:password@host")
// starred, read without parsing: it is for quoting a value that does not parse.
func withoutPassword(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return s
	}
	user, _, hasPassword := strings.Cut(rest[:at], ":")
	if !hasPassword {
		return s
	}
	return scheme + "://" + user + ":***" + rest[at:]
}

// isLoopback reports whether a URL names this machine.
func isLoopback(s string) bool {
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
