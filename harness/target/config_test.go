package target_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/target"
)

// paysage is the scope of a PaySage run, among the two providers paycert has.
var paysage = target.Scope{Providers: []string{"paysage"}, Known: []string{"bepaid", "paysage"}}

func env(m map[string]string) target.Env { return target.Env(m) }

func TestDefaultsRunTheEmbeddedSimulator(t *testing.T) {
	c, err := target.Load(env(nil), paysage)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Embedded || c.Clock != "auto" || !c.Callbacks || c.RequestTimeout != 15*time.Second || c.WaitTimeout != 10*time.Second {
		t.Errorf("defaults: %+v", c)
	}
}

func TestExternalTarget(t *testing.T) {
	c, err := target.Load(env(map[string]string{
		"PAYCERT_TARGET":              "https://sandbox.example",
		"PAYCERT_PAYSAGE_SHOP_ID":     "361",
		"PAYCERT_PAYSAGE_SECRET_KEY":  "k3y",
		"PAYCERT_OTP_SOURCE":          "static:5576",
		"PAYCERT_WAIT_TIMEOUT":        "90s",
		"PAYCERT_CALLBACK_PUBLIC_URL": "https://hooks.example",
	}), paysage)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Providers["paysage"]
	if c.Embedded || p.URL != "https://sandbox.example" || p.AccountID != "361" || p.SecretKey != "k3y" || c.WaitTimeout != 90*time.Second {
		t.Errorf("config: %+v %+v", c, p)
	}
	if got := c.Secrets(); len(got) != 1 || got[0] != "k3y" {
		t.Errorf("Secrets() = %v", got)
	}
}

// TestBadSettingsNameTheSetting: every problem stops the run with the name of the setting.
func TestBadSettingsNameTheSetting(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		setting string
	}{
		{"target not a URL", map[string]string{"PAYCERT_TARGET": "ftp://x", "PAYCERT_PAYSAGE_SHOP_ID": "1", "PAYCERT_PAYSAGE_SECRET_KEY": "s"}, "PAYCERT_TARGET"},
		{"credentials in the URL", map[string]string{"PAYCERT_TARGET": "https://id:pw@x", "PAYCERT_PAYSAGE_SHOP_ID": "1", "PAYCERT_PAYSAGE_SECRET_KEY": "s", "PAYCERT_CALLBACKS": "false"}, "PAYCERT_TARGET"},
		{"provider credentials without a target", map[string]string{"PAYCERT_PAYSAGE_SHOP_ID": "1", "PAYCERT_PAYSAGE_SECRET_KEY": "s"}, "PAYCERT_TARGET"},
		{"remote target, no public callback URL", map[string]string{"PAYCERT_TARGET": "https://x", "PAYCERT_PAYSAGE_SHOP_ID": "1", "PAYCERT_PAYSAGE_SECRET_KEY": "s"}, "PAYCERT_CALLBACK_PUBLIC_URL"},
		{"simulator setting for another target", map[string]string{"PAYCERT_TARGET": "http://127.0.0.1:9", "PAYCERT_PAYSAGE_SHOP_ID": "1", "PAYCERT_PAYSAGE_SECRET_KEY": "s", "PAYCERT_SIM_FAULTS": "x"}, "PAYCERT_SIM_FAULTS"},
		{"unknown OTP source", map[string]string{"PAYCERT_OTP_SOURCE": "sms"}, "PAYCERT_OTP_SOURCE"},
		{"OTP variable not set", map[string]string{"PAYCERT_OTP_SOURCE": "env:NOPE_NOT_SET"}, "PAYCERT_OTP_SOURCE"},
		{"OTP program not found", map[string]string{"PAYCERT_OTP_SOURCE": "command:/no/such/program"}, "PAYCERT_OTP_SOURCE"},
		{"no shop id", map[string]string{"PAYCERT_TARGET": "https://x", "PAYCERT_PAYSAGE_SECRET_KEY": "s"}, "PAYCERT_PAYSAGE_SHOP_ID"},
		{"no secret", map[string]string{"PAYCERT_TARGET": "https://x", "PAYCERT_PAYSAGE_SHOP_ID": "1"}, "PAYCERT_PAYSAGE_SECRET_KEY"},
		{"bad timeout", map[string]string{"PAYCERT_REQUEST_TIMEOUT": "soon"}, "PAYCERT_REQUEST_TIMEOUT"},
		{"negative wait", map[string]string{"PAYCERT_WAIT_TIMEOUT": "-1s"}, "PAYCERT_WAIT_TIMEOUT"},
		{"bad clock", map[string]string{"PAYCERT_CLOCK": "fast"}, "PAYCERT_CLOCK"},
		{"virtual clock without control", map[string]string{"PAYCERT_TARGET": "https://x", "PAYCERT_PAYSAGE_SHOP_ID": "1", "PAYCERT_PAYSAGE_SECRET_KEY": "s", "PAYCERT_CLOCK": "virtual"}, "PAYCERT_CLOCK"},
		{"control not a URL", map[string]string{"PAYCERT_CONTROL_URL": "localhost:1"}, "PAYCERT_CONTROL_URL"},
		{"callbacks not a bool", map[string]string{"PAYCERT_CALLBACKS": "maybe"}, "PAYCERT_CALLBACKS"},
		{"seed not a number", map[string]string{"PAYCERT_SIM_SEED": "x"}, "PAYCERT_SIM_SEED"},
		{"otp digits out of range", map[string]string{"PAYCERT_SIM_OTP_DIGITS": "40"}, "PAYCERT_SIM_OTP_DIGITS"},
		{"budget mode", map[string]string{"PAYCERT_BUDGET": "sometimes"}, "PAYCERT_BUDGET"},
		{"budget interval", map[string]string{"PAYCERT_PAYSAGE_MIN_INTERVAL": "-2s"}, "PAYCERT_PAYSAGE_MIN_INTERVAL"},
		{"budget rate", map[string]string{"PAYCERT_PAYSAGE_RATE": "10/day"}, "PAYCERT_PAYSAGE_RATE"},
		{"live host", map[string]string{"PAYCERT_ALLOW_LIVE": "https://"}, "PAYCERT_ALLOW_LIVE"},
		{"max amount", map[string]string{"PAYCERT_MAX_AMOUNT": "lots"}, "PAYCERT_MAX_AMOUNT"},
		{"missing config file", map[string]string{"PAYCERT_CONFIG": "/nonexistent/paycert.yaml"}, "PAYCERT_CONFIG"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := target.Load(env(c.env), paysage)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), c.setting+":") {
				t.Errorf("error %q does not name %s", err, c.setting)
			}
		})
	}
}

