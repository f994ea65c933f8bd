package bepaid_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/receiver"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/bepaid"
	"github.com/paycert/paycert/harness/sim/simtest"
)

type fixture struct {
	t   *testing.T
	sim *sim.Listening
	url string
}

func start(t *testing.T, faults ...string) fixture {
	t.Helper()
	l := simtest.Start(t, sim.Options{Seed: 5, Faults: faults})
	return fixture{t: t, sim: l, url: l.ProviderURL(bepaid.Name)}
}

func (f fixture) check(version, phone string, test bool) simtest.Answer {
	f.t.Helper()
	body := map[string]any{"request": map[string]any{"test": test, "customer": map[string]any{"phone": phone}}}
	return simtest.CallWith(f.t, simtest.Credentials, "POST", f.url+"/beyag/gateways/mts_money/check_service",
		http.Header{"X-Api-Version": {version}}, body)
}

func payment(phone, agreement, notify string) map[string]any {
	req := map[string]any{
		"amount": 100, "currency": "BYN", "description": "description", "test": true, "tracking_id": "t-1",
		"ip": "127.0.0.1", "customer": map[string]any{"first_name": "John", "last_name": "Doe", "phone": phone},
		"method": map[string]any{"type": "mts_money", "confirm_agreement": agreement},
	}
	if notify != "" {
		req["notification_url"] = notify
	}
	return map[string]any{"request": req}
}

func (f fixture) pay(body map[string]any) simtest.Answer {
	f.t.Helper()
	return simtest.Call(f.t, "POST", f.url+"/beyag/transactions/payments", body)
}

func (f fixture) status(uid string) simtest.Answer {
	f.t.Helper()
	return simtest.Call(f.t, "GET", f.url+"/beyag/transactions/"+uid, nil)
}

// finish creates a payment and lets MTS Money process it; it returns the final answer.
func (f fixture) finish(body map[string]any) simtest.Answer {
	f.t.Helper()
	a := f.pay(body)
	if a.Status != 200 || a.String("transaction.status") != "pending" {
		f.t.Fatalf("payment: want 200 pending, got %d %s", a.Status, a.Raw)
	}
	uid := a.String("transaction.uid")
	f.sim.Clock().Advance(bepaid.ProcessingTime - time.Millisecond)
	if s := f.status(uid).String("transaction.status"); s != "pending" {
		f.t.Fatalf("status %q before the processing time, want pending", s)
	}
	f.sim.Clock().Advance(time.Millisecond)
	return f.status(uid)
}

// TestTestPhones pins document 004's Testing table: the check result in both API versions and the
// payment result of every test number.
func TestTestPhones(t *testing.T) {
	f := start(t)
	cases := []struct {
		phone      string
		activated  any // v2 service_activated
		operator   any
		v3         string
		v3Code     string
		final      string
		msgPattern string
	}{
		{"375295222222", true, "mts", "successful", "S.0000", "successful", "successfully"},
		{"375295111111", false, "mts", "failed", "F.0202", "failed", "not active"},
		{"375444111111", nil, nil, "failed", "F.0213", "failed", "Invalid phone number"},
		{"375290000000", true, "mts", "successful", "S.0000", "failed", "Insufficient funds"},
	}
	for _, c := range cases {
		t.Run(c.phone, func(t *testing.T) {
			v2 := f.check("2", c.phone, true)
			if v2.Status != 200 || v2.Get("service_activated") != c.activated || v2.Get("validation.operator") != c.operator || v2.Get("code") != nil {
				t.Errorf("v2 check: %d %s", v2.Status, v2.Raw)
			}
			v3 := f.check("3", c.phone, true)
			if v3.Status != 200 || v3.String("status") != c.v3 || v3.String("code") != c.v3Code || v3.Get("service_activated") != nil {
				t.Errorf("v3 check: %d %s", v3.Status, v3.Raw)
			}
			a := f.finish(payment(c.phone, "already_accepted", ""))
			if a.String("transaction.status") != c.final || !strings.Contains(a.String("transaction.message"), c.msgPattern) {
				t.Errorf("payment: want %s (%q), got %s", c.final, c.msgPattern, a.Raw)
			}
		})
	}
}

