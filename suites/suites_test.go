package suites_test

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/paycert/paycert/suites"
)

// TestGinkgoKnowsEverySuite: the ginkgo command passes its flags (--label-filter, -p) only to
// packages whose test files import Ginkgo; a suite whose test does not would run whole and serial
// whatever the README's commands ask. Every suite listed has a test file in its folder that
// imports it.
func TestGinkgoKnowsEverySuite(t *testing.T) {
	for _, e := range suites.All() {
		files, err := filepath.Glob(filepath.Join(e.Name, "*_test.go"))
		if err != nil || len(files) == 0 {
			t.Errorf("suites/%s has no test file (%v)", e.Name, err)
			continue
		}
		imports := false
		for _, f := range files {
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range parsed.Imports {
				if p, _ := strconv.Unquote(imp.Path.Value); p == "github.com/onsi/ginkgo/v2" {
					imports = true
				}
			}
		}
		if !imports {
			t.Errorf("no test file of suites/%s imports github.com/onsi/ginkgo/v2: the ginkgo command would ignore its --label-filter and -p", e.Name)
		}
	}
}
