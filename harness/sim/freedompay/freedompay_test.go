package freedompay_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/otp"
	"github.com/paycert/paycert/harness/receiver"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/freedompay"
	"github.com/paycert/paycert/harness/sim/simtest"
)

// The decisions of specs/freedompay.errata.yaml, written out so that a constant of the simulator
// that drifts from them is caught.
const (
	cooldown     = 60 * time.Second // ERR-FPY-009
	maxResends   = 3                // ERR-FPY-009
	maxWrong     = 3                // ERR-FPY-012
	processing   = 30 * time.Second // ERR-FPY-019
	defaultLife  = 24 * time.Hour   // ERR-FPY-013
	phone        = "77071234567"    // TELE2KZT (ERR-FPY-010)
	resultScript = "result.php"
	absent       = "\x00" // a value for with: leave the field out
	initPath     = "/init_payment.php"
	statusPath   = "/get_status3.php"
)

type fixture struct {
	t       *testing.T
	l       *sim.Listening
	sim     *freedompay.Sim
	url     string
	signer  signing.FreedomPay
	rcv     *receiver.Receiver
	flushes *receiver.Inbox
	nflush  int
}

func start(t *testing.T, faults ...string) *fixture {
	t.Helper()
	l := simtest.Start(t, sim.Options{Seed: 7, Faults: faults})
	p, _ := l.Provider(freedompay.Name)
	s, ok := p.(*freedompay.Sim)
	rcv, err := receiver.Start("127.0.0.1:0", "")
	if !ok || err != nil {
		t.Fatalf("provider %T, receiver: %v", p, err)
	}
	t.Cleanup(func() { _ = rcv.Close() })
	return &fixture{t: t, l: l, sim: s, url: l.ProviderURL(freedompay.Name), signer: signer(simtest.Credentials.Secret),
		rcv: rcv, flushes: rcv.NewInbox("flush")}
}

func signer(secret string) signing.FreedomPay {
	return signing.FreedomPay{Secret: secret, Variant: signing.FreedomPayPositional}
}

// with returns l with each name of pairs set to its value, or left out when the value is absent.
func with(l fields.List, pairs ...string) fields.List {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == absent {
			l = l.Without(pairs[i])
		} else {
			l = l.Set(pairs[i], pairs[i+1])
		}
	}
	return l
}

// req is the merchant's request to path: pg_merchant_id, the fields and pg_salt, signed with the
// script name of path.
func (f *fixture) req(path string, pairs ...string) fields.List {
	l := with(fields.Of("pg_merchant_id", freedompay.MerchantID), pairs...).Set(signing.FreedomPaySalt, "request-salt")
	return f.signer.Signed(signing.ScriptName(path), l)
}

type raw struct {
	status int
	ctype  string
	body   []byte
}

// send sends l to path: "urlencoded", "multipart", "pg_xml" / "pg_xml multipart" (the message as
// XML in the one field pg_xml) or "get" (the fields in the query).
func (f *fixture) send(transport, path string, l fields.List) raw {
	f.t.Helper()
	if strings.HasPrefix(transport, "pg_xml") {
		l = fields.Of("pg_xml", string(l.XML("request")))
	}
	ctype, body := fields.URLEncoded, []byte(l.Encode())
	if strings.HasSuffix(transport, "multipart") {
		ctype, body, _ = l.EncodeMultipart("") // writing to memory does not fail
	}
	if transport == "get" {
		return f.answer(http.Get(f.url + path + "?" + l.Encode()))
	}
	return f.post(path, ctype, body)
}

// post sends body to path as it is, declared as ctype.
func (f *fixture) post(path, ctype string, body []byte) raw {
	f.t.Helper()
	return f.answer(http.Post(f.url+path, ctype, bytes.NewReader(body)))
}

// answer reads an answer, failing on a transport error.
func (f *fixture) answer(resp *http.Response, err error) raw {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return raw{status: resp.StatusCode, ctype: resp.Header.Get("Content-Type"), body: b}
}

// parse reads an answer from path, failing unless it is HTTP 200 XML with the script's root
// element: <root> for /mfs/*, <response> else (ERR-FPY-005, ERR-FPY-006).
func (f *fixture) parse(path string, a raw) fields.List {
	f.t.Helper()
	want := "response"
	if strings.HasPrefix(path, "/mfs/") {
		want = "root"
	}
	mt, _, _ := mime.ParseMediaType(a.ctype)
	root, l, err := fields.ParseXML(a.body)
	if a.status != http.StatusOK || mt != fields.ApplicationXML || err != nil || root != want {
		f.t.Fatalf("%s: want HTTP 200 %s <%s>, got %d %q (%v):\n%s", path, fields.ApplicationXML, want, a.status, a.ctype, err, a.body)
	}
	return l
}

// check is parse, failing also unless the answer carries pg_salt and a pg_sig that verifies with
// the script name of path (FPY-SIG-003).
func (f *fixture) check(path string, a raw) fields.List {
	f.t.Helper()
	l := f.parse(path, a)
	if err := f.signer.Verify(signing.ScriptName(path), l); err != nil || l.Value(signing.FreedomPaySalt) == "" {
		f.t.Fatalf("%s: answer not salted or not signed (%v):\n%s", path, err, l.Readable())
	}
	return l
}

// op sends the merchant's request to path with the fields of pairs, URL-encoded, and checks the
// answer.
func (f *fixture) op(path string, pairs ...string) fields.List {
	f.t.Helper()
	return f.check(path, f.send("urlencoded", path, f.req(path, pairs...)))
}

