// Package monetix is the Monetix Mobile Commerce (Kazakhstan) conformance suite (document 001):
// Gate v2 purchases whose outcome and whose request for the OTP arrive as signed callbacks, the
// OTP's 80 or 90 seconds, resends, refunds, the operators list and the Payment Page. Declare adds
// it to a process's Ginkgo tree: `go test`/`ginkgo ./suites/monetix` does so in
// monetix_suite_test.go, paycert run in the paycert binary.
package monetix

import (
	"context"
	"fmt"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/budget"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/jsondoc"
	mtx "github.com/paycert/paycert/harness/monetix"
	"github.com/paycert/paycert/harness/money"
	"github.com/paycert/paycert/harness/receiver"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim/providers"
	"github.com/paycert/paycert/harness/target"
	"github.com/paycert/paycert/harness/validate"
)

// Suite names the Monetix suite, its spec and its catalogue.
var Suite = conformance.Suite{
	Name:       "monetix",
	Title:      "Monetix Mobile Commerce (Kazakhstan) conformance",
	Provider:   mtx.Provider,
	SpecFile:   mtx.SpecFile,
	Catalogues: []string{"specs/monetix.requirements.yaml"},
	Simulators: providers.All(),
	Signature: func(p target.Provider) string {
		// The configuration has checked the variant; the signer names the default.
		v, _ := signing.MonetixVariantNamed(p.SignatureVariant)
		return "HMAC-SHA512, " + v.Name + " variant"
	},
	// Document 001 gives no rate; paycert's conservative default applies.
	Budget: budget.Limits{MinInterval: time.Second, PerMinute: 30, Source: "paycert's default; document 001 gives no rate"},
	// Gate API v2 has no test mode in the request and no published sandbox host (the v1 sandbox
	// host is not v2's; providers-facts.md 2.1): a Monetix target takes money requests only as a
	// test double or with PAYCERT_ALLOW_LIVE and PAYCERT_MAX_AMOUNT.
	Money: money.Provider{
		Name: "Monetix", Creates: []string{"purchase"}, FollowUps: []string{"submitOTP", "refund"},
		AmountFields: map[string]string{"purchase": "payment.amount", "refund": "payment.amount"},
		MinorUnits:   true,
	},
	NoStatusQuery: "document 001 gives no status operation to learn the request for the OTP and the outcome from (errata ERR-MTX-024)",
}

// Protocol times of document 001: an OTP lives 80 or 90 seconds (the project decides), so a spec
// that needs it expired waits past the longer one; the platform waits 30 minutes for the OTP
// (providers-facts.md 2.6).
const (
	pastOTPLifetime   = 91 * time.Second
	pastClarification = 30*time.Minute + time.Second
)

// Declare adds the Monetix suite to this process's Ginkgo tree and returns its handle. Call it
// once, before RunSpecs.
func Declare() *conformance.Handle {
	h := conformance.Declare(Suite)
	s := specs{h}
	s.operators()
	s.signature()
	s.purchase()
	s.otp()
	s.resend()
	s.refund()
	s.callbacks()
	s.paymentPage()
	s.requests()
	return h
}

// specs declares the Monetix specs on the suite's handle.
type specs struct{ *conformance.Handle }

// newClient is the spec's Monetix client: the project's ID and secret, the configured signature
// variant.
func newClient(t *conformance.T) *mtx.Client {
	GinkgoHelper()
	signer, err := signing.NewMonetix(t.Provider.SecretKey, t.Provider.SignatureVariant)
	if err != nil {
		Fail("harness error: " + err.Error())
	}
	cl, err := mtx.New(t.Doer(), t.Provider.AccountID, signer)
	if err != nil {
		Fail(fmt.Sprintf("%s: %v", target.EnvName(mtx.Provider, target.AccountIDSetting(mtx.Provider)), err))
	}
	return cl
}

// flow is one purchase of a spec and the callbacks that came for it, in order.
type flow struct {
	t  *conformance.T
	cl *mtx.Client
	p  mtx.Purchase
	// got are the callbacks of the purchase taken so far, in order.
	got []callback
}

