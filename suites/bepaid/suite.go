// Package bepaid is the bePaid MTS Money conformance suite (document 004, and the generic
// beGateway specs of suites/begateway run against bePaid). Declare adds it to a process's Ginkgo
// tree: `go test`/`ginkgo ./suites/bepaid` does so in bepaid_suite_test.go, paycert run in the
// paycert binary.
package bepaid

import (
	"context"
	"fmt"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	bgw "github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/bepaid"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/sim/providers"
	"github.com/paycert/paycert/suites/begateway"
)

// Suite names the bePaid suite, its spec and its catalogues (bePaid's own and the shared
// beGateway one).
var Suite = conformance.Suite{
	Name:         "bepaid",
	Title:        "bePaid MTS Money conformance",
	Provider:     bepaid.Provider,
	SpecFile:     bepaid.SpecFile,
	Catalogues:   []string{"specs/bepaid.requirements.yaml", "specs/begateway.requirements.yaml"},
	Simulators:   providers.All(),
	PublicPhones: bepaid.TestPhones(),
	Budget:       begateway.Budget,
	Money:        begateway.Money("bePaid", "refundPayment"),
}

// processing is how long MTS Money took in the document's example (created 11:44:30, notified
// 11:44:36; errata ERR-BPD-012). The suite moves the target's clock by that much, then polls the
// status until the configured wait runs out, so a slower target still passes.
const processing = 6 * time.Second

// Declare adds the bePaid suite to this process's Ginkgo tree and returns its handle. Call it
// once, before RunSpecs.
func Declare() *conformance.Handle {
	h := conformance.Declare(Suite)
	s := specs{h}
	s.serviceCheck()
	s.payment()
	s.notification()
	// The generic beGateway specs, run against bePaid with the test number whose payments
	// succeed.
	begateway.DescribeTransactionAPI(begateway.Provider{
		Handle: h,
		NewPayment: func(_ *conformance.T, notificationURL string) jsondoc.Doc {
			p := bepaid.NewPayment(bepaid.PhoneActivated, bepaid.AlreadyAccepted)
			p.NotificationURL = notificationURL
			return p.Body()
		},
		Complete: func(ctx context.Context, t *conformance.T, cl *bgw.Client, uid string, _ jsondoc.Doc) {
			GinkgoHelper()
			res := processed(ctx, t, cl, uid)
			begateway.ExpectStatus(res, "transaction", "successful", fmt.Sprintf("a payment of %s did not succeed", bepaid.PhoneActivated))
		},
		PendingFor: processing,
	})
	return h
}

// specs declares the bePaid specs on the suite's handle.
type specs struct{ *conformance.Handle }

// pending makes a payment and checks that it is accepted as pending; it returns its uid. A spec
// that fails here fails because of BPD-PAY-003.
func pending(ctx context.Context, t *conformance.T, cl *bgw.Client, body jsondoc.Doc) string {
	GinkgoHelper()
	var uid string
	t.Relies("BPD-PAY-003", func() {
		res := conformance.Must(cl.CreatePayment(ctx, body))
		conformance.Conforms(res, http.StatusOK)
		begateway.ExpectStatus(res, "transaction", "pending", "a new MTS Money payment must be pending")
		uid = res.String("transaction.uid")
		Expect(uid).NotTo(BeEmpty(), "the payment answer has no uid\n%s", res.Describe())
	})
	return uid
}

// processed lets MTS Money process a payment and returns the status query's answer once the
// status is final.
func processed(ctx context.Context, t *conformance.T, cl *bgw.Client, uid string) *exchange.Result {
	GinkgoHelper()
	Expect(t.Clock.Advance(ctx, processing)).To(Succeed())
	return begateway.AwaitStatus(ctx, t, cl, uid, begateway.Final)
}
