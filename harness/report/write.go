package report

import (
	"bytes"
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
	TranscriptsD = "transcripts"
)

// Write writes the bundle into dir: the transcripts of every spec that has exchanges, then
// report.json, junit.xml and index.html, then the manifest of SHA-256 hashes of all of them.
// Transcripts already in dir (from a merged part) are kept.
func Write(dir string, r *Report) error {
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
	return writeManifest(dir)
}

// Read loads a bundle's report.json.
func Read(dir string) (*Report, error) {
	data, err := os.ReadFile(filepath.Join(dir, JSONFile))
	if err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("read report %s: %w", dir, err)
	}
	return &r, nil
}

// CopyTranscripts copies the transcripts of the report read from src into dst, where a merged
// bundle is written.
func CopyTranscripts(src, dst string, r *Report) error {
	for _, s := range r.Specs {
		if s.Transcript == "" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(s.Transcript)))
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

// writeManifest lists the SHA-256 of every file of the bundle, in sha256sum's format, so that
// `sha256sum -c manifest.sha256` checks a bundle that was handed on.
func writeManifest(dir string) error {
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == ManifestFile {
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