func TestBudgetAndMoneySettings(t *testing.T) {
	c, err := target.Load(env(map[string]string{"PAYCERT_PAYSAGE_MIN_INTERVAL": "0s", "PAYCERT_PAYSAGE_RATE": "2/s",
		"PAYCERT_ALLOW_LIVE": "api.example.com, other.example:8443", "PAYCERT_MAX_AMOUNT": "1.5"}), paysage)
	if err != nil {
		t.Fatal(err)
	}
	b := c.Providers["paysage"].Budget
	if !b.MinIntervalSet || b.MinInterval != 0 || b.PerMinute != 120 || !b.Given() {
		t.Errorf("budget %+v, want an interval of 0 given and 120 a minute", b)
	}
	if c.Budget != target.BudgetAuto {
		t.Errorf("budget mode %q, want auto by default", c.Budget)
	}
	if strings.Join(c.AllowLive, " ") != "api.example.com other.example:8443" || c.MaxAmount.FloatString(2) != "1.50" {
		t.Errorf("allow live %q, max %v", c.AllowLive, c.MaxAmount)
	}
}

func TestAllProblemsAreReportedTogether(t *testing.T) {
	_, err := target.Load(env(map[string]string{"PAYCERT_TARGET": "https://x", "PAYCERT_CLOCK": "fast", "PAYCERT_CALLBACKS": "false"}), paysage)
	for _, s := range []string{"PAYCERT_CLOCK", "PAYCERT_PAYSAGE_SHOP_ID", "PAYCERT_PAYSAGE_SECRET_KEY"} {
		if err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("error %v does not name %s", err, s)
		}
	}
}

