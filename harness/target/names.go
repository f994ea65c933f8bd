package target

import (
	"fmt"
	"io"
	"reflect"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/paycert/paycert/harness/signing"
)

// settings paycert reads from the environment, but for each provider's own (providerSettings).
var globalSettings = []string{
	"PAYCERT_TARGET", "PAYCERT_CONFIG", "PAYCERT_CONTROL_URL", "PAYCERT_OTP_SOURCE", "PAYCERT_CLOCK",
	"PAYCERT_CALLBACKS", "PAYCERT_CALLBACK_LISTEN", "PAYCERT_CALLBACK_PUBLIC_URL",
	"PAYCERT_REQUEST_TIMEOUT", "PAYCERT_WAIT_TIMEOUT", "PAYCERT_REPORT_DIR", "PAYCERT_ASSETS_DIR",
	"PAYCERT_BUDGET", "PAYCERT_BUDGET_DIR", "PAYCERT_ALLOW_LIVE", "PAYCERT_MAX_AMOUNT",
	"PAYCERT_SIM_SEED", "PAYCERT_SIM_FAULTS", "PAYCERT_SIM_OTP_DIGITS", "PAYCERT_SIM_OTP_LIFETIME",
	SigningKeyFileSetting, SigningKeySetting,
	// paycert's own tests: the report page test fails, instead of skipping, without a browser.
	"PAYCERT_REQUIRE_BROWSER",
	// What paycert gives a command OTP source.
	"PAYCERT_OTP_PROVIDER", "PAYCERT_OTP_TRANSACTION", "PAYCERT_OTP_PHONE",
}

// obsoleteSettings are variables paycert no longer reads, with what became of them.
var obsoleteSettings = map[string]string{
	"PAYCERT_RUN_ID":  "paycert run names its runs itself",
	"PAYCERT_SUMMARY": "paycert run prints one summary of the whole run",
}

// providerSettings are the variables of each provider: PAYCERT_<P>_<setting>; simSettings those of
// each provider on a served simulator: PAYCERT_SIM_<P>_<setting>. accountID stands for the
// provider's name of the merchant's ID (AccountIDSetting).
var (
	providerSettings = []string{"URL", accountID, "SECRET_KEY", "WEBHOOK_PUBLIC_KEY", "MIN_INTERVAL", "RATE"}
	simSettings      = []string{accountID, "SECRET_KEY"}
)

// accountID stands, in the setting lists, for the setting of the merchant's ID, which each
// provider names its own way.
const accountID = "<ACCOUNT_ID>"

// account is how a provider's documents call the merchant's ID (the setting's suffix, the key in
// the configuration file, and the words for messages), whether its signatures come in variants a
// run may name (PAYCERT_<P>_SIGNATURE_VARIANT), and whether the path of its resend request is a
// setting because its documents do not give it (PAYCERT_<P>_RESEND_PATH).
type account struct {
	setting, key, noun string
	// variant checks the name of a signature variant; nil for a signature without variants.
	variant    func(name string) error
	resendPath bool
}

// accountOf is what paycert knows of how a provider names its settings: the project ID of
// Monetix, whose signature has variants; the merchant ID of FreedomPay; the shop ID of the
// beGateway providers.
func accountOf(provider string) account {
	switch provider {
	case "monetix":
		return account{setting: "PROJECT_ID", key: "project_id", noun: "project ID", variant: func(v string) error {
			_, err := signing.MonetixVariantNamed(v)
			return err
		}}
	case "freedompay":
		return account{setting: "MERCHANT_ID", key: "merchant_id", noun: "merchant ID", resendPath: true, variant: func(v string) error {
			_, err := signing.NewFreedomPay("", v)
			return err
		}}
	}
	return account{setting: "SHOP_ID", key: "shop_id", noun: "shop ID"}
}

// AccountIDSetting is the setting suffix of the provider's merchant ID: EnvName(p,
// AccountIDSetting(p)) is PAYCERT_PAYSAGE_SHOP_ID or PAYCERT_MONETIX_PROJECT_ID.
func AccountIDSetting(provider string) string { return accountOf(provider).setting }

// settingName is a setting of the lists above for one provider.
func settingName(provider, setting string) string {
	if setting == accountID {
		return AccountIDSetting(provider)
	}
	return setting
}

// Variables lists every environment variable that is a paycert setting for the given providers.
func Variables(providers []string) []string {
	out := append([]string(nil), globalSettings...)
	for _, p := range providers {
		for _, s := range providerSettings {
			out = append(out, EnvName(p, settingName(p, s)))
		}
		for _, s := range simSettings {
			out = append(out, EnvName("SIM_"+p, settingName(p, s)))
		}
		if accountOf(p).variant != nil {
			out = append(out, EnvName(p, "SIGNATURE_VARIANT"))
		}
		if accountOf(p).resendPath {
			out = append(out, EnvName(p, "RESEND_PATH"))
		}
	}
	sort.Strings(out)
	return out
}

