package signing_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"os"
	"strings"
	"testing"

	"github.com/paycert/paycert/harness/signing"
)

func TestBasicAuth(t *testing.T) {
	// RFC 7617, section 2.
	if got := signing.BasicAuth("Aladdin", "open sesame"); got != "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==" {
		t.Errorf("BasicAuth = %q", got)
	}
	cases := []struct {
		header string
		want   bool
	}{
		{"Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", true},
		{"basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", true},
		{"Basic QWxhZGRpbjpvcGVuIHNlc2FtZg==", false}, // open sesamf
		{"Bearer QWxhZGRpbjpvcGVuIHNlc2FtZQ==", false},
		{"Basic !!!", false},
		{"", false},
	}
	for _, c := range cases {
		if got := signing.CheckBasic(c.header, "Aladdin", "open sesame"); got != c.want {
			t.Errorf("CheckBasic(%q) = %v, want %v", c.header, got, c.want)
		}
	}
}

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestContentSignatureVector checks signing and verifying against a signature made by openssl.
func TestContentSignatureVector(t *testing.T) {
	block, _ := pem.Decode(read(t, "webhook-test-key.pem"))
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok {
		t.Fatalf("test key is %T", parsed)
	}
	body := read(t, "webhook-body.json")
	want := strings.TrimSpace(string(read(t, "webhook-body.sig")))

	got, err := signing.SignRSASHA256(key, body)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("SignRSASHA256 = %s…, openssl says %s…", got[:20], want[:20])
	}
	pub, err := signing.ParsePublicKey(string(read(t, "webhook-test-key.pub.pem")))
	if err != nil {
		t.Fatal(err)
	}
	if err := signing.VerifyRSASHA256(pub, body, want); err != nil {
		t.Errorf("the openssl signature does not verify: %v", err)
	}
	tampered := append([]byte(nil), body...)
	tampered[len(tampered)-3] = '9'
	if err := signing.VerifyRSASHA256(pub, tampered, want); err == nil {
		t.Error("a changed body verified")
	}
	if err := signing.VerifyRSASHA256(pub, body, ""); err == nil {
		t.Error("an empty signature verified")
	}
	if err := signing.VerifyRSASHA256(pub, body, "not base64!"); err == nil {
		t.Error("a signature that is not Base64 verified")
	}
}

// TestParsePublicKeyForms reads the key as PEM and as the bare Base64 a back office shows, with
// line breaks.
func TestParsePublicKeyForms(t *testing.T) {
	pemText := string(read(t, "webhook-test-key.pub.pem"))
	a, err := signing.ParsePublicKey(pemText)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(pemText), "\n")
	bare := strings.Join(lines[1:len(lines)-1], "\n")
	b, err := signing.ParsePublicKey(bare)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Equal(b) {
		t.Error("PEM and bare Base64 give different keys")
	}
	back, err := signing.PublicKeyPEM(a)
	if err != nil || strings.TrimSpace(back) != strings.TrimSpace(pemText) {
		t.Errorf("PublicKeyPEM does not round-trip: %v", err)
	}
	if _, err := signing.ParsePublicKey("not a key"); err == nil {
		t.Error("garbage parsed as a key")
	}
}
