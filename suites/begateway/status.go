package begateway

import (
	"context"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	bgw "github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/exchange"
)

// Final reports whether a beGateway payment status is final.
func Final(status string) bool { return final[status] }

// AwaitStatus polls the status query of payment uid until its status satisfies done or the
// configured wait runs out (a provider may finish payments in the background), and returns the
// last answer. Each answer must conform to the spec.
func AwaitStatus(ctx context.Context, t *conformance.T, cl *bgw.Client, uid string, done func(string) bool) *exchange.Result {
	GinkgoHelper()
	var res *exchange.Result
	Eventually(ctx, func() string {
		res = conformance.Must(cl.Transaction(ctx, uid))
		conformance.Conforms(res, http.StatusOK)
		return res.String("transaction.status")
	}).WithTimeout(t.Config.WaitTimeout).WithPolling(t.PollInterval()).Should(Satisfy(done), "the payment's status did not come")
	return res
}