func (f *fixture) initAnswer(pairs ...string) fields.List {
	f.t.Helper()
	return f.op(initPath, append([]string{"pg_order_id", "order-1", "pg_amount", "100", "pg_description", "paycert test"}, pairs...)...)
}

func (f *fixture) init(pairs ...string) string {
	f.t.Helper()
	a := f.initAnswer(pairs...)
	wantOK(f.t, "init", a, "ok")
	return a.Value("pg_payment_id")
}

func (f *fixture) pay(id, ph string) fields.List {
	f.t.Helper()
	return f.op("/mfs/pay", "pg_payment_id", id, "pg_abonent_phone", ph)
}

func (f *fixture) approve(id, code string) fields.List {
	f.t.Helper()
	return f.op("/mfs/approve", "pg_payment_id", id, "pg_approval_code", code)
}

func (f *fixture) resend(id string) fields.List {
	f.t.Helper()
	return f.op("/mfs/resend_code", "pg_payment_id", id)
}

func (f *fixture) status(id string) fields.List {
	f.t.Helper()
	return f.op("/get_status3.php", "pg_payment_id", id)
}

func (f *fixture) advance(d time.Duration) { f.l.Clock().Advance(d) }

// across moves the clock to 1 ns before d from now and runs early, then to d and runs due: a
// deadline is pinned on both sides.
func (f *fixture) across(d time.Duration, early, due func()) {
	f.advance(d - time.Nanosecond)
	early()
	f.advance(time.Nanosecond)
	due()
}

// paid is a payment initialised with pairs and paid from phone, awaiting its code.
func (f *fixture) paid(pairs ...string) string {
	f.t.Helper()
	id := f.init(pairs...)
	wantOK(f.t, "pay", f.pay(id, phone), "need_approve")
	return id
}

// succeeded is a payment with the result URL u, successful at once (test phone 77000000001).
func (f *fixture) succeeded(u string, pairs ...string) string {
	f.t.Helper()
	id := f.init(append([]string{"pg_testing_mode", "1", "pg_result_url", u}, pairs...)...)
	wantOK(f.t, "pay", f.pay(id, "77000000001"), "ok")
	return id
}

// code is the approval code last sent for the payment.
func (f *fixture) code(id string) string {
	f.t.Helper()
	o, ok := f.sim.OTP(id)
	if !ok {
		f.t.Fatalf("no code was sent for payment %s", id)
	}
	return o.OTP
}

// codes are all the codes Snapshot shows sent for the payment, and the phone they went to.
func (f *fixture) codes(id string) (string, []string) {
	for _, s := range f.sim.Snapshot() {
		if strconv.FormatInt(s.PaymentID, 10) == id {
			return s.Phone, s.Codes
		}
	}
	return "", nil
}

