// Package freedompay is the FreedomPay mobile balance conformance suite (document 002 and
// providers-facts.md section 3): init, pay from a phone, approval codes right and wrong, new
// codes, status, the result URL and its merchant answer, pg_sig both ways, and the test phone
// table. Declare adds it to a process's Ginkgo tree: `go test`/`ginkgo ./suites/freedompay` does
// so in freedompay_suite_test.go, paycert run in the paycert binary.
package freedompay

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/budget"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/fields"
	fp "github.com/paycert/paycert/harness/freedompay"
	"github.com/paycert/paycert/harness/money"
	"github.com/paycert/paycert/harness/otp"
	"github.com/paycert/paycert/harness/receiver"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim/providers"
	"github.com/paycert/paycert/harness/target"
)

// Suite names the FreedomPay suite, its spec and its catalogue.
var Suite = conformance.Suite{
	Name:         "freedompay",
	Title:        "FreedomPay mobile balance (Merchant API) conformance",
	Provider:     fp.Provider,
	SpecFile:     fp.SpecFile,
	Catalogues:   []string{"specs/freedompay.requirements.yaml"},
	Simulators:   providers.All(),
	PublicPhones: fp.TestPhones(),
	Signature: func(p target.Provider) string {
		// The configuration has checked the variant; the signer names the default.
		s, _ := signing.NewFreedomPay("", p.SignatureVariant)
		return "pg_sig MD5, " + s.Variant + " variant"
	},
	// The platform asks for 1.5 to 2 seconds between payment requests (providers-facts.md 3.1);
	// paycert keeps 2 seconds between all of them, and at most 30 a minute.
	Budget: budget.Limits{MinInterval: 2 * time.Second, PerMinute: 30, Source: "FreedomPay: 1.5-2 s between payment requests"},
	// pg_testing_mode=1 makes a test payment on the platform's own hosts, which have no sandbox of
	// their own (providers-facts.md 3.1); pg_amount is written in major units.
	Money: money.Provider{
		Name: "FreedomPay", Creates: []string{"initPayment"}, FollowUps: []string{"pay", "approve"},
		TestModeField: "pg_testing_mode", TestModeOn: "1",
		AmountFields: map[string]string{"initPayment": "pg_amount"},
	},
}

// Declare adds the FreedomPay suite to this process's Ginkgo tree and returns its handle. Call it
// once, before RunSpecs.
func Declare() *conformance.Handle {
	h := conformance.Declare(Suite)
	s := specs{h}
	s.signature()
	s.init()
	s.pay()
	s.approve()
	s.resend()
	s.status()
	s.results()
	s.testPhones()
	s.requests()
	return h
}

// specs declares the FreedomPay specs on the suite's handle.
type specs struct{ *conformance.Handle }

// newClient is the spec's FreedomPay client: the merchant's ID and secret, the configured
// signature variant and resend path.
func newClient(t *conformance.T) *fp.Client {
	GinkgoHelper()
	signer, err := signing.NewFreedomPay(t.Provider.SecretKey, t.Provider.SignatureVariant)
	if err != nil {
		Fail("harness error: " + err.Error())
	}
	cl, err := fp.New(t.Doer(), t.Provider.AccountID, signer, t.Provider.ResendPath)
	if err != nil {
		Fail(fmt.Sprintf("%s: %v", target.EnvName(fp.Provider, target.AccountIDSetting(fp.Provider)), err))
	}
	return cl
}

// call sends a request and fails the spec on a harness error or no answer.
func call(ctx context.Context, cl *fp.Client, c fp.Call) *fp.Answer {
	GinkgoHelper()
	a, err := cl.Call(ctx, c)
	if err != nil {
		Fail(fmt.Sprintf("harness error: %v", err))
	}
	conformance.Must(a.Result, nil)
	conformance.Answered(a.Result)
	return a
}

// ok asserts an answer the spec documents (200, XML of the documented root and schema) whose
// pg_status is one of want, signed: its pg_sig verifies for the script called (FPY-SIG-003), but
// for the one answer the platform cannot sign, to a merchant it cannot tell (pg_error_code 9998).
func ok(a *fp.Answer, want ...string) {
	GinkgoHelper()
	conformance.Conforms(a.Result, http.StatusOK)
	Expect(a.Value("pg_status")).To(BeElementOf(want), "want pg_status %v\n%s", want, a.Describe())
	if a.Value("pg_error_code") != fp.ErrorMerchantUnknown {
		Expect(a.SignatureErr).NotTo(HaveOccurred(), "the answer's pg_sig does not verify (FPY-SIG-003)\n%s", a.Describe())
	}
}

