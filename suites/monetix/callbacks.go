package monetix

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/conformance"
	mtx "github.com/paycert/paycert/harness/monetix"
)

func (s specs) callbacks() bool {
	return Describe("Callbacks (document 001, Callback sections)", func() {
		var t *conformance.T
		var cl *mtx.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		// every runs a purchase and a refund and checks each of their callbacks: the clarification,
		// the final one and, when the refund was taken, the refund's.
		every := func(ctx SpecContext, check func(f *flow, cb callback)) {
			GinkgoHelper()
			f := newFlow(t, cl)
			f.paid(ctx)
			res := conformance.Must(cl.Call(ctx, mtx.Call{Op: mtx.OpRefund, Body: cl.RefundBody(f.p.PaymentID, 0, "", "")}))
			conformance.Answered(res)
			if res.Status == http.StatusOK {
				f.next(ctx)
			}
			for _, cb := range f.got {
				check(f, cb)
			}
		}

		It("are signed with the project's secret key", s.Req("MTX-SIG-002"), func(ctx SpecContext) {
			every(ctx, func(f *flow, cb callback) {
				Expect(cl.Signer().VerifyCallback(cb.Body)).To(Succeed(), "the callback's signature does not verify (variant %s)\n%s", cl.Signer().Variant.Name, cb.describe(t))
			})
		})

		It("carry the account object: the customer's phone and the operator", s.Req("MTX-CB-001"), func(ctx SpecContext) {
			every(ctx, func(f *flow, cb callback) {
				Expect(cb.str("account.number")).To(Equal(f.p.Phone), "account.number is not the customer's phone\n%s", cb.describe(t))
				Expect(cb.str("account.type")).NotTo(BeEmpty(), "account.type names no operator\n%s", cb.describe(t))
			})
		})

		It("echo the request: the project, the payment, the customer, the phone and the sum", s.Req("MTX-CB-003"), func(ctx SpecContext) {
			every(ctx, func(f *flow, cb callback) { f.echoed(cb) })
		})

		It("echo the request on the failure path too: the purchase declined for want of its OTP", s.Req("MTX-CB-003"), Label("slow"), func(ctx SpecContext) {
			f := newFlow(t, cl)
			f.declined(ctx)
			for _, cb := range f.got {
				f.echoed(cb)
			}
		})

		It("have the documented structure", s.Req("MTX-CB-002"), func(ctx SpecContext) {
			every(ctx, func(f *flow, cb callback) {
				Expect(cb.Findings).To(BeEmpty(), "the callback does not match the spec:\n%s\n%s", cb.Findings, cb.describe(t))
			})
		})
	})
}
