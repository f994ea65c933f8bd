package validate_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/harness/validate"
)

// FuzzCheck: whatever a target answers or sends (any status, Content-Type, header and body, for
// any documented operation of any provider), checking it gives findings, never a panic and never
// an error: an error is a broken checker, and garbage from a target is not that.
func FuzzCheck(f *testing.F) {
	var specs []*validate.Spec
	for _, file := range []string{"specs/paysage.yaml", "specs/bepaid.yaml", "specs/monetix.yaml", "specs/freedompay.yaml"} {
		s, err := validate.Load(paycert.Assets(""), file)
		if err != nil {
			f.Fatal(err)
		}
		specs = append(specs, s)
	}
	f.Add(uint8(0), uint8(0), 200, "application/json", "", []byte(pendingAnswer))
	f.Add(uint8(1), uint8(1), 422, "application/json; charset=utf-8", "3", []byte(`{"message":"x","errors":{"request":{"amount":["is missing"]}}}`))
	f.Add(uint8(3), uint8(2), 200, "application/xml", "", []byte(`<?xml version="1.0" encoding="utf-8"?><response><pg_status>ok</pg_status><pg_payment_id>1</pg_payment_id></response>`))
	f.Add(uint8(3), uint8(0), 0, "multipart/form-data; boundary=B", "", []byte("--B\r\nContent-Disposition: form-data; name=\"pg_xml\"\r\n\r\n<request><pg_merchant_id>1</pg_merchant_id></request>\r\n--B--\r\n"))
	f.Add(uint8(2), uint8(1), 400, "", "", []byte(`{"status":"error","code":"1102","message":"x"}`))
	f.Fuzz(func(t *testing.T, which, opIndex uint8, status int, contentType, apiVersion string, body []byte) {
		s := specs[int(which)%len(specs)]
		ops := s.Operations()
		op := ops[int(opIndex)%len(ops)]
		header := http.Header{"Content-Type": {contentType}, "X-Api-Version": {apiVersion}}
		status = 100 + (status%500+500)%500
		if _, err := s.CheckResponse(op, header, status, header, body); err != nil {
			t.Fatalf("%s %s: CheckResponse(%d, %q): %v", s.File(), op, status, contentType, err)
		}
		callback, requestBody, err := s.Shape(op)
		if err != nil {
			t.Fatal(err)
		}
		if requestBody || callback {
			method, path, err := s.PathOf(op)
			if err != nil {
				t.Fatal(err)
			}
			req, err := http.NewRequest(method, "http://127.0.0.1"+strings.ReplaceAll(strings.ReplaceAll(path, "{", "x"), "}", ""), nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header = header
			if _, err := s.CheckRequest(context.Background(), op, req, nil, body); err != nil {
				t.Fatalf("%s %s: CheckRequest(%q): %v", s.File(), op, contentType, err)
			}
			if _, err := s.CheckCaptured(op, 0, header, contentType, body); err != nil {
				t.Fatalf("%s %s: CheckCaptured(%q): %v", s.File(), op, contentType, err)
			}
		}
		_, _ = validate.DecodeBody(contentType, body)
		_ = validate.Sniff(body)
	})
}
