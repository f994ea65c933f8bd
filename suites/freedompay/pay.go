package freedompay

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/conformance"
	fp "github.com/paycert/paycert/harness/freedompay"
)

// Protocol times of paycert's decisions (specs/freedompay.errata.yaml): a new code 60 seconds after
// the last, a lifetime of at least 300 seconds.
const (
	pastResendCooldown = 61 * time.Second
	shortestLifetime   = 300
	pastLifetime       = 301 * time.Second
	pastProcessing     = 31 * time.Second
)

func (s specs) pay() bool {
	return Describe("Pay (/mfs/pay, document 002)", func() {
		var t *conformance.T
		var cl *fp.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		It("answers need_approve (or ok) for the same pg_payment_id", s.Req("FPY-PAY-001"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.init(ctx)
			a := p.pay(ctx, "TELE2KZT")
			ok(a, fp.StatusNeedApprove, fp.StatusOK)
			Expect(a.Value("pg_payment_id")).To(Equal(p.id), "the pay answer names another payment\n%s", a.Describe())
		})

		It("refuses an unknown pg_payment_id", s.Req("FPY-PAY-002"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.id = "999999999999"
			refused(p.pay(ctx, ""))
		})

		It("refuses an operator code that is not one of the five", s.Req("FPY-PAY-003"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.init(ctx)
			before := p.status(ctx).Value("pg_payment_status")
			refused(p.pay(ctx, "MTSKZT"))
			st := p.status(ctx)
			Expect(st.Value("pg_payment_status")).To(Equal(before), "a refused pay changed the payment\n%s", st.Describe())
		})

		It("refuses a pay without pg_abonent_phone", s.Req("FPY-PAY-004"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.init(ctx)
			refused(p.send(ctx, fp.Call{Op: fp.OpPay, Fields: fp.PayFields(p.id, p.phone, "").Without("pg_abonent_phone")}))
		})

		It("tells the operator from the phone's code, and refuses a phone of no operator", s.Req("FPY-PAY-005"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77471234567")
			p.init(ctx)
			ok(p.pay(ctx, ""), fp.StatusNeedApprove, fp.StatusOK)
			q := newPayment(t, cl, "79991234567")
			q.init(ctx)
			refused(q.pay(ctx, ""))
		})
	})
}
