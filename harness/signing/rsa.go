package signing

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// SignRSASHA256 returns the Content-Signature of body: Base64 of an RSASSA-PKCS1-v1_5 signature
// of the SHA-256 digest of the raw bytes.
func SignRSASHA256(key *rsa.PrivateKey, body []byte) (string, error) {
	sum := sha256.Sum256(body)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("sign body: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// VerifyRSASHA256 checks a Content-Signature value against the raw body.
func VerifyRSASHA256(pub *rsa.PublicKey, body []byte, signature string) error {
	if strings.TrimSpace(signature) == "" {
		return errors.New("no signature")
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(signature))
	if err != nil {
		return fmt.Errorf("signature is not Base64: %w", err)
	}
	sum := sha256.Sum256(body)
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
		return fmt.Errorf("signature does not verify with the shop's public key: %w", err)
	}
	return nil
}

// ParsePublicKey reads an RSA public key as a PEM block, or as the bare Base64 of its DER form
// (the way a back office shows it, possibly wrapped over several lines).
func ParsePublicKey(s string) (*rsa.PublicKey, error) {
	s = strings.TrimSpace(s)
	var der []byte
	if block, _ := pem.Decode([]byte(s)); block != nil {
		der = block.Bytes
	} else {
		b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(s), ""))
		if err != nil {
			return nil, errors.New("public key is neither PEM nor Base64")
		}
		der = b
	}
	key, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		if k, err2 := x509.ParsePKCS1PublicKey(der); err2 == nil {
			return k, nil
		}
		return nil, fmt.Errorf("parse public key: %w", err)
	}
	rk, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("public key is %T, not RSA", key)
	}
	return rk, nil
}

// PublicKeyBase64 encodes an RSA public key the way a beGateway back office shows it: the Base64
// of its PKIX (SubjectPublicKeyInfo) DER form, on one line, without PEM armour.
func PublicKeyBase64(pub *rsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("encode public key: %w", err)
	}
	return base64.StdEncoding.EncodeToString(der), nil
}

// PublicKeyPEM encodes an RSA public key as a PEM "PUBLIC KEY" block (PKIX).
func PublicKeyPEM(pub *rsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("encode public key: %w", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}
