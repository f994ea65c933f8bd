package paysage_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/otp"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/beyag"
	"github.com/paycert/paycert/harness/sim/paysage"
	"github.com/paycert/paycert/harness/sim/simtest"
)

func payment(notify string) map[string]any {
	req := map[string]any{
		"amount": 1002, "currency": "KZT", "description": "test", "tracking_id": "t-1",
		"return_url": "https://merchant.example/return",
		"method":     map[string]any{"type": "mobile_commerce", "account_number": "77012345678"},
	}
	if notify != "" {
		req["notification_url"] = notify
	}
	return map[string]any{"request": req}
}

type fixture struct {
	t   *testing.T
	sim *sim.Listening
	url string
}

func start(t *testing.T, faults ...string) fixture {
	l := simtest.Start(t, sim.Options{Seed: 3, Faults: faults})
	return fixture{t: t, sim: l, url: l.ProviderURL(paysage.Name)}
}

func (f fixture) pay(notify string) string {
	f.t.Helper()
	a := simtest.Call(f.t, "POST", f.url+"/beyag/transactions/payments", payment(notify))
	if a.Status != 200 || a.String("transaction.status") != "pending" {
		f.t.Fatalf("payment: %d %s", a.Status, a.Raw)
	}
	return a.String("transaction.uid")
}

func (f fixture) otp(uid string) string {
	f.t.Helper()
	p, _ := f.sim.Provider(paysage.Name)
	o, ok := p.OTP(uid)
	if !ok {
		f.t.Fatalf("no OTP for %s", uid)
	}
	return o.OTP
}

func (f fixture) confirm(uid, password string, skip *bool) simtest.Answer {
	f.t.Helper()
	req := map[string]any{"password": password}
	if skip != nil {
		req["skip_duplicate_check"] = *skip
	}
	return simtest.Call(f.t, "POST", f.url+"/beyag/transactions/"+uid+"/confirm", map[string]any{"request": req})
}

func (f fixture) status(uid string) string {
	f.t.Helper()
	return simtest.Call(f.t, "GET", f.url+"/beyag/transactions/"+uid, nil).String("transaction.status")
}

// TestDuplicateWindow pins the 30-second window: declined at 29.999 s, processed at 30 s, and a
// declined request restarts the window (errata ERR-PSG-002).
func TestDuplicateWindow(t *testing.T) {
	f := start(t)
	clock := f.sim.Clock()
	uid := f.pay("")
	code := f.otp(uid)
	if a := f.confirm(uid, otp.Wrong(code), nil); a.String("transaction.status") != "failed" {
		t.Fatalf("wrong OTP: %s", a.Raw)
	}
	clock.Advance(30*time.Second - time.Millisecond)
	if a := f.confirm(uid, code, nil); a.String("transaction.status") != "failed" {
		t.Fatalf("a confirmation 29.999 s after the previous one was not declined: %s", a.Raw)
	}
	clock.Advance(30*time.Second - time.Millisecond)
	if a := f.confirm(uid, code, nil); a.String("transaction.status") != "failed" {
		t.Fatalf("a declined request did not restart the window: %s", a.Raw)
	}
	clock.Advance(30 * time.Second)
	if a := f.confirm(uid, code, nil); a.String("transaction.status") != "successful" {
		t.Fatalf("a confirmation 30 s after the previous one was declined: %s", a.Raw)
	}
	if s := f.status(uid); s != "successful" {
		t.Errorf("status %s", s)
	}
}

// TestRefusedConfirmationRestartsTheWindow: a confirmation refused for a missing password is a
// request with the same uid too (ERR-PSG-002).
func TestRefusedConfirmationRestartsTheWindow(t *testing.T) {
	f := start(t)
	uid := f.pay("")
	a := simtest.Call(t, "POST", f.url+"/beyag/transactions/"+uid+"/confirm", map[string]any{"request": map[string]any{}})
	if a.Status != 422 {
		t.Fatalf("no password: %d %s", a.Status, a.Raw)
	}
	if a := f.confirm(uid, f.otp(uid), nil); a.String("transaction.status") != "failed" {
		t.Fatalf("a confirmation right after a refused one was not declined: %s", a.Raw)
	}
}

// TestRunningClockExpiresWithoutTraffic: on a running clock a payment expires, and its webhook is
// sent, with no request to the API.
func TestRunningClockExpiresWithoutTraffic(t *testing.T) {
	hooks := &collector{}
	srv := httptest.NewServer(hooks)
	defer srv.Close()
	l := simtest.Start(t, sim.Options{Seed: 3, Running: true})
	body := payment(srv.URL)
	body["request"].(map[string]any)["expired_at"] = l.Clock().Now().Add(time.Second).Format(time.RFC3339)
	if a := simtest.Call(t, "POST", l.ProviderURL(paysage.Name)+"/beyag/transactions/payments", body); a.Status != 200 {
		t.Fatal(a.Raw)
	}
	hooks.await(t, 2) // pending, then expired
}

