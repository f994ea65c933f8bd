package report_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paycert/paycert/harness/report"
)

// opensslKey was made by `openssl genpkey -algorithm ed25519`; opensslPublic is its public key
// (openssl pkey -pubout, the last 32 bytes of the DER), and opensslSeed the base64 of its seed.
const (
	opensslKey = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEICi2DSCOpZX54uFyWtX67GrNjBuGuPON8s50uTEmQQ1n
-----END PRIVATE KEY-----
`
	opensslPublic = "f48ce6cade1fd2d089595475766061b44a3382e7d50433025de0f05750d67487"
	opensslSeed   = "KLYNII6llfni4XJa1frsas2MG4a4843yznS5MSZBDWc="
)

// newKey makes a key for a test.
func newKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// signedBundle writes the sample report as a bundle signed with key (unsigned when nil) and
// returns its folder.
func signedBundle(t *testing.T, key ed25519.PrivateKey) string {
	t.Helper()
	dir := t.TempDir()
	if err := report.WriteSigned(dir, sample(), key); err != nil {
		t.Fatal(err)
	}
	return dir
}

// verify opens the bundle at path and verifies it.
func verify(t *testing.T, path string, opts report.VerifyOptions) report.VerifyResult {
	t.Helper()
	b, err := report.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := report.Verify(b, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func pub(key ed25519.PrivateKey) ed25519.PublicKey { return key.Public().(ed25519.PublicKey) }

// TestSignAndVerify: a signed bundle verifies, with any expected key form of its signer; the
// report says who signed it, the signature file carries the key, and the manifest does not list
// the signature.
func TestSignAndVerify(t *testing.T) {
	key := newKey(t)
	dir := signedBundle(t, key)
	fp := report.Fingerprint(pub(key))
	for name, opts := range map[string]report.VerifyOptions{
		"any key":             {},
		"required":            {RequireSignature: true},
		"expected key":        {PublicKey: pub(key)},
		"expected print":      {Fingerprint: fp},
		"print without algo":  {Fingerprint: strings.TrimPrefix(fp, "ed25519:")},
		"key and their print": {PublicKey: pub(key), Fingerprint: fp},
	} {
		t.Run(name, func(t *testing.T) {
			res := verify(t, dir, opts)
			if !res.OK() || !res.Signed || res.SignedBy != fp || res.Files == 0 {
				t.Errorf("result %+v, want verified, signed by %s", res, fp)
			}
		})
	}
	r, err := report.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if r.SignedBy != fp {
		t.Errorf("report.json: signed_by %q, want %q", r.SignedBy, fp)
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, report.ManifestFile))
	if bytes.Contains(manifest, []byte(report.SignatureFile)) {
		t.Errorf("the manifest lists its own signature:\n%s", manifest)
	}
	var sig report.Signature
	data, _ := os.ReadFile(filepath.Join(dir, report.SignatureFile))
	if err := json.Unmarshal(data, &sig); err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(sig.Signature)
	if sig.Algorithm != "ed25519" || sig.Fingerprint != fp || sig.PublicKey != base64.StdEncoding.EncodeToString(pub(key)) ||
		sig.SignedAt.IsZero() || !ed25519.Verify(pub(key), manifest, raw) {
		t.Errorf("manifest.sig: %s", data)
	}
}

// TestUnsignedBundle: a bundle written without a key has no signature and says so in the report;
// it verifies on its hashes unless a signature is required; writing it again without a key
// removes the signature an earlier signed write left.
func TestUnsignedBundle(t *testing.T) {
	dir := signedBundle(t, newKey(t))
	if err := report.Write(dir, sample()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, report.SignatureFile)); !os.IsNotExist(err) {
		t.Errorf("a signature outlived the rewrite without a key: %v", err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, report.JSONFile))
	if bytes.Contains(data, []byte("signed_by")) {
		t.Error("report.json of an unsigned bundle names a signer")
	}
	if res := verify(t, dir, report.VerifyOptions{}); !res.OK() || res.Signed || res.SignedBy != "" {
		t.Errorf("unsigned: %+v, want verified, unsigned", res)
	}
	res := verify(t, dir, report.VerifyOptions{RequireSignature: true})
	if res.OK() || res.Problems[0].File != report.SignatureFile {
		t.Errorf("a signature required: %+v", res)
	}
}

// TestVerifyCatchesTampering: every change after signing is a problem of the file it touches.
func TestVerifyCatchesTampering(t *testing.T) {
	other := newKey(t)
	cases := []struct {
		name   string
		tamper func(t *testing.T, dir string)
		opts   report.VerifyOptions
		file   string
		want   string
	}{
		{"changed file", func(t *testing.T, dir string) { appendTo(t, filepath.Join(dir, report.HTMLFile), "<!-- -->") }, report.VerifyOptions{}, report.HTMLFile, "changed"},
		{"changed transcript", func(t *testing.T, dir string) { appendTo(t, transcript(t, dir), " ") }, report.VerifyOptions{}, "transcripts/", "changed"},
		{"removed file", func(t *testing.T, dir string) { remove(t, transcript(t, dir)) }, report.VerifyOptions{}, "transcripts/", "missing"},
		{"added file", func(t *testing.T, dir string) { write(t, filepath.Join(dir, "transcripts", "extra.json"), "[]") }, report.VerifyOptions{}, "transcripts/extra.json", "not in the manifest"},
		{"changed manifest", func(t *testing.T, dir string) { appendTo(t, filepath.Join(dir, report.ManifestFile), "\n") }, report.VerifyOptions{}, report.SignatureFile, "does not match manifest.sha256"},
		{"manifest and file changed together", func(t *testing.T, dir string) {
			appendTo(t, filepath.Join(dir, report.JUnitFile), " ")
			rehash(t, dir, report.JUnitFile)
		}, report.VerifyOptions{}, report.SignatureFile, "does not match manifest.sha256"},
		{"manifest line broken", func(t *testing.T, dir string) { appendTo(t, filepath.Join(dir, report.ManifestFile), "nonsense\n") }, report.VerifyOptions{}, report.ManifestFile, "line"},
		{"manifest gone", func(t *testing.T, dir string) { remove(t, filepath.Join(dir, report.ManifestFile)) }, report.VerifyOptions{}, report.ManifestFile, "missing"},
		{"changed signature", func(t *testing.T, dir string) {
			editSignature(t, dir, func(s *report.Signature) {
				raw, _ := base64.StdEncoding.DecodeString(s.Signature)
				raw[0] ^= 1
				s.Signature = base64.StdEncoding.EncodeToString(raw)
			})
		}, report.VerifyOptions{}, report.SignatureFile, "does not match"},
		{"signature by another key put in place", func(t *testing.T, dir string) {
			manifest, _ := os.ReadFile(filepath.Join(dir, report.ManifestFile))
			editSignature(t, dir, func(s *report.Signature) {
				s.PublicKey = base64.StdEncoding.EncodeToString(pub(other))
				s.Fingerprint = report.Fingerprint(pub(other))
				s.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(other, manifest))
			})
		}, report.VerifyOptions{}, report.JSONFile, "is by " + report.Fingerprint(pub(other))},
		{"fingerprint not of the key", func(t *testing.T, dir string) {
			editSignature(t, dir, func(s *report.Signature) { s.Fingerprint = report.Fingerprint(pub(other)) })
		}, report.VerifyOptions{}, report.SignatureFile, "is not that of its public key"},
		{"signature removed", func(t *testing.T, dir string) { remove(t, filepath.Join(dir, report.SignatureFile)) }, report.VerifyOptions{}, report.JSONFile, "it was removed"},
		{"wrong expected key", func(*testing.T, string) {}, report.VerifyOptions{PublicKey: pub(other)}, report.SignatureFile, "not by the expected key"},
		{"wrong expected fingerprint", func(*testing.T, string) {}, report.VerifyOptions{Fingerprint: report.Fingerprint(pub(other))}, report.SignatureFile, "not by the expected key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := signedBundle(t, newKey(t))
			c.tamper(t, dir)
			res := verify(t, dir, c.opts)
			for _, p := range res.Problems {
				if strings.HasPrefix(p.File, c.file) && strings.Contains(p.Problem, c.want) {
					return
				}
			}
			t.Errorf("no problem of %s saying %q; got %v", c.file, c.want, res.Problems)
		})
	}
}

// TestVerifyRefusesBadOptions: an expected fingerprint that is none, or one of another key than
// the expected key, is an error, not a finding about the bundle.
func TestVerifyRefusesBadOptions(t *testing.T) {
	key := newKey(t)
	b, err := report.Open(signedBundle(t, key))
	if err != nil {
		t.Fatal(err)
	}
	for _, opts := range []report.VerifyOptions{
		{Fingerprint: "SHA256:nope"},
		{Fingerprint: "md5:aa:bb"},
		{PublicKey: pub(newKey(t)), Fingerprint: report.Fingerprint(pub(key))},
	} {
		if _, err := report.Verify(b, opts); err == nil {
			t.Errorf("%+v: no error", opts)
		}
	}
}

// TestFingerprint pins the fingerprint of RFC 8032's first test key (computed apart: the base64 of
// the SHA-256 of the raw public key, no padding) and the forms of it a person may type.
func TestFingerprint(t *testing.T) {
	key, _ := hex.DecodeString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
	const want = "ed25519:SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk"
	if got := report.Fingerprint(key); got != want {
		t.Errorf("Fingerprint = %s, want %s", got, want)
	}
	for _, in := range []string{want, " SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk", "ED25519:sha256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk="} {
		if got, ok := report.NormalizeFingerprint(in); !ok || got != want {
			t.Errorf("NormalizeFingerprint(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk", "SHA256:If4x", "MD5:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk"} {
		if got, ok := report.NormalizeFingerprint(in); ok {
			t.Errorf("NormalizeFingerprint(%q) = %q, want no fingerprint", in, got)
		}
	}
}

// TestParsePrivateKey: every accepted form gives the same key; every other is an error that does
// not quote what it was given.
func TestParsePrivateKey(t *testing.T) {
	want, _ := hex.DecodeString(opensslPublic)
	seed, _ := base64.StdEncoding.DecodeString(opensslSeed)
	full := ed25519.NewKeyFromSeed(seed)
	generated := newKey(t)
	der, _ := x509.MarshalPKCS8PrivateKey(generated)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	mismatched := append(append([]byte(nil), full.Seed()...), pub(generated)...)
	accepted := []struct {
		name, text string
		pub        ed25519.PublicKey
	}{
		{"openssl PEM", opensslKey, want},
		{"PEM with blanks around", "\n  " + opensslKey + "\n", want},
		{"PEM on one line, its breaks written \\n", strings.ReplaceAll(opensslKey, "\n", `\n`), want},
		{"PEM of Go's PKCS#8", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), pub(generated)},
		{"base64 seed", opensslSeed, want},
		{"base64 seed, no padding", strings.TrimRight(opensslSeed, "="), want},
		{"base64 64-byte key", base64.StdEncoding.EncodeToString(full), want},
	}
	for _, c := range accepted {
		t.Run(c.name, func(t *testing.T) {
			key, err := report.ParsePrivateKey([]byte(c.text))
			if err != nil {
				t.Fatal(err)
			}
			if !pub(key).Equal(c.pub) {
				t.Errorf("public key %x, want %x", pub(key), c.pub)
			}
		})
	}
	refused := []struct{ name, text, want string }{
		{"ECDSA key", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER})), "an ECDSA key, not an Ed25519 key"},
		{"SEC1 EC key", string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ecDER})), `"EC PRIVATE KEY"`},
		{"OpenSSH key", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n", "OpenSSH"},
		{"encrypted key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEICi2\n-----END ENCRYPTED PRIVATE KEY-----\n", "encrypted"},
		{"broken PKCS#8", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2Vw\n-----END PRIVATE KEY-----\n", "not a PKCS#8"},
		{"base64 of 16 bytes", base64.StdEncoding.EncodeToString(seed[:16]), "16 bytes"},
		{"64 bytes of two keys", base64.StdEncoding.EncodeToString(mismatched), "second half"},
		{"a path, not a key", filepath.Join(os.TempDir(), "signer.key"), "neither PEM nor base64"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			_, err := report.ParsePrivateKey([]byte(c.text))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
			for _, line := range strings.Split(c.text, "\n") {
				if len(line) > 12 && !strings.HasPrefix(line, "-----") && strings.Contains(err.Error(), line) {
					t.Errorf("the error quotes the key: %v", err)
				}
			}
		})
	}
}

// TestPublicKeys: keygen's files round-trip; a public key reads as PEM or as manifest.sig's
// base64; a key of another kind is refused.
func TestPublicKeys(t *testing.T) {
	key := newKey(t)
	private, public, err := report.MarshalKeyPair(key)
	if err != nil {
		t.Fatal(err)
	}
	back, err := report.ParsePrivateKey(private)
	if err != nil || !back.Equal(key) {
		t.Errorf("private key round trip: %v", err)
	}
	for _, text := range []string{string(public), base64.StdEncoding.EncodeToString(pub(key))} {
		got, err := report.ParsePublicKey([]byte(text))
		if err != nil || !got.Equal(pub(key)) {
			t.Errorf("ParsePublicKey(%q) = %x, %v", text, got, err)
		}
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKIXPublicKey(ec.Public())
	for _, text := range []string{string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER})), string(private), "c2hvcnQ="} {
		if _, err := report.ParsePublicKey([]byte(text)); err == nil {
			t.Errorf("ParsePublicKey(%.30q): no error", text)
		}
	}
	secrets := strings.Join(report.KeySecrets(key), "\n")
	if strings.Contains(secrets, base64.StdEncoding.EncodeToString(pub(key))) && !strings.Contains(secrets, base64.StdEncoding.EncodeToString(key)) {
		t.Error("KeySecrets lists the public key alone")
	}
	body := strings.Split(strings.TrimSpace(string(private)), "\n")[1]
	if !strings.Contains(secrets, body) || !strings.Contains(secrets, base64.StdEncoding.EncodeToString(key.Seed())) {
		t.Errorf("KeySecrets lacks the PEM body or the seed:\n%s", secrets)
	}
}

func appendTo(t *testing.T, file, text string) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, file, text string) {
	t.Helper()
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func remove(t *testing.T, file string) {
	t.Helper()
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
}

// transcript is the path of the sample bundle's one transcript.
func transcript(t *testing.T, dir string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, report.TranscriptsD, "*.json"))
	if len(files) != 1 {
		t.Fatalf("%d transcripts in the sample bundle", len(files))
	}
	return files[0]
}

// rehash puts the new hash of file into the manifest, as someone covering a change would.
func rehash(t *testing.T, dir, file string) {
	t.Helper()
	manifest := filepath.Join(dir, report.ManifestFile)
	data, _ := os.ReadFile(manifest)
	content, _ := os.ReadFile(filepath.Join(dir, file))
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		if strings.HasSuffix(l, "  "+file) {
			lines[i] = sha256Hex(content) + "  " + file
		}
	}
	write(t, manifest, strings.Join(lines, "\n"))
}

// editSignature changes the bundle's signature file.
func editSignature(t *testing.T, dir string, edit func(*report.Signature)) {
	t.Helper()
	file := filepath.Join(dir, report.SignatureFile)
	data, _ := os.ReadFile(file)
	var s report.Signature
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	edit(&s)
	out, _ := json.Marshal(s)
	write(t, file, string(out))
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
