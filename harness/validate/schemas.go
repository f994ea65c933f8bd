package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// assetScheme prefixes the URLs under which schema files are compiled; references between schema
// files resolve against it, and it is cut from the rule locations findings report.
const assetScheme = "file:///"

// Schemas compiles the JSON Schemas (2020-12) of an assets tree, each once, and checks message
// bodies against them. It is safe for concurrent use.
type Schemas struct {
	fsys     fs.FS
	compiler *jsonschema.Compiler

	mu    sync.Mutex
	cache map[string]*jsonschema.Schema
	roots map[string]string // the XML root element each schema file names, read once
}

// NewSchemas returns a checker over the schema files of fsys (paths such as
// "schemas/begateway/error.json").
func NewSchemas(fsys fs.FS) *Schemas {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	c.LoadURL = func(u string) (io.ReadCloser, error) {
		p, err := url.Parse(u)
		if err != nil || p.Scheme != "file" {
			return nil, fmt.Errorf("schema reference %q leaves the assets", u)
		}
		f, err := fsys.Open(fsPath(p.Path))
		if err != nil {
			return nil, fmt.Errorf("open schema %q: %w", u, err)
		}
		return f, nil
	}
	return &Schemas{fsys: fsys, compiler: c, cache: map[string]*jsonschema.Schema{}, roots: map[string]string{}}
}

func (s *Schemas) compile(file string) (*jsonschema.Schema, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.cache[file]; ok {
		return sch, nil
	}
	sch, err := s.compiler.Compile(assetScheme + fsPath(file))
	if err != nil {
		return nil, fmt.Errorf("compile schema %q: %w", file, err)
	}
	s.cache[file] = sch
	return sch, nil
}

// Check checks a JSON body against the schema file. A body that is not JSON is a finding.
func (s *Schemas) Check(file string, body []byte) (Findings, error) {
	return s.checkJSON(file, body, reading{})
}

func (s *Schemas) checkJSON(file string, body []byte, how reading) (Findings, error) {
	sch, err := s.compile(file)
	if err != nil {
		return nil, err
	}
	v, err := DecodeJSON(body)
	if err != nil {
		return Findings{{Where: "body", Message: "not JSON: " + err.Error() + "; the body starts " + strconv.Quote(prefix(body, 80)), Rule: file}}, nil
	}
	return s.check(sch, file, v, how)
}

// CheckValue checks a value already decoded (with json.Number for numbers, or converted from a
// form or an XML answer) against the schema file.
func (s *Schemas) CheckValue(file string, v any) (Findings, error) {
	sch, err := s.compile(file)
	if err != nil {
		return nil, err
	}
	return s.check(sch, file, v, reading{})
}

// check validates v against sch, the schema file compiled, read as how says.
func (s *Schemas) check(sch *jsonschema.Schema, file string, v any, how reading) (Findings, error) {
	var out Findings
	if err := sch.Validate(v); err != nil {
		var ve *jsonschema.ValidationError
		if !errors.As(err, &ve) {
			return nil, fmt.Errorf("validate against %q: %w", file, err)
		}
		if how.atLeast {
			ve = withoutRequired(ve)
		}
		if ve != nil {
			out = schemaFindings(ve)
		}
	}
	if how.undocumented {
		out = append(out, undocumented([]*jsonschema.Schema{sch}, v, "body")...)
	}
	return out, nil
}

// DecodeJSON decodes one JSON value, keeping numbers exact, and refuses trailing data.
func DecodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

// schemaFindings flattens a validation error to its leaves, the most specific statements.
func schemaFindings(ve *jsonschema.ValidationError) Findings {
	var out Findings
	seen := map[string]bool{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			f := Finding{Where: "body" + e.InstanceLocation, Message: e.Message, Rule: strings.TrimPrefix(e.AbsoluteKeywordLocation, assetScheme)}
			if k := f.String(); !seen[k] {
				seen[k] = true
				out = append(out, f)
			}
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	return out
}

func prefix(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

// Compiled returns the schema file (a path inside the assets) compiled, for a tool that reads a
// schema's structure (its properties, required fields, types and enums) rather than checking a
// body against it.
func (s *Schemas) Compiled(file string) (*jsonschema.Schema, error) {
	return s.compile(file)
}
