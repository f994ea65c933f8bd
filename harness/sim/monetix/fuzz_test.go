package monetix_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"testing"

	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/monetix"
	"github.com/paycert/paycert/harness/sim/simtest"
)

// sign is simtest.Fuzzing.Sign for the Gate: a JSON object with a general object gets the
// project's ID and a signature; anything else is sent as it is.
func sign(_ *http.Request, body []byte, creds sim.Credentials) []byte {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc map[string]any
	if dec.Decode(&doc) != nil || doc == nil {
		return body
	}
	general, ok := doc["general"].(map[string]any)
	if !ok {
		return body
	}
	general["project_id"] = json.Number(creds.ID)
	out, err := signing.Monetix{Secret: creds.Secret, Variant: signing.MonetixVariants()[0]}.SignRequest(doc)
	if err != nil {
		return body
	}
	return out
}

// FuzzHandler: any method, path, header and body sent to the Monetix simulator, signed or not,
// after a sale of payment {id}, is answered in time, never with a 5XX, never with the secret key,
// and never panics.
func FuzzHandler(f *testing.F) {
	sale, err := os.ReadFile("../../../specs/examples/001-sale-request.json")
	if err != nil {
		f.Fatal(err)
	}
	ct := "Content-Type: application/json"
	f.Add("POST", "/v2/payment/mobile/sale", ct, sale, true)
	for _, example := range []string{"001-clarification-request.json", "001-operators-request.json", "001-refund-request.json", "001-resend-request.json"} {
		b, err := os.ReadFile("../../../specs/examples/" + example)
		if err != nil {
			f.Fatal(err)
		}
		b = bytes.ReplaceAll(b, []byte("payment_47"), []byte(simtest.IDPlaceholder))
		f.Add("POST", "/v2/payment/clarification", ct, b, true)
		f.Add("POST", "/v2/customer/action/resend_otp", ct, b, true)
		f.Add("POST", "/v2/info/mobile/sale/list", ct, b, true)
		f.Add("POST", "/v2/payment/mobile/refund", ct, b, false)
	}
	f.Add("GET", "/payment?project_id=1234&payment_id={id}&signature=x", "", []byte(nil), false)
	fz := simtest.StartFuzzing(f, simtest.Fuzzing{
		Factory: monetix.Factory(),
		Setup:   simtest.FuzzRequest{Method: "POST", Path: "/v2/payment/mobile/sale", Header: ct, Body: bytes.ReplaceAll(sale, []byte("payment_47"), []byte("fuzz-payment"))},
		ID:      func([]byte) string { return "fuzz-payment" },
		Sign:    sign,
	})
	f.Fuzz(func(t *testing.T, method, path, header string, body []byte, authentic bool) {
		fz.Serve(t, simtest.FuzzRequest{Method: method, Path: path, Header: header, Body: body, Authentic: authentic})
	})
}
