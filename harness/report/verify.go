package report

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

// Problem is one thing of a bundle that does not check, by the file it is about.
type Problem struct {
	File    string `json:"file"`
	Problem string `json:"problem"`
}

// String is the problem as one line: the file, then what is wrong with it.
func (p Problem) String() string { return p.File + ": " + p.Problem }

// VerifyOptions say what a bundle's signature must be. The zero value takes any valid signature,
// and an unsigned bundle.
type VerifyOptions struct {
	// PublicKey, when set, is the key the bundle must be signed with.
	PublicKey ed25519.PublicKey
	// Fingerprint, when set, is the fingerprint of the key the bundle must be signed with (in a
	// form NormalizeFingerprint reads).
	Fingerprint string
	// RequireSignature makes an unsigned bundle a problem; an expected key implies it.
	RequireSignature bool
}

// VerifyResult is what Verify found.
type VerifyResult struct {
	// Files is how many files the manifest lists.
	Files int
	// Signed is true when the bundle has a signature file; SignedBy is the fingerprint of the key
	// its signature checked against ("" when it has none, or it did not check).
	Signed   bool
	SignedBy string
	// Problems are the files that do not check, each with what is wrong; none for a bundle that
	// verified.
	Problems []Problem
}

// OK reports whether the bundle verified: no problem.
func (v VerifyResult) OK() bool { return len(v.Problems) == 0 }

// Verify checks a bundle against its manifest and signature: every file the manifest lists is
// there and has the SHA-256 it lists; no other file is there (but the manifest and its signature);
// the signature, when there is one, is that of the manifest's bytes by the public key it carries,
// and that key is the expected one when opts name one; report.json says who signed it as the
// signature does. Problems of the bundle are the result's; the error is for a bundle that cannot
// be read, or options that make no sense.
func Verify(b *Bundle, opts VerifyOptions) (VerifyResult, error) {
	var res VerifyResult
	want := ""
	if opts.PublicKey != nil {
		want = Fingerprint(opts.PublicKey)
	}
	if opts.Fingerprint != "" {
		fp, ok := NormalizeFingerprint(opts.Fingerprint)
		if !ok {
			return res, fmt.Errorf("verify: %q is not a key fingerprint (want ed25519:SHA256:... as paycert report keygen prints)", opts.Fingerprint)
		}
		if want != "" && want != fp {
			return res, errors.New("verify: the expected public key and the expected fingerprint name different keys")
		}
		want = fp
	}
	problem := func(file, format string, args ...any) {
		res.Problems = append(res.Problems, Problem{File: file, Problem: fmt.Sprintf(format, args...)})
	}
	manifest, err := fs.ReadFile(b.FS, ManifestFile)
	if errors.Is(err, fs.ErrNotExist) {
		problem(ManifestFile, "missing: the bundle has no manifest to check its files against")
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("verify %s: %w", b.Path, err)
	}
	listed := checkManifest(b.FS, manifest, problem)
	res.Files = len(listed)
	if err := checkUnlisted(b.FS, listed, problem); err != nil {
		return res, fmt.Errorf("verify %s: %w", b.Path, err)
	}

	sigData, err := fs.ReadFile(b.FS, SignatureFile)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		switch {
		case want != "":
			problem(SignatureFile, "missing: the bundle is unsigned, and a signature by %s was expected", want)
		case opts.RequireSignature:
			problem(SignatureFile, "missing: the bundle is unsigned, and a signature is required")
		}
	case err != nil:
		return res, fmt.Errorf("verify %s: %w", b.Path, err)
	default:
		res.Signed = true
		sig, pub, raw, err := readSignature(sigData)
		switch {
		case err != nil:
			problem(SignatureFile, "%v", err)
		case !ed25519.Verify(pub, manifest, raw):
			problem(SignatureFile, "does not match %s: the manifest or the signature was changed after signing", ManifestFile)
		case want != "" && sig.Fingerprint != want:
			problem(SignatureFile, "signed by %s, not by the expected key %s", sig.Fingerprint, want)
		default:
			res.SignedBy = sig.Fingerprint
		}
	}
	// report.json says who signed the bundle: a signature removed (to pass for an unsigned
	// bundle) or put in place of another shows here.
	if r, err := b.Report(); err == nil {
		switch {
		case !res.Signed && r.SignedBy != "":
			problem(JSONFile, "says the bundle is signed by %s, but it has no signature (%s): it was removed", r.SignedBy, SignatureFile)
		case res.SignedBy != "" && r.SignedBy != res.SignedBy:
			problem(JSONFile, "says the bundle is signed by %q, but %s is by %s", r.SignedBy, SignatureFile, res.SignedBy)
		}
	}
	return res, nil
}

// checkManifest checks every file the manifest lists against its hash and returns the names it
// lists.
func checkManifest(fsys fs.FS, manifest []byte, problem func(file, format string, args ...any)) map[string]bool {
	listed := map[string]bool{}
	lines := strings.Split(strings.TrimSuffix(string(manifest), "\n"), "\n")
	for i, line := range lines {
		sum, name, ok := manifestLine(line)
		switch {
		case !ok:
			problem(ManifestFile, "line %d is not a SHA-256 and a file name", i+1)
			continue
		case !fs.ValidPath(name) || name == ".":
			problem(ManifestFile, "line %d names %q, which is no path inside the bundle", i+1, name)
			continue
		case listed[name]:
			problem(name, "listed twice in the manifest")
			continue
		}
		listed[name] = true
		data, err := fs.ReadFile(fsys, name)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			problem(name, "missing: listed in the manifest, not in the bundle")
		case err != nil:
			problem(name, "cannot be read: %v", err)
		default:
			got := sha256.Sum256(data)
			if !bytes.Equal(got[:], sum) {
				problem(name, "changed: its SHA-256 is not the one the manifest lists")
			}
		}
	}
	return listed
}

// manifestLine reads a line of sha256sum's output: the hex hash, two spaces (or a space and a *,
// binary mode), the name.
func manifestLine(line string) (sum []byte, name string, ok bool) {
	if len(line) < 67 || line[64] != ' ' || (line[65] != ' ' && line[65] != '*') {
		return nil, "", false
	}
	sum, err := hex.DecodeString(line[:64])
	if err != nil {
		return nil, "", false
	}
	return sum, line[66:], true
}

// checkUnlisted finds the files of the bundle the manifest does not list (but the manifest and
// its signature).
func checkUnlisted(fsys fs.FS, listed map[string]bool, problem func(file, format string, args ...any)) error {
	var extra []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !listed[p] && p != ManifestFile && p != SignatureFile {
			extra = append(extra, p)
		}
		return nil
	})
	sort.Strings(extra)
	for _, p := range extra {
		problem(p, "not in the manifest: added after the manifest was written")
	}
	return err
}
