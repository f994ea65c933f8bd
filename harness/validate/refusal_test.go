package validate_test

import (
	"testing"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/validate"
)

// TestRefuses: an error status is a refusal everywhere; an answer with status 200 is one where the
// document's x-paycert-refusal names it (FreedomPay's pg_status error), and nowhere else.
func TestRefuses(t *testing.T) {
	freedompay, err := validate.Load(paycert.Assets(""), "specs/freedompay.yaml")
	if err != nil {
		t.Fatal(err)
	}
	const (
		refusedXML  = `<?xml version="1.0"?><response><pg_status>error</pg_status><pg_error_code>103</pg_error_code></response>`
		accepted    = `<response><pg_status>ok</pg_status><pg_payment_id>7</pg_payment_id></response>`
		refusedJSON = `{"status":"error"}`
	)
	cases := []struct {
		name        string
		spec        *validate.Spec
		status      int
		contentType string
		body        string
		want        bool
	}{
		{"FreedomPay's error answer", freedompay, 200, fields.ApplicationXML, refusedXML, true},
		{"FreedomPay's error answer, its type read from the body", freedompay, 200, "", refusedXML, true},
		{"FreedomPay's accepted answer", freedompay, 200, fields.ApplicationXML, accepted, false},
		{"FreedomPay's answer without a body", freedompay, 200, "", "", false},
		{"an error status", freedompay, 401, "", "", true},
		{"a document without the extension", load(t), 200, "application/json", refusedJSON, false},
		{"an error status of a document without the extension", load(t), 422, "application/json", refusedJSON, true},
	}
	for _, c := range cases {
		if got := c.spec.Refuses(c.status, c.contentType, []byte(c.body)); got != c.want {
			t.Errorf("%s: Refuses = %v, want %v", c.name, got, c.want)
		}
	}
}
