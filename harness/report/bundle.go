package report

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/paycert/paycert/harness/record"
)

// Bundle is a report bundle opened for reading: a folder, or a zip or tar.gz archive of one (a CI
// artifact as it is downloaded).
type Bundle struct {
	// FS holds the bundle's files, report.json and the manifest at its root.
	FS fs.FS
	// Path is the folder or archive that was opened.
	Path string
	// Dir is the bundle's folder on disk; "" for an archive, which is read into memory and never
	// written back.
	Dir string
}

// Limits on what an archive may unpack to, so that a corrupt or hostile one cannot fill the
// memory: a bundle is a few megabytes of JSON and HTML.
const (
	maxArchiveBytes = 512 << 20
	maxArchiveFiles = 100_000
)

// archiveLimits bound an archive's unpacked files (tests give small ones).
type archiveLimits struct {
	bytes int64
	files int
}

// Open opens the bundle at path: a folder, or a zip or gzip-compressed tar archive (recognised by
// their first bytes, whatever the file's name). An archive's files may sit under one top folder
// (or a chain of single folders); an entry that would leave the archive's folder (../, an
// absolute path), a link, a name given twice or more than 512 MiB or 100,000 files unpacked are
// refused.
func Open(path string) (*Bundle, error) {
	return openBundle(path, archiveLimits{bytes: maxArchiveBytes, files: maxArchiveFiles})
}

func openBundle(path string, lim archiveLimits) (*Bundle, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open bundle: %w", err)
	}
	if st.IsDir() {
		return &Bundle{FS: os.DirFS(path), Path: path, Dir: path}, nil
	}
	if st.Size() > lim.bytes {
		return nil, fmt.Errorf("open bundle %s: %d bytes, more than the %d an archive of a bundle may have", path, st.Size(), lim.bytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("open bundle: %w", err)
	}
	arc := &memArchive{lim: lim, seen: map[string]bool{}}
	arc.zw = zip.NewWriter(&arc.buf)
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")):
		err = arc.readZip(data)
	case bytes.HasPrefix(data, []byte{0x1f, 0x8b}):
		err = arc.readTarGz(data)
	default:
		return nil, fmt.Errorf("open bundle: %s is neither a folder nor a zip or tar.gz archive", path)
	}
	if err != nil {
		return nil, fmt.Errorf("open bundle %s: %w", path, err)
	}
	fsys, err := arc.fs()
	if err != nil {
		return nil, fmt.Errorf("open bundle %s: %w", path, err)
	}
	return &Bundle{FS: fsys, Path: path}, nil
}

// Report reads the bundle's report.json.
func (b *Bundle) Report() (*Report, error) {
	data, err := fs.ReadFile(b.FS, JSONFile)
	if err != nil {
		return nil, fmt.Errorf("read report %s: %w", b.Path, err)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("read report %s: %w", b.Path, err)
	}
	return &r, nil
}

// Transcript reads the recorded exchanges of spec s from the bundle's files fsys: s.Exchanges when
// the report was not read from a bundle, none when s has no transcript.
func Transcript(fsys fs.FS, s Spec) ([]record.Exchange, error) {
	if len(s.Exchanges) > 0 || s.Transcript == "" {
		return s.Exchanges, nil
	}
	data, err := fs.ReadFile(fsys, s.Transcript)
	if err != nil {
		return nil, fmt.Errorf("read transcript of %s: %w", s.ID, err)
	}
	var xs []record.Exchange
	if err := json.Unmarshal(data, &xs); err != nil {
		return nil, fmt.Errorf("read transcript %s: %w", s.Transcript, err)
	}
	return xs, nil
}

// memArchive collects an archive's files, checked, into a zip in memory (stored, not compressed),
// whose reader serves them as an fs.FS with their folders: zip and tar.gz are read the same way
// from then on.
type memArchive struct {
	lim   archiveLimits
	buf   bytes.Buffer
	zw    *zip.Writer
	seen  map[string]bool
	total int64
	files int
}

