package mutate

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/validate"
)

// Keys are what a mutated message is signed again with, so that a mutation tests the field it
// changed, not the signature.
type Keys struct {
	// Monetix is the project's secret key (callbacks' signature).
	Monetix string
	// FreedomPay is the merchant's secret key (pg_sig of answers and result calls).
	FreedomPay string
	// Webhook signs a beGateway webhook body (its Content-Signature); nil leaves it as it is.
	Webhook func(body []byte) (string, error)
}

// Message is one answer or callback as it goes over the wire.
type Message struct {
	// URL is the request's URL: the callback's target, or the path the answer answers (its last
	// segment is the script name FreedomPay signs with). A callback sent with GET carries its
	// fields in the URL's query.
	URL    string
	Method string
	Header http.Header
	Body   []byte
}

// body is a message decoded for change: a JSON value, or fields (a form, an XML document, a
// query, or a form whose one field holds the XML).
type body struct {
	json   any
	fields fields.List
	isList bool
	// how it was written: "json", "xml" (root), "form", "multipart", "query", or "xmlfield"
	// (a form field holding the XML document, root "request").
	format, root, xmlField string
}

// xmlField is the form field FreedomPay's messages may carry as one XML document.
const xmlField = "pg_xml"

func decode(m Message) (*body, bool) {
	ct := m.Header.Get("Content-Type")
	switch {
	case m.Method == http.MethodGet && len(m.Body) == 0:
		u, err := url.Parse(m.URL)
		if err != nil || u.RawQuery == "" {
			return nil, false
		}
		l, err := fields.ParseQuery(u.RawQuery)
		if err != nil {
			return nil, false
		}
		return &body{fields: l, isList: true, format: "query"}, true
	case fields.IsXML(ct):
		root, l, err := fields.ParseXML(m.Body)
		if err != nil {
			return nil, false
		}
		return &body{fields: l, isList: true, format: "xml", root: root}, true
	case fields.IsForm(ct):
		l, err := fields.ParseForm(ct, m.Body)
		if err != nil {
			return nil, false
		}
		format := "form"
		if strings.HasPrefix(strings.ToLower(ct), "multipart/") {
			format = "multipart"
		}
		if x, ok := l.Get(xmlField); ok && len(l) == 1 {
			root, inner, err := fields.ParseXML([]byte(x))
			if err != nil {
				return nil, false
			}
			return &body{fields: inner, isList: true, format: format, root: root, xmlField: xmlField}, true
		}
		return &body{fields: l, isList: true, format: format}, true
	default:
		v, err := validate.DecodeJSON(m.Body)
		if err != nil {
			return nil, false
		}
		return &body{json: v, format: "json"}, true
	}
}

// encode writes b back into m: its body, or its URL's query, and its Content-Type.
func (b *body) encode(m *Message) error {
	if !b.isList {
		data, err := json.Marshal(b.json)
		if err != nil {
			return fmt.Errorf("encode mutated JSON: %w", err)
		}
		m.Body = data
		return nil
	}
	l := b.fields
	if b.xmlField != "" {
		l = fields.Of(b.xmlField, string(l.XML(b.root)))
	}
	switch b.format {
	case "query":
		u, err := url.Parse(m.URL)
		if err != nil {
			return fmt.Errorf("mutated callback URL: %w", err)
		}
		u.RawQuery = l.Encode()
		m.URL = u.String()
	case "xml":
		m.Body = l.XML(b.root)
	case "form":
		m.Body = []byte(l.Encode())
	case "multipart":
		ct, data, err := l.EncodeMultipart("")
		if err != nil {
			return fmt.Errorf("encode mutated form: %w", err)
		}
		m.Header.Set("Content-Type", ct)
		m.Body = data
	}
	return nil
}

// Apply applies the mutation to a message of its kind (Status, DropCallback and
// DuplicateCallback are applied by the Proxy, not here) and signs it again with keys unless the
// mutation is to the signature. It reports whether the message was changed: a mutation of a field
// the message does not carry, or of an enum value it does not have, leaves it as it is.
func (mu Mutation) Apply(m *Message, keys Keys) (bool, error) {
	b, ok := decode(*m)
	if !ok {
		return false, nil
	}
	if mu.Kind == Signature {
		return b.breakSignature(m)
	}
	var changed bool
	if b.isList {
		changed = visitFields(&b.fields, mu.Path, mu.editField)
	} else {
		changed = visitJSON(b.json, mu.Path, func(any) {}, func() {}, mu.editJSON)
	}
	if !changed {
		return false, nil
	}
	// A mutation of the signature field itself is left unsigned: it is about the signature.
	if !(len(mu.Path) > 0 && isSignatureField(mu.Path[len(mu.Path)-1])) {
		if err := b.sign(m, keys); err != nil {
			return false, err
		}
	}
	if err := b.encode(m); err != nil {
		return false, err
	}
	if m.Header.Get("Content-Signature") != "" && keys.Webhook != nil {
		sig, err := keys.Webhook(m.Body)
		if err != nil {
			return false, fmt.Errorf("sign mutated webhook: %w", err)
		}
		m.Header.Set("Content-Signature", sig)
	}
	return true, nil
}

// sign computes the signature field again, where the message carries one.
func (b *body) sign(m *Message, keys Keys) error {
	if b.isList {
		if _, ok := b.fields.Get(signing.FreedomPaySig); !ok {
			return nil
		}
		signer, err := signing.NewFreedomPay(keys.FreedomPay, "")
		if err != nil {
			return err
		}
		b.fields = signer.Signed(signing.ScriptName(m.URL), b.fields)
		return nil
	}
	doc, ok := b.json.(map[string]any)
	if !ok {
		return nil
	}
	if _, ok := doc["signature"].(string); !ok {
		return nil
	}
	signer, err := signing.NewMonetix(keys.Monetix, "")
	if err != nil {
		return err
	}
	sig, err := signer.SignCallback(doc)
	if err != nil {
		return fmt.Errorf("sign mutated callback: %w", err)
	}
	doc["signature"] = sig
	return nil
}

