package paysage

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	bgw "github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/suites/begateway"
)

// Document 000, Payment: the Mobile Commerce payment request and its pending answer.
func (s specs) payment() bool {
	return Describe("PaySage Mobile Commerce payment", func() {
		var (
			t  *conformance.T
			cl *bgw.Client
		)
		conformance.Each(s.Handle, &t, &cl, begateway.Client)

		It("answers a new payment as pending, not successful", s.Req("PSG-PAY-006"), func(ctx SpecContext) {
			res := conformance.Must(cl.CreatePayment(ctx, newPayment(t).Body()))
			conformance.Conforms(res, http.StatusOK)
			begateway.ExpectStatus(res, "transaction", "pending", "transaction.status of a new payment")
			Expect(res.String("transaction.payment.status")).To(Equal("pending"), "payment.status of a new payment\n%s", res.Describe())
		})

		It("echoes the mobile_commerce section and method_type in the pending answer", s.Req("PSG-PAY-007"), func(ctx SpecContext) {
			p := newPayment(t)
			res := conformance.Must(cl.CreatePayment(ctx, p.Body()))
			conformance.Conforms(res, http.StatusOK)
			Expect(res.String("transaction.method_type")).To(Equal("mobile_commerce"), "%s", res.Describe())
			Expect(res.String("transaction.mobile_commerce.type")).To(Equal("mobile_commerce"), "%s", res.Describe())
			Expect(res.String("transaction.mobile_commerce.account_number")).To(Equal(p.AccountNumber), "the answer does not echo account_number\n%s", res.Describe())
			Expect(res.String("transaction.uid")).NotTo(BeEmpty(), "%s", res.Describe())
		})

		DescribeTable("refuses a payment that breaks a Mobile Commerce rule",
			func(ctx SpecContext, breakIt begateway.Edit) {
				body := newPayment(t).Body()
				breakIt(body)
				res := conformance.Must(cl.CreatePayment(ctx, body))
				conformance.Refused(res)
			},
			Entry("currency USD (KZT only)", s.Req("PSG-PAY-001", "BGW-ERR-001"), begateway.Set("request.currency", "USD")),
			Entry("currency EUR (KZT only)", s.Req("PSG-PAY-001"), begateway.Set("request.currency", "EUR")),
			Entry("return_url missing", s.Req("PSG-PAY-002", "BGW-ERR-001"), begateway.Delete("request.return_url")),
			Entry("method.type other than mobile_commerce", s.Req("PSG-PAY-003"), begateway.Set("request.method.type", "credit_card")),
			Entry("account_number missing", s.Req("PSG-PAY-004", "BGW-ERR-001"), begateway.Delete("request.method.account_number")),
			Entry("account_number of 10 digits", s.Req("PSG-PAY-005"), begateway.Set("request.method.account_number", "7701234567")),
			Entry("account_number of 12 digits", s.Req("PSG-PAY-005"), begateway.Set("request.method.account_number", "770123456789")),
			Entry("account_number with spaces", s.Req("PSG-PAY-005"), begateway.Set("request.method.account_number", "770 1234 567")),
			Entry("account_number with a plus sign", s.Req("PSG-PAY-005"), begateway.Set("request.method.account_number", "+7701234567")),
			Entry("account_number with letters", s.Req("PSG-PAY-005"), begateway.Set("request.method.account_number", "7701234567a")),
			Entry("account_number as a number", s.Req("PSG-PAY-005"), begateway.Set("request.method.account_number", 77012345678)),
		)
	})
}
