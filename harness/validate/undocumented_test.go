package validate_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/validate"
)

// contractAssets is a document whose answer schema uses every way of describing an object's
// members: properties, through $ref, allOf, if/then and oneOf; pattern properties; additional
// properties as a schema and as true; a free-form object; arrays of objects.
var contractAssets = fstest.MapFS{
	"specs/c.yaml": {Data: []byte(`openapi: 3.1.0
info: {title: contract checks, version: "1"}
paths:
  /pay:
    post:
      operationId: pay
      requestBody:
        required: true
        content:
          application/json: {schema: {$ref: "../schemas/c/request.json"}}
          application/x-www-form-urlencoded: {schema: {$ref: "../schemas/c/request.json"}}
      responses:
        "200":
          description: the answer
          content:
            application/json: {schema: {$ref: "../schemas/c/answer.json"}}
            application/xml: {schema: {$ref: "../schemas/c/answer.json"}}
        "204": {description: no body}
  /status:
    get:
      operationId: status
      responses:
        "200":
          description: the answer
          content:
            application/json: {schema: {$ref: "../schemas/c/answer.json"}}
`)},
	"schemas/c/request.json": {Data: []byte(`{"type": "object", "required": ["amount", "phone"],
  "properties": {"amount": {"type": "integer"}, "phone": {"type": "string"}}}`)},
	"schemas/c/item.json": {Data: []byte(`{"type": "object", "required": ["sku"],
  "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"}}}`)},
	"schemas/c/answer.json": {Data: []byte(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "xml": {"name": "root"},
  "type": "object",
  "required": ["status", "id"],
  "properties": {
    "status": {"enum": ["ok", "error"]},
    "id": {"type": "integer"},
    "receipt": {"type": "string"},
    "item": {"$ref": "item.json"},
    "items": {"type": "array", "items": {"$ref": "item.json"}},
    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    "extra": {"type": "object"},
    "open": {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": true},
    "codes": {"type": "object", "patternProperties": {"^x-": {"type": "string"}}}
  },
  "allOf": [{"properties": {"note": {"type": "string"}}}],
  "if": {"properties": {"status": {"const": "error"}}},
  "then": {"properties": {"error_code": {"type": "integer"}}},
  "oneOf": [
    {"properties": {"status": {"const": "error"}}, "required": ["error_code"]},
    {"properties": {"status": {"const": "ok"}}, "required": ["receipt"]}
  ]
}`)},
}

func loadContractSpec(t *testing.T) *validate.Spec {
	t.Helper()
	s, err := validate.Load(contractAssets, "specs/c.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCheckContract(t *testing.T) {
	s := loadContractSpec(t)
	const (
		answerProps = "schemas/c/answer.json#/properties"
		jsonType    = "application/json"
	)
	cases := []struct {
		name        string
		op          string
		status      int
		atLeast     bool
		contentType string
		body        string
		want        []string // substrings of the findings; none means conformant
	}{
		{name: "a whole answer", op: "pay", status: 200, atLeast: true, body: `{"status":"ok","id":1,"receipt":"r"}`},
		{name: "an answer named in part", op: "pay", status: 200, atLeast: true, body: `{"status":"ok"}`},
		{name: "in part, the other oneOf branch and if/then", op: "pay", status: 200, atLeast: true, body: `{"status":"error"}`},
		{name: "a field of the if/then branch", op: "pay", status: 200, atLeast: true, body: `{"status":"error","error_code":5}`},
		{name: "a field of allOf", op: "pay", status: 200, atLeast: true, body: `{"note":"n"}`},
		{name: "a wrong type", op: "pay", status: 200, atLeast: true, body: `{"status":"ok","id":"1"}`, want: []string{"body/id", "expected integer"}},
		{name: "a value outside its enum", op: "pay", status: 200, atLeast: true, body: `{"status":"maybe"}`, want: []string{"body/status"}},
		{name: "a field the document never promised", op: "pay", status: 200, atLeast: true, body: `{"status":"ok","bonus":1}`,
			want: []string{`body/bonus: "bonus" is not a field the schema describes`, "(" + answerProps + ")"}},
		{name: "a field nested through $ref", op: "pay", status: 200, atLeast: true, body: `{"item":{"sku":"a","colour":"red"}}`,
			want: []string{"body/item/colour", "(schemas/c/item.json#/properties)"}},
		{name: "a field in an array item", op: "pay", status: 200, atLeast: true, body: `{"items":[{"sku":"a"},{"size":1}]}`, want: []string{"body/items/1/size"}},
		{name: "additional properties as a schema", op: "pay", status: 200, atLeast: true, body: `{"labels":{"any":"x"}}`},
		{name: "additional properties true", op: "pay", status: 200, atLeast: true, body: `{"open":{"b":1}}`},
		{name: "a free-form object", op: "pay", status: 200, atLeast: true, body: `{"extra":{"anything":{"deep":1}}}`},
		{name: "pattern properties", op: "pay", status: 200, atLeast: true, body: `{"codes":{"x-a":"1","y":"2"}}`,
			want: []string{"body/codes/y", answerProps + "/codes/patternProperties"}},
		{name: "a name that needs escaping", op: "pay", status: 200, atLeast: true, body: `{"a/b~":1}`, want: []string{"body/a~1b~0"}},
		{name: "an XML answer", op: "pay", status: 200, atLeast: true, contentType: fields.ApplicationXML, body: `<root><status>ok</status><bonus>1</bonus></root>`, want: []string{"body/bonus"}},
		{name: "a status not documented", op: "pay", status: 201, atLeast: true, body: `{}`, want: []string{"status 201 is not one the operation documents (200, 204)"}},
		{name: "a body where the status has none", op: "pay", status: 204, atLeast: true, body: `{"status":"ok"}`, want: []string{"status 204 documents no body"}},
		{name: "no body where the status has none", op: "pay", status: 204, atLeast: true},
		{name: "an answer whose body the contract leaves out", op: "pay", status: 200, atLeast: true},
		{name: "a whole request", op: "pay", body: `{"amount":1,"phone":"7"}`},
		{name: "a request without a required field", op: "pay", body: `{"amount":1}`, want: []string{"missing properties: 'phone'"}},
		{name: "a request with a field the document does not have", op: "pay", body: `{"amount":1,"phone":"7","pin":"1"}`,
			want: []string{"body/pin", "schemas/c/request.json#/properties"}},
		{name: "a form request with a field the document does not have", op: "pay", contentType: fields.URLEncoded, body: "amount=1&phone=7&pin=1", want: []string{"body/pin"}},
		{name: "a request without its required body", op: "pay", want: []string{"the request body is required but empty"}},
		{name: "a request body the operation does not take", op: "status", body: `{"a":1}`, want: []string{"the operation documents no request body"}},
		{name: "a message named in part", op: "pay", atLeast: true, contentType: jsonType, body: `{"amount":1}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := s.CheckContract(c.op, c.status, nil, c.contentType, []byte(c.body), c.atLeast)
			wantFindings(t, f, err, c.want)
		})
	}
}

// TestCheckCapturedIsUnchanged: a captured message is still judged by every rule, and a field the
// schema does not forbid is not a finding there.
func TestCheckCapturedIsUnchanged(t *testing.T) {
	s := loadContractSpec(t)
	f, err := s.CheckCaptured("pay", 200, nil, "", []byte(`{"status":"ok","bonus":1}`))
	wantFindings(t, f, err, []string{"missing properties: 'id'"})
	if strings.Contains(f.String(), "bonus") {
		t.Errorf("a captured message's field the schema allows is a finding:\n%s", f)
	}
}

func TestCheckContractUnknownOperation(t *testing.T) {
	if _, err := loadContractSpec(t).CheckContract("nope", 0, nil, "", nil, false); err == nil {
		t.Error("an unknown operation gave no error")
	}
}
