package selftest_test

import (
	"encoding/base64"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/paysage"
	"github.com/paycert/paycert/harness/sim/simtest"
)

// TestNoSecretsInOutput runs the suite against a simulator in this process (so that the test
// knows every phone number and OTP it saw) and searches everything the run printed and wrote for
// the secret key, the Basic credentials, any full phone number and any issued OTP. The run has
// a fault switched on, so that failure messages with exchanges are part of the output too.
func TestNoSecretsInOutput(t *testing.T) {
	const shopID, secretKey = "leak-test-shop", "sk_live_9f8e7d6c5b4a39281726354453627189"
	l := simtest.Start(t, sim.Options{
		Seed: 7, OTPDigits: 8, Faults: []string{"paysage.accept-wrong-otp"},
		Credentials: map[string]sim.Credentials{"paysage": {ID: shopID, Secret: secretKey}},
	})

	r := runSuite(t, 3*time.Minute,
		"PAYCERT_TARGET="+l.ProviderURL("paysage"),
		"PAYCERT_CONTROL_URL="+l.ControlURL(),
		"PAYCERT_PAYSAGE_SHOP_ID="+shopID,
		"PAYCERT_PAYSAGE_SECRET_KEY="+secretKey,
		"PAYCERT_WAIT_TIMEOUT=2s",
	)
	if r.exit == 0 {
		t.Fatalf("the run with a fault exited 0; the test needs failure output to search")
	}

	forbidden := map[string]string{
		secretKey: "the secret key",
		base64.StdEncoding.EncodeToString([]byte(shopID + ":" + secretKey)): "the Basic credentials",
	}
	p, _ := l.Provider("paysage")
	phones, otps := 0, 0
	for _, tx := range p.(*paysage.Simulator).Snapshot() {
		if acc, _ := tx.Section["account_number"].(string); len(acc) == 11 {
			forbidden[acc] = "a phone number"
			phones++
		}
		if tx.OTP != "" {
			forbidden[tx.OTP] = "an issued OTP"
			otps++
		}
	}
	if phones < 10 || otps < 10 {
		t.Fatalf("the run made %d payments with phones and %d OTPs; too few for the search to mean anything", phones, otps)
	}

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
	// The masks must be there: a search of a report with no exchanges would pass vacuously.
	for _, mask := range []string{"[OTP]", "*******", "Basic [REDACTED]"} {
		if !strings.Contains(all.String(), mask) {
			t.Errorf("no %q anywhere in the output: are exchanges recorded at all?", mask)
		}
	}
}
