package main

import (
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/target"
)

// reportUsage says what paycert report does.
const reportUsage = "want: paycert report merge -out DIR BUNDLE..., paycert report diff [-out DIR] OLD NEW, paycert report verify [-key PUBKEY_FILE | -fingerprint FP] [-require-signature] BUNDLE, or paycert report keygen -out PREFIX"

// cmdReport merges report bundles, compares two, verifies one, or makes a key to sign them with.
func cmdReport(args []string, stdout, stderr io.Writer) (int, error) {
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch sub {
	case "merge":
		return cmdReportMerge(args[1:], stdout, stderr)
	case "diff":
		return cmdReportDiff(args[1:], stdout, stderr)
	case "verify":
		return cmdReportVerify(args[1:], stdout, stderr)
	case "keygen":
		return cmdReportKeygen(args[1:], stdout, stderr)
	}
	return exitError, fmt.Errorf("%s; got %q%s", reportUsage, sub, target.DidYouMean(sub, []string{"merge", "diff", "verify", "keygen"}))
}

// cmdReportMerge merges bundles (folders or archives) into one, signed when a key is configured
// (then every part must verify first).
func cmdReportMerge(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("report merge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "folder of the merged bundle")
	if err := fs.Parse(args); err != nil {
		return exitError, errUsage
	}
	if *out == "" || fs.NArg() == 0 {
		return exitError, fmt.Errorf("want -out DIR and at least one bundle")
	}
	key, err := signingKey()
	if err != nil {
		return exitError, err
	}
	r, err := mergeBundles(*out, time.Now().UTC().Format("20060102-150405"), fs.Args(), key, stderr)
	if err != nil {
		return exitError, err
	}
	report.PrintSummary(stdout, r, *out)
	return exitCode(r, false), nil
}

// mergeBundles reads the bundles at paths (folders or archives) and writes their merge to out.
func mergeBundles(out, runID string, paths []string, key ed25519.PrivateKey, stderr io.Writer) (*report.Report, error) {
	var parts []*report.Report
	for _, p := range paths {
		b, err := report.Open(p)
		if err != nil {
			return nil, err
		}
		if err := checkBeforeSigning(b, key); err != nil {
			return nil, err
		}
		r, err := b.Report()
		if err != nil {
			return nil, err
		}
		if err := report.CopyTranscripts(b.FS, out, r); err != nil {
			return nil, err
		}
		parts = append(parts, r)
	}
	merged := report.Merge(runID, parts...)
	if err := writeBundle(out, merged, key, stderr); err != nil {
		return nil, err
	}
	return merged, nil
}

// signingKey reads the key bundles are signed with from the environment (nil: none configured).
func signingKey() (ed25519.PrivateKey, error) {
	key, err := target.SigningKey(target.EnvOf(os.Environ()))
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	return key, nil
}

// writeBundle writes r into dir, signed with key when there is one. A signed bundle rewritten
// without a key loses its signature, which would no longer match; stderr says so.
func writeBundle(dir string, r *report.Report, key ed25519.PrivateKey, stderr io.Writer) error {
	wasSigned := report.IsSigned(dir)
	if err := report.WriteSigned(dir, r, key); err != nil {
		return err
	}
	if wasSigned && key == nil {
		fmt.Fprintf(stderr, "paycert: %s was signed; rewritten with no signing key configured (%s or %s), it is unsigned now: its old signature is removed\n",
			dir, target.SigningKeyFileSetting, target.SigningKeySetting)
	}
	return nil
}

// checkBeforeSigning refuses, when there is a key to sign with, a bundle that does not verify:
// the new signature would vouch for files changed after their manifest was written.
func checkBeforeSigning(b *report.Bundle, key ed25519.PrivateKey) error {
	if key == nil {
		return nil
	}
	res, err := report.Verify(b, report.VerifyOptions{})
	if err != nil {
		return err
	}
	if !res.OK() {
		return fmt.Errorf("%s does not verify (%s, such as %s), and paycert signs only what verifies: paycert report verify %s lists what is wrong",
			b.Path, count(len(res.Problems), "problem"), res.Problems[0], b.Path)
	}
	return nil
}

// exitCode maps a verdict to the exit code; strict makes an incomplete run non-conformant.
func exitCode(r *report.Report, strict bool) int {
	switch r.Verdict {
	case report.Conformant:
		return exitConformant
	case report.Incomplete:
		if strict {
			return exitNonConformant
		}
		return exitConformant
	case report.NonConformant:
		return exitNonConformant
	default:
		return exitError
	}
}

// cmdReportDiff compares two report bundles (folders or archives), requirement by requirement,
// prints what got worse, what got better, what is new and what is gone, and writes it as
// diff.json and diff.txt into -out. Without -out it goes into NEW, whose report then carries the
// comparison and whose bundle is rewritten (manifest, signature; with a key NEW must verify
// first); NEW must then be a folder: an archive is never rewritten. Exit 1 when anything got
// worse: a CI gate on a pull request.
func cmdReportDiff(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("report diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "folder the comparison is written to (default: NEW, which must then be a folder)")
	if err := fs.Parse(args); err != nil {
		return exitError, errUsage
	}
	if fs.NArg() != 2 {
		return exitError, errors.New("want: paycert report diff [-out DIR] OLD NEW (two report bundles: folders, .zip or .tar.gz)")
	}
	key, err := signingKey()
	if err != nil {
		return exitError, err
	}
	older, err := report.Read(fs.Arg(0))
	if err != nil {
		return exitError, fmt.Errorf("OLD: %w", err)
	}
	newBundle, err := report.Open(fs.Arg(1))
	if err != nil {
		return exitError, fmt.Errorf("NEW: %w", err)
	}
	newer, err := newBundle.Report()
	if err != nil {
		return exitError, fmt.Errorf("NEW: %w", err)
	}
	dir := *out
	intoNew := dir == "" || sameFolder(dir, newBundle.Dir)
	if intoNew && newBundle.Dir == "" {
		return exitError, fmt.Errorf("NEW (%s) is an archive, which is not rewritten: give -out DIR for diff.json and diff.txt", fs.Arg(1))
	}
	if intoNew {
		dir = newBundle.Dir
		if err := checkBeforeSigning(newBundle, key); err != nil {
			return exitError, fmt.Errorf("NEW: %w", err)
		}
	}
	d := report.Compare(older, newer)
	if err := report.WriteDiff(dir, d); err != nil {
		return exitError, err
	}
	if intoNew {
		newer.Comparison = &d
		if err := writeBundle(dir, newer, key, stderr); err != nil {
			return exitError, err
		}
	}
	fmt.Fprint(stdout, d.Text())
	if len(d.Worse) > 0 {
		return exitNonConformant, nil
	}
	return exitConformant, nil
}

// sameFolder reports whether two paths name one folder on disk.
func sameFolder(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// cmdReportVerify checks a bundle (folder or archive) against its manifest and signature: one
// line per problem, then the result. Exit 0 verified (unsigned too, unless -require-signature),
// 1 when a file, hash or signature does not check, 2 for usage or a bundle that cannot be read.
func cmdReportVerify(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("report verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyFile := fs.String("key", "", "the signer's public key (PEM, as paycert report keygen writes PREFIX.pub): the bundle must be signed with it")
	var opts report.VerifyOptions
	fs.StringVar(&opts.Fingerprint, "fingerprint", "", "the fingerprint of the signer's key (ed25519:SHA256:...): the bundle must be signed with that key")
	fs.BoolVar(&opts.RequireSignature, "require-signature", false, "an unsigned bundle does not verify (exit 1)")
	if err := fs.Parse(args); err != nil {
		return exitError, errUsage
	}
	if fs.NArg() != 1 {
		return exitError, errors.New("want: paycert report verify [-key PUBKEY_FILE | -fingerprint FP] [-require-signature] BUNDLE (a folder, .zip or .tar.gz)")
	}
	if *keyFile != "" && opts.Fingerprint != "" {
		return exitError, errors.New("-key and -fingerprint both name the expected key: give one")
	}
	if *keyFile != "" {
		pub, err := report.ReadPublicKey(*keyFile)
		if err != nil {
			return exitError, fmt.Errorf("-key: %w", err)
		}
		opts.PublicKey = pub
	}
	b, err := report.Open(fs.Arg(0))
	if err != nil {
		return exitError, err
	}
	res, err := report.Verify(b, opts)
	if err != nil {
		return exitError, err
	}
	for _, p := range res.Problems {
		fmt.Fprintln(stdout, p)
	}
	switch {
	case !res.OK():
		fmt.Fprintf(stdout, "NOT verified: %s (%d files in the manifest)\n", count(len(res.Problems), "problem"), res.Files)
		return exitNonConformant, nil
	case res.SignedBy != "":
		fmt.Fprintf(stdout, "verified: %d files, signed by %s\n", res.Files, res.SignedBy)
	default:
		fmt.Fprintf(stdout, "verified: %d files, UNSIGNED (hashes only prove the files match the manifest, not who made them)\n", res.Files)
	}
	return exitConformant, nil
}

// count is "1 problem" or "3 problems".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// cmdReportKeygen makes an Ed25519 key pair to sign bundles with: PREFIX.key (PKCS#8 PEM, mode
// 0600) and PREFIX.pub (PKIX PEM); it prints the key's fingerprint on stdout and never
// overwrites a file.
func cmdReportKeygen(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("report keygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	prefix := fs.String("out", "", "where the keys go: PREFIX.key (private) and PREFIX.pub (public)")
	if err := fs.Parse(args); err != nil {
		return exitError, errUsage
	}
	if *prefix == "" || fs.NArg() > 0 {
		return exitError, errors.New("want: paycert report keygen -out PREFIX (writes PREFIX.key and PREFIX.pub)")
	}
	keyFile, pubFile := *prefix+".key", *prefix+".pub"
	for _, f := range []string{keyFile, pubFile} {
		if _, err := os.Lstat(f); err == nil {
			return exitError, fmt.Errorf("%s exists; paycert report keygen does not overwrite keys (choose another -out, or remove it)", f)
		}
	}
	pair, err := report.NewKeyPair()
	if err != nil {
		return exitError, err
	}
	if err := writeNewFile(keyFile, pair.Private, 0o600); err != nil {
		return exitError, err
	}
	if err := writeNewFile(pubFile, pair.Public, 0o644); err != nil {
		// No private key without its public half.
		_ = os.Remove(keyFile)
		return exitError, err
	}
	fmt.Fprintln(stdout, report.Fingerprint(pair.Key.Public().(ed25519.PublicKey)))
	fmt.Fprintf(stderr, "paycert: wrote %s (the private key: keep it secret; %s=%s signs the bundles paycert writes) and %s (for whoever checks them: paycert report verify -key %s BUNDLE)\n",
		keyFile, target.SigningKeyFileSetting, keyFile, pubFile, filepath.Base(pubFile))
	return exitConformant, nil
}

// writeNewFile writes a file that must not exist yet.
func writeNewFile(name string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}
