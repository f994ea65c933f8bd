package freedompay

import (
	"strconv"

	"github.com/paycert/paycert/harness/fields"
)

// Error codes of the simulator's error answers (pg_error_code). The platform's code table was not
// found (providers-facts.md 3.4); but for 9998, which the platform sends when it cannot tell the
// merchant, these are the simulator's own, and suites judge an error answer by its structure, never
// by its code (specs/freedompay.errata.yaml).
const (
	codeInvalid      = 101  // a parameter is missing or has a wrong value
	codeNoSalt       = 102  // pg_salt is missing
	codeSignature    = 103  // pg_sig is missing or wrong
	codeNotFound     = 340  // no such payment (or script)
	codeState        = 350  // the payment's state does not allow the request
	codeWrongCode    = 360  // a wrong approval code
	codeTooManyWrong = 361  // the last of the wrong codes allowed: the payment failed
	codeResendEarly  = 370  // a new code asked for too soon
	codeResendLimit  = 371  // no more new codes
	codeOperator     = 380  // the operator is unknown or cannot be told from the phone
	codeExpired      = 390  // the payment's lifetime is over
	codeFunds        = 400  // the phone's balance does not cover the amount
	codeBlocked      = 401  // the number is blocked for payments
	codeRejected     = 500  // the merchant rejected the payment at its result URL
	codeUnknownMerch = 9998 // the merchant cannot be identified: the answer is not signed
)

// refusal is an error answer before it is salted and signed.
type refusal struct {
	code int
	text string
}

func fail(code int, text string) refusal { return refusal{code: code, text: text} }

// fields is the error answer (providers-facts.md 3.4).
func (e refusal) fields() fields.List {
	return fields.Of("pg_status", "error", "pg_error_code", strconv.Itoa(e.code), "pg_error_description", e.text)
}
