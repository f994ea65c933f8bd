package bepaid

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	bgw "github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/bepaid"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/suites/begateway"
)

// Document 004, MTS Money payment scheme steps 8-11 and Notification of the final payment status.
func (s specs) notification() bool {
	return Describe("bePaid MTS Money final status notification", func() {
		var (
			t  *conformance.T
			cl *bgw.Client
		)
		conformance.Each(s.Handle, &t, &cl, begateway.Client)

		DescribeTable("notifies the final status after the pending answer, authenticated",
			func(ctx SpecContext, phone, want string) {
				p := bepaid.NewPayment(phone, bepaid.AlreadyAccepted)
				p.NotificationURL = t.Inbox().URL()
				uid := pending(ctx, t, cl, p.Body())
				completing := time.Now()
				Expect(t.Clock.Advance(ctx, processing)).To(Succeed())

				hook := t.AwaitWebhook(ctx, bgw.OpWebhook, "transaction.status", begateway.Final)
				Expect(hook.Findings).To(BeEmpty(), "the notification is not an MTS Money transaction")
				Expect(jsondoc.String(hook.Value, "transaction.uid")).To(Equal(uid), "the notification is about another transaction")
				begateway.ExpectWebhooks(t, uid, want, completing)
				begateway.ExpectStatusIn(hook.Value, "transaction", want, "the notified final status", string(hook.Body))
				Expect(jsondoc.String(hook.Value, "transaction.method_type")).To(Equal("mts_money"), "the notification's method_type")
				Expect(jsondoc.String(hook.Value, "transaction.mts_money.confirm_agreement")).To(Equal(bepaid.AlreadyAccepted), "the notification's mts_money section")
				check := bgw.VerifyWebhook(hook.Header, hook.Body, bgw.Credentials{ShopID: t.Provider.AccountID, SecretKey: t.Provider.SecretKey}, t.WebhookKey)
				Expect(check.Basic).To(BeTrue(), "the notification's Authorization header does not carry the shop ID and secret key")
			},
			Entry("successful (375295222222)", s.Req("BPD-NOTIFY-001", "BGW-NOTIFY-002"), bepaid.PhoneActivated, "successful"),
			Entry("failed (375290000000)", s.Req("BPD-NOTIFY-001", "BGW-NOTIFY-002"), bepaid.PhoneInsufficientFunds, "failed"),
		)

		// The outcome alone: the notification when it can reach the harness, which the status query
		// must then agree with; else the status query, polled from the pending payment on until its
		// status is final.
		DescribeTable("answers the final status to the status query once MTS Money has processed the payment",
			func(ctx SpecContext, phone, want string) {
				p := bepaid.NewPayment(phone, bepaid.AlreadyAccepted)
				if t.Receiver != nil {
					p.NotificationURL = t.Inbox().URL()
				}
				uid := pending(ctx, t, cl, p.Body())
				notified := ""
				if t.Receiver != nil {
					Expect(t.Clock.Advance(ctx, processing)).To(Succeed())
					hook := t.AwaitWebhook(ctx, bgw.OpWebhook, "transaction.status", begateway.Final)
					notified = jsondoc.String(hook.Value, "transaction.status")
				}
				// Without the notification the poll lets MTS Money's processing time pass.
				res := begateway.AwaitStatus(ctx, t, cl, uid, begateway.Final)
				begateway.ExpectStatus(res, "transaction", want, "the status query does not answer the test number's outcome")
				if notified != "" {
					Expect(res.String("transaction.status")).To(Equal(notified), "the status query disagrees with the notification\n%s", res.Describe())
				}
			},
			Entry("successful (375295222222)", s.Req("BPD-STATUS-001"), bepaid.PhoneActivated, "successful"),
			Entry("failed (375290000000)", s.Req("BPD-STATUS-001"), bepaid.PhoneInsufficientFunds, "failed"),
		)
	})
}