func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "paycert.yaml")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(file, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("target: https://file.example\ncallback:\n  enabled: false\ntimeouts:\n  request: 3s\nproviders:\n  paysage:\n    shop_id: \"77\"\n")
	c, err := target.Load(env(map[string]string{"PAYCERT_CONFIG": file, "PAYCERT_PAYSAGE_SECRET_KEY": "s", "PAYCERT_REQUEST_TIMEOUT": "4s"}), paysage)
	if err != nil {
		t.Fatal(err)
	}
	if c.Providers["paysage"].URL != "https://file.example" || c.Providers["paysage"].AccountID != "77" || c.RequestTimeout != 4*time.Second {
		t.Errorf("file and environment not combined (environment wins): %+v", c)
	}

	write("providers:\n  paysage:\n    secret_key: leaked\n")
	_, err = target.Load(env(map[string]string{"PAYCERT_CONFIG": file}), paysage)
	if err == nil || !strings.Contains(err.Error(), "providers.paysage.secret_key") || strings.Contains(err.Error(), "leaked") {
		t.Errorf("a secret in the file must be refused, naming the key and not showing the value: %v", err)
	}

	write("clock: fast\n")
	_, err = target.Load(env(map[string]string{"PAYCERT_CONFIG": file}), paysage)
	if err == nil || !strings.Contains(err.Error(), "clock in "+file+": ") {
		t.Errorf("a bad value in the file must name the file's key: %v", err)
	}

	write("targett: typo\n")
	_, err = target.Load(env(map[string]string{"PAYCERT_CONFIG": file}), paysage)
	if err == nil || !strings.Contains(err.Error(), "targett") {
		t.Errorf("an unknown key must be refused: %v", err)
	}
}

// TestUnknownVariables: a PAYCERT_ variable that resembles a setting stops the run, naming the
// setting (a misspelt PAYCERT_TARGET would otherwise test the embedded simulator); one that
// resembles none is a warning; settings of providers the run does not test, and the variable an
// env: OTP source reads, are no problem.
func TestUnknownVariables(t *testing.T) {
	_, err := target.Load(env(map[string]string{"PAYCERT_TARGTE": "https://x"}), paysage)
	if err == nil || !strings.Contains(err.Error(), "PAYCERT_TARGTE: not a paycert setting (did you mean PAYCERT_TARGET?)") {
		t.Errorf("misspelt PAYCERT_TARGET: %v", err)
	}
	_, err = target.Load(env(map[string]string{"PAYCERT_PAYSAGE_SECRETKEY": "s"}), paysage)
	if err == nil || !strings.Contains(err.Error(), "did you mean PAYCERT_PAYSAGE_SECRET_KEY?") {
		t.Errorf("misspelt secret key variable: %v", err)
	}
	c, err := target.Load(env(map[string]string{
		"PAYCERT_PIPELINE_OWNER_TEAM": "payments",
		"PAYCERT_BEPAID_SHOP_ID":      "9",
		"PAYCERT_OTP_SOURCE":          "env:PAYCERT_MY_OTP",
		"PAYCERT_MY_OTP":              "1234",
		"PAYCERT_SIM_PAYSAGE_SHOP_ID": "x",
	}), paysage)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "PAYCERT_PIPELINE_OWNER_TEAM") {
		t.Errorf("warnings %q, want one naming PAYCERT_PIPELINE_OWNER_TEAM", c.Warnings)
	}
}

// TestFaultOfAnotherProviderIsAWarning: a fault switched on for a provider the run does not test
// changes nothing, and says so.
func TestFaultOfAnotherProviderIsAWarning(t *testing.T) {
	c, err := target.Load(env(map[string]string{"PAYCERT_SIM_FAULTS": "bepaid.drop-webhook,paysage.drop-webhook"}), paysage)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], "bepaid.drop-webhook") || !strings.Contains(c.Warnings[0], "PAYCERT_SIM_FAULTS") {
		t.Errorf("warnings %q, want one about bepaid.drop-webhook", c.Warnings)
	}
}

// TestUnknownFileKeys: an unknown key of the file names itself, its line and the nearest key (or
// the known ones), and a secret-looking key says where secrets go.
func TestUnknownFileKeys(t *testing.T) {
	file := filepath.Join(t.TempDir(), "paycert.yaml")
	cases := []struct {
		yaml string
		want []string
	}{
		{"target: https://x\npassword: hunter2\n", []string{"password in " + file + " (line 2): not a setting", "the settings here: callback, clock, control_url", "environment only"}},
		{"callback:\n  publik_url: https://h\n", []string{"callback.publik_url in " + file + " (line 2)", "did you mean callback.public_url?"}},
		{"providers:\n  paysgae:\n    shop_id: \"1\"\n", []string{"providers.paysgae in " + file + " (line 2)", "did you mean providers.paysage?"}},
		{"providers:\n  paysage:\n    shopid: \"1\"\n", []string{"providers.paysage.shopid", "did you mean providers.paysage.shop_id?"}},
	}
	for _, c := range cases {
		if err := os.WriteFile(file, []byte(c.yaml), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := target.Load(env(map[string]string{"PAYCERT_CONFIG": file}), paysage)
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%q: error %v does not say %q", c.yaml, err, w)
			}
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("the error shows the value of a secret-looking key: %v", err)
		}
	}
}

