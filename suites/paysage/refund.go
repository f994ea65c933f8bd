package paysage

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	bgw "github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/paysage"
	"github.com/paycert/paycert/suites/begateway"
)

// Document 000, Refund: the amount must equal the parent amount.
func (s specs) refund() bool {
	return Describe("PaySage refund", func() {
		var (
			t   *conformance.T
			cl  *bgw.Client
			p   paysage.Payment
			uid string
		)
		conformance.Each(s.Handle, &t, &cl, begateway.Client)
		BeforeEach(func(ctx SpecContext) {
			p = newPayment(t)
			uid = pending(ctx, t, cl, p)
		})

		It("accepts a refund of the full amount of a successful payment", s.Req("PSG-REFUND-001"), func(ctx SpecContext) {
			confirmed(ctx, t, cl, uid, p.AccountNumber)
			res := conformance.Must(cl.Refund(ctx, bgw.RefundRequest(uid, p.Amount, "customer asked")))
			conformance.Conforms(res, http.StatusOK)
			Expect(res.String("transaction.status")).To(Equal("successful"), "the full refund was not successful\n%s", res.Describe())
			amount, _ := res.Int("transaction.amount")
			Expect(amount).To(Equal(p.Amount), "%s", res.Describe())
		})

		It("refuses a refund of another amount than the payment's, then accepts the full amount", s.Req("PSG-REFUND-002"), func(ctx SpecContext) {
			confirmed(ctx, t, cl, uid, p.AccountNumber)
			for _, amount := range []int64{p.Amount - 1, p.Amount / 2, p.Amount + 1} {
				res := conformance.Must(cl.Refund(ctx, bgw.RefundRequest(uid, amount, "partial")))
				conformance.Declined(res, "transaction.status")
			}
			res := conformance.Must(cl.Refund(ctx, bgw.RefundRequest(uid, p.Amount, "full")))
			conformance.Conforms(res, http.StatusOK)
			Expect(res.String("transaction.status")).To(Equal("successful"), "after refused partial refunds, the full refund failed\n%s", res.Describe())
		})

		It("refuses a refund of a payment that is not successful", s.Req("PSG-REFUND-003"), func(ctx SpecContext) {
			res := conformance.Must(cl.Refund(ctx, bgw.RefundRequest(uid, p.Amount, "not paid")))
			conformance.Declined(res, "transaction.status")
		})
	})
}
