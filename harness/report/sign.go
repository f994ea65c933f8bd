package report

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SignatureAlgorithm is the only algorithm a bundle is signed with.
const SignatureAlgorithm = "ed25519"

// Signature is the content of SignatureFile.
type Signature struct {
	Algorithm string `json:"algorithm"`
	// PublicKey is the base64 of the raw 32-byte Ed25519 public key.
	PublicKey string `json:"public_key"`
	// Fingerprint is Fingerprint of PublicKey, for a person to compare by eye.
	Fingerprint string `json:"fingerprint"`
	// Signature is the base64 of the Ed25519 signature over the bytes of ManifestFile.
	Signature string    `json:"signature"`
	SignedAt  time.Time `json:"signed_at"`
}

// fingerprintPrefix starts every fingerprint: the algorithm, then ssh-keygen's form.
const fingerprintPrefix = "ed25519:SHA256:"

// Fingerprint names a public key in the form ssh-keygen prints fingerprints:
// "ed25519:SHA256:" and the base64 (no padding) of the SHA-256 of the raw 32-byte key. (ssh-keygen
// hashes the key in SSH's wire format, so its value for the same key differs; the form is the same.)
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return fingerprintPrefix + base64.RawStdEncoding.EncodeToString(sum[:])
}

// NormalizeFingerprint returns a fingerprint as Fingerprint writes it, accepting it also without
// the "ed25519:" part, with padding, or with "sha256" in another case; ok is false for a text that
// is no fingerprint.
func NormalizeFingerprint(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) >= len("ed25519:") && strings.EqualFold(s[:len("ed25519:")], "ed25519:") {
		s = s[len("ed25519:"):]
	}
	if len(s) < len("SHA256:") || !strings.EqualFold(s[:len("SHA256:")], "SHA256:") {
		return "", false
	}
	sum, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(s[len("SHA256:"):], "="))
	if err != nil || len(sum) != sha256.Size {
		return "", false
	}
	return fingerprintPrefix + base64.RawStdEncoding.EncodeToString(sum), true
}

// ParsePrivateKey reads an Ed25519 private key: PKCS#8 PEM ("PRIVATE KEY", what `openssl genpkey
// -algorithm ed25519` and `paycert report keygen` write; blanks around it, and its line breaks
// written as \n in a one-line variable, are fine), or the base64 of the 32-byte seed or of the
// 64-byte key (seed and public key). Errors never quote the key.
func ParsePrivateKey(text []byte) (ed25519.PrivateKey, error) {
	text = bytes.TrimSpace(text)
	if bytes.HasPrefix(text, []byte("-----BEGIN")) && !bytes.Contains(text, []byte("\n")) {
		text = bytes.ReplaceAll(text, []byte(`\n`), []byte("\n"))
	}
	if block, _ := pem.Decode(text); block != nil {
		switch block.Type {
		case "PRIVATE KEY":
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("the key is encrypted; give it unencrypted (openssl pkey -in KEY -out PLAIN.key), kept where only the run can read it")
		case "OPENSSH PRIVATE KEY":
			return nil, errors.New("an OpenSSH key file; give a PKCS#8 PEM key (paycert report keygen, or openssl genpkey -algorithm ed25519)")
		default:
			return nil, fmt.Errorf("a PEM block of type %q; want an Ed25519 key as PKCS#8 (\"PRIVATE KEY\")", block.Type)
		}
		key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("not a PKCS#8 private key: %w", err)
		}
		return asEd25519[ed25519.PrivateKey](key)
	}
	raw, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(strings.TrimSpace(string(text)), "="))
	if err != nil {
		return nil, errors.New("neither PEM nor base64: want a PKCS#8 PEM Ed25519 key, or the base64 of its 32-byte seed or 64-byte key")
	}
	switch len(raw) {
	case ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(raw), nil
	case ed25519.PrivateKeySize:
		key := ed25519.NewKeyFromSeed(raw[:ed25519.SeedSize])
		if !key.Public().(ed25519.PublicKey).Equal(ed25519.PublicKey(raw[ed25519.SeedSize:])) {
			return nil, errors.New("a 64-byte key whose second half is not the public key of its first: not an Ed25519 private key")
		}
		return key, nil
	}
	return nil, fmt.Errorf("base64 of %d bytes; an Ed25519 key is a 32-byte seed or a 64-byte key", len(raw))
}

// ReadPrivateKey reads a key file in a form ParsePrivateKey reads.
func ReadPrivateKey(path string) (ed25519.PrivateKey, error) {
	return readKeyFile(path, "key", ParsePrivateKey)
}

// ParsePublicKey reads an Ed25519 public key: PKIX PEM ("PUBLIC KEY", what `paycert report keygen`
// and `openssl pkey -pubout` write), or the base64 of the raw 32 bytes (public_key of manifest.sig).
func ParsePublicKey(text []byte) (ed25519.PublicKey, error) {
	if block, _ := pem.Decode(text); block != nil {
		if block.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("a PEM block of type %q; want an Ed25519 public key (\"PUBLIC KEY\")", block.Type)
		}
		key, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("not a PKIX public key: %w", err)
		}
		return asEd25519[ed25519.PublicKey](key)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(text)))
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, errors.New("want a PEM Ed25519 public key, or the base64 of its 32 bytes")
	}
	return ed25519.PublicKey(raw), nil
}

