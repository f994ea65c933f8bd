package main

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/requirements"
)

// testKey is a signing key written as keygen writes it: dir/name.key and dir/name.pub.
type testKey struct {
	key           ed25519.PrivateKey
	file, pubFile string
	fingerprint   string
}

func newTestKey(t *testing.T, dir, name string) testKey {
	t.Helper()
	pair, err := report.NewKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	k := testKey{key: pair.Key, file: filepath.Join(dir, name+".key"), pubFile: filepath.Join(dir, name+".pub"),
		fingerprint: report.Fingerprint(pair.Key.Public().(ed25519.PublicKey))}
	if err := os.WriteFile(k.file, pair.Private, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(k.pubFile, pair.Public, 0o644); err != nil {
		t.Fatal(err)
	}
	return k
}

// testBundle writes a one-requirement bundle of the given spec state into dir/name, signed with
// key when it is not nil.
func testBundle(t *testing.T, dir, name, state string, key ed25519.PrivateKey) string {
	t.Helper()
	d := filepath.Join(dir, name)
	r := &report.Report{Tool: "paycert", RunID: name,
		Requirements: []report.Requirement{{Requirement: requirements.Requirement{ID: "PSG-OTP-002", Level: requirements.Must, Flow: "otp", Text: "t", Source: "s"}, Suite: "paysage"}},
		Specs: []report.Spec{{ID: name + "-spec", Suite: "paysage", Name: "a wrong OTP", State: state, Requirements: []string{"PSG-OTP-002"},
			Exchanges: []record.Exchange{{Seq: 1, Operation: "confirmPayment"}}}},
	}
	r.Judge()
	if err := report.WriteSigned(d, r, key); err != nil {
		t.Fatal(err)
	}
	return d
}

// zipBundle packs a bundle folder into a zip under a top folder, as a CI artifact download gives it.
func zipBundle(t *testing.T, dir string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		w, err := zw.Create("artifact/" + filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	})
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	out := dir + ".zip"
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReportVerify: exit 0 for a bundle that verifies (signed, or unsigned without
// -require-signature), 1 for one that does not, 2 for usage and what cannot be read; one line a
// problem, then the result.
func TestReportVerify(t *testing.T) {
	dir := t.TempDir()
	signer, other := newTestKey(t, dir, "signer"), newTestKey(t, dir, "other")
	signed := testBundle(t, dir, "signed", "passed", signer.key)
	unsigned := testBundle(t, dir, "unsigned", "passed", nil)
	tampered := testBundle(t, dir, "tampered", "passed", signer.key)
	if err := os.WriteFile(filepath.Join(tampered, "notes.txt"), []byte("added"), 0o644); err != nil {
		t.Fatal(err)
	}
	archive := zipBundle(t, signed)
	notABundle := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notABundle, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	signedBy := "verified: 4 files, signed by " + signer.fingerprint + "\n"
	cases := []struct {
		name string
		args []string
		exit int
		want string
	}{
		{"signed", []string{signed}, exitConformant, signedBy},
		{"signed, by the expected key", []string{"-key", signer.pubFile, signed}, exitConformant, signedBy},
		{"signed, by the expected fingerprint", []string{"-fingerprint", signer.fingerprint, "-require-signature", signed}, exitConformant, signedBy},
		{"signed, a zip of it", []string{"-key", signer.pubFile, archive}, exitConformant, signedBy},
		{"signed, by another key", []string{"-key", other.pubFile, signed}, exitNonConformant,
			"manifest.sig: signed by " + signer.fingerprint + ", not by the expected key " + other.fingerprint + "\nNOT verified: 1 problem (4 files in the manifest)\n"},
		{"unsigned", []string{unsigned}, exitConformant, "verified: 4 files, UNSIGNED (hashes only prove the files match the manifest, not who made them)\n"},
		{"unsigned, a signature required", []string{"-require-signature", unsigned}, exitNonConformant, "manifest.sig: missing: the bundle is unsigned, and a signature is required\nNOT verified"},
		{"unsigned, a key expected", []string{"-key", signer.pubFile, unsigned}, exitNonConformant, "a signature by " + signer.fingerprint + " was expected"},
		{"a file added", []string{tampered}, exitNonConformant, "notes.txt: not in the manifest"},
		{"no bundle named", nil, exitError, ""},
		{"two bundles", []string{signed, unsigned}, exitError, ""},
		{"key and fingerprint", []string{"-key", signer.pubFile, "-fingerprint", signer.fingerprint, signed}, exitError, ""},
		{"a private key as -key", []string{"-key", signer.file, signed}, exitError, ""},
		{"no such key file", []string{"-key", filepath.Join(dir, "nope.pub"), signed}, exitError, ""},
		{"no fingerprint", []string{"-fingerprint", "SHA256:abc", signed}, exitError, ""},
		{"no such bundle", []string{filepath.Join(dir, "missing")}, exitError, ""},
		{"not a bundle", []string{notABundle}, exitError, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, append([]string{"report", "verify"}, c.args...)...)
			if code != c.exit {
				t.Errorf("exit %d, want %d\n%s%s", code, c.exit, out, errOut)
			}
			if !strings.Contains(out, c.want) {
				t.Errorf("stdout does not say %q:\n%s", c.want, out)
			}
		})
	}
}

