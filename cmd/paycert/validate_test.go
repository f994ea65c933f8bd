package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/signing"
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

// TestValidateFreedomPay checks FreedomPay's forms and XML answers against the operations and the
// schema files, with and without a captured Content-Type, and their pg_sig, signed here with the
// secret "secret" and verified by validate.
func TestValidateFreedomPay(t *testing.T) {
	signer, err := signing.NewFreedomPay("secret", "")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, body []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, body, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pay := signer.Signed("pay", fields.Of("pg_merchant_id", "552211", "pg_payment_id", "12345", "pg_abonent_phone", "77011234567", "pg_payment_system_code", "KCELLKZT", "pg_salt", "a1b2c3"))
	multipartType, multipartBody, err := pay.EncodeMultipart("b0undary")
	if err != nil {
		t.Fatal(err)
	}
	answer := signer.Signed("pay", fields.Of("pg_status", "need_approve", "pg_payment_id", "12345", "pg_salt", "d4e5f6"))
	result := signer.Signed("result.php", fields.Of("pg_order_id", "o-1", "pg_payment_id", "12345", "pg_amount", "100", "pg_currency", "KZT", "pg_description", "d", "pg_result", "1", "pg_payment_date", "2026-11-21 10:00:00", "pg_salt", "s"))
	var (
		form      = write("pay.form", []byte(pay.Encode()))
		multipart = write("pay.multipart", multipartBody)
		inXML     = write("pay.pgxml", []byte(fields.Of("pg_xml", string(pay.XML("request"))).Encode()))
		xmlAnswer = write("answer.xml", answer.XML("root"))
		tampered  = write("tampered.form", []byte(pay.Set("pg_abonent_phone", "77011234568").Encode()))
		noPhone   = write("nophone.form", []byte(signer.Signed("pay", pay.Without("pg_abonent_phone", "pg_sig")).Encode()))
		badRoot   = write("root.xml", answer.XML("answer"))
		jsonBody  = write("answer.json", []byte(`{"pg_status":"ok"}`))
		resultReq = write("result.form", []byte(result.Encode()))
	)
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"URL-encoded request, sniffed", []string{"-provider", "freedompay", "-op", "pay", "-kind", "request", "-signature", form}, exitConformant, "conformant"},
		{"multipart request, sniffed", []string{"-provider", "freedompay", "-op", "pay", "-kind", "request", "-signature", multipart}, exitConformant, "conformant"},
		{"multipart request, Content-Type given", []string{"-provider", "freedompay", "-op", "pay", "-kind", "request", "-content-type", multipartType, "-signature", multipart}, exitConformant, "conformant"},
		{"request in pg_xml", []string{"-provider", "freedompay", "-op", "pay", "-kind", "request", "-signature", inXML}, exitConformant, "conformant"},
		{"XML answer", []string{"-provider", "freedompay", "-op", "pay", "-signature", xmlAnswer}, exitConformant, "conformant"},
		{"XML answer by schema file", []string{"-schema", "schemas/freedompay/pay-response.json", "-script", "pay", "-signature", xmlAnswer}, exitConformant, "conformant"},
		{"tampered request", []string{"-provider", "freedompay", "-op", "pay", "-kind", "request", "-signature", tampered}, exitNonConformant, "does not match the signature"},
		{"answer signed for another script", []string{"-provider", "freedompay", "-op", "approve", "-signature", xmlAnswer}, exitNonConformant, `script name "approve"`},
		{"missing field", []string{"-provider", "freedompay", "-op", "pay", "-kind", "request", noPhone}, exitNonConformant, "pg_abonent_phone"},
		{"wrong root element", []string{"-provider", "freedompay", "-op", "pay", badRoot}, exitNonConformant, "the root element is <answer>"},
		{"JSON answer", []string{"-provider", "freedompay", "-op", "pay", "-kind", "response", jsonBody}, exitNonConformant, "not XML"},
		{"form said to be XML", []string{"-provider", "freedompay", "-op", "pay", "-kind", "request", "-content-type", "application/xml", form}, exitNonConformant, "Content-Type"},
		{"result call", []string{"-provider", "freedompay", "-op", "resultNotify", "-script", "result.php", "-signature", resultReq}, exitConformant, "conformant"},
		{"result call, script missing", []string{"-provider", "freedompay", "-op", "resultNotify", "-signature", resultReq}, exitError, ""},
		{"schema file, script missing", []string{"-schema", "schemas/freedompay/pay-response.json", "-signature", xmlAnswer}, exitError, ""},
		{"signature of a beGateway body", []string{"-schema", "schemas/begateway/error.json", "-signature", jsonBody}, exitError, ""},
	}
	t.Setenv("PAYCERT_FREEDOMPAY_SECRET_KEY", "secret")
	t.Setenv("PAYCERT_FREEDOMPAY_SIGNATURE_VARIANT", "")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code, err := cmdValidate(c.args, &out, &errOut)
			if err != nil {
				errOut.WriteString(err.Error())
			}
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, out.String(), errOut.String())
			}
			if !strings.Contains(out.String()+errOut.String(), c.want) {
				t.Errorf("output does not mention %q:\n%s%s", c.want, out.String(), errOut.String())
			}
		})
	}
}
