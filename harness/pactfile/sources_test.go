package pactfile

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSources(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"b.json", "a.json", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "sub.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	single := filepath.Join(dir, "notes.txt")
	files, urls, err := Sources([]string{single, dir, "https://broker.example/pacts/1"})
	want := []string{single, filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json")}
	if err != nil || !reflect.DeepEqual(files, want) || !reflect.DeepEqual(urls, []string{"https://broker.example/pacts/1"}) {
		t.Errorf("Sources = %q, %q, %v; want files %q", files, urls, err, want)
	}
	for _, c := range []struct{ arg, want string }{
		{filepath.Join(dir, "missing.json"), "missing.json"},
		{t.TempDir(), "has no *.json pact file"},
	} {
		if _, _, err := Sources([]string{c.arg}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Sources(%q): %v, want an error with %q", c.arg, err, c.want)
		}
	}
}
