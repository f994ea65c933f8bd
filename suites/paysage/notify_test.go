package paysage_test

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	bgw "github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/receiver"
	"github.com/paycert/paycert/harness/validate"
)

// Document 000, Payment flow step 11: the webhook with the final status, and the status query.
var _ = Describe("PaySage final status", func() {
	var (
		t  *conformance.T
		cl *bgw.Client
	)
	BeforeEach(func() {
		t = session.Begin()
		cl = client(t)
	})

	It("sends a webhook with the final status after the right OTP", req("PSG-NOTIFY-001"), func(ctx SpecContext) {
		inbox := t.Inbox()
		p := newPayment()
		p.NotificationURL = inbox.URL()
		uid := pending(ctx, cl, p)
		confirmed(ctx, t, cl, uid, p.AccountNumber)

		wctx, cancel := t.WaitContext(ctx)
		defer cancel()
		d, err := inbox.Await(wctx, func(d receiver.Delivery) bool {
			v, _ := validate.DecodeJSON(d.Body)
			return jsondoc.String(v, "transaction.status") == "successful"
		})
		for _, got := range inbox.All() {
			t.RecordInbound(bgw.OpWebhook, got)
		}
		Expect(err).NotTo(HaveOccurred(), "no webhook with status successful reached notification_url (%d deliveries)", len(inbox.All()))
		v, _ := validate.DecodeJSON(d.Body)
		Expect(jsondoc.String(v, "transaction.uid")).To(Equal(uid), "the webhook is about another transaction")
		Expect(t.RecordInbound(bgw.OpWebhook, d)).To(BeEmpty(), "the webhook body is not a valid transaction answer")
	})

	It("answers the final status to the status query after the right OTP", req("PSG-STATUS-001"), func(ctx SpecContext) {
		p := newPayment()
		uid := pending(ctx, cl, p)
		confirmed(ctx, t, cl, uid, p.AccountNumber)
		// A provider may finish asynchronously: the status is polled until it is final or the
		// wait runs out.
		var res *exchange.Result
		Eventually(ctx, func() string {
			res = conformance.Must(cl.Transaction(ctx, uid))
			conformance.Conforms(res, http.StatusOK)
			return res.String("transaction.status")
		}).WithTimeout(session.Config.WaitTimeout).WithPolling(t.PollInterval()).ShouldNot(Equal("pending"))
		Expect(res.String("transaction.status")).To(Equal("successful"), "the status query does not answer successful after the right OTP\n%s", res.Describe())
	})
})
