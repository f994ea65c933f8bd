// Package target reads where and what a run tests: the base URL and credentials of each provider,
// the test-control API, the OTP source, the clock, how callbacks reach the harness, and the time
// limits. Settings come from the environment and an optional YAML file (PAYCERT_CONFIG); secrets
// come from the environment only. A bad or missing setting stops the run before any request,
// with a message that names the setting.
package target

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Simulator is the PAYCERT_TARGET value (and the default) that runs against the embedded
// reference simulator.
const Simulator = "sim"

// Provider is one provider's endpoint and credentials.
type Provider struct {
	// URL is the base URL the documented paths are appended to (https://api.paysage.io).
	URL    string
	ShopID string
	// SecretKey comes from the environment only.
	SecretKey string
	// WebhookPublicKey verifies webhook signatures (PEM or Base64); empty means ask the control
	// API, or check Basic credentials only.
	WebhookPublicKey string
}

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
	// Sim holds the embedded simulator's settings.
	Sim SimSettings
}

// SimSettings configure the embedded simulator.
type SimSettings struct {
	Seed   int64
	Faults []string
	// OTPDigits overrides the length of the OTPs the simulator sends (0: as documented).
	OTPDigits int
}

// Error is a configuration error; Setting names the environment variable or file key at fault.
type Error struct {
	Setting string
	Problem string
}

func (e *Error) Error() string { return e.Setting + ": " + e.Problem }

// Getenv reads an environment variable (os.Getenv, or a map in tests).
type Getenv func(string) string

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
	WebhookPublicKey string `yaml:"webhook_public_key"`
	SecretKey        string `yaml:"secret_key"`
}

