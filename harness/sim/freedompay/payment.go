package freedompay

import (
	"time"

	"github.com/paycert/paycert/harness/fields"
)

// Payment statuses (pg_payment_status of get_status3.php; specs/freedompay.errata.yaml).
const (
	statusNew     = "new"
	statusPending = "pending"
	statusSuccess = "success"
	statusFailed  = "failed"
	statusRevoked = "revoked"
)

// payment is one payment as the platform keeps it.
type payment struct {
	ID          int64
	OrderID     string
	Amount      string // as the merchant wrote it, a decimal number
	Currency    string
	Description string
	Testing     bool
	Created     time.Time
	Expires     time.Time
	ResultURL   string
	Method      string // how the result URL is called: GET, POST or XML (pg_request_method)
	UserPhone   string

	Status     string
	Phone      string // the phone paid from (pg_abonent_phone)
	Operator   string
	Outcome    Outcome
	Codes      []string // every approval code sent, the last one valid
	CodeSent   time.Time
	Wrong      int
	Processing *time.Time // when a payment answered "process" becomes final
	Paid       time.Time
	Failure    refusal
}

func (p *payment) code() string {
	if len(p.Codes) == 0 {
		return ""
	}
	return p.Codes[len(p.Codes)-1]
}

func (p *payment) final() bool {
	return p.Status == statusSuccess || p.Status == statusFailed || p.Status == statusRevoked
}

// awaitingCode reports whether the payment waits for its approval code.
func (p *payment) awaitingCode() bool {
	return p.Status == statusPending && len(p.Codes) > 0 && p.Processing == nil
}

// sendCode sends the customer a new approval code; the caller holds the lock.
func (s *Sim) sendCode(p *payment) {
	digits := s.env.OTPDigits
	if digits == 0 {
		digits = CodeDigits
	}
	p.Codes = append(p.Codes, s.env.Rand.Digits(digits))
	p.CodeSent = s.env.Clock.Now()
}

// succeed makes the payment successful and posts the result; the caller holds the lock.
func (s *Sim) succeed(p *payment) {
	p.Status, p.Processing, p.Paid = statusSuccess, nil, s.env.Clock.Now()
	s.finished.Add(p.ID, p.Paid)
	s.postResult(p)
}

// failPayment makes the payment failed for the reason given and posts the result; it returns the
// error answer that says why. The caller holds the lock.
func (s *Sim) failPayment(p *payment, why refusal) fields.List {
	p.Status, p.Processing, p.Failure = statusFailed, nil, why
	s.finished.Add(p.ID, s.env.Clock.Now())
	s.postResult(p)
	return why.fields()
}

// store keeps a new payment and the moment its lifetime ends; the caller holds the lock.
func (s *Sim) store(p *payment) {
	s.payments[p.ID] = p
	s.due.Add(p.Expires, p.ID)
}

// runDue ends what the clock has ended, earliest first: processing payments succeed, payments
// past their lifetime fail. Then it forgets the final payments the retention no longer keeps. The
// caller holds the lock.
func (s *Sim) runDue(now time.Time) {
	s.due.Due(now, func(id int64) {
		p, ok := s.payments[id]
		switch {
		case !ok || p.final():
		case p.Processing != nil && !now.Before(*p.Processing):
			s.succeed(p)
		case !now.Before(p.Expires):
			s.failPayment(p, fail(codeExpired, "The payment's lifetime (pg_lifetime) is over."))
		}
	})
	s.finished.Expire(now, func(id int64) { delete(s.payments, id) })
}
