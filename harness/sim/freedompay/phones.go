package freedompay

import "strings"

// Operator codes of the Pay request's pg_payment_system_code (document 002, Pay).
var Operators = []string{"ACTIVKZT", "ALTELKZT", "BEELINEKZT", "KCELLKZT", "TELE2KZT"}

// prefixes are the Kazakhstan mobile codes (the three digits after the country code 7) each
// operator serves; a payment without pg_payment_system_code is the operator's of its phone
// (specs/freedompay.errata.yaml).
var prefixes = map[string]string{
	"700": "ALTELKZT", "708": "ALTELKZT",
	"701": "KCELLKZT", "702": "KCELLKZT",
	"775": "ACTIVKZT", "778": "ACTIVKZT",
	"705": "BEELINEKZT", "771": "BEELINEKZT", "776": "BEELINEKZT", "777": "BEELINEKZT",
	"707": "TELE2KZT", "747": "TELE2KZT",
}

// operatorOf names the operator of an 11-digit phone 7XXXXXXXXXX, or "" when its code is none of
// the table's.
func operatorOf(phone string) string {
	if len(phone) != 11 || !strings.HasPrefix(phone, "7") {
		return ""
	}
	return prefixes[phone[1:4]]
}

func knownOperator(code string) bool {
	for _, o := range Operators {
		if o == code {
			return true
		}
	}
	return false
}

// Outcome is what a phone does with a payment in testing mode.
type Outcome int

// The outcomes of the test phone table.
const (
	// NeedsApproval: pay answers need_approve, the right code ok (any phone outside the table).
	NeedsApproval Outcome = iota
	// NoApproval: pay answers ok and the payment succeeds.
	NoApproval
	// Processing: the right code answers process; the payment succeeds ProcessingTime later.
	Processing
	// InsufficientFunds: pay answers error and the payment fails.
	InsufficientFunds
	// Blocked: pay answers error and the payment fails.
	Blocked
)

// TestPhone is one row of the test phone table.
type TestPhone struct {
	Phone   string
	Outcome Outcome
	Meaning string
}

// TestPhones is the simulator's table of phones that behave in a set way when the payment was
// initialised with pg_testing_mode=1. The documents' test phone page was not found; the table is
// paycert's (specs/freedompay.errata.yaml).
func TestPhones() []TestPhone {
	return []TestPhone{
		{"77000000001", NoApproval, "paid without an approval code"},
		{"77000000002", NeedsApproval, "an approval code, then paid"},
		{"77000000003", Processing, "an approval code, then processing, then paid"},
		{"77000000004", InsufficientFunds, "refused: insufficient funds"},
		{"77000000005", Blocked, "refused: the number is blocked"},
	}
}

// outcomeOf is what the phone does in a payment, testing or not.
func outcomeOf(phone string, testing bool) Outcome {
	if !testing {
		return NeedsApproval
	}
	for _, t := range TestPhones() {
		if t.Phone == phone {
			return t.Outcome
		}
	}
	return NeedsApproval
}
