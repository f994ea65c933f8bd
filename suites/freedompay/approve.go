package freedompay

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/conformance"
	fp "github.com/paycert/paycert/harness/freedompay"
	"github.com/paycert/paycert/harness/otp"
)

func (s specs) approve() bool {
	return Describe("Approve (/mfs/approve, pg_approval_code)", func() {
		var t *conformance.T
		var cl *fp.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		It("completes the payment with the right code", s.Req("FPY-OTP-001"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.awaitCode(ctx)
			a := p.approve(ctx, p.code(ctx))
			ok(a, fp.StatusOK, fp.StatusProcess)
			Expect(a.Value("pg_payment_id")).To(Equal(p.id), "the approve answer names another payment\n%s", a.Describe())
			p.settles(ctx, fp.PaymentSuccess)
		})

		It("refuses an approval before the payment was paid", s.Req("FPY-OTP-002"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.init(ctx)
			refused(p.approve(ctx, "077587"))
		})

		It("fails a payment whose pg_lifetime passes, and refuses its code then", s.Req("FPY-OTP-003"), Label("slow"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.p.Lifetime = shortestLifetime
			p.awaitCode(ctx)
			code := p.code(ctx)
			Expect(t.Clock.Advance(ctx, pastLifetime)).To(Succeed())
			refused(p.approve(ctx, code))
			st := p.settles(ctx, fp.PaymentFailed)
			Expect(st.Value("pg_failure_code")).NotTo(BeEmpty(), "a failed payment says why\n%s", st.Describe())
		})

		It("refuses a wrong code and does not complete the payment", s.Req("FPY-WRONG-001"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.awaitCode(ctx)
			refused(p.approve(ctx, otp.Wrong(p.code(ctx))))
			st := p.status(ctx)
			Expect(st.Value("pg_payment_status")).NotTo(Equal(fp.PaymentSuccess), "a wrong code completed the payment\n%s", st.Describe())
		})

		It("completes the payment with the right code after a wrong one", s.Req("FPY-WRONG-002"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.awaitCode(ctx)
			code := p.code(ctx)
			refused(p.approve(ctx, otp.Wrong(code)))
			ok(p.approve(ctx, code), fp.StatusOK, fp.StatusProcess)
			p.settles(ctx, fp.PaymentSuccess)
		})

		It("fails the payment after three wrong codes and refuses the right one then", s.Req("FPY-WRONG-003"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.awaitCode(ctx)
			code := p.code(ctx)
			for range 3 {
				refused(p.approve(ctx, otp.Wrong(code)))
			}
			refused(p.approve(ctx, code))
			p.settles(ctx, fp.PaymentFailed)
		})
	})
}

func (s specs) resend() bool {
	return Describe("Resend code (path and rules are paycert's decisions)", func() {
		var t *conformance.T
		var cl *fp.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		It("sends a new code after 60 seconds; the new one completes the payment, the old one does not", s.Req("FPY-RESEND-001"), Label("slow"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.awaitCode(ctx)
			old := p.code(ctx)
			Expect(t.Clock.Advance(ctx, pastResendCooldown)).To(Succeed())
			a := p.resend(ctx)
			ok(a, fp.StatusOK)
			Expect(a.Value("pg_payment_id")).To(Equal(p.id), "the resend answer names another payment\n%s", a.Describe())
			code := p.code(ctx)
			Expect(code).NotTo(Equal(old), "the new code is the old one")
			refused(p.approve(ctx, old))
			ok(p.approve(ctx, code), fp.StatusOK, fp.StatusProcess)
			p.settles(ctx, fp.PaymentSuccess)
		})

		It("refuses a new code within 60 seconds of the last", s.Req("FPY-RESEND-002"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.awaitCode(ctx)
			refused(p.resend(ctx))
		})

		It("sends a new code three times at most; the fourth is refused", s.Req("FPY-RESEND-003"), Label("slow"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.awaitCode(ctx)
			for i := 1; i <= 3; i++ {
				Expect(t.Clock.Advance(ctx, pastResendCooldown)).To(Succeed())
				ok(p.resend(ctx), fp.StatusOK)
			}
			Expect(t.Clock.Advance(ctx, pastResendCooldown)).To(Succeed())
			refused(p.resend(ctx))
		})
	})
}

func (s specs) status() bool {
	return Describe("Status (get_status3.php)", func() {
		var t *conformance.T
		var cl *fp.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		It("follows the payment to success, with its amount, currency and method", s.Req("FPY-STATUS-001"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.init(ctx)
			st := p.status(ctx)
			Expect(st.Value("pg_payment_status")).NotTo(BeElementOf(fp.PaymentSuccess, fp.PaymentFailed), "after init\n%s", st.Describe())
			Expect(st.Value("pg_amount")).To(BeElementOf(p.p.Amount, p.p.Amount+".00"), "the amount initialised\n%s", st.Describe())
			Expect(st.Value("pg_currency")).To(Equal("KZT"), "the currency initialised\n%s", st.Describe())
			Expect(st.Value("pg_payment_method")).To(Equal("mobile_commerce"), "the method\n%s", st.Describe())
			ok(p.pay(ctx, ""), fp.StatusNeedApprove)
			st = p.status(ctx)
			Expect(st.Value("pg_payment_status")).NotTo(BeElementOf(fp.PaymentSuccess, fp.PaymentFailed), "after pay, awaiting the code\n%s", st.Describe())
			ok(p.approve(ctx, p.code(ctx)), fp.StatusOK, fp.StatusProcess)
			p.settles(ctx, fp.PaymentSuccess)
		})

		It("reports new after init and pending after pay", s.Req("FPY-STATUS-004"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.init(ctx)
			st := p.status(ctx)
			Expect(st.Value("pg_payment_status")).To(Equal(fp.PaymentNew), "after init\n%s", st.Describe())
			ok(p.pay(ctx, ""), fp.StatusNeedApprove)
			st = p.status(ctx)
			Expect(st.Value("pg_payment_status")).To(Equal(fp.PaymentPending), "after pay, awaiting the code\n%s", st.Describe())
		})

		It("says why a payment failed", s.Req("FPY-STATUS-002"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			st := p.failed(ctx)
			Expect(st.Value("pg_failure_code")).NotTo(BeEmpty(), "a failed payment has pg_failure_code\n%s", st.Describe())
			Expect(st.Value("pg_failure_description")).NotTo(BeEmpty(), "a failed payment has pg_failure_description\n%s", st.Describe())
		})

		It("echoes the init in every state of the payment: new, awaiting the code, success", s.Req("FPY-STATUS-005"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.init(ctx)
			st := p.status(ctx)
			p.echoes(st.Value, st.Describe())
			ok(p.pay(ctx, ""), fp.StatusNeedApprove, fp.StatusOK)
			st = p.status(ctx)
			p.echoes(st.Value, st.Describe())
			ok(p.approve(ctx, p.code(ctx)), fp.StatusOK, fp.StatusProcess)
			st = p.settles(ctx, fp.PaymentSuccess)
			p.echoes(st.Value, st.Describe())
		})

		It("echoes the init for a failed payment too", s.Req("FPY-STATUS-005"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			st := p.failed(ctx)
			p.echoes(st.Value, st.Describe())
		})

		It("refuses the status of an unknown payment", s.Req("FPY-STATUS-003"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			refused(p.send(ctx, fp.Call{Op: fp.OpStatus, Fields: fp.IDFields("999999999999")}))
		})
	})
}
