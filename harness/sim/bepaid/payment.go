package bepaid

import (
	"slices"

	"github.com/paycert/paycert/harness/sim/beyag"
)

// agreements are the values of method.confirm_agreement (document 004, Payment > Request).
var agreements = []string{"already_accepted", "accept", "decline"}

// declined is the message of a payment whose customer declined the Terms of Service (errata
// ERR-BPD-009).
const declined = "The customer declined the MTS Money Terms of Service."

// mtsMoney is the mts_money payment method.
type mtsMoney struct{}

func (mtsMoney) Type() string { return "mts_money" }

// Check reports a missing or unknown confirm_agreement and a missing, malformed or (in test mode)
// unknown customer.phone.
func (mtsMoney) Check(req map[string]any, errs *beyag.FieldErrors) {
	m, _ := req["method"].(map[string]any)
	switch a, ok := m["confirm_agreement"].(string); {
	case m["confirm_agreement"] == nil:
		errs.Add("request.method.confirm_agreement", "is missing")
	case !ok || !slices.Contains(agreements, a):
		errs.Add("request.method.confirm_agreement", "must be already_accepted, accept or decline")
	}
	c, _ := req["customer"].(map[string]any)
	test, _ := req["test"].(bool)
	switch phone, ok := c["phone"].(string); {
	case c["phone"] == nil:
		errs.Add("request.customer.phone", "is missing")
	case !ok || !phoneFormat.MatchString(phone):
		errs.Add("request.customer.phone", "must be the full phone number in digits, with the country code and without +")
	default:
		if _, known := lookup(phone, test); !known {
			notATestNumber(errs)
		}
	}
}

// Section copies the request's method parameters (document 004: "The mts_money response section
// will have the parameters copied from a request").
func (mtsMoney) Section(req map[string]any) map[string]any {
	m, _ := req["method"].(map[string]any)
	out := map[string]any{"type": "mts_money"}
	if a, ok := m["confirm_agreement"]; ok {
		out["confirm_agreement"] = a
	}
	return out
}

// Created hands the payment to "MTS Money", which finishes it after ProcessingTime as the phone
// number's row of the Testing table says; a decline fails it.
func (mtsMoney) Created(e *beyag.Engine, tx *beyag.Tx) {
	phone, _ := tx.Customer["phone"].(string)
	result, ok := lookup(phone, tx.Test)
	if !ok {
		result = testPhone{status: beyag.Failed, message: invalidPhone}
	}
	if phone == "375290000000" && tx.Test && e.Fault(FaultWrongTestResult) {
		result.status, result.message = beyag.Successful, "Transaction was successfully processed."
	}
	if phone == "375444111111" && tx.Test && e.Fault(FaultInvalidPaymentMessage) {
		result.message = "Transaction was failed."
	}
	if tx.Section["confirm_agreement"] == "decline" && !e.Fault(FaultDeclineCompletes) {
		result.status, result.message = beyag.Failed, declined
	}
	e.SettleAfter(tx, ProcessingTime, result.status, result.message)
}
