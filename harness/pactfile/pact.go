// Package pactfile reads Pact contract files (specification V2, V3 and V4: HTTP interactions and
// messages) into a small model, and checks what each interaction sends and expects against a
// provider's OpenAPI document and schemas (Check), before any provider runs.
//
// A pact's bodies are examples: where matching rules or provider-state generators stand beside a
// value, the value written in the file is what is checked.
package pactfile

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"os"
	"strings"
)

// Kinds of interaction paycert checks. An interaction of another kind (a V4
// "Synchronous/Messages") keeps its V4 type as its Kind.
const (
	// HTTP is a request to the provider and the answer the consumer expects.
	HTTP = "http"
	// Message is a message the provider sends the consumer (a callback or webhook).
	Message = "message"
)

// ErrNotPact is wrapped by the error Read returns for a file that is JSON but not a pact.
var ErrNotPact = errors.New("not a pact file")

// Pact is one pact file: the contract between a consumer and a provider.
type Pact struct {
	// Consumer and Provider are the names the file gives them.
	Consumer, Provider string
	// File is the path the pact was read from.
	File string
	// Version is the Pact specification version the file's metadata names ("4.0"), or "".
	Version string
	// Interactions are the file's HTTP interactions and messages, in the file's order.
	Interactions []Interaction
}

// Interaction is one interaction of a pact: an HTTP request and its answer, or a message.
type Interaction struct {
	// Description is the interaction's description, which names it in the pact.
	Description string
	// ProviderStates names the states the provider must be in (V2's providerState, V3 and V4's
	// providerStates).
	ProviderStates []string
	// Kind is HTTP or Message, or a V4 interaction type paycert does not check.
	Kind string
	// Request and Response are an HTTP interaction's.
	Request  Request
	Response Response
	// Contents and Metadata are a message's.
	Contents Body
	Metadata map[string]any
}

// Request is the request of an HTTP interaction.
type Request struct {
	Method, Path string
	Query        url.Values
	Headers      http.Header
	Body         Body
}

// Response is the answer an HTTP interaction expects.
type Response struct {
	Status  int
	Headers http.Header
	Body    Body
}

// Body is a body as a pact writes it, turned into the bytes that would be sent: JSON as JSON, text
// (a form, XML) as its text, base64-encoded content decoded.
type Body struct {
	// Content is nil when the pact names no body.
	Content []byte
	// ContentType is the body's content type: V4's contentType, else the Content-Type header or
	// the message metadata's, else application/json for a JSON value that is not a string, else "".
	ContentType string
}

// MetadataString returns the string the message metadata holds under name, matched without regard
// to case, dashes or underscores ("contentType", "content-type" and "Content_Type" are one name).
func (in Interaction) MetadataString(name string) string {
	for k, v := range in.Metadata {
		if s, ok := v.(string); ok && metadataKey(k) == metadataKey(name) {
			return s
		}
	}
	return ""
}

func metadataKey(k string) string {
	return strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(k))
}

// Read reads the pact file at path. A file that cannot be read, is not JSON, or is not a pact
// (neither interactions nor messages) is an error.
func Read(path string) (*Pact, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read pact: %w", err)
	}
	p, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("pact %s: %w", path, err)
	}
	p.File = path
	return p, nil
}

// Parse reads a pact from its JSON text; File is left empty.
func Parse(data []byte) (*Pact, error) {
	var raw struct {
		Consumer     struct{ Name string }
		Provider     struct{ Name string }
		Metadata     map[string]json.RawMessage
		Interactions []json.RawMessage
		Messages     []json.RawMessage
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("%w: not a JSON object: %v", ErrNotPact, err)
	}
	if raw.Interactions == nil && raw.Messages == nil {
		return nil, fmt.Errorf("%w: it has neither interactions nor messages", ErrNotPact)
	}
	p := &Pact{Consumer: raw.Consumer.Name, Provider: raw.Provider.Name, Version: specVersion(raw.Metadata)}
	for i, r := range raw.Interactions {
		in, err := parseInteraction(r)
		if err != nil {
			return nil, fmt.Errorf("interaction %d%s: %w", i+1, describe(r), err)
		}
		p.Interactions = append(p.Interactions, in)
	}
	for i, r := range raw.Messages {
		in, err := parseMessage(r, false)
		if err != nil {
			return nil, fmt.Errorf("message %d%s: %w", i+1, describe(r), err)
		}
		p.Interactions = append(p.Interactions, in)
	}
	return p, nil
}