// refused asserts an error answer: 200 with pg_status error, a pg_error_code and a description
// (providers-facts.md 3.4); the code's value is not judged (the code table was not found).
func refused(a *fp.Answer) {
	GinkgoHelper()
	ok(a, fp.StatusError)
	Expect(a.Value("pg_error_code")).NotTo(BeEmpty(), "an error answer carries pg_error_code\n%s", a.Describe())
	Expect(a.Value("pg_error_description")).NotTo(BeEmpty(), "an error answer carries pg_error_description\n%s", a.Describe())
}

// payment is one payment of a spec: its client, what it was initialised with, and its ID.
type payment struct {
	t  *conformance.T
	cl *fp.Client
	p  fp.Payment
	id string
	// phone is the phone the payment is paid from; the run masks it.
	phone string
	// answers are the answers of the platform so far, in order (FPY-SIG-003 checks them all).
	answers []*fp.Answer
}

// newPayment prepares a payment of the spec's own, whose result calls come to the spec's inbox
// (when the target can reach it), paid from phone.
func newPayment(t *conformance.T, cl *fp.Client, phone string) *payment {
	GinkgoHelper()
	resultURL := ""
	if t.Receiver != nil {
		resultURL = t.Inbox().URL() + "/result.php"
	}
	t.Redactor.AddPhone(phone)
	return &payment{t: t, cl: cl, p: fp.NewPayment(resultURL), phone: phone}
}

func (p *payment) send(ctx context.Context, c fp.Call) *fp.Answer {
	GinkgoHelper()
	a := call(ctx, p.cl, c)
	p.answers = append(p.answers, a)
	return a
}

// init initialises the payment and asserts an ok answer with a pg_payment_id.
func (p *payment) init(ctx context.Context) {
	GinkgoHelper()
	p.t.Relies("FPY-INIT-001", func() {
		a := p.send(ctx, fp.Call{Op: fp.OpInit, Fields: fp.InitFields(p.p)})
		ok(a, fp.StatusOK)
		p.id = a.Value("pg_payment_id")
		Expect(p.id).NotTo(BeEmpty(), "the init answer has no pg_payment_id\n%s", a.Describe())
	})
}

// pay pays the payment from its phone, naming the operator when operator is not "".
func (p *payment) pay(ctx context.Context, operator string) *fp.Answer {
	GinkgoHelper()
	return p.send(ctx, fp.Call{Op: fp.OpPay, Fields: fp.PayFields(p.id, p.phone, operator)})
}

// awaitCode initialises and pays the payment and asserts that an approval code was sent.
func (p *payment) awaitCode(ctx context.Context) {
	GinkgoHelper()
	p.init(ctx)
	p.t.Relies("FPY-PAY-001", func() {
		a := p.pay(ctx, "")
		ok(a, fp.StatusNeedApprove)
		Expect(a.Value("pg_payment_id")).To(Equal(p.id), "the pay answer names another payment\n%s", a.Describe())
	})
}

// code is the approval code the customer received last.
func (p *payment) code(ctx context.Context) string {
	GinkgoHelper()
	return p.t.OTPFor(ctx, p.id, p.phone)
}

// approve sends an approval code.
func (p *payment) approve(ctx context.Context, code string) *fp.Answer {
	GinkgoHelper()
	return p.send(ctx, fp.Call{Op: fp.OpApprove, Fields: fp.ApproveFields(p.id, code)})
}

// resend asks for a new code.
func (p *payment) resend(ctx context.Context) *fp.Answer {
	GinkgoHelper()
	return p.send(ctx, fp.Call{Op: fp.OpResend, Fields: fp.IDFields(p.id)})
}

// status queries the payment and asserts an ok answer about it.
func (p *payment) status(ctx context.Context) *fp.Answer {
	GinkgoHelper()
	a := p.send(ctx, fp.Call{Op: fp.OpStatus, Fields: fp.IDFields(p.id)})
	ok(a, fp.StatusOK)
	Expect(a.Value("pg_payment_id")).To(Equal(p.id), "the status answer names another payment\n%s", a.Describe())
	return a
}