// TestDecisions pins the errata decisions: a number outside the table in test mode is refused, a
// malformed number is a check result, decline fails, accept on an active service succeeds, and a
// live number succeeds.
func TestDecisions(t *testing.T) {
	f := start(t)
	if a := f.check("2", "375291234567", true); a.Status != 422 || a.Get("errors.request.customer.phone") == nil {
		t.Errorf("check of a number outside the table: %d %s", a.Status, a.Raw)
	}
	if a := f.pay(payment("375291234567", "accept", "")); a.Status != 422 || a.Get("errors.request.customer.phone") == nil {
		t.Errorf("payment of a number outside the table: %d %s", a.Status, a.Raw)
	}
	if a := f.check("2", "+375 29 5222222", true); a.Status != 200 || a.Get("service_activated") != nil || a.Get("validation.operator") != nil {
		t.Errorf("check of a malformed number: %d %s", a.Status, a.Raw)
	}
	if a := f.check("2", "375291234567", false); a.Get("service_activated") != true {
		t.Errorf("live check: %d %s", a.Status, a.Raw)
	}
	if a := f.finish(payment("375295222222", "decline", "")); a.String("transaction.status") != "failed" {
		t.Errorf("decline: %s", a.Raw)
	}
	if a := f.finish(payment("375295222222", "accept", "")); a.String("transaction.status") != "successful" || a.String("transaction.mts_money.confirm_agreement") != "accept" {
		t.Errorf("accept on an active service: %s", a.Raw)
	}
	live := payment("375291234567", "already_accepted", "")
	live["request"].(map[string]any)["test"] = false
	if a := f.finish(live); a.String("transaction.status") != "successful" {
		t.Errorf("live payment: %s", a.Raw)
	}
	if a := f.check("2", "", true); a.Status != 200 || a.Get("validation.operator") != nil {
		t.Errorf("empty phone is a malformed number: %d %s", a.Status, a.Raw)
	}
	if a := simtest.CallWith(t, simtest.Credentials, "POST", f.url+"/beyag/gateways/mts_money/check_service", http.Header{"X-Api-Version": {"3"}},
		map[string]any{"request": map[string]any{"customer": map[string]any{}}}); a.Status != 422 || a.Get("errors.request.customer.phone") == nil {
		t.Errorf("check without a phone: %d %s", a.Status, a.Raw)
	}
	if a := simtest.CallWith(t, simtest.Credentials, "POST", f.url+"/beyag/gateways/mts_money/check_service", nil,
		map[string]any{"request": map[string]any{"test": true, "customer": map[string]any{"phone": "375295222222"}}}); a.Get("service_activated") != true {
		t.Errorf("check without X-API-Version is v2: %s", a.Raw)
	}
}

// TestPaymentValidation checks the MTS Money fields of a payment.
func TestPaymentValidation(t *testing.T) {
	f := start(t)
	cases := map[string]struct {
		edit func(req map[string]any)
		path string
	}{
		"no confirm_agreement":  {func(r map[string]any) { delete(r["method"].(map[string]any), "confirm_agreement") }, "errors.request.method.confirm_agreement"},
		"unknown agreement":     {func(r map[string]any) { r["method"].(map[string]any)["confirm_agreement"] = "maybe" }, "errors.request.method.confirm_agreement"},
		"no phone":              {func(r map[string]any) { delete(r["customer"].(map[string]any), "phone") }, "errors.request.customer.phone"},
		"phone with a plus":     {func(r map[string]any) { r["customer"].(map[string]any)["phone"] = "+375295222222" }, "errors.request.customer.phone"},
		"a currency not in BYN": {func(r map[string]any) { r["currency"] = "USD" }, "errors.request.currency"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			body := payment("375295222222", "accept", "")
			c.edit(body["request"].(map[string]any))
			if a := f.pay(body); a.Status != 422 || a.Get(c.path) == nil {
				t.Errorf("want 422 naming %s, got %d %s", c.path, a.Status, a.Raw)
			}
		})
	}
	a := f.pay(payment("375295222222", "accept", ""))
	for path, want := range map[string]any{
		"transaction.status": "pending", "transaction.method_type": "mts_money", "transaction.mts_money.type": "mts_money",
		"transaction.mts_money.confirm_agreement": "accept", "transaction.customer.phone": "375295222222",
		"transaction.customer.first_name": "John", "transaction.customer.ip": "127.0.0.1", "transaction.billing_address.phone": "375295222222",
	} {
		if a.Get(path) != want {
			t.Errorf("%s: got %v, want %v (%s)", path, a.Get(path), want, a.Raw)
		}
	}
}

