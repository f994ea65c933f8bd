package selftest_test

import (
	"encoding/base64"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/bepaid"
	"github.com/paycert/paycert/harness/sim/beyag"
	"github.com/paycert/paycert/harness/sim/freedompay"
	"github.com/paycert/paycert/harness/sim/monetix"
	"github.com/paycert/paycert/harness/sim/paysage"
	"github.com/paycert/paycert/harness/sim/simtest"
	"github.com/paycert/paycert/harness/target"
)

// TestNoSecretsInOutput runs the suite against a simulator in this process (so that the test
// knows every phone number and OTP it saw) and searches everything the run printed and wrote for
// the secret key, the Basic credentials, any full phone number and any issued OTP. The run has
// a fault switched on, so that failure messages with exchanges are part of the output too.
func TestNoSecretsInOutput(t *testing.T) {
	t.Parallel()
	const shopID, secretKey = "leak-test-shop", "sk_live_9f8e7d6c5b4a39281726354453627189"
	l, r := runWithFault(t, paysage.Factory(), sim.Credentials{ID: shopID, Secret: secretKey},
		sim.Options{Seed: 7, OTPDigits: 8, Faults: []string{"paysage.accept-wrong-otp"}})

	forbidden := map[string]string{
		secretKey: "the secret key",
		base64.StdEncoding.EncodeToString([]byte(shopID + ":" + secretKey)): "the Basic credentials",
	}
	p, _ := l.Provider("paysage")
	var phones, otps []string
	for _, tx := range p.(*beyag.Engine).Snapshot() {
		if acc, _ := tx.Section["account_number"].(string); len(acc) == 11 {
			phones = append(phones, acc)
		}
		if tx.OTP != "" {
			otps = append(otps, tx.OTP)
		}
	}
	forbidSent(t, forbidden, phones, otps)

	assertNoLeak(t, r, forbidden, "[OTP#1]", "[OTP#1 altered]", "*******", "Basic [REDACTED]")
}

// TestNoMonetixSecretsInOutput is the same search over a Monetix run: the project's secret key,
// every phone number and every OTP the simulator sent (resends included) must not show.
func TestNoMonetixSecretsInOutput(t *testing.T) {
	t.Parallel()
	const projectID, secretKey = "987654", "sk_live_5e4d3c2b1a0f9e8d7c6b5a4938271605"
	l, r := runWithFault(t, monetix.Factory(), sim.Credentials{ID: projectID, Secret: secretKey},
		sim.Options{Seed: 11, OTPDigits: 8, Faults: []string{"monetix.accept-wrong-otp"}})
	forbidden := map[string]string{secretKey: "the secret key"}
	p, _ := l.Provider("monetix")
	var phones, otps []string
	for _, sent := range p.(*monetix.Sim).Snapshot() {
		if len(sent.Phone) == 11 {
			phones = append(phones, sent.Phone)
		}
		otps = append(otps, sent.OTPs...)
	}
	forbidSent(t, forbidden, phones, otps)
	assertNoLeak(t, r, forbidden, "[OTP#1]", "*******")
}

// TestNoFreedomPaySecretsInOutput is the same search over a FreedomPay run: the merchant's secret
// key, every phone number (but the public test phones, which spec names carry) and every approval
// code the simulator sent must not show, and no pg_sig either (the transcripts mask it).
func TestNoFreedomPaySecretsInOutput(t *testing.T) {
	t.Parallel()
	const merchantID, secretKey = "778899", "fp_live_9c8b7a6f5e4d3c2b1a09"
	l, r := runWithFault(t, freedompay.Factory(), sim.Credentials{ID: merchantID, Secret: secretKey},
		sim.Options{Seed: 13, OTPDigits: 8, Faults: []string{"freedompay.approval-any-code"}})
	forbidden := map[string]string{secretKey: "the secret key"}
	public := map[string]bool{}
	for _, tp := range freedompay.TestPhones() {
		public[tp.Phone] = true
	}
	p, _ := l.Provider("freedompay")
	var phones, codes []string
	for _, sent := range p.(*freedompay.Sim).Snapshot() {
		if len(sent.Phone) == 11 && !public[sent.Phone] {
			phones = append(phones, sent.Phone)
		}
		codes = append(codes, sent.Codes...)
	}
	forbidSent(t, forbidden, phones, codes)
	assertNoLeak(t, r, forbidden, "[OTP#1]", "*******", "pg_sig=[REDACTED]")
	assertNoSignatures(t, r)
}