func TestSkipDuplicateCheck(t *testing.T) {
	f := start(t)
	uid := f.pay("")
	code := f.otp(uid)
	f.confirm(uid, otp.Wrong(code), nil)
	yes := true
	if a := f.confirm(uid, code, &yes); a.String("transaction.status") != "successful" {
		t.Fatalf("skip_duplicate_check: true was declined: %s", a.Raw)
	}
}

func TestThreeWrongOTPsFailThePayment(t *testing.T) {
	f := start(t)
	uid := f.pay("")
	code := f.otp(uid)
	yes := true
	for i := 0; i < paysage.MaxWrongOTPs; i++ {
		if s := f.status(uid); s != "pending" {
			t.Fatalf("after %d wrong OTPs the payment is %s", i, s)
		}
		f.confirm(uid, otp.Wrong(code), &yes)
	}
	if s := f.status(uid); s != "failed" {
		t.Fatalf("after %d wrong OTPs the payment is %s, want failed", paysage.MaxWrongOTPs, s)
	}
	if a := f.confirm(uid, code, &yes); a.String("transaction.status") != "failed" {
		t.Errorf("a failed payment was confirmed: %s", a.Raw)
	}
}

func TestRefundRules(t *testing.T) {
	f := start(t)
	uid := f.pay("")
	refund := func(amount int) simtest.Answer {
		return simtest.Call(t, "POST", f.url+"/beyag/transactions/refunds", map[string]any{"request": map[string]any{"parent_uid": uid, "amount": amount, "reason": "r"}})
	}
	if a := refund(1002); a.Status != 422 {
		t.Errorf("refund of a pending payment: %d %s", a.Status, a.Raw)
	}
	f.confirm(uid, f.otp(uid), nil)
	for _, amount := range []int{1001, 1, 1003} {
		if a := refund(amount); a.Status != 422 || a.Get("errors.request.amount") == nil {
			t.Errorf("refund of %d of 1002: %d %s", amount, a.Status, a.Raw)
		}
	}
	a := refund(1002)
	if a.Status != 200 || a.String("transaction.type") != "refund" || a.String("transaction.parent_uid") != uid {
		t.Fatalf("full refund: %d %s", a.Status, a.Raw)
	}
	if a := refund(1002); a.Status != 422 {
		t.Errorf("second refund: %d %s", a.Status, a.Raw)
	}
}

func TestPartialRefundFault(t *testing.T) {
	f := start(t, "paysage.partial-refund")
	uid := f.pay("")
	f.confirm(uid, f.otp(uid), nil)
	a := simtest.Call(t, "POST", f.url+"/beyag/transactions/refunds", map[string]any{"request": map[string]any{"parent_uid": uid, "amount": 500, "reason": "r"}})
	if a.Status != 200 {
		t.Errorf("the fault should accept a partial refund: %d %s", a.Status, a.Raw)
	}
}

func TestWrongCredentials(t *testing.T) {
	f := start(t)
	a := simtest.CallAs(t, sim.Credentials{ID: simtest.Credentials.ID, Secret: "nope"}, "POST", f.url+"/beyag/transactions/payments", payment(""))
	if a.Status != 401 || a.String("message") == "" || a.Get("errors.system") == nil {
		t.Errorf("wrong credentials: %d %s", a.Status, a.Raw)
	}
}

func TestExpiry(t *testing.T) {
	hooks := &collector{}
	srv := httptest.NewServer(hooks)
	defer srv.Close()
	f := start(t)
	body := payment(srv.URL)
	body["request"].(map[string]any)["expired_at"] = sim.DefaultStart.Add(time.Minute).Format(time.RFC3339)
	a := simtest.Call(t, "POST", f.url+"/beyag/transactions/payments", body)
	uid := a.String("transaction.uid")
	f.sim.Clock().Advance(59 * time.Second)
	if s := f.status(uid); s != "pending" {
		t.Fatalf("expired early: %s", s)
	}
	f.sim.Clock().Advance(time.Second)
	if s := f.status(uid); s != "expired" {
		t.Fatalf("status at expired_at: %s", s)
	}
	hooks.await(t, 2)
}