// breakSignature alters the message's signature: the signature field of the body, or the
// Content-Signature header.
func (b *body) breakSignature(m *Message) (bool, error) {
	if sig := m.Header.Get("Content-Signature"); sig != "" {
		m.Header.Set("Content-Signature", tamper(sig))
		return true, nil
	}
	changed := false
	if b.isList {
		changed = visitFields(&b.fields, []string{signing.FreedomPaySig}, func(f *fields.Field, _ func()) bool {
			f.Value = tamper(f.Value)
			return true
		})
	} else if doc, ok := b.json.(map[string]any); ok {
		if sig, ok := doc["signature"].(string); ok {
			doc["signature"], changed = tamper(sig), true
		}
	}
	if !changed {
		return false, nil
	}
	return true, b.encode(m)
}

// tamper changes one character in the middle of a signature, keeping its alphabet.
func tamper(sig string) string {
	if sig == "" {
		return "0"
	}
	b := []byte(sig)
	i := len(b) / 2
	if b[i] == 'a' {
		b[i] = 'b'
	} else {
		b[i] = 'a'
	}
	return string(b)
}

// visitJSON calls fn on every value at path inside v (every item of an array for "[]"), with
// functions that replace and delete it; it reports whether fn changed any.
func visitJSON(v any, path []string, set func(any), del func(), fn func(v any, set func(any), del func()) bool) bool {
	if len(path) == 0 {
		return fn(v, set, del)
	}
	changed := false
	if path[0] == "[]" {
		arr, ok := v.([]any)
		if !ok {
			return false
		}
		for i := range arr {
			if visitJSON(arr[i], path[1:], func(x any) { arr[i] = x }, func() {}, fn) {
				changed = true
			}
		}
		return changed
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return false
	}
	child, ok := obj[path[0]]
	if !ok {
		return false
	}
	key := path[0]
	return visitJSON(child, path[1:], func(x any) { obj[key] = x }, func() { delete(obj, key) }, fn)
}

func (mu Mutation) editJSON(v any, set func(any), del func()) bool {
	switch mu.Kind {
	case Drop:
		del()
	case Type:
		set(otherType(v, mu.Types))
	case Enum:
		if !sameValue(v, mu.From) {
			return false
		}
		set(mu.To)
	case OutOfEnum:
		set(mu.To)
	default:
		return false
	}
	return true
}

// otherType is a value of a JSON type neither v has nor types allows.
func otherType(v any, types []string) any {
	allowed := map[string]bool{}
	for _, t := range types {
		allowed[t] = true
	}
	if allowed["integer"] {
		allowed["number"] = true
	}
	candidates := []struct {
		typ string
		v   any
	}{{"number", json.Number("12345")}, {"string", "paycert-mutant"}, {"boolean", true}, {"object", map[string]any{}}}
	for _, c := range candidates {
		if !allowed[c.typ] && jsonType(v) != c.typ {
			return c.v
		}
	}
	return []any{}
}

func jsonType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case json.Number, float64, int:
		return "number"
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return "null"
}

// sameValue compares a value of a message with a value of a schema.
func sameValue(v, schema any) bool {
	_, vs := v.(string)
	_, ss := schema.(string)
	return vs == ss && fmt.Sprint(v) == fmt.Sprint(schema)
}

// visitFields calls fn on every field at path inside l (groups for the path's inner names), with
// a function that deletes it; it reports whether fn changed any. "[]" steps are skipped: a list
// repeats a field's name for the items of an array.
func visitFields(l *fields.List, path []string, fn func(f *fields.Field, del func()) bool) bool {
	for len(path) > 0 && path[0] == "[]" {
		path = path[1:]
	}
	if len(path) == 0 {
		return false
	}
	changed := false
	for i := 0; i < len(*l); i++ {
		if (*l)[i].Name != path[0] {
			continue
		}
		rest := path[1:]
		for len(rest) > 0 && rest[0] == "[]" {
			rest = rest[1:]
		}
		if len(rest) > 0 {
			if (*l)[i].IsGroup() && visitFields(&(*l)[i].Fields, rest, fn) {
				changed = true
			}
			continue
		}
		idx, deleted := i, false
		if fn(&(*l)[i], func() { *l, deleted = append((*l)[:idx:idx], (*l)[idx+1:]...), true }) {
			changed = true
		}
		if deleted {
			i--
		}
	}
	return changed
}

func (mu Mutation) editField(f *fields.Field, del func()) bool {
	switch mu.Kind {
	case Drop:
		del()
	case Type:
		// A field is text, or a group: a number or a boolean becomes words, a text a group, a
		// group a text.
		switch {
		case f.IsGroup():
			f.Fields, f.Value = nil, "paycert-mutant"
		case allows(mu.Types, "integer", "number", "boolean"):
			f.Value = "paycert-mutant"
		default:
			f.Value, f.Fields = "", fields.Of("mutant", "1")
		}
	case Enum:
		if f.IsGroup() || f.Value != fmt.Sprint(mu.From) {
			return false
		}
		f.Value = fmt.Sprint(mu.To)
	case OutOfEnum:
		if f.IsGroup() {
			return false
		}
		f.Value = fmt.Sprint(mu.To)
	default:
		return false
	}
	return true
}

func allows(types []string, wanted ...string) bool {
	for _, t := range types {
		for _, a := range wanted {
			if t == a {
				return true
			}
		}
	}
	return false
}
