// Package paysage simulates PaySage Mobile Commerce (document 000_20642134d9b4e40d.txt) on the
// beGateway engine: KZT only, method.type mobile_commerce with an 11-digit account_number, a
// pending answer, an OTP "sent by SMS" to the customer (readable through the control API), and
// confirmation with that OTP.
package paysage

import (
	"regexp"

	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/beyag"
)

// Name is the provider's name: its prefix on the simulator and its name in the control API.
const Name = "paysage"

// OTPDigits is the length of the OTP the simulator sends; the document's example is "5576".
const OTPDigits = 4

// MaxWrongOTPs fails a payment after this many wrong OTPs. The document does not say; see the
// errata ledger (specs/paysage.errata.yaml).
const MaxWrongOTPs = 3

// Factory makes the PaySage simulator for a sim.Server.
func Factory() sim.Factory { return beyag.Factory(config(), Faults()) }

// Faults are the deliberate departures the PaySage simulator can be switched into, each with the
// requirement the suite must then report failed.
func Faults() []sim.Fault {
	f := func(kind, desc, req string) sim.Fault { return sim.NewFault(Name, kind, desc, req) }
	return append([]sim.Fault{
		f(beyag.FaultAcceptWrongOTP, "a wrong OTP confirms the payment", "PSG-CONFIRM-003"),
		f(beyag.FaultPartialRefund, "a refund of less than the payment amount is accepted", "PSG-REFUND-002"),
		f(beyag.FaultDropWebhook, "no webhook is sent for the final status", "PSG-NOTIFY-001"),
		f(beyag.FaultCreatedSuccessful, "a new payment answers successful instead of pending", "PSG-PAY-006"),
		f(beyag.FaultNoDuplicateCheck, "a second confirmation within 30 s is not declined", "PSG-DUP-001"),
		f(beyag.FaultBadSignature, "webhooks carry a Content-Signature that does not verify", "BGW-NOTIFY-003"),
		f(beyag.FaultAnyCredentials, "requests with wrong shop credentials are served", "BGW-AUTH-001"),
		f(beyag.FaultDeclinedConfirmWithoutParent, "a declined confirmation is answered without parent_uid", "PSG-CONFIRM-006"),
	}, beyag.CommonFaults(Name)...)
}

// config is the PaySage provider on the beGateway engine.
func config() beyag.Config {
	return beyag.Config{
		Provider:       Name,
		Currencies:     []string{"KZT"},
		GatewayID:      5290,
		ReceiptBase:    "https://backoffice.paysage.io/customer/transactions/",
		ExampleAmount:  1002,
		Method:         mobileCommerce{},
		PendingMessage: "Transaction was initialized. Need approve.",
		MaxWrongOTPs:   MaxWrongOTPs,
	}
}

// accountNumber is 11 digits without spaces or symbols (document 000, method.account_number).
var accountNumber = regexp.MustCompile(`^[0-9]{11}$`)

type mobileCommerce struct{}

func (mobileCommerce) Type() string { return "mobile_commerce" }

func (mobileCommerce) Check(req map[string]any, errs *beyag.FieldErrors) {
	if s, ok := req["return_url"].(string); !ok || s == "" {
		errs.Add("request.return_url", "is missing")
	}
	m, _ := req["method"].(map[string]any)
	switch acc, ok := m["account_number"].(string); {
	case m["account_number"] == nil:
		errs.Add("request.method.account_number", "is missing")
	case !ok || !accountNumber.MatchString(acc):
		errs.Add("request.method.account_number", "must be 11 digits without spaces or symbols")
	}
}

func (mobileCommerce) Section(req map[string]any) map[string]any {
	m, _ := req["method"].(map[string]any)
	return map[string]any{"type": "mobile_commerce", "account_number": m["account_number"]}
}

// Created sends the customer an OTP by "SMS".
func (mobileCommerce) Created(e *beyag.Engine, tx *beyag.Tx) {
	e.IssueOTP(tx, OTPDigits)
}