// settles polls the status until pg_payment_status is one of want or the wait bound passes; it
// returns the last answer.
func (p *payment) settles(ctx context.Context, want ...string) *fp.Answer {
	GinkgoHelper()
	var a *fp.Answer
	p.t.Poll(ctx, fmt.Sprintf("payment %s to become %s", p.id, strings.Join(want, " or ")), func(ctx context.Context) bool {
		a = p.status(ctx)
		return slices.Contains(want, a.Value("pg_payment_status"))
	}, func() string { return fmt.Sprintf("the payment's status did not become %v\n%s", want, a.Describe()) })
	return a
}

// failed runs the payment to failure by the one route the documents leave no doubt about the
// answer to, and paycert's rules decide the outcome of: three wrong codes (errata ERR-FPY-012). A
// target that does not fail a payment so leaves the spec without a failed payment to look at: the
// spec is then not applicable, with the reason, rather than failed on a MAY's account. It returns
// the status answer that says failed.
func (p *payment) failed(ctx context.Context) *fp.Answer {
	GinkgoHelper()
	p.awaitCode(ctx)
	code := p.code(ctx)
	for range 3 {
		refused(p.approve(ctx, otp.Wrong(code)))
	}
	st := p.status(ctx)
	if st.Value("pg_payment_status") != fp.PaymentFailed {
		Skip(report.NotApplicablePrefix + "the target did not fail the payment after three wrong codes (pg_payment_status " +
			strconv.Quote(st.Value("pg_payment_status")) + "; errata ERR-FPY-012, a MAY), so there is no failed payment to look at")
	}
	return st
}

// paid runs the payment to success: init, pay, the right code, ok or process, success.
func (p *payment) paid(ctx context.Context) {
	GinkgoHelper()
	p.awaitCode(ctx)
	ok(p.approve(ctx, p.code(ctx)), fp.StatusOK, fp.StatusProcess)
	p.settles(ctx, fp.PaymentSuccess)
}

// echoes asserts that a message about the payment (a Status answer, a result call) carries what
// its Init said: the payment's pg_payment_id, and its pg_order_id, pg_amount and pg_currency.
func (p *payment) echoes(value func(string) string, describe string) {
	GinkgoHelper()
	Expect(value("pg_payment_id")).To(Equal(p.id), "pg_payment_id is not the payment's\n%s", describe)
	Expect(value("pg_order_id")).To(Equal(p.p.OrderID), "pg_order_id is not the init's\n%s", describe)
	Expect(value("pg_amount")).To(BeElementOf(p.p.Amount, p.p.Amount+".00"), "pg_amount is not the init's\n%s", describe)
	Expect(value("pg_currency")).To(Equal("KZT"), "pg_currency is not the init's\n%s", describe)
}

// result is a result call of the payment, read, with what the spec found in it.
type result struct {
	receiver.Delivery
	fields   fields.List
	findings []string
}

// result waits for the next result call of the payment whose pg_result is want ("1" or "0"),
// keeps every call in the transcript checked against the spec, and returns it.
func (p *payment) result(ctx context.Context, want string) result {
	GinkgoHelper()
	inbox := p.t.Inbox()
	wctx, cancel := p.t.WaitContext(ctx, fmt.Sprintf("a result call with pg_result %s for payment %s", want, p.id))
	defer cancel()
	d, err := inbox.Await(wctx, func(d receiver.Delivery) bool {
		l := resultFields(d)
		return l.Value("pg_payment_id") == p.id && l.Value("pg_result") == want
	})
	if err != nil {
		Fail(fmt.Sprintf("no result call with pg_result %s for payment %s came to %s: %v", want, p.id, inbox.URL(), err))
	}
	return p.checked(d)
}

// checked reads a result call, keeps it in the transcript checked against the spec, and returns
// it with what the check found.
func (p *payment) checked(d receiver.Delivery) result {
	GinkgoHelper()
	r := result{Delivery: d, fields: resultFields(d)}
	for _, f := range p.t.RecordInbound(fp.OpResultNotify, d) {
		r.findings = append(r.findings, f.String())
	}
	return r
}

// resultFields are the fields of a result call: its query (GET) or its form, with a message
// carried in pg_xml read from there.
func resultFields(d receiver.Delivery) fields.List {
	l, _ := fields.ParseForm(d.Message())
	l, _ = l.Unwrap(fp.XMLField)
	return l
}

// describe renders a result call for a failure message, redacted.
func (r result) describe(t *conformance.T) string {
	return fmt.Sprintf("result call %s %s:\n%s", r.Method, r.Path, t.Redactor.Message(r.Header.Get("Content-Type"), r.Body))
}
