package report

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Bundle file names.
const (
	JSONFile     = "report.json"
	JUnitFile    = "junit.xml"
	HTMLFile     = "index.html"
	ManifestFile = "manifest.sha256"
	// SignatureFile is the manifest's signature (see Signature); the manifest does not list it.
	SignatureFile = "manifest.sig"
	TranscriptsD  = "transcripts"
)

// Write writes the bundle into dir unsigned: the transcripts of every spec that has exchanges,
// then report.json, junit.xml and index.html, then the manifest of SHA-256 hashes of all of them.
// Transcripts already in dir (from a merged part) are kept; a signature left there is removed.
func Write(dir string, r *Report) error { return WriteSigned(dir, r, nil) }

// WriteSigned is Write with the manifest signed by key (SignatureFile), and the report saying so
// (SignedBy is the key's fingerprint); a nil key writes an unsigned bundle (SignedBy "").
func WriteSigned(dir string, r *Report, key ed25519.PrivateKey) error {
	r.SignedBy = ""
	if key != nil {
		r.SignedBy = Fingerprint(publicOf(key))
	}
	if err := os.MkdirAll(filepath.Join(dir, TranscriptsD), 0o755); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	for i := range r.Specs {
		s := &r.Specs[i]
		if len(s.Exchanges) == 0 {
			continue
		}
		s.Transcript = path.Join(TranscriptsD, s.ID+".json")
		if err := writeJSON(filepath.Join(dir, filepath.FromSlash(s.Transcript)), s.Exchanges); err != nil {
			return err
		}
	}
	if err := writeJSON(filepath.Join(dir, JSONFile), r); err != nil {
		return err
	}
	junit, err := JUnit(r)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, JUnitFile), junit, 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	page, err := HTML(r, os.DirFS(dir))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, HTMLFile), page, 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return seal(dir, key)
}

// Read loads the report.json of a bundle: a folder, or an archive of one (see Open).
func Read(path string) (*Report, error) {
	b, err := Open(path)
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	return b.Report()
}

// CopyTranscripts copies the transcripts of the report read from the bundle src into dst, where a
// merged bundle is written.
func CopyTranscripts(src fs.FS, dst string, r *Report) error {
	for _, s := range r.Specs {
		if s.Transcript == "" {
			continue
		}
		data, err := fs.ReadFile(src, s.Transcript)
		if err != nil {
			return fmt.Errorf("copy transcript: %w", err)
		}
		to := filepath.Join(dst, filepath.FromSlash(s.Transcript))
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return fmt.Errorf("copy transcript: %w", err)
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			return fmt.Errorf("copy transcript: %w", err)
		}
	}
	return nil
}

func writeJSON(file string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	return nil
}

// writeManifest lists the SHA-256 of every file of the bundle but the manifest and its signature,
// in sha256sum's format, so that `sha256sum -c manifest.sha256` checks a bundle that was handed on.
func writeManifest(dir string) error {
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == ManifestFile || rel == SignatureFile {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		lines = append(lines, hex.EncodeToString(sum[:])+"  "+filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
	return os.WriteFile(filepath.Join(dir, ManifestFile), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}
