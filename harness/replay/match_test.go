package replay

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/report"
)

// TestSameLeaf: a recorded value matches itself; a mask the redactor wrote stands for what it
// removed, and nothing else does.
func TestSameLeaf(t *testing.T) {
	cases := []struct {
		rec, got leaf
		want     bool
	}{
		{leaf{"KZT", true}, leaf{"KZT", true}, true},
		{leaf{"KZT", true}, leaf{"USD", true}, false},
		{leaf{"1000", false}, leaf{"1000", true}, false}, // a number is not a string
		{leaf{record.SecretMask, true}, leaf{"any-secret", true}, true},
		{leaf{"[OTP#1]", true}, leaf{"123456", true}, true},
		{leaf{"[OTP#1 altered]", true}, leaf{"0000", false}, true},
		{leaf{"[OTP]", true}, leaf{"", true}, true},
		{leaf{"*******1186", true}, leaf{"77012341186", true}, true},
		{leaf{"*******1186", true}, leaf{"77012341187", true}, false},
		{leaf{"*******1186", true}, leaf{"7701231186", true}, false}, // one digit short
		{leaf{"Basic [REDACTED]", true}, leaf{"Basic dXNlcjpwYXNz", true}, true},
		{leaf{"Basic [REDACTED]", true}, leaf{"Bearer x", true}, false},
		{leaf{"call +***1186 now", true}, leaf{"call +7701186 now", true}, true},
		{leaf{"call +***1186 now", true}, leaf{"call +77011860 now", true}, false},
		{leaf{"code [OTP#2] sent", true}, leaf{"code 5555 sent", true}, true},
		{leaf{"[literal]", true}, leaf{"x", true}, false},
	}
	for _, c := range cases {
		if got := sameLeaf(c.rec, c.got); got != c.want {
			t.Errorf("sameLeaf(%+v, %+v) = %v, want %v", c.rec, c.got, got, c.want)
		}
	}
}

// TestVolatile: the harness's random IDs, salts, signatures, timestamps and callback URLs are not
// compared; what the client chooses is.
func TestVolatile(t *testing.T) {
	for path, want := range map[string]bool{
		"request.tracking_id": true, "pg_order_id": true, "general.payment_id": true, "pg_salt": true, "pg_sig": true,
		"general.signature": true, "request.expired_at": true, "request.notification_url": true, "pg_result_url": true,
		"customer.id": true, "customer[id]": true, "general.merchant_callback_url": true, "pg_salt#2": true,
		"request.amount": false, "pg_payment_id": false, "request.parent_uid": false, "id": false, "payment.amount": false,
		"request.method.account_number": false, "pg_amount": false, "request.return_url": false,
	} {
		if got := Volatile(path); got != want {
			t.Errorf("Volatile(%q) = %v, want %v", path, got, want)
		}
	}
}