// TestNoFreedomPaySignatureInFailures runs the FreedomPay suite with a secret key other than the
// target's, so that nearly every spec fails on a signature (requests refused, answers that do not
// verify): neither key, nor any signature, shows in the failure messages or the report.
func TestNoFreedomPaySignatureInFailures(t *testing.T) {
	t.Parallel()
	const simSecret, suiteSecret = "fp_target_4d3c2b1a0918", "fp_suite_8e7f6a5b4c3d"
	l := simtest.Start(t, sim.Options{Seed: 17, Providers: []sim.Factory{freedompay.Factory()},
		Credentials: map[string]sim.Credentials{"freedompay": {ID: freedompay.MerchantID, Secret: simSecret}}})
	r := runSuite(t, "freedompay", 3*time.Minute,
		"PAYCERT_TARGET="+l.ProviderURL("freedompay"),
		"PAYCERT_CONTROL_URL="+l.ControlURL(),
		"PAYCERT_FREEDOMPAY_MERCHANT_ID="+freedompay.MerchantID,
		"PAYCERT_FREEDOMPAY_SECRET_KEY="+suiteSecret,
		"PAYCERT_WAIT_TIMEOUT=2s",
	)
	if r.exit == 0 || !strings.Contains(r.output, "does not verify") {
		t.Fatalf("the run with another secret key exited %d without a signature failure; the test needs those to search", r.exit)
	}
	assertNoLeak(t, r, map[string]string{simSecret: "the target's secret key", suiteSecret: "the suite's secret key"}, "pg_sig=[REDACTED]")
	assertNoSignatures(t, r)
}

// assertNoSignatures fails the test when a run's output or report shows 32 hex digits standing
// alone, the form of every pg_sig: signatures are not known in advance, so their form is searched.
func assertNoSignatures(t *testing.T, r run) {
	t.Helper()
	md5 := regexp.MustCompile(`(?:^|[^0-9a-fA-F])([0-9a-f]{32})(?:[^0-9a-fA-F]|$)`)
	for where, text := range runTexts(t, r) {
		if m := md5.FindStringSubmatchIndex(text); m != nil {
			t.Errorf("%s shows 32 hex digits, the form of a pg_sig: …%s…", where, text[max(0, m[2]-60):min(len(text), m[3]+20)])
		}
	}
}

// TestNoBePaidSecretsInOutput is the same search over a bePaid run: its phone numbers are the
// document's public test numbers, so what must not show is the shop's secret key and credentials.
func TestNoBePaidSecretsInOutput(t *testing.T) {
	t.Parallel()
	const shopID, secretKey = "leak-test-bepaid", "sk_live_0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	_, r := runWithFault(t, bepaid.Factory(), sim.Credentials{ID: shopID, Secret: secretKey},
		sim.Options{Seed: 9, Faults: []string{"bepaid.wrong-test-result"}})
	assertNoLeak(t, r, map[string]string{
		secretKey: "the secret key",
		base64.StdEncoding.EncodeToString([]byte(shopID + ":" + secretKey)): "the Basic credentials",
	}, "Basic [REDACTED]")
}

// forbidSent adds the phone numbers and the OTPs a simulator sent during a run to what must not
// show in its output, and stops the test when there are too few of either for the search to mean
// anything.
func forbidSent(t *testing.T, forbidden map[string]string, phones, otps []string) {
	t.Helper()
	for _, phone := range phones {
		forbidden[phone] = "a phone number"
	}
	for _, otp := range otps {
		forbidden[otp] = "an issued OTP"
	}
	if len(phones) < 10 || len(otps) < 10 {
		t.Fatalf("the run made %d payments with phones and sent %d OTPs; too few for the search to mean anything", len(phones), len(otps))
	}
}