// TestWebhookRetries: a merchant that answers 500 gets the webhook again on the retry schedule,
// as the simulator's clock passes.
func TestWebhookRetries(t *testing.T) {
	hooks := &collector{fail: 2}
	srv := httptest.NewServer(hooks)
	defer srv.Close()
	f := start(t)
	f.pay(srv.URL) // the pending webhook
	hooks.await(t, 1)
	f.sim.Clock().Advance(sim.RetrySchedule[0])
	hooks.await(t, 2)
	f.sim.Clock().Advance(sim.RetrySchedule[1])
	hooks.await(t, 3)
	f.sim.Clock().Advance(time.Hour)
	time.Sleep(50 * time.Millisecond) // a fourth delivery would be a bug; give it a chance to show
	if n := hooks.count(); n != 3 {
		t.Errorf("deliveries after success: %d, want 3", n)
	}
}

// TestDeterministic: the same seed and the same requests give the same uids and OTPs.
func TestDeterministic(t *testing.T) {
	a, b := start(t), start(t)
	for i := 0; i < 3; i++ {
		ua, ub := a.pay(""), b.pay("")
		if ua != ub || a.otp(ua) != b.otp(ub) {
			t.Fatalf("payment %d: %s/%s vs %s/%s", i, ua, a.otp(ua), ub, b.otp(ub))
		}
	}
}

// TestConcurrentUse exercises the simulator from many goroutines (run with -race).
func TestConcurrentUse(t *testing.T) {
	f := start(t)
	var wg sync.WaitGroup
	var ok atomic.Int32
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			uid := f.pay("")
			p, _ := f.sim.Provider(paysage.Name)
			o, _ := p.OTP(uid)
			if f.confirm(uid, o.OTP, nil).String("transaction.status") == "successful" {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 16 {
		t.Errorf("%d of 16 concurrent payments confirmed", ok.Load())
	}
}

type collector struct {
	mu   sync.Mutex
	n    int
	fail int
}

func (c *collector) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	c.mu.Lock()
	c.n++
	n := c.n
	c.mu.Unlock()
	if n <= c.fail {
		w.WriteHeader(http.StatusInternalServerError)
	}
}

