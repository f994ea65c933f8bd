package validate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"regexp"
	"sort"
	"strconv"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/paycert/paycert/harness/fields"
)

// XMLField is the media-type extension that names the one form field which may carry the whole
// message as an XML document instead of the fields themselves (FreedomPay's pg_xml):
// x-paycert-xml-field: pg_xml.
const XMLField = "x-paycert-xml-field"

// CheckMessage checks a body of the given Content-Type against the schema file: JSON as it is; a
// form (URL-encoded or multipart) or an XML document read into a document whose field types come
// from the schema, then validated like JSON. The root element an XML document must have is the
// schema's OpenAPI "xml": {"name": ...}. xmlField, when not empty, is the form field that may carry
// the message as XML (XMLField). A Content-Type that is neither form nor XML is read as JSON.
func (s *Schemas) CheckMessage(file, contentType string, body []byte, xmlField string) (Findings, error) {
	return s.checkMessage(file, contentType, body, xmlField, reading{})
}

// checkMessage is CheckMessage with the body read as how says.
func (s *Schemas) checkMessage(file, contentType string, body []byte, xmlField string, how reading) (Findings, error) {
	switch {
	case fields.IsForm(contentType):
		l, err := fields.ParseForm(contentType, body)
		if err != nil {
			return Findings{{Where: "body", Message: "not a form: " + err.Error() + "; the body starts " + strconv.Quote(prefix(body, 80)), Rule: file}}, nil
		}
		if l, err = l.Unwrap(xmlField); err != nil {
			return Findings{{Where: "body/" + xmlField, Message: err.Error(), Rule: file}}, nil
		}
		return s.checkFields(file, l, how)
	case fields.IsXML(contentType):
		root, l, err := fields.ParseXML(body)
		if err != nil {
			return Findings{{Where: "body", Message: err.Error() + "; the body starts " + strconv.Quote(prefix(body, 80)), Rule: file}}, nil
		}
		want, err := s.xmlRoot(file)
		if err != nil {
			return nil, err
		}
		var out Findings
		if want != "" && root != want {
			out = append(out, Finding{Where: "body", Message: fmt.Sprintf("the root element is <%s>, want <%s>", root, want), Rule: file + "#/xml/name"})
		}
		more, err := s.checkFields(file, l, how)
		return append(out, more...), err
	default:
		return s.checkJSON(file, body, how)
	}
}

func (s *Schemas) checkFields(file string, l fields.List, how reading) (Findings, error) {
	sch, err := s.compile(file)
	if err != nil {
		return nil, err
	}
	return s.check(sch, file, Typed([]*jsonschema.Schema{sch}, l), how)
}

