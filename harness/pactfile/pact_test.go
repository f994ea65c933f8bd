package pactfile

import (
	"errors"
	"io/fs"
	"net/url"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func read(t *testing.T, name string) *Pact {
	t.Helper()
	p, err := Read(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// interaction returns the interaction of p with the given description.
func interaction(t *testing.T, p *Pact, description string) Interaction {
	t.Helper()
	for _, in := range p.Interactions {
		if in.Description == description {
			return in
		}
	}
	t.Fatalf("%s has no interaction %q", p.File, description)
	return Interaction{}
}

func TestReadPactVersions(t *testing.T) {
	cases := []struct {
		file, version, provider string
		interactions            int
	}{
		{"v2-paysage.json", "2.0.0", "paysage", 3},
		{"v3-bepaid.json", "3.0.0", "bePaid", 5},
		{"v3-monetix-messages.json", "3.0.0", "Monetix", 5},
		{"v4-freedompay.json", "4.0", "freedompay", 3},
		{"v4-paysage-messages.json", "4.0", "paysage", 3},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			p := read(t, c.file)
			if p.Version != c.version || p.Provider != c.provider || p.Consumer != "shop-backend" || len(p.Interactions) != c.interactions {
				t.Errorf("version %q, provider %q, consumer %q, %d interactions; want %q, %q, shop-backend, %d",
					p.Version, p.Provider, p.Consumer, len(p.Interactions), c.version, c.provider, c.interactions)
			}
			if p.File != filepath.Join("testdata", c.file) {
				t.Errorf("File = %q", p.File)
			}
		})
	}
}

// TestReadHTTPInteractions checks what each specification version writes differently: provider
// states, query strings and objects, headers as strings or arrays, bodies as values or V4 objects
// (text, base64).
func TestReadHTTPInteractions(t *testing.T) {
	v2 := read(t, "v2-paysage.json")
	status := interaction(t, v2, "a status query that reads the status alone")
	if status.Kind != HTTP || status.Request.Method != "GET" || !reflect.DeepEqual(status.Request.Query, url.Values{"language": {"en", "ru"}}) {
		t.Errorf("V2 status query: kind %q, method %q, query %v", status.Kind, status.Request.Method, status.Request.Query)
	}
	if !reflect.DeepEqual(status.ProviderStates, []string{"a successful payment"}) || status.Request.Body.Content != nil {
		t.Errorf("V2 status query: states %q, request body %q", status.ProviderStates, status.Request.Body.Content)
	}
	if got := status.Response.Body; got.ContentType != "application/json; charset=utf-8" || string(got.Content) != `{"transaction": {"status": "successful"}}` {
		t.Errorf("V2 answer body %q of type %q", got.Content, got.ContentType)
	}
	refund := interaction(t, v2, "a refund without its reason")
	if refund.Response.Body.ContentType != "application/json" {
		t.Errorf("a JSON body without a Content-Type header: type %q", refund.Response.Body.ContentType)
	}

	v3 := read(t, "v3-bepaid.json")
	pay := interaction(t, v3, "a test payment from a number whose service is active")
	if !reflect.DeepEqual(pay.ProviderStates, []string{"an MTS Money number with the service"}) || pay.Request.Query.Get("trace") != "1" {
		t.Errorf("V3 payment: states %q, query %v", pay.ProviderStates, pay.Request.Query)
	}
	if pay.Request.Headers.Get("Content-Type") != "application/json" || pay.Request.Headers.Get("authorization") != "Basic c2hvcDprZXk=" {
		t.Errorf("V3 headers as arrays and strings: %v", pay.Request.Headers)
	}
	check := interaction(t, v3, "the service check (API version 3) read as if it were version 2")
	if check.Request.Headers.Get("X-API-Version") != "3" {
		t.Errorf("X-Api-Version: %v", check.Request.Headers)
	}

	v4 := read(t, "v4-freedompay.json")
	form := interaction(t, v4, "a pay request with a field the document does not have")
	if b := form.Request.Body; b.ContentType != "application/x-www-form-urlencoded" || !strings.HasPrefix(string(b.Content), "pg_merchant_id=552211&") {
		t.Errorf("V4 text body %q of type %q", b.Content, b.ContentType)
	}
	multipart := interaction(t, v4, "a pay request sent as a multipart form, base64-encoded")
	if b := multipart.Request.Body; !strings.HasPrefix(string(b.Content), "--b0undary\r\nContent-Disposition: form-data; name=\"pg_merchant_id\"") {
		t.Errorf("V4 base64 body not decoded: %q", b.Content)
	}
	if a := multipart.Response; a.Status != 200 || a.Body.ContentType != "application/xml" || !strings.HasPrefix(string(a.Body.Content), "<root>") {
		t.Errorf("V4 XML answer: %d %q %q", a.Status, a.Body.ContentType, a.Body.Content)
	}
}

func TestReadMessages(t *testing.T) {
	v3 := read(t, "v3-monetix-messages.json")
	inPart := interaction(t, v3, "the callback of a purchase, read in part")
	if inPart.Kind != Message || inPart.Contents.ContentType != "application/json" || !strings.Contains(string(inPart.Contents.Content), `"project_id": 1234`) {
		t.Errorf("V3 message: kind %q, contents %q of type %q", inPart.Kind, inPart.Contents.Content, inPart.Contents.ContentType)
	}
	if got := interaction(t, v3, "a refund callback named by its operation, with its amount as text").MetadataString("operationId"); got != "refundCallback" {
		t.Errorf("operationId from metaData: %q", got)
	}
	v4 := read(t, "v4-paysage-messages.json")
	stringified := interaction(t, v4, "the webhook of a payment with a field the document never promised")
	if string(stringified.Contents.Content) != `{"transaction":{"status":"failed","failure_reason":"balance"}}` || stringified.MetadataString("operation-id") != "paymentWebhook" {
		t.Errorf("V4 message with JSON-encoded contents: %q, metadata %v", stringified.Contents.Content, stringified.Metadata)
	}
	hook := interaction(t, v4, "the webhook of a pending payment")
	if hook.Kind != Message || hook.Contents.ContentType != "application/json" || hook.MetadataString("content-signature") != "c2lnbmF0dXJl" {
		t.Errorf("V4 message: kind %q, type %q, metadata %v", hook.Kind, hook.Contents.ContentType, hook.Metadata)
	}
}

func TestParseOtherInteractionTypes(t *testing.T) {
	p, err := Parse([]byte(`{"provider": {"name": "paysage"}, "interactions": [
		{"type": "Synchronous/Messages", "description": "a request and reply", "providerStates": [{"name": "s"}],
		 "request": {"contents": {"content": "ping"}}, "response": [{"contents": {"content": "pong"}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if in := p.Interactions[0]; in.Kind != "Synchronous/Messages" || in.Description != "a request and reply" || len(in.ProviderStates) != 1 {
		t.Errorf("a synchronous message: %+v", in)
	}
}

func TestReadRefusesWhatIsNotAPact(t *testing.T) {
	cases := []struct {
		name, body string
		notPact    bool   // the error wraps ErrNotPact
		want       string // a substring of the error
	}{
		{"an OpenAPI document", `{"openapi": "3.1.0"}`, true, "neither interactions nor messages"},
		{"not JSON", `interactions:`, true, "not a JSON object"},
		{"a JSON array", `[{"interactions": []}]`, true, "not a JSON object"},
		{"an interaction without a path", `{"interactions": [{"description": "d", "request": {"method": "GET"}, "response": {"status": 200}}]}`, false, `interaction 1 ("d")`},
		{"a body that is not base64", `{"interactions": [{"type": "Synchronous/HTTP", "description": "b", "request": {"method": "POST", "path": "/x",
			"body": {"content": "%%%", "contentType": "application/octet-stream", "encoded": "base64"}}, "response": {"status": 200}}]}`, false, "request body: content is not base64"},
		{"an unknown encoding", `{"interactions": [{"type": "Synchronous/HTTP", "description": "b", "request": {"method": "POST", "path": "/x",
			"body": {"content": "x", "encoded": "rot13"}}, "response": {"status": 200}}]}`, false, `encoded "rot13"`},
		{"a header that is a number", `{"interactions": [{"description": "h", "request": {"method": "GET", "path": "/x", "headers": {"X-N": 1}}, "response": {"status": 200}}]}`, false, "request headers: X-N"},
		{"a message whose states are not a list", `{"messages": [{"description": "m", "providerStates": "s", "contents": {}}]}`, false, `message 1 ("m"): providerStates`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.body))
			if err == nil || !strings.Contains(err.Error(), c.want) || errors.Is(err, ErrNotPact) != c.notPact {
				t.Errorf("error %v; want one that says %q (not a pact: %v)", err, c.want, c.notPact)
			}
		})
	}
	if _, err := Read(filepath.Join("testdata", "no-such-pact.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
	if _, err := Read(filepath.Join("testdata", "not-a-pact.json")); !errors.Is(err, ErrNotPact) || !strings.Contains(err.Error(), "not-a-pact.json") {
		t.Errorf("not a pact: %v", err)
	}
}