// entry is one entry of an archive.
type entry struct {
	name string
	dir  bool
	// other names what an entry that is neither a file nor a folder is (a link, a device).
	other   string
	size    int64
	content io.Reader
}

// add checks one entry of the archive and keeps its content; folders are skipped (the zip reader
// makes them from the files' names).
func (a *memArchive) add(e entry) error {
	clean := strings.TrimSuffix(e.name, "/")
	for strings.HasPrefix(clean, "./") {
		clean = clean[2:]
	}
	switch {
	case clean == "" || clean == ".":
		return nil
	case !fs.ValidPath(clean):
		return fmt.Errorf("entry %q is not a path inside the archive's folder (../ or absolute); refused", e.name)
	case strings.HasPrefix(clean, "__MACOSX/"):
		// What macOS's Finder adds to a zip: metadata of the files, no part of the bundle.
		return nil
	case e.other != "":
		return fmt.Errorf("entry %q is a %s, not a file; a bundle holds files only", e.name, e.other)
	case e.dir:
		return nil
	case a.seen[clean]:
		return fmt.Errorf("entry %q is in the archive twice", e.name)
	}
	a.seen[clean] = true
	a.files++
	if a.files > a.lim.files {
		return fmt.Errorf("more than %d files; not a report bundle", a.lim.files)
	}
	if e.size < 0 || e.size > a.lim.bytes-a.total {
		return fmt.Errorf("entry %q: the archive unpacks to more than %d bytes; not a report bundle", e.name, a.lim.bytes)
	}
	w, err := a.zw.CreateHeader(&zip.FileHeader{Name: clean, Method: zip.Store})
	if err != nil {
		return err
	}
	// The content is read up to the size the entry declares, and one byte more to catch one that
	// holds more than it declares.
	n, err := io.Copy(w, io.LimitReader(e.content, e.size+1))
	if err != nil {
		return fmt.Errorf("entry %q: %w", e.name, err)
	}
	if n != e.size {
		return fmt.Errorf("entry %q holds %d bytes, not the %d it declares", e.name, n, e.size)
	}
	a.total += n
	return nil
}

// fs is the archive's files, from their top folder: while the root holds only one folder and no
// report, the bundle is inside it.
func (a *memArchive) fs() (fs.FS, error) {
	if err := a.zw.Close(); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(a.buf.Bytes()), int64(a.buf.Len()))
	if err != nil {
		return nil, err
	}
	var fsys fs.FS = zr
	for {
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			return nil, err
		}
		if len(entries) != 1 || !entries[0].IsDir() {
			return fsys, nil
		}
		if fsys, err = fs.Sub(fsys, entries[0].Name()); err != nil {
			return nil, err
		}
	}
}

// readZip reads a zip archive's entries.
func (a *memArchive) readZip(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return fmt.Errorf("not a zip archive: %w", err)
	}
	for _, f := range zr.File {
		if err := a.addZipEntry(f); err != nil {
			return err
		}
	}
	return nil
}

func (a *memArchive) addZipEntry(f *zip.File) error {
	mode := f.Mode()
	e := entry{name: f.Name, dir: mode.IsDir(), size: int64(f.UncompressedSize64)}
	switch {
	case mode&fs.ModeSymlink != 0:
		e.other = "link"
	case !mode.IsRegular() && !mode.IsDir():
		e.other = "special entry (" + mode.Type().String() + ")"
	case mode.IsRegular():
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("entry %q: %w", f.Name, err)
		}
		defer rc.Close()
		e.content = rc
	}
	return a.add(e)
}

// readTarGz reads a gzip-compressed tar archive's entries.
func (a *memArchive) readTarGz(data []byte) error {
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not a gzip file: %w", err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not a tar archive: %w", err)
		}
		e := entry{name: h.Name, size: h.Size, content: tr}
		switch h.Typeflag {
		case tar.TypeReg:
		case tar.TypeDir:
			e.dir = true
		case tar.TypeLink, tar.TypeSymlink:
			e.other = "link"
		default:
			e.other = fmt.Sprintf("special entry (tar type %q)", h.Typeflag)
		}
		if err := a.add(e); err != nil {
			return err
		}
	}
}