// xmlRoot is the root element the schema file names for XML documents ("" when it names none),
// read from the file once.
func (s *Schemas) xmlRoot(file string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if root, ok := s.roots[file]; ok {
		return root, nil
	}
	data, err := fs.ReadFile(s.fsys, fsPath(file))
	if err != nil {
		return "", fmt.Errorf("read schema %q: %w", file, err)
	}
	var top struct {
		XML struct {
			Name string `json:"name"`
		} `json:"xml"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		return "", fmt.Errorf("schema %q: %w", file, err)
	}
	s.roots[file] = top.XML.Name
	return top.XML.Name, nil
}

// Typed turns fields (all text) into the document a JSON Schema checks, each value converted to
// the type the schemas give its field: integer and number to json.Number, boolean to bool, an
// empty value of a nullable field to null, a group to an object or, where the schema wants an
// array, to an array. A value whose text is not of its type stays a string, so that the schema
// reports it (as a string where a number was wanted). Where the schemas allow a string, or say
// nothing, it stays a string.
func Typed(schemas []*jsonschema.Schema, l fields.List) map[string]any {
	out := make(map[string]any, len(l))
	for _, f := range l {
		out[f.Name] = typedField(propertySchemas(schemas, f.Name), f)
	}
	return out
}

func typedField(schemas []*jsonschema.Schema, f fields.Field) any {
	types := typesOf(schemas)
	if f.IsGroup() {
		if types["array"] && !types["object"] {
			items := itemSchemas(schemas)
			arr := make([]any, len(f.Fields))
			for i, c := range f.Fields {
				arr[i] = typedField(items, c)
			}
			return arr
		}
		return Typed(schemas, f.Fields)
	}
	v := f.Value
	switch {
	case len(types) == 0 || types["string"]:
		return v
	case v == "" && types["null"]:
		return nil
	case types["integer"] && integerText.MatchString(v), types["number"] && numberText.MatchString(v):
		return json.Number(v)
	case types["boolean"] && (v == "true" || v == "false"):
		return v == "true"
	}
	return v
}

var (
	integerText = regexp.MustCompile(`^-?(0|[1-9][0-9]*)$`)
	numberText  = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
)

// expand returns the schemas that apply to an instance where sch does: sch and, through $ref,
// allOf, anyOf, oneOf and if/then/else, the schemas it is made of.
func expand(schemas []*jsonschema.Schema) []*jsonschema.Schema {
	var out []*jsonschema.Schema
	seen := map[*jsonschema.Schema]bool{}
	var walk func(s *jsonschema.Schema)
	walk = func(s *jsonschema.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		out = append(out, s)
		walk(s.Ref)
		for _, group := range [][]*jsonschema.Schema{s.AllOf, s.AnyOf, s.OneOf} {
			for _, c := range group {
				walk(c)
			}
		}
		walk(s.Then)
		walk(s.Else)
	}
	for _, s := range schemas {
		walk(s)
	}
	return out
}

// propertySchemas returns the schemas that apply to the property name of an object the schemas
// describe.
func propertySchemas(schemas []*jsonschema.Schema, name string) []*jsonschema.Schema {
	var out []*jsonschema.Schema
	for _, s := range expand(schemas) {
		if p, ok := s.Properties[name]; ok {
			out = append(out, p)
			continue
		}
		matched := false
		for re, p := range s.PatternProperties {
			if re.MatchString(name) {
				out = append(out, p)
				matched = true
			}
		}
		if ap, ok := s.AdditionalProperties.(*jsonschema.Schema); ok && !matched {
			out = append(out, ap)
		}
	}
	return out
}

// itemSchemas returns the schemas of the items of an array the schemas describe.
func itemSchemas(schemas []*jsonschema.Schema) []*jsonschema.Schema {
	var out []*jsonschema.Schema
	for _, s := range expand(schemas) {
		if s.Items2020 != nil {
			out = append(out, s.Items2020)
		}
		if it, ok := s.Items.(*jsonschema.Schema); ok {
			out = append(out, it)
		}
	}
	return out
}

// typesOf is the set of JSON types the schemas name.
func typesOf(schemas []*jsonschema.Schema) map[string]bool {
	out := map[string]bool{}
	for _, s := range expand(schemas) {
		for _, t := range s.Types {
			out[t] = true
		}
		for _, c := range append(append([]any(nil), s.Enum...), s.Constant...) {
			switch c.(type) {
			case string:
				out["string"] = true
			case json.Number, float64, int, int64:
				out["number"] = true
			case bool:
				out["boolean"] = true
			}
		}
	}
	return out
}

// DecodeBody reads a body of the given Content-Type without a schema: JSON (numbers exact), or a
// form or an XML document as a tree of strings (fields.List.Map). It is how an answer is read
// whatever its format; CheckMessage is how it is judged.
func DecodeBody(contentType string, body []byte) (any, error) {
	switch {
	case fields.IsForm(contentType):
		l, err := fields.ParseForm(contentType, body)
		if err != nil {
			return nil, err
		}
		return l.Map(), nil
	case fields.IsXML(contentType):
		_, l, err := fields.ParseXML(body)
		if err != nil {
			return nil, err
		}
		return l.Map(), nil
	default:
		return DecodeJSON(body)
	}
}

// Sniff guesses the Content-Type of a body captured without its headers: XML when it starts with
// '<', JSON with '{' or '[', a multipart form with its boundary line ("--" and the boundary), else
// a URL-encoded form.
func Sniff(body []byte) string {
	b := bytes.TrimLeft(body, " \t\r\n\ufeff")
	switch {
	case len(b) == 0:
		return "application/json"
	case b[0] == '<':
		return fields.ApplicationXML
	case b[0] == '{' || b[0] == '[':
		return "application/json"
	case bytes.HasPrefix(b, []byte("--")):
		line, _, _ := bytes.Cut(b[2:], []byte("\n"))
		return mime.FormatMediaType(fields.Multipart, map[string]string{"boundary": string(bytes.TrimRight(line, "\r"))})
	default:
		return fields.URLEncoded
	}
}

// sortedKeys lists a content map's media types, sorted.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
