package pactfile

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Sources sorts the pact sources a command line names: an http(s) URL is a pact URL; a file is a
// pact file; a folder stands for the *.json files in it (not in its subfolders), sorted. A path
// that is not there, or a folder without a *.json file, is an error naming it.
func Sources(args []string) (files, urls []string, err error) {
	for _, a := range args {
		if strings.HasPrefix(a, "http://") || strings.HasPrefix(a, "https://") {
			urls = append(urls, a)
			continue
		}
		st, err := os.Stat(a)
		if err != nil {
			return nil, nil, fmt.Errorf("read pact: %w", err)
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(a, "*.json"))
		if err != nil {
			return nil, nil, fmt.Errorf("list %s: %w", a, err)
		}
		var found []string
		for _, m := range matches {
			if st, err := os.Stat(m); err == nil && !st.IsDir() {
				found = append(found, m)
			}
		}
		if len(found) == 0 {
			return nil, nil, fmt.Errorf("%s has no *.json pact file (subfolders are not searched)", a)
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, urls, nil
}
