package freedompay

import (
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/fields"
	fp "github.com/paycert/paycert/harness/freedompay"
	"github.com/paycert/paycert/harness/receiver"
	"github.com/paycert/paycert/harness/signing"
)

// pastFirstRetry is past the first retry of a result call the merchant did not take: every half
// hour (document "Result notify").
const pastFirstRetry = 31 * time.Minute

// merchant makes the spec's inbox answer result calls as a merchant does: with its signed XML,
// status ok, or the given status when rejecting.
func merchant(t *conformance.T, cl *fp.Client, status, description string) {
	t.Inbox().Answering(func(d receiver.Delivery) receiver.Answer {
		body := fp.MerchantAnswer(cl.Signer(), signing.ScriptName(d.Path), status, description)
		return receiver.Answer{Status: http.StatusOK, ContentType: "application/xml; charset=utf-8", Body: body}
	})
}

func (s specs) results() bool {
	return Describe("Result URL (Result notify) and the merchant's answer", func() {
		var t *conformance.T
		var cl *fp.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		It("posts a successful payment's result with the documented fields and pg_result 1", s.Req("FPY-CB-001"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			merchant(t, cl, fp.StatusOK, "")
			p.paid(ctx)
			r := p.result(ctx, "1")
			Expect(r.findings).To(BeEmpty(), "the result call does not match the spec\n%s", r.describe(t))
			Expect(r.fields.Value("pg_order_id")).To(Equal(p.p.OrderID), "the result names another order\n%s", r.describe(t))
			Expect(r.fields.Value("pg_amount")).To(BeElementOf(p.p.Amount, p.p.Amount+".00"), "the result's amount\n%s", r.describe(t))
		})

		It("posts a failed payment's result with pg_result 0", s.Req("FPY-CB-002"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			merchant(t, cl, fp.StatusOK, "")
			p.failed(ctx)
			r := p.result(ctx, "0")
			Expect(r.findings).To(BeEmpty(), "the result call does not match the spec\n%s", r.describe(t))
		})

		It("echoes the init in the result call of a successful payment", s.Req("FPY-CB-007"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			merchant(t, cl, fp.StatusOK, "")
			p.paid(ctx)
			r := p.result(ctx, "1")
			p.echoes(r.fields.Value, r.describe(t))
		})

		It("echoes the init in the result call of a failed payment", s.Req("FPY-CB-007"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			merchant(t, cl, fp.StatusOK, "")
			p.failed(ctx)
			r := p.result(ctx, "0")
			p.echoes(r.fields.Value, r.describe(t))
		})

		It("calls the result URL again when the merchant did not answer 200", s.Req("FPY-CB-003"), Label("slow"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			t.Inbox().Answering(func(receiver.Delivery) receiver.Answer {
				return receiver.Answer{Status: http.StatusServiceUnavailable, ContentType: "text/plain", Body: []byte("busy")}
			})
			p.paid(ctx)
			p.result(ctx, "1")
			merchant(t, cl, fp.StatusOK, "")
			n := len(t.Inbox().All())
			Expect(t.Clock.Advance(ctx, pastFirstRetry)).To(Succeed())
			wctx, cancel := t.WaitContext(ctx, "the repeated result call")
			defer cancel()
			d, err := t.Inbox().Await(wctx, func(receiver.Delivery) bool { n--; return n < 0 })
			Expect(err).NotTo(HaveOccurred(), "the result URL was not called again 30 minutes after a 503")
			again := p.checked(d)
			Expect(again.findings).To(BeEmpty(), "the repeated result call does not match the spec\n%s", again.describe(t))
			Expect(cl.Signer().Verify(signing.ScriptName(again.Path), again.fields)).To(Succeed(), "the repeated result call's pg_sig does not verify\n%s", again.describe(t))
		})

		It("revokes a payment the merchant rejects when pg_can_reject is 1", s.Req("FPY-CB-004"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			merchant(t, cl, fp.StatusRejected, "the order expired")
			p.awaitCode(ctx)
			ok(p.approve(ctx, p.code(ctx)), fp.StatusOK, fp.StatusProcess)
			r := p.result(ctx, "1")
			Expect(r.fields.Value("pg_can_reject")).To(Equal("1"), "the first result call of a payment lets the merchant reject it\n%s", r.describe(t))
			p.settles(ctx, fp.PaymentRevoked, fp.PaymentFailed)
		})

		DescribeTable("calls the result URL the way pg_request_method says",
			func(ctx SpecContext, method string) {
				p := newPayment(t, cl, "77071234567")
				p.p.RequestMethod = method
				merchant(t, cl, fp.StatusOK, "")
				p.paid(ctx)
				r := p.result(ctx, "1")
				Expect(r.findings).To(BeEmpty(), "the result call does not match the spec\n%s", r.describe(t))
				Expect(cl.Signer().Verify(signing.ScriptName(r.Path), r.fields)).To(Succeed(), "the result call's pg_sig does not verify\n%s", r.describe(t))
				switch method {
				case http.MethodGet:
					Expect(r.Method).To(Equal(http.MethodGet), "pg_request_method GET\n%s", r.describe(t))
					query, err := fields.ParseQuery(r.Query)
					Expect(err).NotTo(HaveOccurred(), "the result call's query\n%s", r.describe(t))
					Expect(query.Value("pg_payment_id")).To(Equal(p.id), "the result's fields are in the query\n%s", r.describe(t))
				case "XML":
					Expect(r.Method).To(Equal(http.MethodPost), "pg_request_method XML\n%s", r.describe(t))
					form, err := fields.ParseForm(r.Header.Get("Content-Type"), r.Body)
					Expect(err).NotTo(HaveOccurred(), "the result call's form\n%s", r.describe(t))
					Expect(len(form) == 1 && form[0].Name == fp.XMLField).To(BeTrue(), "the form holds pg_xml alone\n%s", r.describe(t))
				}
			},
			Entry("GET: the fields in the query", s.Req("FPY-CB-005"), http.MethodGet),
			Entry("XML: the fields as XML in pg_xml", s.Req("FPY-CB-006"), "XML"),
		)

		It("signs every result call with pg_salt and a pg_sig for the result URL's script name", s.Req("FPY-SIG-004"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			merchant(t, cl, fp.StatusOK, "")
			p.paid(ctx)
			r := p.result(ctx, "1")
			Expect(r.fields.Value(signing.FreedomPaySalt)).NotTo(BeEmpty(), "the result call has no pg_salt\n%s", r.describe(t))
			Expect(cl.Signer().Verify(signing.ScriptName(r.Path), r.fields)).To(Succeed(), "the result call's pg_sig does not verify\n%s", r.describe(t))
		})
	})
}
