package begateway

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	bgw "github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/jsondoc"
)

// Final reports whether a beGateway payment status is final.
func Final(status string) bool { return final[status] }

// AwaitStatus polls the status query of payment uid until its status satisfies done or the
// configured wait runs out (a provider may finish payments in the background), and returns the
// last answer. Each answer must conform to the spec.
func AwaitStatus(ctx context.Context, t *conformance.T, cl *bgw.Client, uid string, done func(string) bool) *exchange.Result {
	GinkgoHelper()
	var res *exchange.Result
	t.Poll(ctx, "payment "+uid+" to reach the awaited status", func(ctx context.Context) bool {
		res = conformance.Must(cl.Transaction(ctx, uid))
		conformance.Conforms(res, http.StatusOK)
		return done(res.String("transaction.status"))
	}, func() string { return "the payment's status did not come\n" + res.Describe() })
	return res
}

// ExpectStatus asserts that the payment at path of an answer ("transaction", "transactions.0")
// has the status want, in its status and, where the answer carries the payment section, in
// payment.status, which repeats it (document 003, Payment > Response). why says what the status
// means for the spec.
func ExpectStatus(res *exchange.Result, path, want, why string) {
	GinkgoHelper()
	res.LookedAt(path + ".status")
	res.LookedAt(path + ".payment.status")
	ExpectStatusIn(res.Value, path, want, why, res.Describe())
}

// ExpectStatusIn is ExpectStatus on a decoded body (a webhook's), with evidence for the message.
func ExpectStatusIn(v any, path, want, why, evidence string) {
	GinkgoHelper()
	Expect(jsondoc.String(v, path+".status")).To(Equal(want), "%s: %s.status\n%s", why, path, evidence)
	if got, ok := jsondoc.Get(v, path+".payment.status"); ok {
		Expect(got).To(Equal(want), "%s: %s.payment.status does not repeat the transaction's status\n%s", why, path, evidence)
	}
}

// ExpectWebhooks checks every webhook in the spec's inbox about payment uid: each says pending or
// want, its payment.status repeats its status, and one that arrived before completing (when the
// spec sent what completes the payment: the confirmation, or the time that lets it be processed)
// says pending, since nothing had finished it yet.
func ExpectWebhooks(t *conformance.T, uid, want string, completing time.Time) {
	GinkgoHelper()
	for i, d := range t.Inbox().All() {
		var v any
		if err := json.Unmarshal(d.Body, &v); err != nil || jsondoc.String(v, "transaction.uid") != uid {
			continue
		}
		evidence := fmt.Sprintf("webhook %d, received %s:\n%s", i+1, d.Received.Format(time.RFC3339Nano), d.Body)
		status := jsondoc.String(v, "transaction.status")
		if d.Received.Before(completing) {
			ExpectStatusIn(v, "transaction", "pending", "a webhook sent before the payment was completed", evidence)
			continue
		}
		Expect(status).To(BeElementOf("pending", want), "a webhook of the payment says %q, neither pending nor the outcome %q\n%s", status, want, evidence)
		ExpectStatusIn(v, "transaction", status, "a webhook of the payment", evidence)
	}
}