// TestNotifications checks that a payment notifies pending and then its final status.
func TestNotifications(t *testing.T) {
	f := start(t)
	rcv, err := receiver.Start("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer rcv.Close()
	inbox := rcv.NewInbox("bepaid")
	f.finish(payment("375290000000", "already_accepted", inbox.URL()))
	// Delivery is asynchronous: wait for the final notification, on the wall clock.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := inbox.Await(ctx, func(d receiver.Delivery) bool { return status(t, d) == "failed" }); err != nil {
		t.Fatalf("no failed notification: %v", err)
	}
	var got []string
	for _, d := range inbox.All() {
		got = append(got, status(t, d))
	}
	if len(got) != 2 || got[0] != "pending" || got[1] != "failed" {
		t.Errorf("notifications: %v, want [pending failed]", got)
	}
}

// status is the transaction status a notification carries.
func status(t *testing.T, d receiver.Delivery) string {
	t.Helper()
	var v struct {
		Transaction struct{ Status string } `json:"transaction"`
	}
	if err := json.Unmarshal(d.Body, &v); err != nil {
		t.Errorf("notification is not JSON: %v", err)
	}
	return v.Transaction.Status
}

// TestExpiryBeforeProcessing checks that an expired_at before the processing time wins.
func TestExpiryBeforeProcessing(t *testing.T) {
	f := start(t)
	body := payment("375295222222", "accept", "")
	body["request"].(map[string]any)["expired_at"] = sim.DefaultStart.Add(2 * time.Second).Format(time.RFC3339)
	uid := f.pay(body).String("transaction.uid")
	f.sim.Clock().Advance(bepaid.ProcessingTime)
	if a := f.status(uid); a.String("transaction.status") != "expired" {
		t.Errorf("want expired, got %s", a.Raw)
	}
}

// TestFaults checks that each bePaid-specific fault departs from the document.
func TestFaults(t *testing.T) {
	f := start(t, bepaid.Name+"."+bepaid.FaultWrongTestResult, bepaid.Name+"."+bepaid.FaultV3AsV2)
	if a := f.finish(payment("375290000000", "already_accepted", "")); a.String("transaction.status") != "successful" {
		t.Errorf("wrong-test-result: %s", a.Raw)
	}
	if a := f.check("3", "375295222222", true); a.Get("service_activated") != true || a.Get("code") != nil {
		t.Errorf("v3-as-v2: %s", a.Raw)
	}
}

// TestRefundAmountOptional checks that a bePaid refund without amount refunds the full amount.
func TestRefundAmountOptional(t *testing.T) {
	f := start(t)
	a := f.finish(payment("375295222222", "already_accepted", ""))
	uid := a.String("transaction.uid")
	r := simtest.Call(t, "POST", f.url+"/beyag/transactions/refunds", map[string]any{"request": map[string]any{"parent_uid": uid, "reason": "asked"}})
	if r.Status != 200 || r.Get("transaction.amount") != float64(100) {
		t.Errorf("refund without amount: %d %s", r.Status, r.Raw)
	}
}

// BenchmarkCheckAndPayment measures one MTS Money flow over loopback HTTP: the v3 service check,
// the payment, MTS Money's processing on the virtual clock, and the status query.
func BenchmarkCheckAndPayment(b *testing.B) {
	l := simtest.Start(b, sim.Options{Seed: 1})
	url := l.ProviderURL(bepaid.Name)
	for b.Loop() {
		c := simtest.CallWith(b, simtest.Credentials, "POST", url+"/beyag/gateways/mts_money/check_service", http.Header{"X-Api-Version": {"3"}},
			map[string]any{"request": map[string]any{"test": true, "customer": map[string]any{"phone": "375295222222"}}})
		if c.String("status") != "successful" {
			b.Fatal(c.Raw)
		}
		uid := simtest.Call(b, "POST", url+"/beyag/transactions/payments", payment("375295222222", "already_accepted", "")).String("transaction.uid")
		l.Clock().Advance(bepaid.ProcessingTime)
		if s := simtest.Call(b, "GET", url+"/beyag/transactions/"+uid, nil); s.String("transaction.status") != "successful" {
			b.Fatal(s.Raw)
		}
	}
}
