package monetix

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/jsondoc"
	mtx "github.com/paycert/paycert/harness/monetix"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/validate"
)

func (s specs) operators() bool {
	return Describe("The list of mobile network operators (document 001, Table 2)", func() {
		var t *conformance.T
		var cl *mtx.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		It("is answered with the operators", s.Req("MTX-OPS-001"), func(ctx SpecContext) {
			res := conformance.Must(cl.Operators(ctx))
			conformance.Conforms(res, http.StatusOK)
			Expect(res.String("operators.0.id")).NotTo(BeEmpty(), "the answer lists no operator\n%s", res.Describe())
		})

		It("names the operators of Table 1", s.Req("MTX-OPS-002"), func(ctx SpecContext) {
			res := conformance.Must(cl.Operators(ctx))
			conformance.Conforms(res, http.StatusOK)
			var ids []string
			list, _ := jsondoc.Get(res.Value, "operators")
			items, _ := list.([]any)
			for i := range items {
				ids = append(ids, jsondoc.String(items[i], "id"))
			}
			Expect(ids).To(ContainElements(mtx.Operators), "want every operator of Table 1\n%s", res.Describe())
		})
	})
}

func (s specs) signature() bool {
	return Describe("Signatures of requests (providers-facts.md 2.2)", func() {
		var t *conformance.T
		var cl *mtx.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		It("refuses a purchase without a signature or with a wrong one, and does nothing", s.Req("MTX-SIG-001"), func(ctx SpecContext) {
			f := newFlow(t, cl)
			body := cl.PurchaseBody(f.p)
			res := conformance.Must(cl.Call(ctx, mtx.Call{Op: mtx.OpPurchase, Body: body, Unsigned: true}))
			conformance.Refused(res)
			other := signing.Monetix{Secret: "not-the-project-secret", Variant: cl.Signer().Variant}
			res = conformance.Must(cl.Call(ctx, mtx.Call{Op: mtx.OpPurchase, Body: body, Signer: &other}))
			conformance.Refused(res)
			res = conformance.Must(cl.Operators(ctx))
			Expect(res.Status).To(Equal(http.StatusOK), "a signed request is served\n%s", res.Describe())
			wronglySigned := conformance.Must(cl.Call(ctx, mtx.Call{Op: mtx.OpOperators, PathParams: map[string]string{"operation_type": "sale"}, Body: jsondoc.Doc{"general": cl.General("")}, Signer: &other}))
			conformance.Refused(wronglySigned)
			// The refused purchase made nothing: the same payment_id is still free.
			f.start(ctx)
		})
	})
}

func (s specs) purchase() bool {
	return Describe("A purchase by using Gate (document 001, Table 5 and Figure 5)", func() {
		var t *conformance.T
		var cl *mtx.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		It("is acknowledged with a request_id, the project and the payment", s.Req("MTX-INIT-001"), func(ctx SpecContext) {
			newFlow(t, cl).start(ctx)
		})

		It("is not decided by the acknowledgement: the platform asks for the OTP, and no final callback comes before it", s.Req("MTX-INIT-002", "MTX-OTP-001"), func(ctx SpecContext) {
			f := newFlow(t, cl)
			f.start(ctx)
			cb := f.clarification(ctx)
			Expect(cb.str("account.number")).To(Equal(f.p.Phone), "the callback's account is not the customer's phone\n%s", cb.describe(t))
			for _, d := range t.Inbox().All() {
				v, _ := validate.DecodeJSON(d.Body)
				Expect(jsondoc.String(v, "payment.status")).NotTo(BeElementOf(mtx.StatusSuccess, mtx.StatusDecline), "a final callback came before the OTP was submitted\n%s", t.Redactor.Body(d.Body))
			}
		})

		DescribeTable("refuses a purchase without a strictly required parameter", func(ctx SpecContext, path string) {
			f := newFlow(t, cl)
			body := cl.PurchaseBody(f.p)
			jsondoc.Delete(body, path)
			res := conformance.Must(cl.Call(ctx, mtx.Call{Op: mtx.OpPurchase, Body: body}))
			conformance.Refused(res)
		},
			s.Req("MTX-INIT-003"),
			Entry(nil, "general.payment_id"),
			Entry(nil, "customer.id"),
			Entry(nil, "customer.ip_address"),
			Entry(nil, "customer.first_name"),
			Entry(nil, "customer.last_name"),
			Entry(nil, "customer.email"),
			Entry(nil, "account.number"),
			Entry(nil, "payment.currency"),
			Entry(nil, "payment.amount"),
		)

		It("refuses a payment_id already used in the project", s.Req("MTX-INIT-004"), func(ctx SpecContext) {
			f := newFlow(t, cl)
			f.start(ctx)
			res := conformance.Must(cl.Call(ctx, mtx.Call{Op: mtx.OpPurchase, Body: cl.PurchaseBody(f.p)}))
			conformance.Refused(res)
		})
	})
}
