package contracts

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Sources are what a verification reads pacts from: files, folders of them (every *.json in the
// folder, not below it), and pact URLs.
type Sources struct {
	Files, Dirs, URLs []string
}

// ParseSources sorts command-line arguments into files, folders and URLs; an argument that is
// none of them is an error naming it.
func ParseSources(args []string) (Sources, error) {
	var s Sources
	for _, a := range args {
		if strings.HasPrefix(a, "http://") || strings.HasPrefix(a, "https://") {
			s.URLs = append(s.URLs, a)
			continue
		}
		abs, err := filepath.Abs(a)
		if err != nil {
			return s, fmt.Errorf("pact source %q: %w", a, err)
		}
		fi, err := os.Stat(abs)
		switch {
		case err != nil:
			return s, fmt.Errorf("pact source %q: %w", a, err)
		case fi.IsDir():
			s.Dirs = append(s.Dirs, abs)
		default:
			s.Files = append(s.Files, abs)
		}
	}
	return s, nil
}

// LocalFiles are the pact files the sources hold on this machine: the files, and every *.json of
// the folders, sorted.
func (s Sources) LocalFiles() ([]string, error) {
	out := append([]string(nil), s.Files...)
	for _, d := range s.Dirs {
		m, err := filepath.Glob(filepath.Join(d, "*.json"))
		if err != nil {
			return nil, err
		}
		out = append(out, m...)
	}
	sort.Strings(out)
	return out, nil
}

// pactHeader is what a pact file says of itself and of its message interactions, in any
// specification version: V4 lists messages among interactions with a type, V3 in messages.
type pactHeader struct {
	Provider     struct{ Name string }
	Interactions []struct{ Type, Description string }
	Messages     []struct{ Description string }
}

func readHeader(file string) (pactHeader, error) {
	var h pactHeader
	data, err := os.ReadFile(file)
	if err != nil {
		return h, err
	}
	if err := json.Unmarshal(data, &h); err != nil {
		return h, fmt.Errorf("%s is not a pact file: %w", file, err)
	}
	if h.Provider.Name == "" {
		return h, fmt.Errorf("%s is not a pact file: it names no provider", file)
	}
	return h, nil
}

// ProviderOf is the provider the pact files name, lower-cased: one for all of them, else an
// error naming the files that differ.
func ProviderOf(files []string) (string, error) {
	name, first := "", ""
	for _, f := range files {
		h, err := readHeader(f)
		if err != nil {
			return "", err
		}
		p := strings.ToLower(h.Provider.Name)
		if name != "" && p != name {
			return "", fmt.Errorf("%s is a pact with provider %q and %s with %q: verify one provider at a time", first, name, f, p)
		}
		name, first = p, f
	}
	return name, nil
}

// MessageDescriptions are the descriptions of the message interactions of the pact files.
func MessageDescriptions(files []string) ([]string, error) {
	var out []string
	for _, f := range files {
		h, err := readHeader(f)
		if err != nil {
			return nil, err
		}
		for _, in := range h.Interactions {
			if in.Type == "Asynchronous/Messages" {
				out = append(out, in.Description)
			}
		}
		for _, m := range h.Messages {
			out = append(out, m.Description)
		}
	}
	return out, nil
}
