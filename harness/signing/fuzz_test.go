package signing_test

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"testing"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/signing"
)

// decodeObject reads body as a JSON object with exact numbers; ok is false for anything else.
func decodeObject(body []byte) (map[string]any, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	doc, ok := v.(map[string]any)
	return doc, ok && doc != nil
}

// flipped returns a copy of s with the byte at i (modulo its length) changed to another
// character of the Base64 and hex alphabets.
func flipped(s string, i int) string {
	if s == "" {
		return "A"
	}
	b := []byte(s)
	i = (i%len(b) + len(b)) % len(b)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// FuzzMonetix: for any JSON object, secret and variant, what is signed verifies (as a request
// and, with the signature at the top, as a callback); a changed signature, another secret or an
// added field does not; and any body that verifies with a secret fails with another (arbitrary
// input never verifies without the key).
func FuzzMonetix(f *testing.F) {
	f.Add([]byte(`{"general":{"project_id":1234,"payment_id":"payment_47"},"payment":{"amount":100000,"currency":"KZT"}}`), "secret", uint8(0), 3)
	f.Add([]byte(`{"a:b":[1,2,{"c":null}],"frame_mode":"x","t":true}`), "", uint8(4), 0)
	f.Add([]byte(`{"general":{}}`), "qwerty", uint8(2), 7)
	f.Add([]byte(`{"payment":{"id":"000049","status":"success"},"signature":"/3TrhHVz9BHaLfgLyhoxO7dsQNzbzZa/TdO3pxQocXWwgVM6tGlzMLVfpOxFNTnkR9iiFVK/77ZedMcbkCjmng=="}`), "secret", uint8(0), 1)
	f.Fuzz(func(t *testing.T, body []byte, secret string, variant uint8, flip int) {
		variants := signing.MonetixVariants()
		m := signing.Monetix{Secret: secret, Variant: variants[int(variant)%len(variants)]}
		other := signing.Monetix{Secret: secret + "x", Variant: m.Variant}

		// Arbitrary input: never a panic; verifying depends on the key.
		if m.Verify(body) == nil && other.Verify(body) == nil {
			t.Fatalf("%s: a body verifies with two different secrets:\n%s", m.Variant.Name, body)
		}
		if m.VerifyCallback(body) == nil && other.VerifyCallback(body) == nil {
			t.Fatalf("%s: a callback verifies with two different secrets:\n%s", m.Variant.Name, body)
		}

		doc, ok := decodeObject(body)
		if !ok {
			return
		}
		if _, ok := doc["general"].(map[string]any); !ok {
			doc["general"] = map[string]any{}
		}
		signed, err := m.SignRequest(doc)
		if err != nil {
			t.Fatalf("sign: %v", err)
		}
		if err := m.Verify(signed); err != nil {
			t.Fatalf("%s: what was signed does not verify: %v\n%s", m.Variant.Name, err, signed)
		}
		if other.Verify(signed) == nil {
			t.Fatalf("%s: a request verifies with another secret:\n%s", m.Variant.Name, signed)
		}
		back, _ := decodeObject(signed)
		general := back["general"].(map[string]any)
		sig := general["signature"].(string)
		general["signature"] = flipped(sig, flip)
		if tampered, _ := json.Marshal(back); m.Verify(tampered) == nil {
			t.Fatalf("%s: a changed signature verifies: %s", m.Variant.Name, tampered)
		}
		general["signature"] = sig
		back["fuzz_tamper"] = "x"
		if tampered, _ := json.Marshal(back); m.Verify(tampered) == nil {
			t.Fatalf("%s: a request with an added field verifies: %s", m.Variant.Name, tampered)
		}

		// The callback form: every signature left out, the signature at the top.
		cbSig, err := m.SignCallback(doc)
		if err != nil {
			t.Fatalf("sign callback: %v", err)
		}
		cb := map[string]any{}
		for k, v := range doc {
			cb[k] = v
		}
		cb["signature"] = cbSig
		cbBody, _ := json.Marshal(cb)
		if err := m.VerifyCallback(cbBody); err != nil {
			t.Fatalf("%s: a signed callback does not verify: %v\n%s", m.Variant.Name, err, cbBody)
		}
		if other.VerifyCallback(cbBody) == nil {
			t.Fatalf("%s: a callback verifies with another secret:\n%s", m.Variant.Name, cbBody)
		}
	})
}

// FuzzFreedomPay: for any form, script name, secret and variant, the signed form verifies; a
// changed pg_sig, another secret, another script name or an added field does not; and any form
// that verifies with a secret fails with another.
func FuzzFreedomPay(f *testing.F) {
	f.Add("pg_merchant_id=123&pg_amount=25&pg_description=test&pg_order_id=23&pg_salt=molbulak", "init_payment.php", "secret", uint8(0), 0)
	f.Add("pg_merchant_id=1&pg_receipt_positions[0][name]=pad&pg_receipt_positions[0][count]=2&pg_salt=s", "pay", "k", uint8(1), 5)
	f.Add("pg_merchant_id=500235&pg_payment_id=12345&pg_approval_code=077587&pg_salt=x&pg_sig=cf337fcc2ed27eae26ba148cdfa1747c", "approve", "RmRVKviOifpqtexL", uint8(0), 31)
	f.Add("a[]=1&a[]=2&a=3&pg_x-y=1&pg_x=2", "", "", uint8(1), 1)
	f.Fuzz(func(t *testing.T, form, script, secret string, variant uint8, flip int) {
		variants := signing.FreedomPayVariants()
		v := variants[int(variant)%len(variants)]
		s := signing.FreedomPay{Secret: secret, Variant: v}
		other := signing.FreedomPay{Secret: secret + "x", Variant: v}
		l, err := fields.ParseQuery(form)
		if err != nil {
			return
		}
		if s.Verify(script, l) == nil && other.Verify(script, l) == nil {
			t.Fatalf("%s: a form verifies with two different secrets: %s", v, form)
		}
		signed := s.Signed(script, l)
		if err := s.Verify(script, signed); err != nil {
			t.Fatalf("%s: what was signed does not verify: %v\n%s", v, err, signed.Encode())
		}
		if other.Verify(script, signed) == nil {
			t.Fatalf("%s: a form verifies with another secret: %s", v, signed.Encode())
		}
		sig, _ := signed.Get(signing.FreedomPaySig)
		if s.Verify(script, signed.Set(signing.FreedomPaySig, flipped(sig, flip))) == nil {
			t.Fatalf("%s: a changed pg_sig verifies: %s", v, signed.Encode())
		}
		if s.Verify(script+"x", signed) == nil {
			t.Fatalf("%s: a form signed for %q verifies for %q", v, script, script+"x")
		}
		tampered := append(signed.Clone(), fields.Field{Name: "pg_fuzz_tamper", Value: "x"})
		if s.Verify(script, tampered) == nil {
			t.Fatalf("%s: a form with an added field verifies: %s", v, tampered.Encode())
		}
	})
}

// FuzzCheckBasic: the credentials BasicAuth writes are the ones CheckBasic accepts, and no
// header is accepted for two different passwords.
func FuzzCheckBasic(f *testing.F) {
	f.Add("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame")
	f.Add("basic dGVzdC1zaG9wOnRlc3Qtc2VjcmV0", "test-shop", "test-secret")
	f.Add("Bearer x", "", "")
	f.Fuzz(func(t *testing.T, header, user, password string) {
		if !signing.CheckBasic(signing.BasicAuth(user, password), user, password) {
			t.Fatalf("BasicAuth(%q, %q) is not accepted", user, password)
		}
		if signing.CheckBasic(signing.BasicAuth(user, password), user, password+"x") {
			t.Fatalf("BasicAuth(%q, %q) is accepted for another password", user, password)
		}
		if signing.CheckBasic(header, user, password) && signing.CheckBasic(header, user, password+"x") {
			t.Fatalf("%q is accepted for two passwords", header)
		}
	})
}

// FuzzContentSignature: a signature verifies the body it was made for and no other (one byte
// changed, or anything else); reading a public key from arbitrary text gives a key or an error.
// The key signs once: RSA signing in every input would starve the fuzzer.
func FuzzContentSignature(f *testing.F) {
	block, _ := pem.Decode(read(f, "webhook-test-key.pem"))
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		f.Fatal(err)
	}
	key := parsed.(*rsa.PrivateKey)
	signedBody := read(f, "webhook-body.json")
	sig, err := signing.SignRSASHA256(key, signedBody)
	if err != nil {
		f.Fatal(err)
	}
	if err := signing.VerifyRSASHA256(&key.PublicKey, signedBody, sig); err != nil {
		f.Fatalf("what was signed does not verify: %v", err)
	}
	f.Add(signedBody, string(bytes.TrimSpace(read(f, "webhook-body.sig"))), 0, string(read(f, "webhook-test-key.pub.pem")))
	f.Add([]byte(`{}`), "!!", 1, "MIIB")
	f.Fuzz(func(t *testing.T, body []byte, signature string, flip int, pubText string) {
		_, _ = signing.ParsePublicKey(pubText)
		if signing.VerifyRSASHA256(&key.PublicKey, body, signature) == nil &&
			signing.VerifyRSASHA256(&key.PublicKey, append(bytes.Clone(body), 'x'), signature) == nil {
			t.Fatalf("one signature verifies two bodies: %q", body)
		}
		if !bytes.Equal(body, signedBody) && signing.VerifyRSASHA256(&key.PublicKey, body, sig) == nil {
			t.Fatalf("the signature of one body verifies another: %q", body)
		}
		if changed := []byte(flipped(string(signedBody), flip)); signing.VerifyRSASHA256(&key.PublicKey, changed, sig) == nil {
			t.Fatalf("a body changed in one byte verifies: %q", changed)
		}
	})
}
