package validate_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/validate"
)

// formSchemas is a schema tree of a form request and an XML answer with fields of every type.
var formSchemas = fstest.MapFS{
	"schemas/t/answer.json": {Data: []byte(`{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "xml": {"name": "root"},
  "type": "object",
  "required": ["pg_status", "pg_payment_id"],
  "properties": {
    "pg_status": {"enum": ["ok", "error"]},
    "pg_payment_id": {"type": "integer", "minimum": 1},
    "pg_amount": {"type": "number"},
    "pg_flag": {"type": "boolean"},
    "pg_note": {"type": ["string", "null"]},
    "pg_count": {"type": ["integer", "null"]},
    "pg_order_id": {"type": "string"},
    "pg_refunds": {"type": "array", "items": {"$ref": "refund.json"}},
    "pg_sig": {"type": "string", "pattern": "^[0-9a-f]{32}$"}
  },
  "if": {"properties": {"pg_status": {"const": "error"}}},
  "then": {"properties": {"pg_error_code": {"type": "integer"}}, "required": ["pg_error_code"]}
}`)},
	"schemas/t/refund.json": {Data: []byte(`{"type": "object", "properties": {"pg_amount": {"type": "number", "maximum": 0}}, "required": ["pg_amount"]}`)},
}

func TestCheckMessageTypesFieldsFromTheSchema(t *testing.T) {
	s := validate.NewSchemas(formSchemas)
	const file = "schemas/t/answer.json"
	xmlAnswer := func(inner string) string {
		return `<?xml version="1.0" encoding="utf-8"?><root>` + inner + `</root>`
	}
	good := `<pg_status>ok</pg_status><pg_payment_id>12345</pg_payment_id><pg_amount>25.50</pg_amount><pg_flag>true</pg_flag>` +
		`<pg_note></pg_note><pg_count></pg_count><pg_order_id>00102</pg_order_id>` +
		`<pg_refunds><pg_refund><pg_amount>-10</pg_amount></pg_refund><pg_refund><pg_amount>-5.5</pg_amount></pg_refund></pg_refunds>`
	cases := []struct {
		name, contentType, body string
		xmlField                string
		want                    []string // substrings of the findings; none means conformant
	}{
		{name: "XML answer", contentType: "application/xml", body: xmlAnswer(good)},
		{name: "text/xml", contentType: "text/xml; charset=utf-8", body: xmlAnswer(good)},
		{name: "another root", contentType: "application/xml", body: `<response>` + good + `</response>`, want: []string{"the root element is <response>, want <root>"}},
		{name: "an integer that is not one", contentType: "application/xml", body: xmlAnswer(strings.Replace(good, ">12345<", ">12a45<", 1)), want: []string{"body/pg_payment_id", "expected integer, but got string"}},
		{name: "an empty integer", contentType: "application/xml", body: xmlAnswer(strings.Replace(good, ">12345<", "><", 1)), want: []string{"body/pg_payment_id"}},
		{name: "a number out of range inside an array", contentType: "application/xml", body: xmlAnswer(strings.Replace(good, ">-10<", ">10<", 1)), want: []string{"body/pg_refunds/0/pg_amount"}},
		{name: "a value outside its enum", contentType: "application/xml", body: xmlAnswer(strings.Replace(good, ">ok<", ">string<", 1)), want: []string{"body/pg_status"}},
		{name: "the error branch of if/then", contentType: "application/xml", body: xmlAnswer(strings.Replace(good, ">ok<", ">error<", 1)), want: []string{"missing properties: 'pg_error_code'"}},
		{name: "the error branch typed", contentType: "application/xml", body: xmlAnswer(strings.Replace(good, ">ok<", ">error<", 1) + `<pg_error_code>340</pg_error_code>`)},
		{name: "not XML", contentType: "application/xml", body: `{"pg_status":"ok"}`, want: []string{"not XML"}},
		{name: "cut XML", contentType: "application/xml", body: xmlAnswer(good)[:60], want: []string{"not well-formed XML"}},
		{name: "URL-encoded form", contentType: fields.URLEncoded, body: "pg_status=ok&pg_payment_id=7&pg_order_id=001&pg_flag=false"},
		{name: "form missing a field", contentType: fields.URLEncoded, body: "pg_status=ok", want: []string{"missing properties: 'pg_payment_id'"}},
		{name: "form with an XML field", contentType: fields.URLEncoded, xmlField: "pg_xml", body: "pg_xml=" + strings.ReplaceAll(`<request><pg_status>ok</pg_status><pg_payment_id>0</pg_payment_id></request>`, "<", "%3C"), want: []string{"body/pg_payment_id", "must be >= 1"}},
		{name: "form with broken XML", contentType: fields.URLEncoded, xmlField: "pg_xml", body: "pg_xml=%3Cr", want: []string{"body/pg_xml"}},
		{name: "broken form", contentType: "multipart/form-data; boundary=zz", body: "--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1", want: []string{"not a form"}},
		{name: "JSON stays JSON", contentType: "application/json", body: `{"pg_status":"ok","pg_payment_id":"7"}`, want: []string{"expected integer, but got string"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := s.CheckMessage(file, c.contentType, []byte(c.body), c.xmlField)
			wantFindings(t, f, err, c.want)
		})
	}
}

func TestMultipartFormChecked(t *testing.T) {
	s := validate.NewSchemas(formSchemas)
	ct, body, err := fields.Of("pg_status", "ok", "pg_payment_id", "0").EncodeMultipart("")
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.CheckMessage("schemas/t/answer.json", ct, body, "")
	if err != nil || !strings.Contains(f.String(), "body/pg_payment_id") {
		t.Fatalf("want a finding on pg_payment_id, got %v %v", f, err)
	}
}

func TestDecodeBodyAndSniff(t *testing.T) {
	for body, want := range map[string]string{
		`<?xml version="1.0"?><root/>`: "application/xml",
		` {"a":1}`:                     "application/json",
		"--b0und\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b0und--\r\n": "multipart/form-data; boundary=b0und",
		"pg_a=1&pg_b=2": fields.URLEncoded,
	} {
		got := validate.Sniff([]byte(body))
		if got != want {
			t.Errorf("Sniff(%q) = %q, want %q", body, got, want)
			continue
		}
		v, err := validate.DecodeBody(got, []byte(body))
		if err != nil || v == nil {
			t.Errorf("DecodeBody(%q, %q) = %v, %v", got, body, v, err)
		}
	}
	v, err := validate.DecodeBody("text/xml", []byte(`<root><pg_status>ok</pg_status></root>`))
	if err != nil || v.(map[string]any)["pg_status"] != "ok" {
		t.Errorf("DecodeBody XML = %v, %v", v, err)
	}
}
