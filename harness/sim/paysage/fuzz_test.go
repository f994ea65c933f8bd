package paysage_test

import (
	"encoding/json"
	"testing"

	"github.com/paycert/paycert/harness/sim/paysage"
	"github.com/paycert/paycert/harness/sim/simtest"
)

// FuzzHandler: any method, path, header and body sent to the PaySage simulator, with or without
// valid credentials, on a fresh payment ({id}), is answered in time, never with a 5XX, never with
// the secret key, and never panics.
func FuzzHandler(f *testing.F) {
	pay, _ := json.Marshal(payment(""))
	ct := "Content-Type: application/json"
	f.Add("POST", "/beyag/transactions/payments", ct, pay, true)
	f.Add("POST", "/beyag/transactions/{id}/confirm", ct, []byte(`{"request":{"password":"5576"}}`), true)
	f.Add("POST", "/beyag/transactions/{id}/confirm", ct, []byte(`{"request":{"password":5576,"skip_duplicate_check":true}}`), true)
	f.Add("POST", "/beyag/transactions/refunds", ct, []byte(`{"request":{"parent_uid":"{id}","amount":1002,"reason":"r"}}`), true)
	f.Add("GET", "/beyag/transactions/{id}", "", []byte(nil), true)
	f.Add("GET", "/beyag/transactions/tracking_id/t-1", "", []byte(nil), false)
	f.Add("DELETE", "/beyag/transactions/%zz", "Authorization: Basic !!", []byte("{"), false)
	fz := simtest.StartFuzzing(f, simtest.Fuzzing{
		Factory: paysage.Factory(),
		Setup:   simtest.FuzzRequest{Method: "POST", Path: "/beyag/transactions/payments", Header: ct, Body: pay},
		ID:      simtest.IDAt("transaction.uid"),
		Sign:    simtest.SignBasic,
	})
	f.Fuzz(func(t *testing.T, method, path, header string, body []byte, authentic bool) {
		fz.Serve(t, simtest.FuzzRequest{Method: method, Path: path, Header: header, Body: body, Authentic: authentic})
	})
}