func TestNearest(t *testing.T) {
	known := []string{"paysage", "bepaid", "createPayment"}
	cases := []struct {
		name, want string
		ok         bool
	}{
		{"paysgae", "paysage", true},
		{"createPaymnet", "createPayment", true},
		{"monetix", "", false},
		{"ab", "", false},
	}
	for _, c := range cases {
		got, ok := target.Nearest(c.name, known)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("Nearest(%q) = %q, %v; want %q, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

// TestVariableNames: which unknown PAYCERT_ variables are taken for misspellings of a setting
// (an error naming it) and which are a user's own (a warning).
func TestVariableNames(t *testing.T) {
	cases := []struct {
		name, meant string // meant: "" for a warning
	}{
		{"PAYCERT_TARGTE", "PAYCERT_TARGET"},
		{"PAYCERT_TARGET_URL", "PAYCERT_TARGET"},
		{"PAYCERT_CONTROLURL", "PAYCERT_CONTROL_URL"},
		{"PAYCERT_CLOCKS", "PAYCERT_CLOCK"},
		{"PAYCERT_PAYSAGE_SHOPID", "PAYCERT_PAYSAGE_SHOP_ID"},
		{"PAYCERT_BEPAID_SECRET", "PAYCERT_BEPAID_SECRET_KEY"},
		{"PAYCERT_TOKEN", ""},
		{"PAYCERT_HOME", ""},
		{"PAYCERT_TIMEOUT", ""},
		{"PAYCERT_STRICT", ""},
		{"PAYCERT_PIPELINE_OWNER_TEAM", ""},
		{"PAYCERT_RUN_ID", ""},
	}
	for _, c := range cases {
		conf, err := target.Load(env(map[string]string{c.name: "x"}), paysage)
		if c.meant != "" {
			if err == nil || !strings.Contains(err.Error(), c.name+": not a paycert setting (did you mean "+c.meant+"?)") {
				t.Errorf("%s: %v, want an error naming %s", c.name, err, c.meant)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v, want a warning", c.name, err)
			continue
		}
		if len(conf.Warnings) != 1 || !strings.HasPrefix(conf.Warnings[0], c.name+": ") {
			t.Errorf("%s: warnings %q", c.name, conf.Warnings)
		}
	}
	// What paycert itself gives a command OTP source is no problem.
	if conf, err := target.Load(env(map[string]string{"PAYCERT_OTP_PHONE": "+77011234567"}), paysage); err != nil || len(conf.Warnings) != 0 {
		t.Errorf("PAYCERT_OTP_PHONE: %v %q", err, conf.Warnings)
	}
}

// TestFreedomPaySettings: the merchant ID, the signature variant and the resend path of a
// FreedomPay run are read and checked, each problem naming its setting.
func TestFreedomPaySettings(t *testing.T) {
	scope := target.Scope{Providers: []string{"freedompay"}, Known: []string{"freedompay"}}
	base := map[string]string{
		"PAYCERT_TARGET": "http://127.0.0.1:9", "PAYCERT_FREEDOMPAY_MERCHANT_ID": "552211", "PAYCERT_FREEDOMPAY_SECRET_KEY": "s3cret",
	}
	with := func(k, v string) map[string]string {
		m := map[string]string{k: v}
		for name, value := range base {
			m[name] = value
		}
		return m
	}
	c, err := target.Load(env(with("PAYCERT_FREEDOMPAY_RESEND_PATH", "/mfs/resend%20code")), scope)
	if err != nil {
		t.Fatal(err)
	}
	if p := c.Providers["freedompay"]; p.AccountID != "552211" || p.ResendPath != "/mfs/resend%20code" {
		t.Errorf("provider: %+v", p)
	}
	for _, c := range []struct{ setting, value string }{
		{"PAYCERT_FREEDOMPAY_RESEND_PATH", "mfs/resend_code"},
		{"PAYCERT_FREEDOMPAY_RESEND_PATH", "/mfs/resend?x=1"},
		{"PAYCERT_FREEDOMPAY_RESEND_PATH", "/mfs/%zz"},
		{"PAYCERT_FREEDOMPAY_SIGNATURE_VARIANT", "natural"},
	} {
		_, err := target.Load(env(with(c.setting, c.value)), scope)
		if err == nil || !strings.Contains(err.Error(), c.setting+":") {
			t.Errorf("%s=%s: error %v does not name the setting", c.setting, c.value, err)
		}
	}
}

// TestSigningKeySettings: the signing key is read from a file or from the environment in every
// form report.ParsePrivateKey takes, is one of the secrets to redact in each, and a bad one stops
// the run naming its setting without quoting the key.
func TestSigningKeySettings(t *testing.T) {
	pair, err := report.NewKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	key, private, public := pair.Key, pair.Private, pair.Public
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "signer.key")
	pubFile := filepath.Join(dir, "signer.pub")
	for f, data := range map[string][]byte{keyFile: private, pubFile: public} {
		if err := os.WriteFile(f, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	seed := base64.StdEncoding.EncodeToString(key.Seed())
	accepted := map[string]map[string]string{
		"file":           {"PAYCERT_SIGNING_KEY_FILE": keyFile},
		"PEM":            {"PAYCERT_SIGNING_KEY": string(private)},
		"base64 seed":    {"PAYCERT_SIGNING_KEY": seed},
		"base64 64 byte": {"PAYCERT_SIGNING_KEY": base64.StdEncoding.EncodeToString(key)},
	}
	for name, e := range accepted {
		t.Run(name, func(t *testing.T) {
			c, err := target.Load(env(e), paysage)
			if err != nil {
				t.Fatal(err)
			}
			if !c.SigningKey.Equal(key) {
				t.Fatal("not the key given")
			}
			secrets := strings.Join(c.Secrets(), "\n")
			if !strings.Contains(secrets, seed) {
				t.Errorf("Secrets() lacks the key's seed")
			}
			if v := e["PAYCERT_SIGNING_KEY"]; v != "" && !slices.Contains(c.Secrets(), strings.TrimSpace(v)) {
				t.Errorf("Secrets() lacks PAYCERT_SIGNING_KEY as given")
			}
		})
	}
	if c, err := target.Load(env(nil), paysage); err != nil || c.SigningKey != nil {
		t.Errorf("no key set: key %v, error %v", c.SigningKey, err)
	}

	refused := []struct {
		name, setting string
		env           map[string]string
	}{
		{"both set", "PAYCERT_SIGNING_KEY", map[string]string{"PAYCERT_SIGNING_KEY_FILE": keyFile, "PAYCERT_SIGNING_KEY": seed}},
		{"no such file", "PAYCERT_SIGNING_KEY_FILE", map[string]string{"PAYCERT_SIGNING_KEY_FILE": filepath.Join(dir, "missing.key")}},
		{"a public key file", "PAYCERT_SIGNING_KEY_FILE", map[string]string{"PAYCERT_SIGNING_KEY_FILE": pubFile}},
		{"a short key", "PAYCERT_SIGNING_KEY", map[string]string{"PAYCERT_SIGNING_KEY": seed[:20]}},
		{"not a key", "PAYCERT_SIGNING_KEY", map[string]string{"PAYCERT_SIGNING_KEY": "hunter2-hunter2-hunter2"}},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			_, err := target.Load(env(c.env), paysage)
			if err == nil || !strings.HasPrefix(err.Error(), c.setting+": ") {
				t.Fatalf("error %v, want one naming %s", err, c.setting)
			}
			if v := c.env["PAYCERT_SIGNING_KEY"]; v != "" && strings.Contains(err.Error(), v) {
				t.Errorf("the error quotes the key: %v", err)
			}
		})
	}
	if _, err := target.Load(env(map[string]string{"PAYCERT_SIGNING_KEYFILE": keyFile}), paysage); err == nil || !strings.Contains(err.Error(), "did you mean PAYCERT_SIGNING_KEY_FILE?") {
		t.Errorf("a misspelt setting: %v", err)
	}
}
