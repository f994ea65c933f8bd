package pactfile

import (
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/harness/validate"
)

// providerSpec loads the document of the pact's provider, named as paycert names it in any case.
func providerSpec(t *testing.T, p *Pact) *validate.Spec {
	t.Helper()
	s, err := validate.Load(paycert.Assets(""), "specs/"+strings.ToLower(p.Provider)+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCheckedInPactsHaveNoFindings: paycert's own contracts, written from the reference clients,
// and the example pacts of examples/pacts expect only what the documents promise. Every file
// there is checked, so that a provider's contract is held to this from the day it is written.
func TestCheckedInPactsHaveNoFindings(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "contracts", "pacts", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 {
		t.Fatalf("contracts/pacts holds %d pact files, want the providers' contracts", len(files))
	}
	examples, err := filepath.Glob(filepath.Join("..", "..", "examples", "pacts", "*.json"))
	if err != nil || len(examples) < 4 {
		t.Fatalf("examples/pacts holds %d pact files (%v), want an example per provider", len(examples), err)
	}
	files = append(files, examples...)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			p, err := Read(file)
			if err != nil {
				t.Fatal(err)
			}
			results := Check(providerSpec(t, p), p)
			if len(results) == 0 {
				t.Fatal("no interaction checked")
			}
			for _, r := range results {
				if len(r.Findings) > 0 || r.Err != nil || r.Operation == "" {
					t.Errorf("%q against %q: %v\n%s", r.Description, r.Operation, r.Err, r.Findings)
				}
			}
		})
	}
}

// TestCheckFindsWhatTheDocumentDoesNotPromise checks the hand-written pacts of testdata, one of
// each specification version, interaction by interaction; every interaction there is in the table.
func TestCheckFindsWhatTheDocumentDoesNotPromise(t *testing.T) {
	type want struct {
		operation string
		findings  []string // a substring of each finding, in order; none means no finding
		rule      string   // the start of the first finding's rule
		refusal   bool
	}
	cases := map[string]map[string]want{
		"v2-paysage.json": {
			"a payment whose answer names a field the document never promised": {operation: "createPayment", findings: []string{
				`response body/transaction/loyalty_points: "loyalty_points" is not a field the schema describes`}, rule: "schemas/begateway/transaction.json#/properties"},
			"a status query that reads the status alone": {operation: "getTransaction"},
			"a refund without its reason":                {operation: "refundPayment", findings: []string{"request body/request: missing properties: 'reason'"}, rule: "schemas/begateway/refund-request.json#/properties/request/required"},
		},
		"v3-bepaid.json": {
			"a test payment from a number whose service is active":           {operation: "createPayment"},
			"a payment with its amount as text":                              {operation: "createPayment", findings: []string{"request body/request/amount: expected integer, but got string"}},
			"the service check (API version 3) read as if it were version 2": {operation: "checkService", findings: []string{"response body/service_activated: not failed"}, rule: "schemas/bepaid/check-service-v3.json#"},
			"an authorization, which the document does not have":             {findings: []string{"request: the document has no operation POST /beyag/transactions/authorizations"}, rule: "specs/bepaid.yaml"},
			"a status query answered 418":                                    {operation: "getTransaction", refusal: true, findings: []string{"response status: status 418 is not one the operation documents"}},
		},
		"v4-freedompay.json": {
			"a pay request with a field the document does not have": {operation: "pay", findings: []string{
				`request body/pg_loyalty_card: "pg_loyalty_card" is not a field the schema describes`}, rule: "schemas/freedompay/pay-request.json#/properties"},
			"a pay request sent as a multipart form, base64-encoded": {operation: "pay", findings: []string{"response body/pg_bonus"}, rule: "schemas/freedompay/pay-response.json#/properties"},
			// Without pg_sig, a request FreedomPay refuses; the pact expects that refusal.
			"a status query of an unknown payment, refused": {operation: "getStatus", refusal: true},
		},
		"v3-monetix-messages.json": {
			"the callback of a successful purchase":                             {operation: "purchaseCallback"},
			"the callback of a purchase, read in part":                          {operation: "purchaseCallback"},
			"a callback that names a field the document never promised":         {operation: "purchaseCallback", findings: []string{"message body/loyalty"}, rule: "schemas/monetix/callback.json#/properties"},
			"a refund callback named by its operation, with its amount as text": {operation: "refundCallback", findings: []string{"message body/operation/sum_initial/amount: expected integer"}},
			"a payout callback, which the document does not have":               {findings: []string{`metadata operationId: the document has no operation "payoutCallback"`}},
		},
		"v4-paysage-messages.json": {
			"the webhook of a pending payment":                                  {operation: "paymentWebhook"},
			"the webhook of a payment, its status only":                         {operation: "paymentWebhook"},
			"the webhook of a payment with a field the document never promised": {operation: "paymentWebhook", findings: []string{"message body/transaction/failure_reason"}},
		},
	}
	for file, interactions := range cases {
		t.Run(file, func(t *testing.T) {
			p := read(t, file)
			results := Check(providerSpec(t, p), p)
			if len(results) != len(interactions) {
				t.Errorf("%d results for %d interactions in the table", len(results), len(interactions))
			}
			for _, r := range results {
				w, ok := interactions[r.Description]
				if !ok {
					t.Errorf("%q is not in the table", r.Description)
					continue
				}
				if r.Err != nil || r.Operation != w.operation || r.Refusal != w.refusal {
					t.Errorf("%q: operation %q, refusal %v, error %v; want %q, %v", r.Description, r.Operation, r.Refusal, r.Err, w.operation, w.refusal)
				}
				if len(r.Findings) != len(w.findings) {
					t.Errorf("%q: %d findings, want %d:\n%s", r.Description, len(r.Findings), len(w.findings), r.Findings)
					continue
				}
				for i, s := range w.findings {
					if !strings.Contains(r.Findings[i].String(), s) {
						t.Errorf("%q: finding %d does not say %q:\n%s", r.Description, i+1, s, r.Findings)
					}
				}
				if w.rule != "" && !strings.HasPrefix(r.Findings[0].Rule, w.rule) {
					t.Errorf("%q: rule %q, want %s...", r.Description, r.Findings[0].Rule, w.rule)
				}
			}
		})
	}
}

