package monetix

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/conformance"
	mtx "github.com/paycert/paycert/harness/monetix"
	"github.com/paycert/paycert/harness/sim"
)

func (s specs) paymentPage() bool {
	return Describe("A purchase by using Payment Page (document 001, Table 3 and Figure 2)", func() {
		var t *conformance.T
		var cl *mtx.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		It("opens the checkout for a signed invocation, and the customer's OTP completes the purchase", s.Req("MTX-PP-001"), func(ctx SpecContext) {
			f := newFlow(t, cl)
			params, err := cl.PageInvocation(f.p)
			Expect(err).NotTo(HaveOccurred())
			res := conformance.Must(cl.OpenPage(ctx, params))
			conformance.Conforms(res, http.StatusOK)
			Expect(t.Control.ActAsCustomer(ctx, mtx.Provider, f.p.PaymentID, sim.EnterPhone, f.p.Phone)).To(Succeed(), "the customer could not enter the phone number")
			Expect(t.Control.ActAsCustomer(ctx, mtx.Provider, f.p.PaymentID, sim.EnterOTP, f.otp(ctx))).To(Succeed(), "the customer could not enter the OTP")
			cb := f.succeeded(ctx)
			Expect(cb.str("account.number")).To(Equal(f.p.Phone), "the callback's account is not the customer's phone\n%s", cb.describe(t))
		})

		It("refuses an invocation with a wrong signature or none", s.Req("MTX-PP-002"), func(ctx SpecContext) {
			params, err := cl.PageInvocation(newFlow(t, cl).p)
			Expect(err).NotTo(HaveOccurred())
			params["payment_amount"] = params["payment_amount"].(int64) + 1
			conformance.Refused(conformance.Must(cl.OpenPage(ctx, params)))
			params, err = cl.PageInvocation(newFlow(t, cl).p)
			Expect(err).NotTo(HaveOccurred())
			delete(params, "signature")
			conformance.Refused(conformance.Must(cl.OpenPage(ctx, params)))
		})

		It("refuses an invocation without a strictly required parameter", s.Req("MTX-PP-003"), func(ctx SpecContext) {
			params, err := cl.PageInvocation(newFlow(t, cl).p)
			Expect(err).NotTo(HaveOccurred())
			delete(params, "customer_email")
			delete(params, "signature")
			sig, err := cl.Signer().Sign(params)
			Expect(err).NotTo(HaveOccurred())
			params["signature"] = sig
			conformance.Refused(conformance.Must(cl.OpenPage(ctx, params)))
		})
	})
}