// newFlow prepares a purchase of the spec's own, whose callbacks come to the spec's inbox (when
// the target can reach it; else to the project's callback URL, errata ERR-MTX-006), and makes its
// phone number one the run masks.
func newFlow(t *conformance.T, cl *mtx.Client) *flow {
	GinkgoHelper()
	callbackURL := ""
	if t.Receiver != nil {
		callbackURL = t.Inbox().URL()
	}
	p := mtx.NewPurchase(callbackURL)
	t.Redactor.AddPhone(p.Phone)
	return &flow{t: t, cl: cl, p: p}
}

// acknowledged asserts the synchronous answer of a request that was accepted: 200, status
// success, a request_id, and the request's project and payment.
func (f *flow) acknowledged(res *exchange.Result) {
	GinkgoHelper()
	describe := res.Describe()
	Expect(res.String("status")).To(Equal("success"), "want the request acknowledged (status success)\n%s", describe)
	Expect(res.String("request_id")).NotTo(BeEmpty(), "the acknowledgement has no request_id\n%s", describe)
	Expect(res.String("payment_id")).To(Equal(f.p.PaymentID), "the acknowledgement names another payment\n%s", describe)
	project, _ := res.Int("project_id")
	Expect(project).To(Equal(f.cl.Project()), "the acknowledgement names another project\n%s", describe)
}

// start sends the purchase and asserts that it is acknowledged.
func (f *flow) start(ctx context.Context) {
	GinkgoHelper()
	res := conformance.Must(f.cl.Call(ctx, mtx.Call{Op: mtx.OpPurchase, Body: f.cl.PurchaseBody(f.p)}))
	conformance.Conforms(res, http.StatusOK)
	f.acknowledged(res)
}

// callback is a callback of the purchase, decoded, with what the spec found in its body.
type callback struct{ conformance.Webhook }

func (c callback) str(path string) string { return jsondoc.String(c.Value, path) }

// next waits for the next callback of the purchase, keeps it in the transcript checked against
// the spec (a purchase or a refund callback, by operation.type), and returns it.
//
// Without callbacks the spec is not applicable: the documents give no other way to learn what
// comes next (errata ERR-MTX-024).
func (f *flow) next(ctx context.Context) callback {
	GinkgoHelper()
	if f.t.Receiver == nil {
		Skip(report.NotApplicablePrefix + f.t.Missing(conformance.CapOutcome))
	}
	inbox := f.t.Inbox()
	wctx, cancel := f.t.WaitContext(ctx, fmt.Sprintf("callback %d of payment %s", len(f.got)+1, f.p.PaymentID))
	defer cancel()
	n := 0
	d, err := inbox.Await(wctx, func(receiver.Delivery) bool {
		n++
		return n > len(f.got)
	})
	if err != nil {
		Fail(fmt.Sprintf("callback %d of payment %s did not come to %s: %v", len(f.got)+1, f.p.PaymentID, inbox.URL(), err))
	}
	v, _ := validate.DecodeJSON(d.Body)
	op := mtx.OpPurchaseCallback
	if jsondoc.String(v, "operation.type") == "refund" {
		op = mtx.OpRefundCallback
	}
	findings := f.t.RecordInbound(op, d)
	cb := callback{conformance.Webhook{Delivery: d, Value: v, Findings: findings}}
	f.got = append(f.got, cb)
	return cb
}

// describe renders a callback for a failure message, redacted.
func (c callback) describe(t *conformance.T) string {
	return fmt.Sprintf("callback %s %s:\n%s", c.Method, c.Path, t.Redactor.Body(c.Body))
}

// clarification waits for the next callback and asserts that it asks for the OTP.
func (f *flow) clarification(ctx context.Context) callback {
	GinkgoHelper()
	cb := f.next(ctx)
	Expect(cb.str("payment.status")).To(Equal(mtx.StatusClarification), "want a callback asking for the OTP (payment.status %q)\n%s", mtx.StatusClarification, cb.describe(f.t))
	Expect(cb.str("operation.status")).To(Equal(mtx.StatusClarification), "want a callback asking for the OTP (operation.status %q)\n%s", mtx.StatusClarification, cb.describe(f.t))
	return cb
}