// nth waits for the n-th delivery to in (1 for the first), on the wall clock (a delivery is a real
// HTTP request), at most 5 s; match, when given, picks the delivery instead.
func (f *fixture) nth(in *receiver.Inbox, n int, match ...func(receiver.Delivery) bool) receiver.Delivery {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	seen := 0
	d, err := in.Await(ctx, func(d receiver.Delivery) bool {
		seen++
		return (len(match) == 0 && seen == n) || (len(match) > 0 && match[0](d))
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

// deliveries is how many calls in has had once every callback due now was attempted: the
// dispatcher attempts due callbacks in the order they were queued, so when one queued now has
// arrived, all the others were attempted and their answers acted on.
func (f *fixture) deliveries(in *receiver.Inbox) int {
	f.t.Helper()
	f.nflush++
	q := "n=" + strconv.Itoa(f.nflush)
	f.l.Dispatcher().Send(sim.Callback{URL: f.flushes.URL() + "?" + q})
	f.nth(f.flushes, 0, func(d receiver.Delivery) bool { return d.Query == q })
	return len(in.All())
}

// result reads a result call (GET: the query; POST: the form, or the XML in its pg_xml field),
// failing unless it is salted and signed with the result URL's script name (FPY-SIG-004).
func (f *fixture) result(d receiver.Delivery) fields.List {
	f.t.Helper()
	l, err := fields.ParseForm(d.Message())
	if err == nil {
		l, err = l.Unwrap("pg_xml")
	}
	if err != nil || l.Value(signing.FreedomPaySalt) == "" || f.signer.Verify(resultScript, l) != nil {
		f.t.Fatalf("result call %s %q not read, salted or signed with %q (%v):\n%s", d.Method, d.Header.Get("Content-Type"), resultScript, err, l.Readable())
	}
	return l
}

// inbox is a result URL ending in result.php whose n-th call is answered seq[n-1] (the last for
// all later calls).
func (f *fixture) inbox(seq ...receiver.Answer) (*receiver.Inbox, string) {
	in := f.rcv.NewInbox("result")
	in.Answering(func(receiver.Delivery) receiver.Answer { return seq[min(len(in.All()), len(seq)-1)] })
	return in, in.URL() + "/" + resultScript
}

// rejected is the merchant's answer refusing a payment, signed by s with the result URL's script
// name (ERR-FPY-017).
func rejected(s signing.FreedomPay) receiver.Answer {
	l := s.Signed(resultScript, fields.Of("pg_status", "rejected", "pg_description", "out of stock", "pg_salt", "merchant-salt"))
	return receiver.Answer{Status: http.StatusOK, ContentType: fields.ApplicationXML, Body: l.XML("response")}
}

func wantOK(t *testing.T, what string, l fields.List, status string) {
	t.Helper()
	if l.Value("pg_status") != status || l.Value("pg_payment_id") == "" || l.Has("pg_error_code") {
		t.Errorf("%s: want pg_status %s with a pg_payment_id, got\n%s", what, status, l.Readable())
	}
}

func wantErr(t *testing.T, what string, l fields.List, code int) {
	t.Helper()
	if l.Value("pg_status") != "error" || l.Value("pg_error_code") != strconv.Itoa(code) || l.Value("pg_error_description") == "" {
		t.Errorf("%s: want error %d with a description, got\n%s", what, code, l.Readable())
	}
}

// wantPayment checks a get_status3.php answer: pg_payment_status status, with pg_failure_code
// failure and a pg_failure_description, or neither when failure is 0.
func wantPayment(t *testing.T, what string, l fields.List, status string, failure int) {
	t.Helper()
	code := ""
	if failure != 0 {
		code = strconv.Itoa(failure)
	}
	if l.Value("pg_status") != "ok" || l.Value("pg_payment_status") != status || l.Value("pg_failure_code") != code ||
		(failure != 0) != (l.Value("pg_failure_description") != "") {
		t.Errorf("%s: want payment %s, failure code %q, got\n%s", what, status, code, l.Readable())
	}
}

// TestSignature pins FPY-SIG-001..003: a request with a wrong, missing or misdirected pg_sig is
// refused with error 103 and one without pg_salt with 102, in a signed HTTP 200 XML answer, and
// nothing is created; an unknown or missing merchant ID gets 9998 with neither pg_salt nor pg_sig;
// every other answer is signed, with a salt no other answer had.
func TestSignature(t *testing.T) {
	f := start(t)
	good := f.req(initPath, "pg_amount", "100", "pg_description", "d").Without("pg_sig")
	salts := map[string]bool{}
	fresh := func(l fields.List) {
		if s := l.Value(signing.FreedomPaySalt); salts[s] {
			t.Errorf("salt %q repeated", s)
		}
		salts[l.Value(signing.FreedomPaySalt)] = true
	}
	for _, c := range []struct {
		name string
		l    fields.List
		code int
	}{
		{"wrong pg_sig", good.Set("pg_sig", strings.Repeat("0", 32)), 103},
		{"no pg_sig", good, 103},
		{"empty pg_sig", good.Set("pg_sig", ""), 103},
		{"no pg_salt", f.signer.Signed("init_payment.php", good.Without("pg_salt")), 102},
		{"signed for get_status.php", f.signer.Signed("get_status.php", good), 103},
		{"signed with another secret", signer("another").Signed("init_payment.php", good), 103},
		{"a value changed after signing", f.signer.Signed("init_payment.php", good).Set("pg_amount", "1000"), 103},
	} {
		a := f.check(initPath, f.send("urlencoded", initPath, c.l))
		wantErr(t, c.name, a, c.code)
		fresh(a)
	}
	if n := len(f.sim.Snapshot()); n != 0 {
		t.Errorf("refused inits created %d payments", n)
	}
	for _, p := range []string{initPath, "/mfs/pay", "/get_status3.php"} {
		for _, merchant := range []string{"999999", absent} {
			l := with(fields.Of("pg_merchant_id", "", "pg_payment_id", "100001", "pg_salt", "s"), "pg_merchant_id", merchant)
			a := f.parse(p, f.send("urlencoded", p, f.signer.Signed(signing.ScriptName(p), l)))
			if a.Value("pg_status") != "error" || a.Value("pg_error_code") != "9998" || a.Has("pg_salt") || a.Has("pg_sig") {
				t.Errorf("%s, merchant %q: want unsigned error 9998, got\n%s", p, merchant, a.Readable())
			}
		}
	}
	// A script the platform does not have: the merchant is known, so the refusal is signed.
	wantErr(t, "no such script", f.op("/refund.php", "pg_payment_id", "100001"), 340)
	for i := 0; i < 3; i++ {
		a := f.initAnswer()
		fresh(a)
		fresh(f.status(a.Value("pg_payment_id")))
		fresh(f.pay(a.Value("pg_payment_id"), phone))
	}
}

// TestTransports pins ERR-FPY-005 and FPY-FMT-002: the same Pay request sent URL-encoded,
// multipart, as XML in pg_xml (in either form encoding) or as a GET query is read as the same
// fields: on simulators in the same state it gets the same answer (need_approve) but for its salt
// and signature, and its signature is checked (a wrong one gets 103). Every call checks the roots
// (ERR-FPY-006).
func TestTransports(t *testing.T) {
	var first string
	for _, tr := range []string{"urlencoded", "multipart", "pg_xml", "pg_xml multipart", "get"} {
		f := start(t)
		id := f.init()
		l := f.req("/mfs/pay", "pg_payment_id", id, "pg_abonent_phone", phone)
		wantErr(t, tr+", wrong pg_sig", f.check("/mfs/pay", f.send(tr, "/mfs/pay", l.Set("pg_sig", strings.Repeat("a", 32)))), 103)
		a := f.check("/mfs/pay", f.send(tr, "/mfs/pay", l))
		wantOK(t, tr, a, "need_approve")
		// The salt is new in every answer, and with it the signature; the rest is the same.
		got := a.Without(signing.FreedomPaySalt, signing.FreedomPaySig).Readable()
		if first == "" {
			first = got
		} else if got != first {
			t.Errorf("%s: answer differs from the URL-encoded one:\n%s\n%s", tr, got, first)
		}
		wantPayment(t, tr, f.status(id), "pending", 0)
	}
}

// TestInit pins Init (FPY-INIT-001..003, ERR-FPY-013): ok names a new payment, each Init another;
// a missing pg_amount or pg_description, an amount outside 0.01..99999999 or not a decimal, pg_lifetime out of
// 300..604800, pg_testing_mode not 0/1, an unknown pg_request_method or a pg_payment_method other
// than mobile_commerce get 101 and create no payment.
func TestInit(t *testing.T) {
	f := start(t)
	if a, b := f.init(), f.init(); a == b {
		t.Errorf("two inits gave the same pg_payment_id %s", a)
	} else {
		wantPayment(t, "after init", f.status(a), "new", 0)
	}
	for _, c := range []struct {
		field, value string
		ok           bool
	}{
		{"pg_amount", absent, false}, {"pg_description", absent, false}, {"pg_amount", "0", false},
		{"pg_amount", "0.001", false}, {"pg_amount", "1,5", false}, {"pg_amount", "0.01", true},
		{"pg_amount", "99999999", true}, {"pg_amount", "99999999.01", false}, {"pg_amount", "100000000", false},
		{"pg_lifetime", "299", false}, {"pg_lifetime", "300", true}, {"pg_lifetime", "604800", true},
		{"pg_lifetime", "604801", false}, {"pg_lifetime", "5m", false}, {"pg_testing_mode", "2", false},
		{"pg_request_method", "PUT", false}, {"pg_payment_method", "bank_card", false},
	} {
		what := c.field + "=" + strings.ReplaceAll(c.value, absent, "(absent)")
		before := len(f.sim.Snapshot())
		if got := f.initAnswer(c.field, c.value); c.ok {
			wantOK(t, what, got, "ok")
		} else if wantErr(t, what, got, 101); got.Has("pg_payment_id") || len(f.sim.Snapshot()) != before {
			t.Errorf("%s: a refused init created a payment", what)
		}
	}
}

// TestPay pins Pay (FPY-PAY-001..005, ERR-FPY-010/011): a phone of each operator prefix gets
// need_approve and a 6-digit code is sent to it (the payment is pending); an operator code not of
// the five, or a phone whose prefix names no operator, gets 380 and the payment stays new, unless
// the operator is named; a malformed phone gets 101, an unknown payment 340, a second Pay 350.
func TestPay(t *testing.T) {
	f := start(t)
	id := f.init()
	if _, ok := f.sim.OTP(id); ok {
		t.Errorf("a code before Pay")
	}
	wantErr(t, "unknown operator", f.op("/mfs/pay", "pg_payment_id", id, "pg_abonent_phone", phone, "pg_payment_system_code", "MTSKZT"), 380)
	wantErr(t, "prefix 799", f.pay(id, "77991234567"), 380)
	wantErr(t, "phone 8...", f.pay(id, "87071234567"), 101)
	wantErr(t, "10 digits", f.pay(id, "7707123456"), 101)
	wantErr(t, "unknown payment", f.pay("999999999", phone), 340)
	wantPayment(t, "after refused pays", f.status(id), "new", 0)
	wantOK(t, "pay", f.pay(id, phone), "need_approve")
	code := f.code(id)
	if _, err := strconv.Atoi(code); len(code) != 6 || err != nil {
		t.Errorf("code %q is not 6 digits", code)
	}
	if ph, codes := f.codes(id); ph != phone || len(codes) != 1 || codes[0] != code {
		t.Errorf("Snapshot shows %v sent to %s, want [%s] to %s", codes, ph, code, phone)
	}
	l := f.status(id)
	wantPayment(t, "after pay", l, "pending", 0)
	if l.Value("pg_user_phone") != phone {
		t.Errorf("status does not name the phone:\n%s", l.Readable())
	}
	wantErr(t, "second pay", f.pay(id, phone), 350)
	named := f.op("/mfs/pay", "pg_payment_id", f.init(), "pg_abonent_phone", "77991234567", "pg_payment_system_code", "KCELLKZT")
	wantOK(t, "prefix 799 with KCELLKZT", named, "need_approve")
	for _, p := range []string{"700", "708", "701", "702", "775", "778", "705", "771", "776", "777", "707", "747"} {
		wantOK(t, "prefix "+p, f.pay(f.init(), "7"+p+"1234567"), "need_approve")
	}
}

// TestApprove pins Approve (FPY-OTP-002, FPY-WRONG-001..003, ERR-FPY-012): before Pay it gets 350;
// a wrong code gets 360 and the payment stays pending and approvable; the third wrong code gets 361
// and fails the payment (failure code 361), after which the right code is refused; the right code
// gets ok (success), and on the Processing test phone process, success 30 s later and not before.
func TestApprove(t *testing.T) {
	f := start(t)
	id := f.init()
	wantErr(t, "approve before pay", f.approve(id, "123456"), 350)
	wantOK(t, "pay", f.pay(id, phone), "need_approve")
	code := f.code(id)
	for i := 1; i < maxWrong; i++ {
		wantErr(t, fmt.Sprintf("wrong code %d", i), f.approve(id, otp.Wrong(code)), 360)
		wantPayment(t, fmt.Sprintf("after wrong code %d", i), f.status(id), "pending", 0)
	}
	wantErr(t, "last wrong code", f.approve(id, otp.Wrong(code)), 361)
	wantPayment(t, "after the last wrong code", f.status(id), "failed", 361)
	wantErr(t, "right code after failure", f.approve(id, code), 350)

	id = f.paid()
	wantErr(t, "no code", f.op("/mfs/approve", "pg_payment_id", id), 101)
	for i := 1; i < maxWrong; i++ {
		wantErr(t, "wrong code", f.approve(id, otp.Wrong(f.code(id))), 360)
	}
	wantOK(t, "right code after wrong ones", f.approve(id, f.code(id)), "ok")
	wantPayment(t, "approved", f.status(id), "success", 0)
	wantErr(t, "approve again", f.approve(id, f.code(id)), 350)

	id = f.init("pg_testing_mode", "1")
	wantOK(t, "pay 77000000003", f.pay(id, "77000000003"), "need_approve")
	wantOK(t, "approve 77000000003", f.approve(id, f.code(id)), "process")
	f.across(processing,
		func() { wantPayment(t, "processing, 1 ns early", f.status(id), "pending", 0) },
		func() { wantPayment(t, "processed", f.status(id), "success", 0) })
}

// TestResend pins Resend code (FPY-RESEND-001..003, ERR-FPY-009): a new code is refused (370)
// until 60 s after the last one was sent and given at 60 s; it replaces the old one, which is then
// wrong (360); the fourth resend is refused (371); the last code approves the payment.
func TestResend(t *testing.T) {
	f := start(t)
	id := f.paid()
	codes := []string{f.code(id)}
	wantErr(t, "resend at once", f.resend(id), 370)
	for i := 1; i <= maxResends; i++ {
		f.across(cooldown,
			func() { wantErr(t, fmt.Sprintf("resend %d, 1 ns early", i), f.resend(id), 370) },
			func() { wantOK(t, fmt.Sprintf("resend %d", i), f.resend(id), "ok") })
		codes = append(codes, f.code(id))
		if o, _ := f.sim.OTP(id); o.Resends != i || !o.IssuedAt.Equal(f.l.Clock().Now()) {
			t.Errorf("resend %d: OTP %+v", i, o)
		}
	}
	if codes[1] == codes[0] {
		t.Fatalf("the seed gave the same code twice (%s): pick another", codes[0])
	}
	wantErr(t, "the replaced code", f.approve(id, codes[0]), 360)
	f.advance(cooldown)
	wantErr(t, "resend after the last allowed", f.resend(id), 371)
	if _, sent := f.codes(id); strings.Join(sent, ",") != strings.Join(codes, ",") {
		t.Errorf("Snapshot codes %v, want %v", sent, codes)
	}
	wantOK(t, "the last code", f.approve(id, codes[len(codes)-1]), "ok")
	wantErr(t, "resend after success", f.resend(id), 350)
}

// TestLifetime pins ERR-FPY-013 and FPY-OTP-003: when pg_lifetime (300 s here, 24 h by default)
// passes, a payment not final fails with 390, Pay, Approve and Resend get 390 and the result URL
// is told pg_result 0; one nanosecond earlier nothing has happened.
func TestLifetime(t *testing.T) {
	f := start(t)
	in, u := f.inbox(receiver.OK)
	paidID, newID, long := f.paid("pg_lifetime", "300", "pg_result_url", u), f.init("pg_lifetime", "300"), f.init()
	f.across(300*time.Second, func() {
		wantPayment(t, "paid, 1 ns early", f.status(paidID), "pending", 0)
		wantPayment(t, "new, 1 ns early", f.status(newID), "new", 0)
	}, func() {
		wantPayment(t, "paid, expired", f.status(paidID), "failed", 390)
		wantPayment(t, "new, expired", f.status(newID), "failed", 390)
	})
	wantErr(t, "approve expired", f.approve(paidID, f.code(paidID)), 390)
	wantErr(t, "resend expired", f.resend(paidID), 390)
	wantErr(t, "pay expired", f.pay(newID, phone), 390)
	if r := f.result(f.nth(in, 1)); r.Value("pg_result") != "0" || r.Value("pg_failure_code") != "390" {
		t.Errorf("result of an expired payment:\n%s", r.Readable())
	}
	f.across(defaultLife-300*time.Second,
		func() { wantPayment(t, "default lifetime, 1 ns early", f.status(long), "new", 0) },
		func() { wantPayment(t, "default lifetime over", f.status(long), "failed", 390) })
}

// TestStatus pins get_status3.php (FPY-STATUS-001..003, ERR-FPY-014): new after Init, pending
// after Pay, success after Approve (captured, with the payment date), failed after a debit error
// with pg_failure_code and pg_failure_description; it echoes the Init's order, amount, currency
// and testing mode and the creation date; an unknown payment gets 340.
func TestStatus(t *testing.T) {
	f := start(t)
	id := f.init()
	const layout = "2006-01-02 15:04:05"
	for _, step := range []struct {
		status, captured string
		act              func()
	}{
		{"new", "0", func() {}},
		{"pending", "0", func() { f.pay(id, phone) }},
		{"success", "1", func() { f.advance(time.Minute); f.approve(id, f.code(id)) }},
	} {
		step.act()
		l := f.status(id)
		wantPayment(t, step.status, l, step.status, 0)
		date := ""
		if step.status == "success" {
			date = f.l.Clock().Now().UTC().Format(layout)
		}
		if l.Value("pg_order_id") != "order-1" || l.Value("pg_amount") != "100" || l.Value("pg_currency") != "KZT" ||
			l.Value("pg_captured") != step.captured || l.Value("pg_payment_date") != date || l.Value("pg_testing_mode") != "0" ||
			l.Value("pg_create_date") != sim.DefaultStart.Format(layout) {
			t.Errorf("%s: fields\n%s", step.status, l.Readable())
		}
	}
	failed := f.init("pg_testing_mode", "1")
	wantErr(t, "pay 77000000004", f.pay(failed, "77000000004"), 400)
	l := f.status(failed)
	wantPayment(t, "debit error", l, "failed", 400)
	if l.Value("pg_captured") != "0" || l.Value("pg_testing_mode") != "1" {
		t.Errorf("failed payment fields\n%s", l.Readable())
	}
	wantErr(t, "unknown payment", f.status("999999999"), 340)
}

// TestResultURL pins the result URL (FPY-SIG-004, FPY-CB-001..006, ERR-FPY-016/017): it is called
// only once the payment is final, signed with the result URL's script name, pg_result 1 or 0,
// pg_can_reject 1 on a successful payment's first call only; a non-200 answer is retried exactly
// at 30, 60, 90 and 120 minutes and never after; 200 stops the retries; a signed "rejected" to the
// first call revokes the payment (500), a badly signed one or one to a retry does not; the call is
// POST multipart by default, a GET with the fields in the query for GET, pg_xml for XML.
func TestResultURL(t *testing.T) {
	t.Run("success and failure", func(t *testing.T) {
		f := start(t)
		in, u := f.inbox(receiver.OK)
		id := f.paid("pg_result_url", u)
		if n := f.deliveries(in); n != 0 {
			t.Fatalf("%d result calls before the payment was final", n)
		}
		f.approve(id, f.code(id))
		if r := f.result(f.nth(in, 1)); r.Value("pg_result") != "1" || r.Value("pg_can_reject") != "1" || r.Value("pg_payment_id") != id ||
			r.Value("pg_order_id") != "order-1" || r.Value("pg_amount") != "100" || r.Value("pg_user_phone") != phone {
			t.Errorf("success result call:\n%s", r.Readable())
		}
		failed := f.paid("pg_result_url", u)
		for i := 0; i < maxWrong; i++ {
			f.approve(failed, otp.Wrong(f.code(failed)))
		}
		if r := f.result(f.nth(in, 2)); r.Value("pg_payment_id") != failed || r.Value("pg_result") != "0" ||
			r.Value("pg_can_reject") != "0" || r.Value("pg_failure_code") != "361" {
			t.Errorf("failure result call:\n%s", r.Readable())
		}
		f.advance(24 * time.Hour)
		if n := f.deliveries(in); n != 2 {
			t.Errorf("%d result calls for two payments answered 200, want 2", n)
		}
	})
	retries := []time.Duration{30 * time.Minute, 60 * time.Minute, 90 * time.Minute, 120 * time.Minute}
	t.Run("retries", func(t *testing.T) {
		f := start(t)
		in, u := f.inbox(receiver.Answer{Status: 500})
		f.succeeded(u)
		var at time.Duration
		salts := map[string]bool{f.result(f.nth(in, 1)).Value("pg_salt"): true}
		for i, off := range retries {
			f.advance(off - at - time.Nanosecond)
			if n := f.deliveries(in); n != i+1 {
				t.Fatalf("1 ns before retry %d (%v): %d calls, want %d", i+1, off, n, i+1)
			}
			f.advance(time.Nanosecond)
			at = off
			r := f.result(f.nth(in, i+2))
			if r.Value("pg_can_reject") != "0" || r.Value("pg_result") != "1" || salts[r.Value("pg_salt")] {
				t.Errorf("retry %d:\n%s", i+1, r.Readable())
			}
			salts[r.Value("pg_salt")] = true
		}
		f.advance(7 * 24 * time.Hour)
		if n := f.deliveries(in); n != 1+len(retries) {
			t.Errorf("%d calls in all, want %d", n, 1+len(retries))
		}
	})
	for _, c := range []struct {
		name    string
		seq     []receiver.Answer
		calls   int
		status  string
		failure int
	}{
		{"200 stops retries", []receiver.Answer{receiver.Answer{Status: 500}, receiver.OK}, 2, "success", 0},
		{"204 is retried: only 200 is taken", []receiver.Answer{receiver.Answer{Status: 204}, receiver.OK}, 2, "success", 0},
		{"rejected", []receiver.Answer{rejected(signer(simtest.Credentials.Secret))}, 1, "revoked", 500},
		{"rejected with a bad signature", []receiver.Answer{rejected(signer("another"))}, 1, "success", 0},
		{"rejected on a retry", []receiver.Answer{receiver.Answer{Status: 500}, rejected(signer(simtest.Credentials.Secret))}, 2, "success", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := start(t)
			in, u := f.inbox(c.seq...)
			id := f.succeeded(u)
			f.nth(in, 1)
			f.advance(retries[0])
			f.advance(24 * time.Hour)
			if n := f.deliveries(in); n != c.calls {
				t.Errorf("%d calls, want %d", n, c.calls)
			}
			wantPayment(t, c.name, f.status(id), c.status, c.failure)
		})
	}
	for _, c := range []struct{ method, want, ctype string }{
		{"GET", http.MethodGet, ""}, {"POST", http.MethodPost, fields.Multipart}, {"XML", http.MethodPost, fields.Multipart},
	} {
		t.Run("pg_request_method "+c.method, func(t *testing.T) {
			f := start(t)
			in, u := f.inbox(receiver.OK)
			id := f.succeeded(u, "pg_request_method", c.method)
			d := f.nth(in, 1)
			mt, _, _ := mime.ParseMediaType(d.Header.Get("Content-Type"))
			form, _ := fields.ParseForm(d.Header.Get("Content-Type"), d.Body)
			root, _, _ := fields.ParseXML([]byte(form.Value("pg_xml")))
			if d.Method != c.want || mt != c.ctype || (c.method == "XML") != (len(form) == 1 && root == "request") ||
				(c.method == "GET") != (d.Query != "" && len(d.Body) == 0) {
				t.Errorf("%s: %s %q query %q body %q", c.method, d.Method, mt, d.Query, d.Body)
			}
			if r := f.result(d); r.Value("pg_payment_id") != id || r.Value("pg_result") != "1" {
				t.Errorf("%s:\n%s", c.method, r.Readable())
			}
		})
	}
}

// TestTestPhones pins the test phone table (FPY-TEST-001..005, ERR-FPY-019): in testing mode each
// phone gets its Pay answer (or error code), Approve answer and final status; outside testing mode
// each needs the code and succeeds with it.
func TestTestPhones(t *testing.T) {
	rows := []struct {
		phone, pay, approve, final string
		failure                    int // the Pay error's code and the failure code
	}{
		{"77000000001", "ok", "", "success", 0},
		{"77000000002", "need_approve", "ok", "success", 0},
		{"77000000003", "need_approve", "process", "success", 0},
		{"77000000004", "error", "", "failed", 400},
		{"77000000005", "error", "", "failed", 401},
	}
	if got := freedompay.TestPhones(); len(got) != len(rows) {
		t.Errorf("TestPhones has %d rows, the errata %d", len(got), len(rows))
	}
	f := start(t)
	for _, r := range rows {
		id := f.init("pg_testing_mode", "1")
		if a := f.pay(id, r.phone); r.failure != 0 {
			wantErr(t, r.phone, a, r.failure)
		} else {
			wantOK(t, r.phone, a, r.pay)
		}
		if r.approve != "" {
			wantOK(t, r.phone+" approve", f.approve(id, f.code(id)), r.approve)
		}
		f.advance(processing)
		wantPayment(t, r.phone, f.status(id), r.final, r.failure)

		live := f.init("pg_testing_mode", "0")
		wantOK(t, r.phone+" live", f.pay(live, r.phone), "need_approve")
		wantOK(t, r.phone+" live approve", f.approve(live, f.code(live)), "ok")
		wantPayment(t, r.phone+" live", f.status(live), "success", 0)
	}
}

// TestFaults pins each fault of Faults() to the departure its description names: one probe gives
// the documented observation on a simulator without faults and the described one with the fault.
func TestFaults(t *testing.T) {
	initReq := func(f *fixture) fields.List { return f.req(initPath, "pg_amount", "1", "pg_description", "d") }
	rows := []struct {
		kind, normal, faulty string
		probe                func(f *fixture) string
	}{
		{freedompay.FaultSignatureNotChecked, "error 103", "ok ", func(f *fixture) string {
			a := f.check(initPath, f.send("urlencoded", initPath, initReq(f).Set("pg_sig", strings.Repeat("0", 32))))
			return a.Value("pg_status") + " " + a.Value("pg_error_code")
		}},
		{freedompay.FaultAnswerUnsigned, "salt true sig true", "salt true sig false", func(f *fixture) string {
			a := f.parse(initPath, f.send("urlencoded", initPath, initReq(f)))
			return fmt.Sprintf("salt %t sig %t", a.Has("pg_salt"), a.Has("pg_sig"))
		}},
		{freedompay.FaultAcceptAnyCode, "error pending", "ok success", func(f *fixture) string {
			id := f.paid()
			return f.approve(id, otp.Wrong(f.code(id))).Value("pg_status") + " " + f.status(id).Value("pg_payment_status")
		}},
		{freedompay.FaultResendUnlimited, "error 371", "ok ", func(f *fixture) string {
			id := f.paid()
			for i := 0; i < maxResends; i++ {
				f.advance(cooldown)
				f.resend(id)
			}
			f.advance(cooldown)
			a := f.resend(id)
			return a.Value("pg_status") + " " + a.Value("pg_error_code")
		}},
		{freedompay.FaultResultNotCalled, "1", "0", func(f *fixture) string {
			in, u := f.inbox(receiver.OK)
			f.succeeded(u)
			return strconv.Itoa(f.deliveries(in))
		}},
		{freedompay.FaultStatusStale, "success", "new", func(f *fixture) string {
			id := f.paid()
			f.approve(id, f.code(id))
			return f.status(id).Value("pg_payment_status")
		}},
		{freedompay.FaultJSONAnswers, "application/xml", "application/json", func(f *fixture) string {
			mt, _, _ := mime.ParseMediaType(f.send("urlencoded", initPath, initReq(f)).ctype)
			return mt
		}},
		{freedompay.FaultStatusUnsigned, "error 103", "ok ", func(f *fixture) string {
			id := f.init()
			a := f.parse(statusPath, f.send("urlencoded", statusPath, f.req(statusPath, "pg_payment_id", id).Without("pg_sig")))
			return a.Value("pg_status") + " " + a.Value("pg_error_code")
		}},
		{freedompay.FaultMerchantNotChecked, "error 9998", "ok ", func(f *fixture) string {
			a := f.parse(initPath, f.send("urlencoded", initPath, f.req(initPath, "pg_merchant_id", "1", "pg_amount", "1", "pg_description", "d")))
			return a.Value("pg_status") + " " + a.Value("pg_error_code")
		}},
		{freedompay.FaultMerchantCode, "error 9998 signed false", "error 103 signed true", func(f *fixture) string {
			a := f.parse(initPath, f.send("urlencoded", initPath, f.req(initPath, "pg_merchant_id", "1", "pg_amount", "1", "pg_description", "d")))
			return fmt.Sprintf("%s %s signed %t", a.Value("pg_status"), a.Value("pg_error_code"), a.Has("pg_sig"))
		}},
		{freedompay.FaultBodySniffed, "error 9998", "ok ", func(f *fixture) string {
			body, _ := json.Marshal(initReq(f).Map())
			a := f.parse(initPath, f.post(initPath, "application/json", body))
			return a.Value("pg_status") + " " + a.Value("pg_error_code")
		}},
		{freedompay.FaultContentTypeIgnored, "error 9998", "ok ", func(f *fixture) string {
			a := f.parse(initPath, f.post(initPath, "text/plain", []byte(initReq(f).Encode())))
			return a.Value("pg_status") + " " + a.Value("pg_error_code")
		}},
		{freedompay.FaultBodyUnlimited, "error 9998", "ok ", func(f *fixture) string {
			l := f.req(initPath, "pg_amount", "1", "pg_description", "d", "pg_padding", strings.Repeat("x", freedompay.MaxBody))
			a := f.parse(initPath, f.send("urlencoded", initPath, l))
			return a.Value("pg_status") + " " + a.Value("pg_error_code")
		}},
		{freedompay.FaultApproveBeforePay, "error new", "ok success", func(f *fixture) string {
			id := f.init()
			return f.approve(id, "077587").Value("pg_status") + " " + f.status(id).Value("pg_payment_status")
		}},
		{freedompay.FaultFailedStatusEcho, "order-1", "another-order-1", func(f *fixture) string {
			id := f.init("pg_testing_mode", "1")
			wantErr(t, "pay", f.pay(id, "77000000004"), 400)
			return f.status(id).Value("pg_order_id")
		}},
		{freedompay.FaultFailedResultEcho, "100", "1001", func(f *fixture) string {
			in, u := f.inbox(receiver.OK)
			id := f.init("pg_testing_mode", "1", "pg_result_url", u)
			wantErr(t, "pay", f.pay(id, "77000000004"), 400)
			return f.result(f.nth(in, 1)).Value("pg_amount")
		}},
	}
	faults := freedompay.Faults()
	if len(faults) != len(rows) {
		t.Errorf("%d faults, %d probes", len(faults), len(rows))
	}
	for i, r := range rows {
		if i < len(faults) && (faults[i].Name != freedompay.Name+"."+r.kind || faults[i].Requirement == "" || faults[i].Description == "") {
			t.Errorf("fault %d: %+v, want %s", i, faults[i], r.kind)
		}
		t.Run(r.kind, func(t *testing.T) {
			if got := r.probe(start(t)); got != r.normal {
				t.Errorf("without the fault: %q, want %q", got, r.normal)
			}
			if got := r.probe(start(t, freedompay.Name+"."+r.kind)); got != r.faulty {
				t.Errorf("with the fault: %q, want %q", got, r.faulty)
			}
		})
	}
}

// TestProviderStates: each provider state sets up its payment, with the ID and approval code a
// pact names when it names them (a string or a number), and refuses parameters it cannot use.
func TestProviderStates(t *testing.T) {
	f := start(t)
	fresh, err := f.sim.SetState(freedompay.StateNew, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(fresh["pg_payment_id"].(int64), 10)
	wantPayment(t, "a new payment", f.status(id), "new", 0)
	wantOK(t, "the pay request of a new payment", f.pay(id, phone), "need_approve")

	for _, params := range []map[string]any{
		{"pg_payment_id": "1163457981", "approval_code": "0042"},
		{"pg_payment_id": 1163457981.0, "approval_code": 42.0},
	} {
		if _, err := f.sim.SetState(freedompay.StateAwaitingApproval, params); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprint(params["approval_code"])
		if got := f.code("1163457981"); got != want {
			t.Errorf("%v: the code sent is %q, want %q", params, got, want)
		}
		wantErr(t, "a wrong code", f.approve("1163457981", "9999"), 360)
		wantOK(t, "the code the state names", f.approve("1163457981", want), "ok")
	}

	if _, err := f.sim.SetState(freedompay.StateSuccessful, map[string]any{"pg_payment_id": 7.0}); err != nil {
		t.Fatal(err)
	}
	wantPayment(t, "a successful payment", f.status("7"), "success", 0)

	for _, params := range []map[string]any{{"pg_payment_id": -1.0}, {"pg_payment_id": "x"}, {"approval_code": "12a"}, {"approval_code": true}} {
		if _, err := f.sim.SetState(freedompay.StateAwaitingApproval, params); err == nil {
			t.Errorf("%v: accepted", params)
		}
	}
	if _, err := f.sim.SetState("a refunded payment", nil); err == nil {
		t.Error("an unknown state was set up")
	}
}
