package validate_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/harness/validate"
)

func load(t testing.TB) *validate.Spec {
	t.Helper()
	s, err := validate.Load(paycert.Assets(""), "specs/paysage.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const pendingAnswer = `{"transaction":{"uid":"u-1","type":"payment","status":"pending","amount":1002,"currency":"KZT",
"description":"test","created_at":"2025-04-26T07:15:00Z","updated_at":"2025-04-26T07:15:00Z","method_type":"mobile_commerce",
"receipt_url":"https://x","payment":{"status":"pending","gateway_id":5290},"mobile_commerce":{"type":"mobile_commerce","account_number":"12345678901"}}}`

func TestCheckResponse(t *testing.T) {
	s := load(t)
	json := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	cases := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   []string // substrings of the findings; none means conformant
	}{
		{"pending answer", 200, json, pendingAnswer, nil},
		{"undocumented status", 201, json, pendingAnswer, []string{"status 201 is not one the operation documents"}},
		{"not JSON", 200, json, `<html>oops</html>`, []string{"not JSON"}},
		{"wrong content type", 200, http.Header{"Content-Type": {"text/html"}}, pendingAnswer, []string{"want application/json, got text/html"}},
		{"amount as string", 200, json, strings.Replace(pendingAnswer, `"amount":1002`, `"amount":"1002"`, 1), []string{"body/transaction/amount"}},
		{"USD", 200, json, strings.Replace(pendingAnswer, `"currency":"KZT"`, `"currency":"USD"`, 1), []string{"body/transaction/currency"}},
		{"no uid", 200, json, strings.Replace(pendingAnswer, `"uid":"u-1",`, ``, 1), []string{"missing properties: 'uid'"}},
		{"trailing data", 200, json, pendingAnswer + `{}`, []string{"not JSON"}},
		{"422 error body", 422, json, `{"message":"Amount is missing.","errors":{"request":{"amount":["is missing"]}}}`, nil},
		{"422 without errors", 422, json, `{"message":"Amount is missing."}`, []string{"missing properties: 'errors'"}},
		{"401 with empty body", 401, json, ``, []string{"must carry a body"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := s.CheckResponse("createPayment", nil, c.status, c.header, []byte(c.body))
			wantFindings(t, f, err, c.want)
		})
	}
}

func TestCheckRequest(t *testing.T) {
	s := load(t)
	req, _ := http.NewRequest("POST", "http://x/beyag/transactions/u-1/confirm", nil)
	req.Header.Set("Content-Type", "application/json")
	f, err := s.CheckRequest(context.Background(), "confirmPayment", req, map[string]string{"uid": "u-1"}, []byte(`{"request":{"password":"5576"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.String(), "Basic credentials") {
		t.Errorf("a request without credentials is not reported: %s", f)
	}
	req.SetBasicAuth("shop", "key")
	f, err = s.CheckRequest(context.Background(), "confirmPayment", req, map[string]string{"uid": "u-1"}, []byte(`{"request":{"skip_duplicate_check":"no"}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"missing properties: 'password'", "skip_duplicate_check"} {
		if !strings.Contains(f.String(), w) {
			t.Errorf("findings do not mention %q:\n%s", w, f)
		}
	}
}

// TestHarnessErrorsAreNotFindings: an unknown operation is the checker's error, not a finding.
func TestHarnessErrorsAreNotFindings(t *testing.T) {
	s := load(t)
	if _, err := s.CheckResponse("noSuchOperation", nil, 200, nil, nil); err == nil {
		t.Error("an unknown operation gave no error")
	}
	if _, err := s.CheckBody("schemas/nope.json", []byte(`{}`)); err == nil {
		t.Error("a missing schema gave no error")
	}
}

func TestFindOperation(t *testing.T) {
	s := load(t)
	cases := map[string]string{
		"POST /beyag/transactions/payments":            "createPayment",
		"POST /beyag/transactions/abc/confirm":         "confirmPayment",
		"GET /beyag/transactions/abc":                  "getTransaction",
		"GET /beyag/transactions/tracking_id/order-77": "getTransactionsByTrackingID",
		"POST /beyag/transactions/refunds":             "refundPayment",
	}
	for in, want := range cases {
		method, path, _ := strings.Cut(in, " ")
		got, _, err := s.FindOperation(method, path)
		if err != nil || got != want {
			t.Errorf("%s: %s, %v; want %s", in, got, err, want)
		}
	}
	if _, _, err := s.FindOperation("DELETE", "/beyag/transactions/abc"); err == nil {
		t.Error("DELETE found an operation")
	}
}

// BenchmarkCheckResponse measures checking one answer against the spec and its schema.
func BenchmarkCheckResponse(b *testing.B) {
	s := load(b)
	h := http.Header{"Content-Type": {"application/json"}}
	body := []byte(pendingAnswer)
	if f, err := s.CheckResponse("createPayment", nil, 200, h, body); err != nil || len(f) > 0 {
		b.Fatalf("%v %v", f, err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.CheckResponse("createPayment", nil, 200, h, body); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSchemaByRequestHeader checks that the bePaid service check's answer is judged by the
// schema of the API version the request asked for.
func TestSchemaByRequestHeader(t *testing.T) {
	s, err := validate.Load(paycert.Assets(""), "specs/bepaid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	json := http.Header{"Content-Type": {"application/json"}}
	v2 := `{"service_activated":true,"message":"ok","validation":{"operator":"mts","message":"ok"}}`
	v3 := `{"code":"S.0000","status":"successful","message":"ok","friendly_message":"ok"}`
	cases := []struct {
		version, body string
		ok            bool
	}{
		{"2", v2, true},
		{"3", v3, true},
		{"3", v2, false},
		{"2", v3, false},
	}
	for _, c := range cases {
		f, err := s.CheckResponse("checkService", http.Header{"X-Api-Version": {c.version}}, 200, json, []byte(c.body))
		if err != nil {
			t.Fatal(err)
		}
		if (len(f) == 0) != c.ok {
			t.Errorf("version %s, body %s: findings %v, want ok=%v", c.version, c.body, f, c.ok)
		}
	}
	// Without the request header, either shape passes the union schema.
	for _, body := range []string{v2, v3} {
		if f, err := s.CheckResponse("checkService", nil, 200, json, []byte(body)); err != nil || len(f) > 0 {
			t.Errorf("no version header, body %s: %v %v", body, f, err)
		}
	}
}

// wantFindings fails the test on a harness error, on findings where want is empty, and on each
// text of want the findings do not mention.
func wantFindings(t *testing.T, f validate.Findings, err error, want []string) {
	t.Helper()
	if err != nil {
		t.Fatalf("harness error: %v", err)
	}
	if len(want) == 0 && len(f) != 0 {
		t.Fatalf("want conformant, got:\n%s", f)
	}
	for _, w := range want {
		if !strings.Contains(f.String(), w) {
			t.Errorf("findings do not mention %q:\n%s", w, f)
		}
	}
}
