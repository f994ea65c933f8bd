package bepaid_test

import (
	"encoding/json"
	"testing"

	"github.com/paycert/paycert/harness/sim/bepaid"
	"github.com/paycert/paycert/harness/sim/simtest"
)

// FuzzHandler: any method, path, header and body sent to the bePaid simulator, with or without
// valid credentials, on a fresh payment ({id}), is answered in time, never with a 5XX, never with
// the secret key, and never panics.
func FuzzHandler(f *testing.F) {
	pay, _ := json.Marshal(payment("375295222222", "accept", ""))
	ct := "Content-Type: application/json"
	f.Add("POST", "/beyag/transactions/payments", ct+"\nX-API-Version: 3", pay, true)
	f.Add("POST", "/beyag/gateways/mts_money/check_service", ct+"\nX-API-Version: 2", []byte(`{"request":{"customer":{"phone":"375295222222"},"test":true}}`), true)
	f.Add("POST", "/beyag/gateways/mts_money/check_service", ct+"\nX-API-Version: 3", []byte(`{"request":{"customer":{"phone":375291234567}}}`), true)
	f.Add("GET", "/beyag/transactions/{id}", "X-API-Version: 9", []byte(nil), true)
	f.Add("POST", "/beyag/transactions/refunds", ct, []byte(`{"request":{"parent_uid":"{id}","reason":"asked"}}`), true)
	f.Add("POST", "/beyag/transactions/{id}/confirm", ct, []byte(`{"request":{"password":"x"}}`), false)
	fz := simtest.StartFuzzing(f, simtest.Fuzzing{
		Factory: bepaid.Factory(),
		Setup:   simtest.FuzzRequest{Method: "POST", Path: "/beyag/transactions/payments", Header: ct, Body: pay},
		ID:      simtest.IDAt("transaction.uid"),
		Sign:    simtest.SignBasic,
	})
	f.Fuzz(func(t *testing.T, method, path, header string, body []byte, authentic bool) {
		fz.Serve(t, simtest.FuzzRequest{Method: method, Path: path, Header: header, Body: body, Authentic: authentic})
	})
}