// TestBodyDiffers: JSON, form and XML bodies are compared field by field, by the name a person
// reads in the transcript; a body that is none of them as text; a cut one on what it kept.
func TestBodyDiffers(t *testing.T) {
	const form = "application/x-www-form-urlencoded"
	const multipart = "multipart/form-data; boundary=b"
	long := strings.Repeat("x", record.MaxKept)
	cutForm := "pg_merchant_id=552211\npg_payment_id=100001\npg_padding=" + long[:100] + "\n… (2000000 more bytes not kept)"
	cases := []struct {
		name           string
		recCT, recBody string
		gotCT, gotBody string
		want           string
	}{
		{"same JSON, other key order and spacing", "application/json", `{"a": 1, "b": {"c": "x"}}`, "application/json", `{"b":{"c":"x"},"a":1}`, ""},
		{"JSON number and string", "application/json", `{"a": 1}`, "application/json", `{"a":"1"}`, "a"},
		{"JSON field missing and added", "application/json", `{"a": 1, "b": 2}`, "application/json", `{"a":1,"c":2}`, "b,c"},
		{"JSON array element", "application/json", `{"a": [1, 2]}`, "application/json", `{"a":[1,3]}`, "a.1"},
		{"JSON volatile field", "application/json", `{"request": {"tracking_id": "paycert-1"}}`, "application/json", `{"request":{"tracking_id":"mine"}}`, ""},
		{"form against its transcript lines", multipart, "pg_amount=150\npg_salt=abc\npg_sig=[REDACTED]", form, "pg_amount=150&pg_salt=zzz&pg_sig=123", ""},
		{"form field changed", multipart, "pg_amount=150\npg_salt=abc", form, "pg_amount=151&pg_salt=abc", "pg_amount"},
		{"form nested names", form, "a[b]=1", form, "a%5Bb%5D=2", "a[b]"},
		{"form value over lines", form, "pg_xml=<a>\n<b>1</b>\n</a>", form, "pg_xml=" + url.QueryEscape("<a>\n<b>1</b>\n</a>"), ""},
		{"XML re-indented", "application/xml", "<response>\n  <pg_status>ok</pg_status>\n</response>", "text/xml", "<response><pg_status>ok</pg_status></response>", ""},
		{"XML field changed", "application/xml", "<response>\n  <pg_status>ok</pg_status>\n</response>", "text/xml", "<response><pg_status>error</pg_status></response>", "pg_status"},
		{"XML root changed", "application/xml", "<response><a>1</a></response>", "text/xml", "<request><a>1</a></request>", "<request>,<response>"},
		{"text", "text/plain", "hello", "text/plain", " hello\n", ""},
		{"text changed", "text/plain", "hello", "text/plain", "bye", "body"},
		{"cut form, kept fields agree, long", form, cutForm, form, "pg_merchant_id=552211&pg_payment_id=100001&pg_padding=" + long, ""},
		{"cut form, a kept field differs", form, cutForm, form, "pg_merchant_id=552211&pg_payment_id=100002&pg_padding=" + long, "pg_payment_id"},
		{"cut form, short body", form, cutForm, form, "pg_merchant_id=552211&pg_payment_id=100001", "body"},
		{"cut JSON, long", "application/json", `{"a": "` + long + "\n… (9 more bytes not kept)", "application/json", `{"a":"` + long + `xxxxxxxxx"}`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := readBody(c.recCT, c.recBody, true)
			got := readBody(c.gotCT, c.gotBody, false)
			got.size = len(c.gotBody)
			if d := strings.Join(rec.differs(got), ","); d != c.want {
				t.Errorf("differs %q, want %q", d, c.want)
			}
		})
	}
}

// TestDiffers: method, path (a tracking_id in it is any), query, Content-Type and X-API-Version
// are compared besides the body.
func TestDiffers(t *testing.T) {
	x := record.Exchange{Seq: 1, Request: record.Message{Method: "GET", URL: "http://sandbox.example/api/beyag/transactions/tracking_id/paycert-1?lang=en&signature=abc",
		Header: http.Header{"X-Api-Version": {"3"}}}}
	rec, err := newRecording(report.Spec{ID: "s"}, x, []string{"/api"})
	if err != nil {
		t.Fatal(err)
	}
	if rec.path != "/beyag/transactions/tracking_id/paycert-1" {
		t.Fatalf("path %q: the target's base path is not taken off", rec.path)
	}
	v3 := http.Header{"X-Api-Version": {"3"}}
	cases := []struct {
		name, method, path, query string
		header                    http.Header
		body                      string
		want                      string
	}{
		{"the same", "GET", "/beyag/transactions/tracking_id/paycert-1", "lang=en&signature=abc", v3, "", ""},
		{"another tracking_id and signature", "GET", "/beyag/transactions/tracking_id/mine", "lang=en&signature=x", v3, "", ""},
		{"another method", "POST", "/beyag/transactions/tracking_id/paycert-1", "lang=en", v3, "", "method"},
		{"another path", "GET", "/beyag/transactions/uid/paycert-1", "lang=en", v3, "", "path"},
		{"another query", "GET", "/beyag/transactions/tracking_id/paycert-1", "lang=ru", v3, "", "?lang"},
		{"no API version", "GET", "/beyag/transactions/tracking_id/paycert-1", "lang=en", http.Header{}, "", "X-Api-Version"},
		{"a body", "GET", "/beyag/transactions/tracking_id/paycert-1", "lang=en", http.Header{"X-Api-Version": {"3"}, "Content-Type": {"application/json"}}, `{"a":1}`, "Content-Type,a"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, _ := url.ParseQuery(c.query)
			got := strings.Join(rec.differs(newRequest(c.method, c.path, q, c.header, []byte(c.body))), ",")
			if got != c.want {
				t.Errorf("differs %q, want %q", got, c.want)
			}
		})
	}
}