func (c *collector) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// await waits (in real time: delivery is a real HTTP request) for at least n deliveries.
func (c *collector) await(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for c.count() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries, want %d", c.count(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// BenchmarkPaymentAndConfirm measures one payment and its confirmation over loopback HTTP.
func BenchmarkPaymentAndConfirm(b *testing.B) {
	l := simtest.Start(b, sim.Options{Seed: 1})
	url := l.ProviderURL(paysage.Name)
	p, _ := l.Provider(paysage.Name)
	for b.Loop() {
		a := simtest.Call(b, "POST", url+"/beyag/transactions/payments", payment(""))
		uid := a.String("transaction.uid")
		o, _ := p.OTP(uid)
		c := simtest.Call(b, "POST", url+"/beyag/transactions/"+uid+"/confirm", map[string]any{"request": map[string]any{"password": o.OTP}})
		if c.String("transaction.status") != "successful" {
			b.Fatal(c.Raw)
		}
	}
}

// TestRetention pins what the simulator forgets and what it keeps: beyond the retention's count
// the oldest finished payment is unknown (404 by uid, gone from its tracking_id's list), while a
// pending payment, however old, is kept.
func TestRetention(t *testing.T) {
	l := simtest.Start(t, sim.Options{Seed: 3, Retention: sim.Retention{MaxFinished: 2}})
	f := fixture{t: t, sim: l, url: l.ProviderURL(paysage.Name)}
	pending := f.pay("")
	var done []string
	for range 3 {
		uid := f.pay("")
		if a := f.confirm(uid, f.otp(uid), nil); a.String("transaction.status") != "successful" {
			t.Fatalf("confirm: %s", a.Raw)
		}
		done = append(done, uid)
	}
	// Forgetting happens when the simulator next looks at its store: on this request.
	if a := simtest.Call(t, "GET", f.url+"/beyag/transactions/"+done[0], nil); a.Status != http.StatusNotFound {
		t.Errorf("the oldest of 3 finished payments with 2 kept: %d %s, want 404", a.Status, a.Raw)
	}
	for _, uid := range append(done[1:], pending) {
		if a := simtest.Call(t, "GET", f.url+"/beyag/transactions/"+uid, nil); a.Status != http.StatusOK {
			t.Errorf("%s: %d %s, want it kept", uid, a.Status, a.Raw)
		}
	}
	list := simtest.Call(t, "GET", f.url+"/beyag/transactions/tracking_id/t-1", nil)
	got, _ := list.Get("transactions").([]any)
	if len(got) != 3 {
		t.Fatalf("tracking_id t-1 lists %d payments, want the 3 kept:\n%s", len(got), list.Raw)
	}
	if uid := got[0].(map[string]any)["uid"]; uid != done[2] {
		t.Errorf("newest first: the list starts with %v, want %s", uid, done[2])
	}
}

// TestUnreadableBodies pins how the engine reads a body (errata ERR-BGW-010): one JSON object
// sent as application/json and at most beyag.MaxBody bytes, else 422 with the error body; each
// fault of the class lets its body through (or crashes on it).
func TestUnreadableBodies(t *testing.T) {
	valid, err := json.Marshal(payment(""))
	if err != nil {
		t.Fatal(err)
	}
	padded := append(append(bytes.Clone(valid[:len(valid)-1]), `,"padding":"`...), bytes.Repeat([]byte("x"), 2*beyag.MaxBody)...)
	padded = append(padded, `"}`...)
	cases := []struct {
		name        string
		body        []byte
		contentType string
		fault       string
		want        int
	}{
		{"valid", valid, "application/json; charset=utf-8", "", 200},
		{"trailing data", append(bytes.Clone(valid), '}'), "application/json", "", 422},
		{"trailing data, fault", append(bytes.Clone(valid), '}'), "application/json", beyag.FaultTrailingData, 200},
		{"trailing white space", append(bytes.Clone(valid), " \n"...), "application/json", "", 200},
		{"cut short", valid[:len(valid)/2], "application/json", "", 422},
		{"array", append(append([]byte("["), valid...), ']'), "application/json", "", 422},
		{"empty", nil, "application/json", "", 422},
		{"empty, fault", nil, "application/json", beyag.FaultEmptyBodyCrash, 500},
		{"text/plain", valid, "text/plain", "", 422},
		{"text/plain, fault", valid, "text/plain", beyag.FaultAnyContentType, 200},
		{"no content type", valid, "", "", 422},
		{"oversized", padded, "application/json", "", 422},
		{"oversized, fault", padded, "application/json", beyag.FaultNoBodyLimit, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var faults []string
			if c.fault != "" {
				faults = []string{paysage.Name + "." + c.fault}
			}
			f := start(t, faults...)
			req, err := http.NewRequest("POST", f.url+"/beyag/transactions/payments", bytes.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			req.SetBasicAuth(simtest.Credentials.ID, simtest.Credentials.Secret)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != c.want {
				t.Fatalf("status %d, want %d: %.300s", resp.StatusCode, c.want, raw)
			}
			if c.want == 422 && !bytes.Contains(raw, []byte(`"errors"`)) {
				t.Errorf("a refusal without the error body: %.300s", raw)
			}
		})
	}
}

// TestFaultsOfTheAnswers pins the faults of the answers' echo and of reads without credentials.
func TestFaultsOfTheAnswers(t *testing.T) {
	t.Run("reads without credentials", func(t *testing.T) {
		for _, fault := range []string{"", beyag.FaultReadsWithoutCredentials} {
			var faults []string
			if fault != "" {
				faults = []string{paysage.Name + "." + fault}
			}
			f := start(t, faults...)
			uid := f.pay("")
			resp, err := http.Get(f.url + "/beyag/transactions/" + uid)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			want := http.StatusUnauthorized
			if fault != "" {
				want = http.StatusOK
			}
			if resp.StatusCode != want {
				t.Errorf("fault %q: status %d without credentials, want %d", fault, resp.StatusCode, want)
			}
			if a := simtest.CallAs(t, sim.Credentials{ID: simtest.Credentials.ID, Secret: "wrong"}, "GET", f.url+"/beyag/transactions/"+uid, nil); a.Status != http.StatusUnauthorized {
				t.Errorf("fault %q: status %d with wrong credentials, want 401", fault, a.Status)
			}
		}
	})
	t.Run("echo", func(t *testing.T) {
		f := start(t, paysage.Name+"."+beyag.FaultTestNotEchoed, paysage.Name+"."+beyag.FaultStatusDropsTrackingID)
		body := payment("")
		body["request"].(map[string]any)["test"] = true
		a := simtest.Call(t, "POST", f.url+"/beyag/transactions/payments", body)
		if a.Get("transaction.test") != false || a.String("transaction.tracking_id") != "t-1" {
			t.Errorf("payment answer: %s", a.Raw)
		}
		s := simtest.Call(t, "GET", f.url+"/beyag/transactions/"+a.String("transaction.uid"), nil)
		if s.Get("transaction.test") != true || s.Get("transaction.tracking_id") != nil {
			t.Errorf("status answer: %s", s.Raw)
		}
	})
}
