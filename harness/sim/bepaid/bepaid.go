// Package bepaid simulates bePaid MTS Money (document 004_97cec49f4329638c.txt) on the beGateway
// engine: the service activation check in its two API versions, the payment with
// confirm_agreement and customer.phone that answers pending, and the final status that MTS Money
// decides a few seconds later and that comes as a notification. With test true the documented
// test phone numbers answer as the Testing table says.
package bepaid

import (
	"regexp"
	"time"

	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/beyag"
)

// Name is the provider's name: its prefix on the simulator and its name in the control API.
const Name = "bepaid"

// ProcessingTime is how long after its creation MTS Money finishes a payment: the document's
// example answer is created at 11:44:30 and its notification updated at 11:44:36 (errata
// ERR-BPD-012).
const ProcessingTime = 6 * time.Second

// Fault kinds of the bePaid simulator besides the beGateway ones.
const (
	// FaultWrongTestResult makes 375290000000 pay successfully instead of failing for
	// insufficient funds.
	FaultWrongTestResult = "wrong-test-result"
	// FaultV3AsV2 answers a v3 service check in the v2 shape.
	FaultV3AsV2 = "v3-as-v2"
	// FaultDeclineCompletes lets a payment whose customer declined the Terms of Service end as
	// its phone number says (375295222222: successful).
	FaultDeclineCompletes = "decline-completes"
	// FaultInactiveCode answers the v3 check of 375295111111 with F.0213 instead of F.0202.
	FaultInactiveCode = "inactive-code-f0213"
	// FaultInvalidCode answers the v3 check of 375444111111 with F.0202 instead of F.0213.
	FaultInvalidCode = "invalid-code-f0202"
	// FaultCheckMessage answers an activated v3 check with another friendly_message.
	FaultCheckMessage = "check-message"
	// FaultInvalidPaymentMessage fails the payment of 375444111111 without saying why.
	FaultInvalidPaymentMessage = "invalid-payment-message"
	// FaultCheckWithoutCredentials serves a service check without an Authorization header.
	FaultCheckWithoutCredentials = "check-without-credentials"
)

// Factory makes the bePaid simulator for a sim.Server.
func Factory() sim.Factory { return beyag.Factory(config(), Faults()) }

// Faults are the deliberate departures the bePaid simulator can be switched into, each with the
// requirement the suite must then report failed.
func Faults() []sim.Fault {
	f := func(kind, desc, req string) sim.Fault { return sim.NewFault(Name, kind, desc, req) }
	return append([]sim.Fault{
		f(FaultWrongTestResult, "the test number 375290000000 pays successfully instead of failing for insufficient funds", "BPD-TEST-004"),
		f(FaultV3AsV2, "a service check with X-API-Version 3 is answered in the v2 shape", "BPD-CHECK-002"),
		f(beyag.FaultDropWebhook, "no notification is sent for the final status", "BPD-NOTIFY-001"),
		f(beyag.FaultCreatedSuccessful, "a new payment answers successful instead of pending", "BPD-PAY-003"),
		f(beyag.FaultBadSignature, "notifications carry a Content-Signature that does not verify", "BGW-NOTIFY-003"),
		f(beyag.FaultAnyCredentials, "requests with wrong shop credentials are served", "BGW-AUTH-001"),
		f(FaultDeclineCompletes, "a payment whose customer declined the Terms of Service completes", "BPD-PAY-006"),
		f(FaultInactiveCode, "the v3 check of 375295111111 answers F.0213 instead of F.0202", "BPD-CHECK-007"),
		f(FaultInvalidCode, "the v3 check of 375444111111 answers F.0202 instead of F.0213", "BPD-CHECK-008"),
		f(FaultCheckMessage, "an activated v3 check answers another friendly_message than the document's", "BPD-CHECK-009"),
		f(FaultInvalidPaymentMessage, "the failed payment of 375444111111 does not say the phone number is invalid", "BPD-TEST-007"),
		f(FaultCheckWithoutCredentials, "a service check without credentials is served", "BPD-CHECK-006"),
	}, beyag.CommonFaults(Name)...)
}

// config is the bePaid provider on the beGateway engine.
func config() beyag.Config {
	return beyag.Config{
		Provider:             Name,
		Currencies:           []string{"BYN"},
		GatewayID:            395,
		ReceiptBase:          "https://merchant.bepaid.by/customer/transactions/",
		ExampleAmount:        100,
		Method:               mtsMoney{},
		PendingMessage:       "Transaction was initialized.",
		RefundAmountOptional: true,
	}
}

// phoneFormat is a full phone number with the country code and without + (document 004:
// "including the country code, but without + sign. For example, 375291112233"): digits only, 10
// to 15 of them (E.164).
var phoneFormat = regexp.MustCompile(`^[1-9][0-9]{9,14}$`)

// service is what the MTS Money check finds for a phone number.
type service int

const (
	activated service = iota // an MTS number with the service activated
	inactive                 // an MTS number without the service
	invalid                  // not a valid MTS number
)

// testPhone is one row of document 004's Testing table.
type testPhone struct {
	check   service
	status  string // the payment's final status
	message string
}

// testPhones is document 004, Testing.
var testPhones = map[string]testPhone{
	"375295222222": {activated, beyag.Successful, "Transaction was successfully processed."},
	"375295111111": {inactive, beyag.Failed, "The MTS Money service is not active for this phone number."},
	"375444111111": {invalid, beyag.Failed, invalidPhone},
	"375290000000": {activated, beyag.Failed, "Insufficient funds."},
}

// invalidPhone is the message of the failed payment of 375444111111 (document 004, Testing:
// "Invalid phone number").
const invalidPhone = "Invalid phone number."

// testNumbers lists the test phone numbers for error messages.
const testNumbers = "375295222222, 375295111111, 375444111111, 375290000000"

// lookup is what a phone number does: a test number (with test true) as the table says; any other
// well-formed number in live mode is an activated MTS customer whose payment succeeds. ok is false
// for a number outside the table in test mode (errata ERR-BPD-008).
func lookup(phone string, test bool) (testPhone, bool) {
	if !test {
		return testPhone{activated, beyag.Successful, "Transaction was successfully processed."}, true
	}
	p, ok := testPhones[phone]
	return p, ok
}

func notATestNumber(errs *beyag.FieldErrors) {
	errs.Add("request.customer.phone", "is not a test phone number; with test true use one of "+testNumbers)
}