// PrintWarnings writes configuration warnings, one a line, for the person running paycert.
func PrintWarnings(w io.Writer, warnings []string) {
	for _, warning := range warnings {
		fmt.Fprintf(w, "paycert: warning: %s\n", warning)
	}
}

// CheckVariables finds the PAYCERT_ variables of env that are no setting for the given
// providers: errors for those that resemble a setting, warnings for the others (see Load).
func CheckVariables(env Env, providers []string) (errs []error, warnings []string) {
	return unknownVariables(env, Scope{Known: providers})
}

// unknownVariables finds the PAYCERT_ variables of env that are no setting. One that resembles a
// setting is an error naming it (PAYCERT_TARGTE would otherwise quietly test the embedded
// simulator); one that resembles none is a warning. The variable an env: OTP source names is the
// user's own.
func unknownVariables(env Env, sc Scope) (errs []error, warnings []string) {
	known := Variables(append(append([]string(nil), sc.Known...), sc.Providers...))
	own := map[string]bool{}
	if kind, arg, _ := strings.Cut(env.Get("PAYCERT_OTP_SOURCE"), ":"); kind == "env" {
		own[strings.TrimSpace(arg)] = true
	}
	var names []string
	for name := range env {
		if strings.HasPrefix(name, "PAYCERT_") && !own[name] && !slices.Contains(known, name) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		if why, ok := obsoleteSettings[name]; ok {
			warnings = append(warnings, name+": no longer read ("+why+"); ignored")
			continue
		}
		if near, ok := nearestVariable(name, known); ok {
			errs = append(errs, &Error{name, fmt.Sprintf("not a paycert setting (did you mean %s?); rename it or unset it", near)})
			continue
		}
		warnings = append(warnings, name+": not a paycert setting; ignored")
	}
	return errs, warnings
}

// nearestVariable returns the setting an unknown PAYCERT_ variable most likely misspells: one a
// few edits away in the part after PAYCERT_ (a quarter of its length, at least one), or one
// whose name it starts, or starts with, at a _ (PAYCERT_TARGET_URL for PAYCERT_TARGET,
// PAYCERT_BEPAID_SECRET for PAYCERT_BEPAID_SECRET_KEY). A name that shares little but the prefix
// is no misspelling.
func nearestVariable(name string, known []string) (string, bool) {
	const prefix = "PAYCERT_"
	unknown := strings.TrimPrefix(name, prefix)
	best, d := closest(name, known, func(s string) string { return strings.TrimPrefix(s, prefix) })
	if d >= 0 && d <= max(1, len(unknown)/4) {
		return best, true
	}
	for _, k := range known {
		ks := strings.TrimPrefix(k, prefix)
		if strings.HasPrefix(unknown, ks+"_") || (len(unknown) > 3 && strings.HasPrefix(ks, unknown+"_")) {
			return k, true
		}
	}
	return "", false
}

// secretWords are file keys that look like a secret: the file is no place for one.
var secretWords = map[string]bool{"password": true, "secret": true, "secret_key": true, "token": true, "api_key": true, "key": true}

// unknownKeys checks every key of the configuration file against the file's shape (fileConfig's
// yaml tags); under providers, the keys are provider names. Each unknown key is an error that
// names it, its line, and the nearest known key or the known ones.
func unknownKeys(doc *yaml.Node, file string, providers []string) []error {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	var errs []error
	var walk func(n *yaml.Node, t reflect.Type, path string)
	walk = func(n *yaml.Node, t reflect.Type, path string) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			name := path + key.Value
			var known []string
			var next reflect.Type
			switch t.Kind() {
			case reflect.Struct:
				fields := map[string]reflect.Type{}
				for j := range t.NumField() {
					f := t.Field(j)
					tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
					if tag != "" && tag != "-" {
						fields[tag] = f.Type
						known = append(known, tag)
					}
				}
				next = fields[key.Value]
			case reflect.Map:
				known = providers
				if slices.Contains(providers, key.Value) {
					next = t.Elem()
				}
			default:
				continue
			}
			if next != nil {
				walk(value, next, name+".")
				continue
			}
			problem := "not a setting"
			if near, ok := Nearest(key.Value, known); ok {
				problem += fmt.Sprintf(" (did you mean %s%s?)", path, near)
			} else if len(known) > 0 {
				problem += fmt.Sprintf(" (the settings here: %s)", strings.Join(sortedCopy(known), ", "))
			}
			if secretWords[strings.ToLower(key.Value)] {
				problem += "; secrets are read from the environment only (PAYCERT_<PROVIDER>_SECRET_KEY)"
			}
			errs = append(errs, &Error{fmt.Sprintf("%s in %s (line %d)", name, file, key.Line), problem})
		}
	}
	walk(doc.Content[0], reflect.TypeFor[fileConfig](), "")
	return errs
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
