package paysage

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	bgw "github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/suites/begateway"
)

// Document 000, Payment flow step 11: the webhook with the final status, and the status query.
func (s specs) finalStatus() bool {
	return Describe("PaySage final status", func() {
		var (
			t  *conformance.T
			cl *bgw.Client
		)
		conformance.Each(s.Handle, &t, &cl, begateway.Client)

		It("sends a webhook with the final status after the right OTP", s.Req("PSG-NOTIFY-001"), func(ctx SpecContext) {
			p := newPayment(t)
			p.NotificationURL = t.Inbox().URL()
			uid := pending(ctx, t, cl, p)
			completing := time.Now()
			confirmed(ctx, t, cl, uid, p.AccountNumber)

			hook := t.AwaitWebhook(ctx, bgw.OpWebhook, "transaction.status", func(s string) bool { return s == "successful" })
			Expect(jsondoc.String(hook.Value, "transaction.uid")).To(Equal(uid), "the webhook is about another transaction")
			Expect(hook.Findings).To(BeEmpty(), "the webhook body is not a valid transaction answer")
			begateway.ExpectWebhooks(t, uid, "successful", completing)
		})

		It("answers the final status to the status query after the right OTP", s.Req("PSG-STATUS-001"), func(ctx SpecContext) {
			p := newPayment(t)
			uid := pending(ctx, t, cl, p)
			confirmed(ctx, t, cl, uid, p.AccountNumber)
			// A provider may finish asynchronously: the status is polled until it is final or the
			// wait runs out.
			res := begateway.AwaitStatus(ctx, t, cl, uid, begateway.Final)
			begateway.ExpectStatus(res, "transaction", "successful", "the status query does not answer successful after the right OTP")
		})
	})
}