// specVersion is the specification version a pact's metadata names (pactSpecification, or V2's
// pact-specification / pactSpecificationVersion).
func specVersion(meta map[string]json.RawMessage) string {
	for _, key := range []string{"pactSpecification", "pact-specification"} {
		var v struct{ Version string }
		if json.Unmarshal(meta[key], &v) == nil && v.Version != "" {
			return v.Version
		}
	}
	var v string
	_ = json.Unmarshal(meta["pactSpecificationVersion"], &v)
	return v
}

// describe is ` ("its description")` for error messages, or "".
func describe(r json.RawMessage) string {
	var d struct{ Description string }
	if json.Unmarshal(r, &d) != nil || d.Description == "" {
		return ""
	}
	return fmt.Sprintf(" (%q)", d.Description)
}

// common is what every interaction and message has.
type common struct {
	Type           string
	Description    string
	ProviderState  string          // V2
	ProviderStates json.RawMessage // V3, V4: [{"name": ..., "params": ...}]
}

func (c common) states() ([]string, error) {
	var out []string
	if c.ProviderState != "" {
		out = append(out, c.ProviderState)
	}
	if len(c.ProviderStates) == 0 || string(c.ProviderStates) == "null" {
		return out, nil
	}
	var states []struct{ Name string }
	if err := json.Unmarshal(c.ProviderStates, &states); err != nil {
		return nil, fmt.Errorf("providerStates: %w", err)
	}
	for _, s := range states {
		out = append(out, s.Name)
	}
	return out, nil
}

// parseInteraction reads an element of interactions: a V2 or V3 HTTP interaction, or a V4
// interaction of any type.
func parseInteraction(r json.RawMessage) (Interaction, error) {
	var c common
	if err := json.Unmarshal(r, &c); err != nil {
		return Interaction{}, err
	}
	switch c.Type {
	case "", "Synchronous/HTTP":
	case "Asynchronous/Messages":
		return parseMessage(r, true)
	default:
		states, err := c.states()
		return Interaction{Description: c.Description, ProviderStates: states, Kind: c.Type}, err
	}
	v4 := c.Type != ""
	var raw struct {
		Request struct {
			Method  string
			Path    string
			Query   json.RawMessage
			Headers json.RawMessage
			Body    json.RawMessage
		}
		Response struct {
			Status  int
			Headers json.RawMessage
			Body    json.RawMessage
		}
	}
	if err := json.Unmarshal(r, &raw); err != nil {
		return Interaction{}, err
	}
	states, err := c.states()
	if err != nil {
		return Interaction{}, err
	}
	in := Interaction{Description: c.Description, ProviderStates: states, Kind: HTTP}
	q := &in.Request
	q.Method, q.Path = strings.ToUpper(raw.Request.Method), raw.Request.Path
	if q.Query, err = query(raw.Request.Query); err != nil {
		return Interaction{}, fmt.Errorf("request query: %w", err)
	}
	if q.Headers, err = headers(raw.Request.Headers); err != nil {
		return Interaction{}, fmt.Errorf("request headers: %w", err)
	}
	if q.Body, err = body(raw.Request.Body, v4, q.Headers.Get("Content-Type")); err != nil {
		return Interaction{}, fmt.Errorf("request body: %w", err)
	}
	a := &in.Response
	a.Status = raw.Response.Status
	if a.Headers, err = headers(raw.Response.Headers); err != nil {
		return Interaction{}, fmt.Errorf("response headers: %w", err)
	}
	if a.Body, err = body(raw.Response.Body, v4, a.Headers.Get("Content-Type")); err != nil {
		return Interaction{}, fmt.Errorf("response body: %w", err)
	}
	if q.Method == "" || q.Path == "" || a.Status == 0 {
		return Interaction{}, errors.New("an HTTP interaction needs a request method and path and a response status")
	}
	return in, nil
}