// TestReportKeygen: keygen writes a private key only its owner reads and the public key, prints
// the fingerprint and nothing of the private key, never overwrites, and its key signs what
// paycert writes, checked with its public key.
func TestReportKeygen(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "signer")
	code, out, errOut := runCmd(t, "report", "keygen", "-out", prefix)
	if code != exitConformant {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	key, err := report.ReadPrivateKey(prefix + ".key")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := report.ReadPublicKey(prefix + ".pub")
	if err != nil || !pub.Equal(key.Public()) {
		t.Fatalf("the public key is not the private key's: %v", err)
	}
	if out != report.Fingerprint(pub)+"\n" {
		t.Errorf("stdout %q, want the fingerprint alone", out)
	}
	if st, _ := os.Stat(prefix + ".key"); st.Mode().Perm() != 0o600 {
		t.Errorf("the private key's mode is %v", st.Mode().Perm())
	}
	assertNoKey(t, key, "keygen's output", out+errOut)

	before, _ := os.ReadFile(prefix + ".key")
	if code, _, errOut := runCmd(t, "report", "keygen", "-out", prefix); code != exitError || !strings.Contains(errOut, "does not overwrite") {
		t.Errorf("a second keygen: exit %d, %s", code, errOut)
	}
	if after, _ := os.ReadFile(prefix + ".key"); !bytes.Equal(before, after) {
		t.Error("the key was overwritten")
	}
	if code, _, _ := runCmd(t, "report", "keygen"); code != exitError {
		t.Errorf("keygen without -out: exit %d", code)
	}

	t.Setenv("PAYCERT_SIGNING_KEY_FILE", prefix+".key")
	merged := filepath.Join(dir, "merged")
	if code, out, errOut := runCmd(t, "report", "merge", "-out", merged, testBundle(t, dir, "part", "passed", nil)); code != exitConformant {
		t.Fatalf("merge: exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := runCmd(t, "report", "verify", "-key", prefix+".pub", merged); code != exitConformant {
		t.Errorf("the merged bundle does not verify with keygen's key: exit %d\n%s", code, out)
	}
}

// TestRewrittenBundlesAreResigned: merge signs with the configured key; diff into NEW rewrites its
// bundle, re-signed with the configured key or, without one, with its stale signature removed
// and stderr saying so; it reads archives, writes into -out when NEW is one (and refuses without
// -out); with a key, a bundle that does not verify is neither merged nor re-signed.
func TestRewrittenBundlesAreResigned(t *testing.T) {
	dir := t.TempDir()
	signer := newTestKey(t, dir, "signer")
	old := testBundle(t, dir, "old", "passed", nil)
	signedBy := func(t *testing.T, bundle, want string) {
		t.Helper()
		code, out, _ := runCmd(t, "report", "verify", bundle)
		if code != exitConformant || !strings.Contains(out, want) {
			t.Errorf("verify %s: exit %d, want %q\n%s", bundle, code, want, out)
		}
	}

	t.Setenv("PAYCERT_SIGNING_KEY_FILE", signer.file)
	merged := filepath.Join(dir, "merged")
	if code, out, errOut := runCmd(t, "report", "merge", "-out", merged, old, testBundle(t, dir, "new", "failed", nil)); code != exitNonConformant {
		t.Fatalf("merge: exit %d\n%s%s", code, out, errOut)
	}
	signedBy(t, merged, "signed by "+signer.fingerprint)

	// diff into NEW with the key: NEW carries the comparison and is signed again.
	if code, out, errOut := runCmd(t, "report", "diff", old, merged); code != exitNonConformant {
		t.Fatalf("diff: exit %d\n%s%s", code, out, errOut)
	}
	signedBy(t, merged, "signed by "+signer.fingerprint)
	if r, err := report.Read(merged); err != nil || r.Comparison == nil || len(r.Comparison.Worse) == 0 || r.SignedBy != signer.fingerprint {
		t.Errorf("NEW after diff: %+v, %v", r, err)
	}

	// Archives are read; NEW as an archive is not rewritten: -out is needed.
	archive := zipBundle(t, merged)
	if code, _, errOut := runCmd(t, "report", "diff", old, archive); code != exitError || !strings.Contains(errOut, "is an archive, which is not rewritten: give -out DIR") {
		t.Errorf("archive NEW without -out: exit %d, %s", code, errOut)
	}
	out := filepath.Join(dir, "comparison")
	if code, stdout, errOut := runCmd(t, "report", "diff", "-out", out, zipBundle(t, old), archive); code != exitNonConformant || !strings.Contains(stdout, "PSG-OTP-002") {
		t.Errorf("archives with -out: exit %d\n%s%s", code, stdout, errOut)
	}
	for _, f := range []string{"diff.json", "diff.txt"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}

	// A tampered NEW is not signed again with the key, nor merged.
	if err := os.WriteFile(filepath.Join(merged, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	manifest, _ := os.ReadFile(filepath.Join(merged, report.ManifestFile))
	if code, _, errOut := runCmd(t, "report", "diff", old, merged); code != exitError || !strings.Contains(errOut, "notes.txt: not in the manifest") {
		t.Errorf("a tampered NEW: exit %d, %s", code, errOut)
	}
	if after, _ := os.ReadFile(filepath.Join(merged, report.ManifestFile)); !bytes.Equal(manifest, after) {
		t.Error("the tampered NEW was rewritten")
	}
	if code, _, errOut := runCmd(t, "report", "merge", "-out", filepath.Join(dir, "m2"), merged); code != exitError || !strings.Contains(errOut, "does not verify") {
		t.Errorf("merge of a tampered bundle: exit %d, %s", code, errOut)
	}
	if err := os.Remove(filepath.Join(merged, "notes.txt")); err != nil {
		t.Fatal(err)
	}

	// Without a key, NEW's signature goes, and stderr says so.
	t.Setenv("PAYCERT_SIGNING_KEY_FILE", "")
	code, _, errOut := runCmd(t, "report", "diff", old, merged)
	if code != exitNonConformant || !strings.Contains(errOut, "was signed") || !strings.Contains(errOut, "its old signature is removed") {
		t.Errorf("diff without a key: exit %d, stderr %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(merged, report.SignatureFile)); !os.IsNotExist(err) {
		t.Errorf("a stale signature stayed: %v", err)
	}
	signedBy(t, merged, "UNSIGNED")

	// A bad key stops merge and diff before they write anything.
	t.Setenv("PAYCERT_SIGNING_KEY", "not-a-key-at-all")
	for _, args := range [][]string{{"merge", "-out", filepath.Join(dir, "m3"), old}, {"diff", old, merged}} {
		if code, _, errOut := runCmd(t, append([]string{"report"}, args...)...); code != exitError || !strings.Contains(errOut, "PAYCERT_SIGNING_KEY:") || strings.Contains(errOut, "not-a-key-at-all") {
			t.Errorf("%v with a bad key: exit %d, %s", args, code, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "m3")); !os.IsNotExist(err) {
		t.Error("merge wrote a bundle with a bad key")
	}
}

// TestSigningKeyNeverLeaks: a run signed with a key from PAYCERT_SIGNING_KEY writes a bundle that
// verifies as signed, and neither a file of it nor the output holds the key in any form; a bad
// key stops the run before any suite starts, naming the setting and not quoting the key.
func TestSigningKeyNeverLeaks(t *testing.T) {
	dir := t.TempDir()
	k := newTestKey(t, dir, "signer")
	pemText, _ := os.ReadFile(k.file)
	t.Setenv("PAYCERT_SIGNING_KEY", string(pemText))
	bundle := filepath.Join(dir, "run")
	code, out, errOut := runCmd(t, "run", "-suites", "paysage", "-report-dir", bundle)
	if code != exitConformant {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	assertNoKey(t, k.key, "the output", out+errOut)
	files := 0
	err := filepath.WalkDir(bundle, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		files++
		assertNoKey(t, k.key, p, string(data))
		return err
	})
	if err != nil || files < 10 {
		t.Fatalf("%d files read: %v", files, err)
	}
	for _, b := range []string{bundle, filepath.Join(bundle, "suites", "paysage")} {
		if code, out, _ := runCmd(t, "report", "verify", "-key", k.pubFile, b); code != exitConformant {
			t.Errorf("verify %s: exit %d\n%s", b, code, out)
		}
	}

	// A bad key: exit 2 before any suite, naming the setting.
	bad := base64.StdEncoding.EncodeToString(k.key.Seed()[:20])
	t.Setenv("PAYCERT_SIGNING_KEY", bad)
	code, out, errOut = runCmd(t, "run", "-suites", "paysage", "-report-dir", filepath.Join(dir, "bad"))
	if code != exitError || !strings.Contains(errOut, "PAYCERT_SIGNING_KEY: ") || strings.Contains(out, "running suite") {
		t.Errorf("a bad key: exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(out+errOut, bad) {
		t.Error("the message quotes the key")
	}
}

// assertNoKey fails when text holds the private key in any form it may be written in: PEM body,
// base64 of the seed or of the whole key, hex.
func assertNoKey(t *testing.T, key ed25519.PrivateKey, where, text string) {
	t.Helper()
	private, _, err := report.MarshalKeyPair(key)
	if err != nil {
		t.Fatal(err)
	}
	forms := append(report.KeySecrets(key), strings.Split(strings.TrimSpace(string(private)), "\n")[1],
		base64.StdEncoding.EncodeToString(key.Seed())[:24], base64.RawURLEncoding.EncodeToString(key.Seed())[:24])
	for _, f := range forms {
		if strings.Contains(text, f) {
			t.Errorf("%s holds the signing key (%.8s...)", where, f)
		}
	}
	if strings.Contains(strings.ToLower(text), strings.ToLower(hex.EncodeToString(key.Seed()))) {
		t.Errorf("%s holds the signing key's seed in hex", where)
	}
}
