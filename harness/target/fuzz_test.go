package target_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paycert/paycert/harness/target"
)

// urlPassword is the password a URL-like value carries in its user information
// ("https://user:password@host"), or "".
func urlPassword(v string) string {
	_, rest, ok := strings.Cut(v, "://")
	if !ok {
		return ""
	}
	userinfo, _, ok := strings.Cut(rest, "@")
	if !ok {
		return ""
	}
	_, pw, _ := strings.Cut(userinfo, ":")
	return pw
}

// FuzzLoad: any environment (any value of every setting, a misspelt one, a configuration file of
// any content) gives a configuration or an error; every problem is a *target.Error naming a
// setting; and no error quotes a secret: a secret key, the signing key, or the password of a URL.
func FuzzLoad(f *testing.F) {
	f.Add("https://sandbox.example", "361", "k3y-S3CRET-value", "static:5576", "90s", "https://hooks.example", "", "auto", "PAYCERT_PAYSAGE_SECRET_KY", "sk-L00ks-like-a-secret", "")
	f.Add("sim", "", "", "", "", "", "", "", "PAYCERT_SIM_SEED", "x", "target: sim\nproviders:\n  paysage:\n    secret_key: file-S3CRET-value\n")
	f.Add("http://user:pass w0rd@host", "1", "s", "command:", "-1s", "ftp://x", "nope", "virtual", "PAYCERT_SIGNING_KEY", "MC4CAQAwBQYDK2VwBCIEIPassw0rd", "timeouts: {request: [x]}\n")
	f.Add("https://u:Pa55word-Secret@[::1", "", "", "env:NOPE", "1h", "", "ed25519-S3cret-Key-Text", "real", "PAYCERT_CALLBACKS", "maybe", "providers: {monetix: {project_id: x, shop_id: 1}}")
	f.Fuzz(func(t *testing.T, tgt, shop, secret, otpSource, wait, publicURL, signingKey, clock, extraName, extraValue, file string) {
		env := target.Env{
			"PAYCERT_TARGET":              tgt,
			"PAYCERT_PAYSAGE_SHOP_ID":     shop,
			"PAYCERT_PAYSAGE_SECRET_KEY":  secret,
			"PAYCERT_MONETIX_SECRET_KEY":  secret,
			"PAYCERT_OTP_SOURCE":          otpSource,
			"PAYCERT_WAIT_TIMEOUT":        wait,
			"PAYCERT_CALLBACK_PUBLIC_URL": publicURL,
			"PAYCERT_CONTROL_URL":         publicURL,
			"PAYCERT_PAYSAGE_URL":         tgt,
			"PAYCERT_SIGNING_KEY":         signingKey,
			"PAYCERT_CLOCK":               clock,
		}
		if extraName != "" {
			env[extraName] = extraValue
		}
		if file != "" {
			path := filepath.Join(t.TempDir(), "paycert.yaml")
			if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
				t.Fatal(err)
			}
			env["PAYCERT_CONFIG"] = path
		}
		_, err := target.Load(env, target.Scope{Providers: []string{"paysage", "monetix"}, Known: []string{"bepaid", "freedompay", "monetix", "paysage"}})
		if err == nil {
			return
		}
		problems := []error{err}
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			problems = joined.Unwrap()
		}
		for _, p := range problems {
			var te *target.Error
			if !errors.As(p, &te) || te.Setting == "" {
				t.Errorf("a problem names no setting: %v", p)
			}
		}
		// A secret counts when it is long enough not to be a word of the messages, and not also
		// given as a setting that is not secret (that one may be quoted).
		secrets := []string{secret, signingKey, urlPassword(tgt), urlPassword(publicURL)}
		if strings.HasSuffix(extraName, "SECRET_KEY") || strings.HasSuffix(extraName, "_KEY") {
			secrets = append(secrets, extraValue)
		}
		public := strings.Join([]string{shop, otpSource, wait, clock, extraName, file}, "\n")
		for _, s := range secrets {
			if len(s) >= 8 && !strings.Contains(public, s) && strings.Contains(err.Error(), s) {
				t.Errorf("the error quotes the secret %q:\n%v", s, err)
			}
		}
	})
}
