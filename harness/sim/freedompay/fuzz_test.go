package freedompay_test

import (
	"net/http"
	"testing"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/freedompay"
	"github.com/paycert/paycert/harness/sim/simtest"
)

// fuzzSign is simtest.Fuzzing.Sign for the Merchant API: the fields of a form (or of a GET's
// query) get the merchant's ID, a salt and pg_sig, and are sent URL-encoded.
func fuzzSign(r *http.Request, body []byte, creds sim.Credentials) []byte {
	raw := string(body)
	if r.Method == http.MethodGet {
		raw = r.URL.RawQuery
	}
	l, err := fields.ParseQuery(raw)
	if err != nil {
		return body
	}
	l = l.Set("pg_merchant_id", creds.ID)
	if l.Value(signing.FreedomPaySalt) == "" {
		l = l.Set(signing.FreedomPaySalt, "fuzz-salt")
	}
	l = signing.FreedomPay{Secret: creds.Secret, Variant: signing.FreedomPayPositional}.Signed(signing.ScriptName(r.URL.Path), l)
	if r.Method == http.MethodGet {
		r.URL.RawQuery = l.Encode()
		return body
	}
	r.Header.Set("Content-Type", fields.URLEncoded)
	return []byte(l.Encode())
}

// FuzzHandler: any method, path, header and body sent to the FreedomPay simulator, signed or not,
// on a fresh payment ({id}), is answered in time, never with a 5XX, never with the secret key, and
// never panics.
func FuzzHandler(f *testing.F) {
	form := "Content-Type: " + fields.URLEncoded
	initBody := []byte("pg_order_id=order-1&pg_amount=100&pg_description=paycert+test")
	f.Add("POST", initPath, form, initBody, true)
	f.Add("POST", "/mfs/pay", form, []byte("pg_payment_id={id}&pg_abonent_phone=77077777777"), true)
	f.Add("POST", "/mfs/pay", form, []byte("pg_payment_id={id}&pg_abonent_phone="+phone), true)
	f.Add("POST", "/mfs/approve", form, []byte("pg_payment_id={id}&pg_approval_code=077587"), true)
	f.Add("POST", "/mfs/resend_code", form, []byte("pg_payment_id={id}"), true)
	f.Add("GET", "/get_status3.php?pg_payment_id={id}", "", []byte(nil), true)
	f.Add("POST", "/mfs/pay", "Content-Type: multipart/form-data; boundary=B", []byte("--B\r\nContent-Disposition: form-data; name=\"pg_xml\"\r\n\r\n<request><pg_payment_id>{id}</pg_payment_id></request>\r\n--B--\r\n"), false)
	fz := simtest.StartFuzzing(f, simtest.Fuzzing{
		Factory: freedompay.Factory(),
		Setup:   simtest.FuzzRequest{Method: "POST", Path: initPath, Header: form, Body: initBody},
		ID: func(answer []byte) string {
			_, l, _ := fields.ParseXML(answer)
			return l.Value("pg_payment_id")
		},
		Sign: fuzzSign,
	})
	f.Fuzz(func(t *testing.T, method, path, header string, body []byte, authentic bool) {
		fz.Serve(t, simtest.FuzzRequest{Method: method, Path: path, Header: header, Body: body, Authentic: authentic})
	})
}