// orders is a document with two callbacks of different bodies and an operation whose schema does
// not compile (its $schema names a draft that is not there).
var orders = fstest.MapFS{
	"specs/orders.yaml": {Data: []byte(`openapi: 3.1.0
info: {title: orders, version: "1"}
paths:
  /orders:
    post:
      operationId: createOrder
      requestBody:
        content:
          application/json: {schema: {$ref: "../schemas/o/order.json"}}
      responses:
        "200":
          description: the order
          content:
            application/json: {schema: {$ref: "../schemas/o/order.json"}}
      callbacks:
        paid:
          "{$request.body#/url}":
            post:
              operationId: orderPaid
              requestBody:
                content:
                  application/json: {schema: {$ref: "../schemas/o/paid.json"}}
              responses:
                "200": {description: taken}
        refunded:
          "{$request.body#/url}":
            post:
              operationId: orderRefunded
              requestBody:
                content:
                  application/json: {schema: {$ref: "../schemas/o/refunded.json"}}
              responses:
                "200": {description: taken}
  /broken:
    post:
      operationId: broken
      requestBody:
        content:
          application/json: {schema: {$ref: "../schemas/o/broken.json"}}
      responses:
        "204": {description: nothing}
`)},
	"schemas/o/order.json":    {Data: []byte(`{"type": "object", "properties": {"id": {"type": "integer"}, "url": {"type": "string"}}}`)},
	"schemas/o/paid.json":     {Data: []byte(`{"type": "object", "properties": {"order": {"type": "integer"}, "paid_at": {"type": "string"}}}`)},
	"schemas/o/refunded.json": {Data: []byte(`{"type": "object", "properties": {"order": {"type": "integer"}, "refund": {"type": "integer"}}}`)},
	"schemas/o/broken.json":   {Data: []byte(`{"$schema": "https://schemas.example/no-such-draft", "type": "object"}`)},
}

// TestCheckGoesOnAfterAnError: an interaction the checker cannot check (a schema that does not
// compile, a kind paycert does not check) carries its error, and the others are checked; a
// message is judged as the callback that takes it, or else the one closest to it.
func TestCheckGoesOnAfterAnError(t *testing.T) {
	spec, err := validate.Load(orders, "specs/orders.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse([]byte(`{"provider": {"name": "orders"}, "interactions": [
	  {"description": "a broken operation", "request": {"method": "POST", "path": "/broken", "body": {"a": "x"}}, "response": {"status": 204}},
	  {"type": "Synchronous/Messages", "description": "a request and reply", "request": {"contents": {"content": "ping"}}},
	  {"description": "an order with a field too many", "request": {"method": "POST", "path": "/orders", "body": {"id": 1, "colour": "red"}},
	   "response": {"status": 200, "body": {"id": 1}}},
	  {"type": "Asynchronous/Messages", "description": "a refund", "contents": {"content": {"order": 1, "refund": 2}, "contentType": "application/json"}},
	  {"type": "Asynchronous/Messages", "description": "a refund with a note", "contents": {"content": {"order": 1, "refund": 2, "note": "n"}}},
	  {"type": "Asynchronous/Messages", "description": "an order named by its operation", "contents": {"content": {"id": 1}},
	   "metadata": {"operationId": "createOrder"}}
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	results := Check(spec, p)
	want := []struct {
		description, operation, err, finding string
	}{
		{"a broken operation", "broken", "request: compile schema", ""},
		{"a request and reply", "", "a Synchronous/Messages interaction", ""},
		{"an order with a field too many", "createOrder", "", "request body/colour"},
		{"a refund", "orderRefunded", "", ""},
		{"a refund with a note", "orderRefunded", "", "message body/note"},
		{"an order named by its operation", "createOrder", "", "metadata operationId: createOrder is not a callback"},
	}
	if len(results) != len(want) {
		t.Fatalf("%d results, want %d", len(results), len(want))
	}
	for i, w := range want {
		r := results[i]
		gotErr := ""
		if r.Err != nil {
			gotErr = r.Err.Error()
		}
		if r.Description != w.description || r.Operation != w.operation || (w.err == "") != (gotErr == "") || !strings.Contains(gotErr, w.err) {
			t.Errorf("result %d: %q against %q, error %q; want %q against %q, error with %q", i, r.Description, r.Operation, gotErr, w.description, w.operation, w.err)
		}
		if (w.finding == "") != (len(r.Findings) == 0) || !strings.Contains(r.Findings.String(), w.finding) {
			t.Errorf("%q: findings\n%s\nwant one with %q", r.Description, r.Findings, w.finding)
		}
	}
}