// submit sends an OTP and asserts that it is acknowledged.
func (f *flow) submit(ctx context.Context, code string) {
	GinkgoHelper()
	res := conformance.Must(f.cl.Call(ctx, mtx.Call{Op: mtx.OpSubmitOTP, Body: f.cl.OTPBody(f.p.PaymentID, code)}))
	conformance.Conforms(res, http.StatusOK)
	f.acknowledged(res)
}

// otp is the OTP the customer received for the purchase.
func (f *flow) otp(ctx context.Context) string {
	GinkgoHelper()
	return f.t.OTPFor(ctx, f.p.PaymentID, f.p.Phone)
}

// succeeded waits for the final callback and asserts that the purchase succeeded.
func (f *flow) succeeded(ctx context.Context) callback {
	GinkgoHelper()
	cb := f.next(ctx)
	Expect(cb.str("payment.status")).To(Equal(mtx.StatusSuccess), "want the final callback of a successful purchase\n%s", cb.describe(f.t))
	Expect(cb.str("operation.status")).To(Equal(mtx.StatusSuccess), "want operation.status success\n%s", cb.describe(f.t))
	Expect(cb.str("operation.code")).To(Equal("0"), "a successful operation has code \"0\"\n%s", cb.describe(f.t))
	return cb
}

// echoed asserts that a callback of the purchase carries what its requests said (Figures 6, 9, 10,
// 12-14): the project, payment_id, customer.id and account.number; a callback of the sale the
// purchase's amount and currency as operation.sum_initial and its currency as payment.sum; a
// refund's callback the payment's currency.
func (f *flow) echoed(cb callback) {
	GinkgoHelper()
	d := cb.describe(f.t)
	project, _ := jsondoc.Int(cb.Value, "project_id")
	Expect(project).To(Equal(f.cl.Project()), "project_id is not the request's\n%s", d)
	Expect(cb.str("payment.id")).To(Equal(f.p.PaymentID), "payment.id is not the request's payment_id\n%s", d)
	Expect(cb.str("customer.id")).To(Equal(f.p.CustomerID), "customer.id is not the request's\n%s", d)
	Expect(cb.str("account.number")).To(Equal(f.p.Phone), "account.number is not the request's\n%s", d)
	Expect(cb.str("payment.sum.currency")).To(Equal(f.p.Currency), "payment.sum.currency is not the purchase's\n%s", d)
	if cb.str("operation.type") == "sale" {
		amount, _ := jsondoc.Int(cb.Value, "operation.sum_initial.amount")
		Expect(amount).To(Equal(f.p.Amount), "operation.sum_initial.amount is not the purchase's amount\n%s", d)
		Expect(cb.str("operation.sum_initial.currency")).To(Equal(f.p.Currency), "operation.sum_initial.currency is not the purchase's\n%s", d)
	}
}

// declined starts a purchase, lets the platform wait past its 30 minutes for the OTP, and returns
// the callback that follows, asserting that it declines the purchase.
func (f *flow) declined(ctx context.Context) callback {
	GinkgoHelper()
	f.start(ctx)
	f.clarification(ctx)
	Expect(f.t.Clock.Advance(ctx, pastClarification)).To(Succeed())
	cb := f.next(ctx)
	Expect(cb.str("payment.status")).To(Equal(mtx.StatusDecline), "want the purchase declined\n%s", cb.describe(f.t))
	Expect(cb.str("operation.status")).To(Equal(mtx.StatusDecline), "want operation.status decline: the sale was declined\n%s", cb.describe(f.t))
	return cb
}

// paid runs a purchase to success: acknowledged, asked for the OTP, OTP given, successful.
func (f *flow) paid(ctx context.Context) {
	GinkgoHelper()
	f.start(ctx)
	f.clarification(ctx)
	f.submit(ctx, f.otp(ctx))
	f.succeeded(ctx)
}
