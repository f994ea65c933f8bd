package freedompay

import (
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/conformance"
	fp "github.com/paycert/paycert/harness/freedompay"
	"github.com/paycert/paycert/harness/otp"
	"github.com/paycert/paycert/harness/signing"
)

func (s specs) signature() bool {
	return Describe("pg_sig and pg_salt (providers-facts.md 3.3)", func() {
		var t *conformance.T
		var cl *fp.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		It("refuses a request whose pg_sig is wrong, and does nothing", s.Req("FPY-SIG-001"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.init(ctx)
			before := p.status(ctx).Value("pg_payment_status")
			other := signing.FreedomPay{Secret: "not the merchant's secret key", Variant: cl.Signer().Variant}
			refused(p.send(ctx, fp.Call{Op: fp.OpPay, Fields: fp.PayFields(p.id, p.phone, ""), Signer: &other}))
			init := p.send(ctx, fp.Call{Op: fp.OpInit, Fields: fp.InitFields(p.p).Set("pg_amount", "151"), Signer: &other})
			refused(init)
			Expect(init.Fields.Has("pg_payment_id")).To(BeFalse(), "a refused init names a payment\n%s", init.Describe())
			st := p.status(ctx)
			Expect(st.Value("pg_payment_status")).To(Equal(before), "a pay request with a wrong pg_sig changed the payment\n%s", st.Describe())
			// The same for an approval: a right code in a badly signed request approves nothing.
			q := newPayment(t, cl, "77071234567")
			q.awaitCode(ctx)
			refused(q.send(ctx, fp.Call{Op: fp.OpApprove, Fields: fp.ApproveFields(q.id, q.code(ctx)), Signer: &other}))
			st = q.status(ctx)
			Expect(st.Value("pg_payment_status")).NotTo(Equal(fp.PaymentSuccess), "an approve request with a wrong pg_sig completed the payment\n%s", st.Describe())
		})

		It("refuses a request without pg_salt or without pg_sig", s.Req("FPY-SIG-002"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.init(ctx)
			before := p.status(ctx).Value("pg_payment_status")
			refused(p.send(ctx, fp.Call{Op: fp.OpPay, Fields: fp.PayFields(p.id, p.phone, ""), Unsalted: true}))
			refused(p.send(ctx, fp.Call{Op: fp.OpPay, Fields: fp.PayFields(p.id, p.phone, ""), Unsigned: true}))
			st := p.status(ctx)
			Expect(st.Value("pg_payment_status")).To(Equal(before), "an unsalted or unsigned pay request changed the payment\n%s", st.Describe())
		})

		It("signs every answer, ok or error, with pg_salt and a pg_sig for the script called", s.Req("FPY-SIG-003"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.awaitCode(ctx)
			p.approve(ctx, otp.Wrong(p.code(ctx)))
			p.resend(ctx)
			p.status(ctx)
			p.send(ctx, fp.Call{Op: fp.OpStatus, Fields: fp.IDFields("999999999999")})
			for _, a := range p.answers {
				Expect(a.ReadErr).NotTo(HaveOccurred(), "the answer is not XML\n%s", a.Describe())
				Expect(a.Value(signing.FreedomPaySalt)).NotTo(BeEmpty(), "the answer has no pg_salt\n%s", a.Describe())
				err := a.SignatureErr
				Expect(errors.Is(err, signing.ErrNoSignature)).To(BeFalse(), "the answer has no pg_sig\n%s", a.Describe())
				Expect(err).NotTo(HaveOccurred(), "the answer's pg_sig does not verify\n%s", a.Describe())
			}
		})
	})
}
