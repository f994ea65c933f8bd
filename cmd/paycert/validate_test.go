package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateMonetixSignature checks Payment Page parameters and their signature: the signature
// here was computed with the openssl command line over the flattened parameters, with the
// secret "secret".
func TestValidateMonetixSignature(t *testing.T) {
	const signed = `{"project_id":1234,"payment_id":"payment_47","customer_id":"customer_123","customer_first_name":"John","customer_last_name":"Doe","customer_email":"johndoe@example.com","payment_currency":"KZT","payment_amount":100000,"force_payment_method":"mobile","payment_methods_options":{"enable_mobile_service":1,"selected_operator":"TELE2"},"signature":"Z1Gr+rzJqKLur9CA/fign9tZBHn+xsTLyt9GNYu40jYqo4soeVKjC+Q4gFmSj96UZXm6u5MRSKvRERib5Vi5ZA=="}`
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(good, []byte(signed), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(strings.Replace(signed, "100000", "100001", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PAYCERT_MONETIX_SECRET_KEY", "secret")
	for _, c := range []struct {
		file string
		want int
	}{{good, exitConformant}, {bad, exitNonConformant}} {
		var out bytes.Buffer
		code, err := cmdValidate([]string{"-signature", "-schema", "schemas/monetix/payment-page-request.json", c.file}, &out, &out)
		if err != nil || code != c.want {
			t.Errorf("%s: exit %d (%v), want %d\n%s", filepath.Base(c.file), code, err, c.want, out.String())
		}
	}
	t.Setenv("PAYCERT_MONETIX_SECRET_KEY", "")
	var out bytes.Buffer
	if _, err := cmdValidate([]string{"-signature", "-schema", "schemas/monetix/payment-page-request.json", good}, &out, &out); err == nil || !strings.Contains(err.Error(), "PAYCERT_MONETIX_SECRET_KEY") {
		t.Errorf("without the secret: %v", err)
	}
}
