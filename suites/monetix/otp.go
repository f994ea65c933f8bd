package monetix

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/conformance"
	mtx "github.com/paycert/paycert/harness/monetix"
	"github.com/paycert/paycert/harness/otp"
)

func (s specs) otp() bool {
	return Describe("Submitting the OTP (document 001, Table 6)", func() {
		var t *conformance.T
		var cl *mtx.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		It("completes the purchase with the right OTP within its lifetime", s.Req("MTX-OTP-002"), func(ctx SpecContext) {
			newFlow(t, cl).paid(ctx)
		})

		It("asks again, instead of completing, when the OTP comes after its 80 or 90 seconds", s.Req("MTX-OTP-003"), func(ctx SpecContext) {
			f := newFlow(t, cl)
			f.start(ctx)
			f.clarification(ctx)
			code := f.otp(ctx)
			Expect(t.Clock.Advance(ctx, pastOTPLifetime)).To(Succeed())
			f.submit(ctx, code)
			f.clarification(ctx)
		})

		It("declines a purchase whose OTP never comes, after 30 minutes, with a code and a message", s.Req("MTX-OTP-004"), func(ctx SpecContext) {
			cb := newFlow(t, cl).declined(ctx)
			Expect(cb.str("operation.code")).NotTo(BeElementOf("", "0"), "a decline has a code of its own\n%s", cb.describe(t))
			Expect(cb.str("operation.message")).NotTo(BeEmpty(), "a decline has a message\n%s", cb.describe(t))
		})

		It("asks again after a wrong OTP, and does not complete the purchase", s.Req("MTX-WRONG-001"), func(ctx SpecContext) {
			f := newFlow(t, cl)
			f.start(ctx)
			f.clarification(ctx)
			f.submit(ctx, otp.Wrong(f.otp(ctx)))
			f.clarification(ctx)
		})

		It("completes the purchase with the right OTP after a wrong one", s.Req("MTX-WRONG-002"), func(ctx SpecContext) {
			f := newFlow(t, cl)
			f.start(ctx)
			f.clarification(ctx)
			code := f.otp(ctx)
			f.submit(ctx, otp.Wrong(code))
			f.clarification(ctx)
			f.submit(ctx, code)
			f.succeeded(ctx)
		})
	})
}

func (s specs) resend() bool {
	return Describe("A new OTP for the customer (document 001, Table 7)", func() {
		var t *conformance.T
		var cl *mtx.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		resend := func(ctx SpecContext, f *flow) int {
			GinkgoHelper()
			res := conformance.Must(cl.Resend(ctx, cl.ResendBody(f.p.PaymentID, f.p.IP)))
			conformance.Answered(res)
			if res.Status == http.StatusOK {
				conformance.Conforms(res, http.StatusOK)
				f.acknowledged(res)
			} else {
				conformance.Refused(res)
			}
			return res.Status
		}

		It("is sent after the OTP's lifetime, and the new OTP completes the purchase", s.Req("MTX-RESEND-001"), func(ctx SpecContext) {
			f := newFlow(t, cl)
			f.start(ctx)
			f.clarification(ctx)
			Expect(t.Clock.Advance(ctx, pastOTPLifetime)).To(Succeed())
			Expect(resend(ctx, f)).To(Equal(http.StatusOK), "a resend after the OTP's lifetime was refused")
			f.clarification(ctx)
			f.submit(ctx, f.otp(ctx))
			f.succeeded(ctx)
		})

		It("is refused before the OTP's lifetime has passed", s.Req("MTX-RESEND-002"), func(ctx SpecContext) {
			f := newFlow(t, cl)
			f.start(ctx)
			f.clarification(ctx)
			Expect(resend(ctx, f)).NotTo(Equal(http.StatusOK), "a resend right after the OTP was sent was accepted")
		})

		It("is sent three times at most; the fourth is refused", s.Req("MTX-RESEND-003"), func(ctx SpecContext) {
			f := newFlow(t, cl)
			f.start(ctx)
			f.clarification(ctx)
			for i := 1; i <= 3; i++ {
				Expect(t.Clock.Advance(ctx, pastOTPLifetime)).To(Succeed())
				Expect(resend(ctx, f)).To(Equal(http.StatusOK), "resend %d of 3 was refused", i)
				f.clarification(ctx)
			}
			Expect(t.Clock.Advance(ctx, pastOTPLifetime)).To(Succeed())
			Expect(resend(ctx, f)).NotTo(Equal(http.StatusOK), "a fourth resend was accepted")
		})

		It("is refused without customer.ip_address", s.Req("MTX-RESEND-004"), func(ctx SpecContext) {
			f := newFlow(t, cl)
			f.start(ctx)
			body := cl.ResendBody(f.p.PaymentID, f.p.IP)
			delete(body, "customer")
			res := conformance.Must(cl.Resend(ctx, body))
			conformance.Refused(res)
		})
	})
}
