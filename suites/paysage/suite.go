// Package paysage is the PaySage Mobile Commerce conformance suite (document 000, and the generic
// beGateway specs of suites/begateway run against PaySage). Declare adds it to a process's Ginkgo
// tree: `go test`/`ginkgo ./suites/paysage` does so in paysage_suite_test.go, paycert run in the
// paycert binary.
package paysage

import (
	"context"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	bgw "github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/paysage"
	"github.com/paycert/paycert/harness/sim/providers"
	"github.com/paycert/paycert/suites/begateway"
)

// Suite names the PaySage suite, its spec and its catalogues (PaySage's own and the shared
// beGateway one).
var Suite = conformance.Suite{
	Name:       "paysage",
	Title:      "PaySage Mobile Commerce conformance",
	Provider:   paysage.Provider,
	SpecFile:   paysage.SpecFile,
	Catalogues: []string{"specs/paysage.requirements.yaml", "specs/begateway.requirements.yaml"},
	Simulators: providers.All(),
	Budget:     begateway.Budget,
	Money:      begateway.Money("PaySage", "confirmPayment", "refundPayment"),
}

// Declare adds the PaySage suite to this process's Ginkgo tree and returns its handle. Call it
// once, before RunSpecs.
func Declare() *conformance.Handle {
	h := conformance.Declare(Suite)
	s := specs{h}
	s.payment()
	s.confirmation()
	s.refund()
	s.finalStatus()
	// The generic beGateway specs, run against PaySage.
	begateway.DescribeTransactionAPI(begateway.Provider{
		Handle: h,
		NewPayment: func(t *conformance.T, notificationURL string) jsondoc.Doc {
			p := newPayment(t)
			p.NotificationURL = notificationURL
			return p.Body()
		},
		Complete: func(ctx context.Context, t *conformance.T, cl *bgw.Client, uid string, payment jsondoc.Doc) {
			GinkgoHelper()
			confirmed(ctx, t, cl, uid, jsondoc.String(payment, "request.method.account_number"))
		},
	})
	return h
}

// specs declares the PaySage specs on the suite's handle.
type specs struct{ *conformance.Handle }

// newPayment returns a valid payment of its own and makes its phone number one the run masks.
func newPayment(t *conformance.T) paysage.Payment {
	p := paysage.NewPayment()
	t.Redactor.AddPhone(p.AccountNumber)
	return p
}

// pending makes a payment and checks that it is pending; it returns the payment and its uid.
// A spec that fails here fails because of PSG-PAY-006.
func pending(ctx context.Context, t *conformance.T, cl *bgw.Client, p paysage.Payment) string {
	GinkgoHelper()
	var uid string
	t.Relies("PSG-PAY-006", func() {
		res := conformance.Must(cl.CreatePayment(ctx, p.Body()))
		conformance.Conforms(res, http.StatusOK)
		begateway.ExpectStatus(res, "transaction", "pending", "a new payment must be pending")
		uid = res.String("transaction.uid")
		Expect(uid).NotTo(BeEmpty(), "the payment answer has no uid\n%s", res.Describe())
	})
	return uid
}

// confirmed confirms a pending payment with the customer's OTP and checks it succeeded. A spec
// that fails here fails because of PSG-CONFIRM-002.
func confirmed(ctx context.Context, t *conformance.T, cl *bgw.Client, uid, phone string) {
	GinkgoHelper()
	code := t.OTPFor(ctx, uid, phone)
	t.Relies("PSG-CONFIRM-002", func() {
		res := conformance.Must(cl.Confirm(ctx, uid, paysage.Confirm(code, nil)))
		conformance.Conforms(res, http.StatusOK)
		begateway.ExpectStatus(res, "transaction", "successful", "the right OTP did not confirm the payment")
	})
}

// statusOf queries a payment's status.
func statusOf(ctx context.Context, cl *bgw.Client, uid string) string {
	GinkgoHelper()
	res := conformance.Must(cl.Transaction(ctx, uid))
	conformance.Conforms(res, http.StatusOK)
	return res.String("transaction.status")
}