// Load reads the configuration for the named providers from the environment (and the file named
// by PAYCERT_CONFIG). Every problem found is reported, joined, each naming its setting.
func Load(getenv Getenv, providers ...string) (Config, error) {
	var fc fileConfig
	var errs []error
	if path := getenv("PAYCERT_CONFIG"); path != "" {
		if err := readFile(path, &fc); err != nil {
			return Config{}, err
		}
	}
	pick := func(env, file string) string {
		if v := strings.TrimSpace(getenv(env)); v != "" {
			return v
		}
		return strings.TrimSpace(file)
	}
	c := Config{Providers: map[string]Provider{}}
	tgt := pick("PAYCERT_TARGET", fc.Target)
	c.Embedded = tgt == "" || tgt == Simulator || tgt == "simulator"
	c.ControlURL = pick("PAYCERT_CONTROL_URL", fc.ControlURL)
	c.OTPSource = pick("PAYCERT_OTP_SOURCE", fc.OTPSource)
	c.Clock = pick("PAYCERT_CLOCK", fc.Clock)
	c.CallbackListen = pick("PAYCERT_CALLBACK_LISTEN", fc.Callback.Listen)
	c.CallbackPublicURL = pick("PAYCERT_CALLBACK_PUBLIC_URL", fc.Callback.PublicURL)
	c.ReportDir = pick("PAYCERT_REPORT_DIR", fc.ReportDir)
	c.AssetsDir = getenv("PAYCERT_ASSETS_DIR")
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
			errs = append(errs, &Error{"PAYCERT_CALLBACKS", fmt.Sprintf("%q is not true or false", v)})
		}
		c.Callbacks = b
	}

	var err error
	if c.RequestTimeout, err = duration(pick("PAYCERT_REQUEST_TIMEOUT", fc.Timeouts.Request), 15*time.Second); err != nil {
		errs = append(errs, &Error{"PAYCERT_REQUEST_TIMEOUT", err.Error()})
	}
	defaultWait := 2 * time.Minute
	if c.Embedded {
		defaultWait = 10 * time.Second
	}
	if c.WaitTimeout, err = duration(pick("PAYCERT_WAIT_TIMEOUT", fc.Timeouts.Wait), defaultWait); err != nil {
		errs = append(errs, &Error{"PAYCERT_WAIT_TIMEOUT", err.Error()})
	}
	switch c.Clock {
	case "auto", "virtual", "real":
	default:
		errs = append(errs, &Error{"PAYCERT_CLOCK", fmt.Sprintf("%q is not auto, virtual or real", c.Clock)})
	}
	if c.ControlURL != "" {
		if err := checkURL(c.ControlURL); err != nil {
			errs = append(errs, &Error{"PAYCERT_CONTROL_URL", err.Error()})
		}
	}
	if c.CallbackPublicURL != "" {
		if err := checkURL(c.CallbackPublicURL); err != nil {
			errs = append(errs, &Error{"PAYCERT_CALLBACK_PUBLIC_URL", err.Error()})
		}
	}
	if !c.Embedded {
		if err := checkURL(tgt); err != nil {
			errs = append(errs, &Error{"PAYCERT_TARGET", err.Error() + ` (want "sim" or the base URL of the target)`})
		}
		if c.Clock == "virtual" && c.ControlURL == "" {
			errs = append(errs, &Error{"PAYCERT_CLOCK", "virtual needs a control API (PAYCERT_CONTROL_URL)"})
		}
	}
	if v := getenv("PAYCERT_SIM_SEED"); v != "" {
		if c.Sim.Seed, err = strconv.ParseInt(v, 10, 64); err != nil {
			errs = append(errs, &Error{"PAYCERT_SIM_SEED", fmt.Sprintf("%q is not an integer", v)})
		}
	}
	if v := getenv("PAYCERT_SIM_OTP_DIGITS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 4 || n > 12 {
			errs = append(errs, &Error{"PAYCERT_SIM_OTP_DIGITS", fmt.Sprintf("%q is not a length from 4 to 12", v)})
		}
		c.Sim.OTPDigits = n
	}
	if v := getenv("PAYCERT_SIM_FAULTS"); v != "" {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				c.Sim.Faults = append(c.Sim.Faults, f)
			}
		}
	}

	names := append([]string(nil), providers...)
	sort.Strings(names)
	for _, name := range names {
		fp := fc.Providers[name]
		if fp.SecretKey != "" {
			errs = append(errs, &Error{"providers." + name + ".secret_key", "secrets are read from the environment only; set " + EnvName(name, "SECRET_KEY") + " and remove the key from " + getenv("PAYCERT_CONFIG")})
		}
		p := Provider{
			URL:              pick(EnvName(name, "URL"), fp.URL),
			ShopID:           pick(EnvName(name, "SHOP_ID"), fp.ShopID),
			SecretKey:        getenv(EnvName(name, "SECRET_KEY")),
			WebhookPublicKey: pick(EnvName(name, "WEBHOOK_PUBLIC_KEY"), fp.WebhookPublicKey),
		}
		if !c.Embedded {
			if p.URL == "" {
				p.URL = tgt // checked above as PAYCERT_TARGET
			} else if err := checkURL(p.URL); err != nil {
				errs = append(errs, &Error{EnvName(name, "URL"), err.Error()})
			}
			if p.ShopID == "" {
				errs = append(errs, &Error{EnvName(name, "SHOP_ID"), "not set; an external target needs the shop ID"})
			}
			if p.SecretKey == "" {
				errs = append(errs, &Error{EnvName(name, "SECRET_KEY"), "not set; an external target needs the shop's secret key, from the environment"})
			}
		}
		c.Providers[name] = p
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	return c, nil
}

// FromEnvironment is Load with os.Getenv.
func FromEnvironment(providers ...string) (Config, error) {
	return Load(os.Getenv, providers...)
}

// Secrets lists every secret the configuration holds, for redaction.
func (c Config) Secrets() []string {
	var out []string
	for _, p := range c.Providers {
		if p.SecretKey != "" {
			out = append(out, p.SecretKey)
		}
	}
	return out
}

func readFile(path string, fc *fileConfig) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return &Error{"PAYCERT_CONFIG", fmt.Sprintf("cannot read %q: %v", path, err)}
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
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", s)
	}
	return nil
}
