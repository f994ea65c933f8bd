package paycert_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/requirements"
	"github.com/paycert/paycert/harness/sim/providers"
	"github.com/paycert/paycert/harness/validate"
)

type exampleIndex struct {
	Examples []struct {
		File     string `yaml:"file"`
		Document string `yaml:"document"`
		Section  string `yaml:"section"`
		Schema   string `yaml:"schema"`
	} `yaml:"examples"`
}

type ledger struct {
	Errata []struct {
		ID       string `yaml:"id"`
		Document string `yaml:"document"`
		Section  string `yaml:"section"`
		Example  string `yaml:"example"`
		// Unreadable says the example fails for not being readable at all (not JSON, say), not on
		// its fields.
		Unreadable bool   `yaml:"unreadable"`
		Problem    string `yaml:"problem"`
		Decision   string `yaml:"decision"`
	} `yaml:"errata"`
}

func decodeStrict(t *testing.T, fsys fs.FS, path string, v any) {
	t.Helper()
	data, err := fs.ReadFile(fsys, path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestDocumentExamples checks every example of the documents (JSON, XML, a curl command's form)
// against its schema: each one
// passes, or an errata ledger (specs/*.errata.yaml) names it with the reason; and an example a
// ledger names must still fail, so that the ledger does not go stale.
func TestDocumentExamples(t *testing.T) {
	fsys := paycert.Assets("")
	var index exampleIndex
	decodeStrict(t, fsys, "specs/examples/index.yaml", &index)
	files, err := fs.Glob(fsys, "specs/*.errata.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no errata ledgers under specs/ (%v)", err)
	}
	var errata ledger
	for _, f := range files {
		var one ledger
		decodeStrict(t, fsys, f, &one)
		errata.Errata = append(errata.Errata, one.Errata...)
	}

	named := map[string]string{}
	unreadable := map[string]bool{}
	ids := map[string]bool{}
	for _, e := range errata.Errata {
		if ids[e.ID] {
			t.Errorf("errata %s is listed twice", e.ID)
		}
		ids[e.ID] = true
		if e.Document == "" || e.Problem == "" || e.Decision == "" {
			t.Errorf("errata %s needs a document, a problem and a decision", e.ID)
		}
		if e.Example != "" {
			named[e.Example] = e.ID
			unreadable[e.Example] = e.Unreadable
		}
	}
	schemas := validate.NewSchemas(fsys)
	seen := map[string]bool{}
	for _, ex := range index.Examples {
		seen[ex.File] = true
		t.Run(ex.File, func(t *testing.T) {
			body, err := fs.ReadFile(fsys, "specs/examples/"+ex.File)
			if err != nil {
				t.Fatal(err)
			}
			contentType, body := exampleMessage(t, ex.File, body)
			findings, err := schemas.CheckMessage(ex.Schema, contentType, body, "")
			if err != nil {
				t.Fatalf("harness error: %v", err)
			}
			erratum, inLedger := named[ex.File]
			switch {
			case len(findings) > 0 && !inLedger:
				t.Errorf("%s (%s) does not match %s and the errata ledger does not name it:\n%s", ex.File, ex.Section, ex.Schema, findings)
			case len(findings) == 0 && inLedger:
				t.Errorf("errata %s says %s fails, but it matches %s: update the ledger", erratum, ex.File, ex.Schema)
			case inLedger && unreadable[ex.File] == strings.Contains(findings.String(), "#/"):
				// A finding of the schema's names the keyword it breaks (file#/path); one without
				// says the body could not be read. Either must be what the ledger says of it.
				t.Errorf("errata %s says %s fails %s, but as %s it fails with:\n%s", erratum, ex.File,
					map[bool]string{true: "for being unreadable", false: "on its fields"}[unreadable[ex.File]], contentType, findings)
			}
		})
	}
	for file, id := range named {
		if !seen[file] {
			t.Errorf("errata %s names %s, which is not in specs/examples/index.yaml", id, file)
		}
	}
}

// exampleMessage is an example file as the message it shows: a .json file is JSON, a .xml file an
// XML document, and a .curl command the multipart/form-data form its --form 'name="value"'
// options build (curl takes the value's double quotes away).
func exampleMessage(t *testing.T, file string, body []byte) (contentType string, message []byte) {
	t.Helper()
	switch filepath.Ext(file) {
	case ".xml":
		return fields.ApplicationXML, body
	case ".curl":
		option := regexp.MustCompile(`--form '([^=']+)=([^']*)'`)
		var form fields.List
		for _, m := range option.FindAllStringSubmatch(string(body), -1) {
			form = append(form, fields.Field{Name: m[1], Value: strings.TrimSuffix(strings.TrimPrefix(m[2], `"`), `"`)})
		}
		if len(form) == 0 {
			t.Fatalf("%s has no --form options", file)
		}
		contentType, message, err := form.EncodeMultipart("example")
		if err != nil {
			t.Fatal(err)
		}
		return contentType, message
	}
	return "application/json", body
}

// TestExamplesAreVerbatim checks that each example file is the document's text, so that nobody
// "fixes" an example to make it pass. It needs the provider documents beside the checkout
// (../shared/docs); without them it says so and does not run.
func TestExamplesAreVerbatim(t *testing.T) {
	docs := filepath.Join("..", "shared", "docs")
	if _, err := os.Stat(docs); err != nil {
		t.Skipf("the provider documents are not at %s; the examples cannot be compared with them", docs)
	}
	fsys := paycert.Assets("")
	var index exampleIndex
	decodeStrict(t, fsys, "specs/examples/index.yaml", &index)
	space := regexp.MustCompile(`\s+`)
	for _, ex := range index.Examples {
		doc, err := os.ReadFile(filepath.Join(docs, ex.Document))
		if err != nil {
			t.Errorf("%s: %v", ex.File, err)
			continue
		}
		body, err := fs.ReadFile(fsys, "specs/examples/"+ex.File)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(space.ReplaceAllString(string(doc), " "), strings.TrimSpace(space.ReplaceAllString(string(body), " "))) {
			t.Errorf("%s is not a verbatim copy of an example in %s (%s)", ex.File, ex.Document, ex.Section)
		}
	}
}

// TestSpecsLoad loads every OpenAPI document and requirement catalogue, and checks that the
// simulator's faults and the requirements' capabilities name things that exist.
func TestSpecsLoad(t *testing.T) {
	fsys := paycert.Assets("")
	specs, err := fs.Glob(fsys, "specs/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range specs {
		if strings.Contains(f, ".requirements.") || strings.Contains(f, ".errata.") {
			continue
		}
		s, err := validate.Load(fsys, f)
		if err != nil {
			t.Fatal(err)
		}
		// Every body schema the document references compiles.
		for _, op := range s.Operations() {
			if schema, err := s.BodySchema(op, 0); err == nil {
				if _, err := s.CheckBody(schema, []byte(`{}`)); err != nil {
					t.Errorf("%s %s request: %v", f, op, err)
				}
			}
			for _, status := range []int{200, 401, 404, 422} {
				if schema, err := s.BodySchema(op, status); err == nil {
					if _, err := s.CheckBody(schema, []byte(`{}`)); err != nil {
						t.Errorf("%s %s %d: %v", f, op, status, err)
					}
				}
			}
		}
	}
	catalogues, err := fs.Glob(fsys, "specs/*.requirements.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := requirements.Load(fsys, catalogues...)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range providers.Faults() {
		if _, ok := cat.Get(f.Requirement); !ok {
			t.Errorf("fault %s names requirement %s, which is not in the catalogue", f.Name, f.Requirement)
		}
	}
	known := map[string]bool{conformance.CapOTP: true, conformance.CapCallbacks: true, conformance.CapWebhookKey: true, conformance.CapControl: true, conformance.CapOutcome: true}
	for _, r := range cat.Items {
		for _, n := range r.Needs {
			if !known[n] {
				t.Errorf("%s needs %q, which is not a capability the harness knows", r.ID, n)
			}
		}
	}
}