// runWithFault serves the provider of f alone, with creds and a fault in opts, and runs its suite
// (named as the provider) against it as an external target; the run must fail, so that failure
// messages with exchanges are part of what a leak test searches.
func runWithFault(t *testing.T, f sim.Factory, creds sim.Credentials, opts sim.Options) (*sim.Listening, run) {
	t.Helper()
	opts.Providers = []sim.Factory{f}
	opts.Credentials = map[string]sim.Credentials{f.Name: creds}
	l := simtest.Start(t, opts)
	r := runSuite(t, f.Name, 3*time.Minute,
		"PAYCERT_TARGET="+l.ProviderURL(f.Name),
		"PAYCERT_CONTROL_URL="+l.ControlURL(),
		target.EnvName(f.Name, target.AccountIDSetting(f.Name))+"="+creds.ID,
		target.EnvName(f.Name, "SECRET_KEY")+"="+creds.Secret,
		"PAYCERT_WAIT_TIMEOUT=2s",
	)
	if r.exit == 0 {
		t.Fatalf("the run with fault %v exited 0; the test needs failure output to search", opts.Faults)
	}
	return l, r
}

// runTexts are what a run printed and every file of its report, by where they are.
func runTexts(t *testing.T, r run) map[string]string {
	t.Helper()
	texts := map[string]string{"the run's output": r.output}
	err := filepath.WalkDir(r.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		texts[path] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return texts
}

// assertNoLeak searches the run's output and every file of its report for the forbidden values,
// and checks that the masks are there, so that a report without exchanges cannot pass vacuously.
func assertNoLeak(t *testing.T, r run, forbidden map[string]string, masks ...string) {
	t.Helper()
	texts := runTexts(t, r)
	if len(texts) < 6 {
		t.Fatalf("the report has only %d files", len(texts)-1)
	}
	var all strings.Builder
	for where, text := range texts {
		all.WriteString(text)
		for value, what := range forbidden {
			if i := strings.Index(text, value); i >= 0 {
				t.Errorf("%s shows %s: …%s…", where, what, text[max(0, i-60):min(len(text), i+len(value)+20)])
			}
		}
	}
	for _, mask := range masks {
		if !strings.Contains(all.String(), mask) {
			t.Errorf("no %q anywhere in the output: are exchanges recorded at all?", mask)
		}
	}
}

// TestShortSecretsNeitherLeakNorCorrupt runs PaySage with a one-letter secret key and bePaid with
// a four-letter one (with faults on, so that failure messages are part of the output): the
// Authorization headers keep no credentials, and no word, number or JSON key of the evidence is
// eaten by a mask (bePaid's request carries "test": true; "Unexpected" stays "Unexpected").
func TestShortSecretsNeitherLeakNorCorrupt(t *testing.T) {
	t.Parallel()
	cases := []struct {
		suite, secret, fault string
		factory              sim.Factory
		intact               string
	}{
		{paysageSuite, "x", "paysage.accept-wrong-otp", paysage.Factory(), `"amount": `},
		{bepaidSuite, "test", "bepaid.wrong-test-result", bepaid.Factory(), `"test": true`},
	}
	for _, c := range cases {
		t.Run(c.suite, func(t *testing.T) {
			t.Parallel()
			const shopID = "short-secret-shop"
			l := simtest.Start(t, sim.Options{Seed: 11, Faults: []string{c.fault}, Providers: []sim.Factory{c.factory},
				Credentials: map[string]sim.Credentials{c.suite: {ID: shopID, Secret: c.secret}}})
			p := strings.ToUpper(c.suite)
			r := runSuite(t, c.suite, 3*time.Minute,
				"PAYCERT_TARGET="+l.ProviderURL(c.suite),
				"PAYCERT_CONTROL_URL="+l.ControlURL(),
				"PAYCERT_"+p+"_SHOP_ID="+shopID,
				"PAYCERT_"+p+"_SECRET_KEY="+c.secret,
				"PAYCERT_WAIT_TIMEOUT=2s",
			)
			if r.exit != 1 {
				t.Fatalf("exit %d with fault %s; the test needs a non-conformant run's output", r.exit, c.fault)
			}
			assertNoLeak(t, r, map[string]string{
				base64.StdEncoding.EncodeToString([]byte(shopID + ":" + c.secret)): "the Basic credentials",
			}, "Basic [REDACTED]", c.intact)
			eaten := regexp.MustCompile(`[A-Za-z0-9]\[REDACTED\]|\[REDACTED\][A-Za-z0-9]|"\[REDACTED\]"\s*:`)
			for where, text := range runTexts(t, r) {
				if m := eaten.FindStringIndex(text); m != nil {
					t.Errorf("%s: a mask ate part of the evidence: …%s…", where, text[max(0, m[0]-40):min(len(text), m[1]+40)])
				}
			}
		})
	}
}
