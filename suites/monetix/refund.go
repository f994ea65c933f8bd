package monetix

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/jsondoc"
	mtx "github.com/paycert/paycert/harness/monetix"
)

func (s specs) refund() bool {
	return Describe("Refunds by using Gate (document 001, Table 8)", func() {
		var t *conformance.T
		var cl *mtx.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		refund := func(ctx SpecContext, f *flow, body jsondoc.Doc) callback {
			GinkgoHelper()
			res := conformance.Must(cl.Call(ctx, mtx.Call{Op: mtx.OpRefund, Body: body}))
			conformance.Conforms(res, http.StatusOK)
			f.acknowledged(res)
			cb := f.next(ctx)
			Expect(cb.str("operation.type")).To(Equal("refund"), "want the refund's callback\n%s", cb.describe(t))
			Expect(cb.str("operation.status")).To(Equal(mtx.StatusSuccess), "want the refund successful\n%s", cb.describe(t))
			return cb
		}

		It("refunds the whole payment when no amount is given", s.Req("MTX-REFUND-001"), func(ctx SpecContext) {
			f := newFlow(t, cl)
			f.paid(ctx)
			cb := refund(ctx, f, cl.RefundBody(f.p.PaymentID, 0, "", ""))
			Expect(cb.str("payment.status")).To(Equal(mtx.StatusRefunded), "want the payment refunded\n%s", cb.describe(t))
			amount, _ := jsondoc.Int(cb.Value, "operation.sum_initial.amount")
			Expect(amount).To(Equal(f.p.Amount), "the refund is not of the whole payment\n%s", cb.describe(t))
		})

		It("refunds part of the payment with amount and currency", s.Req("MTX-REFUND-002"), func(ctx SpecContext) {
			f := newFlow(t, cl)
			f.paid(ctx)
			part := f.p.Amount / 2
			cb := refund(ctx, f, cl.RefundBody(f.p.PaymentID, part, f.p.Currency, ""))
			Expect(cb.str("payment.status")).To(Equal(mtx.StatusPartRefunded), "want the payment partially refunded\n%s", cb.describe(t))
			amount, _ := jsondoc.Int(cb.Value, "operation.sum_initial.amount")
			Expect(amount).To(Equal(part), "the refund is not of the amount asked for\n%s", cb.describe(t))
		})

		It("refuses a partial refund with amount but no currency, or currency but no amount", s.Req("MTX-REFUND-003"), func(ctx SpecContext) {
			f := newFlow(t, cl)
			f.paid(ctx)
			body := cl.RefundBody(f.p.PaymentID, f.p.Amount/2, f.p.Currency, "")
			jsondoc.Delete(body, "payment.currency")
			conformance.Refused(conformance.Must(cl.Call(ctx, mtx.Call{Op: mtx.OpRefund, Body: body})))
			body = cl.RefundBody(f.p.PaymentID, f.p.Amount/2, f.p.Currency, "")
			jsondoc.Delete(body, "payment.amount")
			conformance.Refused(conformance.Must(cl.Call(ctx, mtx.Call{Op: mtx.OpRefund, Body: body})))
		})

		It("refuses a refund of more than remains of the payment", s.Req("MTX-REFUND-004"), func(ctx SpecContext) {
			f := newFlow(t, cl)
			f.paid(ctx)
			res := conformance.Must(cl.Call(ctx, mtx.Call{Op: mtx.OpRefund, Body: cl.RefundBody(f.p.PaymentID, f.p.Amount+1, f.p.Currency, "")}))
			if res.Status == http.StatusOK {
				// Accepted for processing: its callback must then decline it.
				cb := f.next(ctx)
				Expect(cb.str("operation.status")).To(Equal(mtx.StatusDecline), "a refund of more than the payment was not refused\n%s", cb.describe(t))
				return
			}
			conformance.Refused(res)
		})
	})
}
