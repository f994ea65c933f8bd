package report

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/ed25519"
	"crypto/rand"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
)

// archiveEntry is an entry of an archive a test makes: a file, a folder (name ending in /), or a
// link (link set).
type archiveEntry struct {
	name, body, link string
	hard             bool
}

// bundleEntries writes a signed bundle and returns its files as archive entries under prefix,
// with their folders first, as tar and zip tools write them.
func bundleEntries(t *testing.T, prefix string) []archiveEntry {
	t.Helper()
	dir := t.TempDir()
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	r := &Report{Tool: "paycert", RunID: "archived", Specs: []Spec{{ID: "s1", Suite: "paysage", State: "passed"}}}
	r.Specs[0].Transcript = "transcripts/s1.json"
	if err := os.MkdirAll(filepath.Join(dir, TranscriptsD), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "transcripts", "s1.json"), []byte("[]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteSigned(dir, r, key); err != nil {
		t.Fatal(err)
	}
	var out []archiveEntry
	if prefix != "" {
		out = append(out, archiveEntry{name: prefix})
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out = append(out, archiveEntry{name: prefix + filepath.ToSlash(rel) + "/"})
			return nil
		}
		data, err := os.ReadFile(p)
		out = append(out, archiveEntry{name: prefix + filepath.ToSlash(rel), body: string(data)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// makeZip writes the entries as a zip archive and returns its path.
func makeZip(t *testing.T, entries []archiveEntry) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.link != "" {
			h.SetMode(fs.ModeSymlink | 0o777)
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(e.body + e.link))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return writeArchive(t, "bundle.zip", buf.Bytes())
}

// makeTarGz writes the entries as a gzip-compressed tar archive and returns its path.
func makeTarGz(t *testing.T, entries []archiveEntry) string {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Size: int64(len(e.body)), Typeflag: tar.TypeReg}
		switch {
		case e.link != "" && e.hard:
			h.Typeflag, h.Linkname, h.Size = tar.TypeLink, e.link, 0
		case e.link != "":
			h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, e.link, 0
		case strings.HasSuffix(e.name, "/"):
			h.Typeflag, h.Mode, h.Size = tar.TypeDir, 0o755, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return writeArchive(t, "bundle.tar.gz", buf.Bytes())
}

func writeArchive(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOpenArchives: a bundle packed as zip or tar.gz, flat or under top folders (as CI artifact
// downloads and tar give them), opens as the bundle itself: it reads and verifies.
func TestOpenArchives(t *testing.T) {
	cases := []struct {
		name   string
		make   func(*testing.T, []archiveEntry) string
		prefix string
	}{
		{"zip", makeZip, ""},
		{"zip under a top folder", makeZip, "20261121-101010/"},
		{"tar.gz", makeTarGz, ""},
		{"tar.gz of ./", makeTarGz, "./"},
		{"tar.gz two folders deep", makeTarGz, "reports/20261121-101010/"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.make(t, bundleEntries(t, c.prefix))
			b, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if b.Dir != "" || b.Path != path {
				t.Errorf("bundle %q from %q: an archive has no folder on disk", b.Dir, b.Path)
			}
			r, err := b.Report()
			if err != nil || r.RunID != "archived" {
				t.Fatalf("report %+v, %v", r, err)
			}
			res, err := Verify(b, VerifyOptions{RequireSignature: true})
			if err != nil || !res.OK() || res.Files != 4 {
				t.Errorf("verify: %+v, %v", res, err)
			}
			if err := fstest.TestFS(b.FS, JSONFile, ManifestFile, SignatureFile, "transcripts/s1.json"); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestTamperedArchive: a file changed inside an archive is found as in a folder.
func TestTamperedArchive(t *testing.T) {
	entries := bundleEntries(t, "run/")
	for i := range entries {
		if entries[i].name == "run/"+HTMLFile {
			entries[i].body += "<!-- changed -->"
		}
	}
	b, err := Open(makeZip(t, entries))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Verify(b, VerifyOptions{})
	if err != nil || len(res.Problems) != 1 || res.Problems[0].File != HTMLFile {
		t.Errorf("verify: %+v, %v", res, err)
	}
}

// TestOpenRefuses: entries that leave the archive's folder, links, names given twice and
// archives too large to be a bundle are refused, naming the entry; so is what is no bundle.
func TestOpenRefuses(t *testing.T) {
	ok := archiveEntry{name: "report.json", body: "{}"}
	small := archiveLimits{bytes: 100, files: 3}
	fewBytes := archiveLimits{bytes: 1000, files: 10}
	fewFiles := archiveLimits{bytes: 10000, files: 3}
	large := archiveLimits{bytes: maxArchiveBytes, files: maxArchiveFiles}
	cases := []struct {
		name string
		path func(*testing.T) string
		lim  archiveLimits
		want string
	}{
		{"zip with ../", func(t *testing.T) string { return makeZip(t, []archiveEntry{ok, {name: "../evil.sh", body: "x"}}) }, large, `"../evil.sh" is not a path inside`},
		{"tar.gz with ../ in a folder", func(t *testing.T) string {
			return makeTarGz(t, []archiveEntry{{name: "run/"}, {name: "run/../../etc/cron.d/x", body: "x"}})
		}, large, `"run/../../etc/cron.d/x" is not a path inside`},
		{"tar.gz with an absolute path", func(t *testing.T) string { return makeTarGz(t, []archiveEntry{{name: "/etc/passwd", body: "x"}}) }, large, `"/etc/passwd" is not a path inside`},
		{"tar.gz with a symlink", func(t *testing.T) string {
			return makeTarGz(t, []archiveEntry{ok, {name: "index.html", link: "/etc/shadow"}})
		}, large, `"index.html" is a link`},
		{"tar.gz with a hard link", func(t *testing.T) string {
			return makeTarGz(t, []archiveEntry{ok, {name: "index.html", link: "report.json", hard: true}})
		}, large, `"index.html" is a link`},
		{"zip with a symlink", func(t *testing.T) string {
			return makeZip(t, []archiveEntry{ok, {name: "index.html", link: "/etc/shadow"}})
		}, large, "is a link"},
		{"a name twice", func(t *testing.T) string { return makeZip(t, []archiveEntry{ok, ok}) }, large, `"report.json" is in the archive twice`},
		{"too many bytes", func(t *testing.T) string {
			return makeTarGz(t, []archiveEntry{ok, {name: "big", body: strings.Repeat("x", 5000)}})
		}, fewBytes, `"big": the archive unpacks to more than 1000 bytes`},
		{"too many files", func(t *testing.T) string {
			return makeZip(t, []archiveEntry{{name: "a"}, {name: "b"}, {name: "c"}, {name: "d"}})
		}, fewFiles, "more than 3 files"},
		{"archive file larger than the limit", func(t *testing.T) string {
			return writeArchive(t, "big.zip", bytes.Repeat([]byte("PK\x03\x04"), 50))
		}, small, "more than the 100"},
		{"neither folder nor archive", func(t *testing.T) string { return writeArchive(t, "notes.txt", []byte("hello")) }, large, "neither a folder nor a zip or tar.gz"},
		{"no such path", func(t *testing.T) string { return filepath.Join(t.TempDir(), "missing") }, large, "no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := openBundle(c.path(t), c.lim)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %s", err, c.want)
			}
		})
	}
}

// TestTopFolderOnlyWhenAlone: files beside the top folder keep the archive's root as the bundle's;
// macOS's metadata folder is no part of it.
func TestTopFolderOnlyWhenAlone(t *testing.T) {
	b, err := Open(makeZip(t, []archiveEntry{{name: "run/"}, {name: "run/report.json", body: "{}"}, {name: "notes.txt", body: "n"}, {name: "__MACOSX/run/._report.json", body: "m"}}))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	_ = fs.WalkDir(b.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	sort.Strings(names)
	if strings.Join(names, " ") != "notes.txt run/report.json" {
		t.Errorf("files %q", names)
	}
}