// parseMessage reads a V3 message (contents and metaData) or a V4 asynchronous message (contents
// as a V4 body, and metadata).
func parseMessage(r json.RawMessage, v4 bool) (Interaction, error) {
	var raw struct {
		common
		Contents json.RawMessage
		MetaData map[string]any `json:"metaData"` // V3 (some writers say metadata)
		Metadata map[string]any `json:"metadata"` // V4
	}
	if err := json.Unmarshal(r, &raw); err != nil {
		return Interaction{}, err
	}
	states, err := raw.states()
	if err != nil {
		return Interaction{}, err
	}
	in := Interaction{Description: raw.Description, ProviderStates: states, Kind: Message, Metadata: raw.Metadata}
	if in.Metadata == nil {
		in.Metadata = raw.MetaData
	}
	if in.Contents, err = body(raw.Contents, v4, in.MetadataString("contentType")); err != nil {
		return Interaction{}, fmt.Errorf("contents: %w", err)
	}
	return in, nil
}

// query reads a V2 query string ("a=1&b=2") or a V3/V4 query object whose values are strings or
// arrays of strings.
func query(raw json.RawMessage) (url.Values, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return url.Values{}, nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return url.ParseQuery(s)
	}
	m, err := stringsOrArrays(raw)
	return url.Values(m), err
}

// headers reads headers whose values are strings (V2, V3) or arrays of strings (V3, V4).
func headers(raw json.RawMessage) (http.Header, error) {
	h := http.Header{}
	if len(raw) == 0 || string(raw) == "null" {
		return h, nil
	}
	m, err := stringsOrArrays(raw)
	for name, values := range m {
		for _, v := range values {
			h.Add(name, v)
		}
	}
	return h, err
}

func stringsOrArrays(raw json.RawMessage) (map[string][]string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	out := make(map[string][]string, len(m))
	for k, v := range m {
		var s string
		if json.Unmarshal(v, &s) == nil {
			out[k] = []string{s}
			continue
		}
		var list []string
		if err := json.Unmarshal(v, &list); err != nil {
			return nil, fmt.Errorf("%s: want a string or an array of strings, got %s", k, v)
		}
		out[k] = list
	}
	return out, nil
}

// body reads a body: in V4 an object {"content": ..., "contentType": ..., "encoded": ...}, before
// V4 the value itself; headerType is the Content-Type its headers or metadata give.
func body(raw json.RawMessage, v4 bool, headerType string) (Body, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return Body{}, nil
	}
	b := Body{ContentType: headerType}
	content := raw
	var encoded any
	if v4 {
		var w struct {
			Content     json.RawMessage
			ContentType string
			Encoded     any
		}
		if err := json.Unmarshal(raw, &w); err != nil {
			return Body{}, fmt.Errorf("a V4 body is an object with content, contentType and encoded: %w", err)
		}
		if len(w.Content) == 0 || string(w.Content) == "null" {
			return Body{}, nil
		}
		content, encoded = w.Content, w.Encoded
		if w.ContentType != "" {
			b.ContentType = w.ContentType
		}
	}
	var text string
	if json.Unmarshal(content, &text) != nil {
		// A JSON value written as itself.
		b.Content = []byte(content)
		if b.ContentType == "" {
			b.ContentType = "application/json"
		}
		return b, nil
	}
	switch e := encoded.(type) {
	case nil, bool:
		if e == true {
			return decodeBase64(b, text)
		}
		if isJSON(b.ContentType) && !v4 {
			// Before V4 a JSON string body is the string, written as JSON.
			b.Content = []byte(content)
			return b, nil
		}
		b.Content = []byte(text)
	case string:
		switch strings.ToLower(e) {
		case "base64":
			return decodeBase64(b, text)
		case "json", "text", "":
			b.Content = []byte(text)
		default:
			return Body{}, fmt.Errorf("encoded %q is not base64, json or false", e)
		}
	default:
		return Body{}, fmt.Errorf("encoded is %v, want base64, json or false", encoded)
	}
	return b, nil
}

func decodeBase64(b Body, text string) (Body, error) {
	data, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return Body{}, fmt.Errorf("content is not base64: %w", err)
	}
	b.Content = data
	return b, nil
}

// isJSON says whether a content type is JSON's (application/json, application/*+json).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}