// ReadPublicKey reads a public key file in a form ParsePublicKey reads.
func ReadPublicKey(path string) (ed25519.PublicKey, error) {
	return readKeyFile(path, "public key", ParsePublicKey)
}

// readKeyFile reads the key file at path with parse; what names the key in messages.
func readKeyFile[K any](path, what string, parse func([]byte) (K, error)) (K, error) {
	var none K
	data, err := os.ReadFile(path)
	if err != nil {
		return none, fmt.Errorf("read the %s: %w", what, err)
	}
	key, err := parse(data)
	if err != nil {
		return none, fmt.Errorf("%s: %w", path, err)
	}
	return key, nil
}

// asEd25519 takes the key x509 parsed when it is an Ed25519 one; another is an error that names
// its kind (an RSA key, an ECDSA key).
func asEd25519[K ed25519.PrivateKey | ed25519.PublicKey](key any) (K, error) {
	ed, ok := key.(K)
	if !ok {
		kind := strings.TrimPrefix(fmt.Sprintf("%T", key), "*")
		kind, _, _ = strings.Cut(kind, ".")
		return nil, fmt.Errorf("an %s key, not an Ed25519 key", strings.ToUpper(kind))
	}
	return ed, nil
}

// KeyPair is a new signing key and its PEM files.
type KeyPair struct {
	Key ed25519.PrivateKey
	// Private is the key as PKCS#8 PEM, Public its public key as PKIX PEM.
	Private, Public []byte
}

// NewKeyPair makes a signing key.
func NewKeyPair() (KeyPair, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return KeyPair{}, fmt.Errorf("make a key: %w", err)
	}
	private, public, err := MarshalKeyPair(key)
	return KeyPair{Key: key, Private: private, Public: public}, err
}

// MarshalKeyPair returns the PEM files of a key pair: the private key as PKCS#8 and the public key
// as PKIX.
func MarshalKeyPair(key ed25519.PrivateKey) (private, public []byte, err error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encode the private key: %w", err)
	}
	pubDER, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return nil, nil, fmt.Errorf("encode the public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), nil
}

// KeySecrets are the ways a private key may be written down (base64 of its seed, of its 64 bytes,
// of its PKCS#8 form, which is also a PEM file's body), for a redactor to remove them all.
func KeySecrets(key ed25519.PrivateKey) []string {
	if key == nil {
		return nil
	}
	out := []string{
		base64.StdEncoding.EncodeToString(key.Seed()),
		base64.RawStdEncoding.EncodeToString(key.Seed()),
		base64.StdEncoding.EncodeToString(key),
		base64.RawStdEncoding.EncodeToString(key),
	}
	if der, err := x509.MarshalPKCS8PrivateKey(key); err == nil {
		out = append(out, base64.StdEncoding.EncodeToString(der))
	}
	return out
}

// publicOf is the public half of a private key.
func publicOf(key ed25519.PrivateKey) ed25519.PublicKey { return key.Public().(ed25519.PublicKey) }

// seal writes the manifest of the bundle in dir and, with a key, its signature; without one it
// removes a signature left from before, which would no longer match.
func seal(dir string, key ed25519.PrivateKey) error {
	if err := writeManifest(dir); err != nil {
		return err
	}
	sigPath := filepath.Join(dir, SignatureFile)
	if key == nil {
		if err := os.Remove(sigPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove the old signature: %w", err)
		}
		return nil
	}
	manifest, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return fmt.Errorf("sign the manifest: %w", err)
	}
	pub := publicOf(key)
	sig := Signature{
		Algorithm:   SignatureAlgorithm,
		PublicKey:   base64.StdEncoding.EncodeToString(pub),
		Fingerprint: Fingerprint(pub),
		Signature:   base64.StdEncoding.EncodeToString(ed25519.Sign(key, manifest)),
		SignedAt:    time.Now().UTC().Truncate(time.Second),
	}
	return writeJSON(sigPath, sig)
}

// IsSigned reports whether the bundle in dir has a signature file.
func IsSigned(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, SignatureFile))
	return err == nil
}

// readSignature reads a bundle's signature file and checks its own parts: the algorithm, the
// public key, and that the fingerprint is the key's.
func readSignature(data []byte) (Signature, ed25519.PublicKey, []byte, error) {
	var sig Signature
	if err := json.Unmarshal(data, &sig); err != nil {
		return sig, nil, nil, fmt.Errorf("not a signature file: %w", err)
	}
	if sig.Algorithm != SignatureAlgorithm {
		return sig, nil, nil, fmt.Errorf("algorithm %q; want %q", sig.Algorithm, SignatureAlgorithm)
	}
	pub, err := base64.StdEncoding.DecodeString(sig.PublicKey)
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return sig, nil, nil, errors.New("public_key is not the base64 of a 32-byte Ed25519 key")
	}
	if got := Fingerprint(pub); sig.Fingerprint != got {
		return sig, nil, nil, fmt.Errorf("fingerprint %q is not that of its public key (%s)", sig.Fingerprint, got)
	}
	raw, err := base64.StdEncoding.DecodeString(sig.Signature)
	if err != nil || len(raw) != ed25519.SignatureSize {
		return sig, nil, nil, errors.New("signature is not the base64 of a 64-byte Ed25519 signature")
	}
	return sig, pub, raw, nil
}
