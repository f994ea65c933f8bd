// Package freedompay simulates FreedomPay mobile balance payments on the Merchant API (document
// 002_d2e89a2b4f570714.txt and providers-facts.md section 3): requests are forms (URL-encoded,
// multipart, or XML in one pg_xml field), answers are XML, and every message both ways is signed
// with pg_sig (MD5 over the script name, the sorted values and the secret key) and salted with
// pg_salt. A payment is initialised (init_payment.php), paid from a phone (/mfs/pay, which sends
// the customer an approval code), approved with that code (/mfs/approve), may have its code sent
// again (/mfs/resend_code), and is queried with get_status3.php; its result is posted to the
// merchant's result URL, retried every 30 minutes for 2 hours until the merchant answers 200.
//
// What the documents leave open is decided in specs/freedompay.errata.yaml; the decisions are
// the constants below and the test phone table in phones.go.
package freedompay

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim"
)

// Name is the provider's name: its prefix on the simulator and its name in the control API.
const Name = "freedompay"

// MerchantID is the merchant ID the simulator uses when none is configured.
const MerchantID = "552211"

// Decisions where the documents are silent (specs/freedompay.errata.yaml).
const (
	// CodeDigits is the length of the approval code; the document's example is "077587".
	CodeDigits = 6
	// ResendCooldown is how long after a code was sent a new one may be asked for.
	ResendCooldown = 60 * time.Second
	// MaxResends is how often a new code may be asked for.
	MaxResends = 3
	// MaxWrongCodes is how many wrong codes fail the payment.
	MaxWrongCodes = 3
	// DefaultLifetime is a payment's lifetime when the init names none (pg_lifetime).
	DefaultLifetime = 24 * time.Hour
	// MinLifetime and MaxLifetime bound pg_lifetime (providers-facts.md 3.2).
	MinLifetime = 300 * time.Second
	MaxLifetime = 604800 * time.Second
	// ProcessingTime is how long a payment answered "process" takes to become final.
	ProcessingTime = 30 * time.Second
)

// ResultRetry is when a result call the merchant did not answer 200 is made again, counted from
// the first attempt: every half hour for two hours (document "Result notify").
var ResultRetry = []time.Duration{30 * time.Minute, 60 * time.Minute, 90 * time.Minute, 120 * time.Minute}

// Fault kinds; a fault's name is "freedompay.<kind>".
const (
	FaultSignatureNotChecked = "signature-not-checked"
	FaultAnswerUnsigned      = "answer-unsigned"
	FaultAcceptAnyCode       = "approval-any-code"
	FaultResendUnlimited     = "resend-unlimited"
	FaultResultNotCalled     = "result-url-not-called"
	FaultStatusStale         = "status-stale"
	FaultJSONAnswers         = "json-answers"
	FaultStatusUnsigned      = "status-unsigned"
	FaultMerchantNotChecked  = "merchant-not-checked"
	FaultMerchantCode        = "unknown-merchant-code"
	FaultBodySniffed         = "body-sniffed"
	FaultContentTypeIgnored  = "content-type-ignored"
	FaultBodyUnlimited       = "body-size-unlimited"
	FaultApproveBeforePay    = "approve-before-pay"
	FaultFailedStatusEcho    = "failed-status-echo-wrong"
	FaultFailedResultEcho    = "failed-result-echo-wrong"
)

// Faults are the deliberate departures the FreedomPay simulator can be switched into, each with
// the requirement the suite must then report failed.
func Faults() []sim.Fault {
	f := func(kind, desc, req string) sim.Fault { return sim.NewFault(Name, kind, desc, req) }
	return []sim.Fault{
		f(FaultSignatureNotChecked, "requests with a wrong pg_sig are served", "FPY-SIG-001"),
		f(FaultAnswerUnsigned, "answers carry no pg_sig", "FPY-SIG-003"),
		f(FaultAcceptAnyCode, "any approval code completes the payment", "FPY-WRONG-001"),
		f(FaultResendUnlimited, "a fourth resend is accepted", "FPY-RESEND-003"),
		f(FaultResultNotCalled, "the result URL is never called", "FPY-CB-001"),
		f(FaultStatusStale, "get_status3.php reports every payment as just initialised", "FPY-STATUS-001"),
		f(FaultJSONAnswers, "answers are JSON instead of XML", "FPY-FMT-001"),
		f(FaultStatusUnsigned, "get_status3.php serves requests without pg_sig or with a wrong one", "FPY-SIG-002"),
		f(FaultMerchantNotChecked, "a request naming another merchant, signed with this one's key, is served", "FPY-SIG-005"),
		f(FaultMerchantCode, "a request of an unknown merchant is answered with another code than 9998, signed", "FPY-SIG-005"),
		f(FaultBodySniffed, "a JSON object is read as a form of its members", "FPY-FMT-003"),
		f(FaultContentTypeIgnored, "a form declared as text/plain is read as a form", "FPY-FMT-004"),
		f(FaultBodyUnlimited, "a request body of any size is read and served", "FPY-FMT-005"),
		f(FaultApproveBeforePay, "an approval before pay, with any code, completes the payment", "FPY-OTP-002"),
		f(FaultFailedStatusEcho, "the status of a failed payment names another order", "FPY-STATUS-005"),
		f(FaultFailedResultEcho, "the result call of a failed payment carries another amount", "FPY-CB-007"),
	}
}

// Factory makes the FreedomPay simulator for a sim.Server.
func Factory() sim.Factory {
	return sim.Factory{Name: Name, AccountID: MerchantID, Faults: Faults(), New: func(env sim.Env) (sim.Provider, error) { return New(env) }}
}

// Sim is the simulated FreedomPay platform for one merchant.
type Sim struct {
	env      sim.Env
	merchant string
	signer   signing.FreedomPay

	mu       sync.Mutex
	payments map[int64]*payment
	due      sim.Deadlines[int64] // a payment's expiry and the end of its processing, by pg_payment_id
	finished *sim.Finished[int64] // final payments, for the retention
	nextID   int64
}

// New returns the simulator for the merchant env.Credentials names (an integer ID).
func New(env sim.Env) (*Sim, error) {
	if id, err := strconv.ParseInt(env.Credentials.ID, 10, 64); err != nil || id <= 0 {
		return nil, fmt.Errorf("the merchant ID %q is not a positive integer (FreedomPay merchant IDs are)", env.Credentials.ID)
	}
	signer, err := signing.NewFreedomPay(env.Credentials.Secret, "")
	if err != nil {
		return nil, err
	}
	s := &Sim{env: env, merchant: env.Credentials.ID, signer: signer, payments: map[int64]*payment{}, finished: sim.NewFinished[int64](env.Retention), nextID: 100000}
	env.Clock.OnAdvance(func(now time.Time) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.runDue(now)
	})
	return s, nil
}

func (s *Sim) fault(kind string) bool { return s.env.Faults.Of(Name, kind) }

// Handler serves the Merchant API paths.
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/init_payment.php", s.serve("response", s.initPayment))
	mux.HandleFunc("/mfs/pay", s.serve("root", s.pay))
	mux.HandleFunc("/mfs/approve", s.serve("root", s.approve))
	mux.HandleFunc("/mfs/resend_code", s.serve("root", s.resend))
	mux.HandleFunc("/get_status3.php", s.serve("response", s.status))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// A request to no script of the platform is still read, and answered signed when its
		// merchant can be told (only 9998 answers go unsigned).
		s.serve("response", func(request) fields.List {
			return fail(codeNotFound, "No such script: "+r.URL.Path).fields()
		})(w, r)
	})
	return mux
}

// OTP returns the approval code last sent for a payment (by pg_payment_id).
func (s *Sim) OTP(id string) (sim.OTPInfo, bool) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return sim.OTPInfo{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[n]
	if !ok || len(p.Codes) == 0 {
		return sim.OTPInfo{}, false
	}
	exp := p.Expires
	return sim.OTPInfo{OTP: p.code(), IssuedAt: p.CodeSent, ExpiresAt: &exp, Resends: len(p.Codes) - 1}, true
}

// WebhookKey is nil: FreedomPay signs with the merchant's secret key, not a key pair.
func (s *Sim) WebhookKey() *rsa.PublicKey { return nil }

// Reset forgets every payment.
func (s *Sim) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.payments = map[int64]*payment{}
	s.due.Reset()
	s.finished.Reset()
}

// Sent is what the simulator sent a customer for one payment: the phone number and every code.
type Sent struct {
	PaymentID int64
	Phone     string
	Codes     []string
}

// Snapshot lists, for every payment, the phone number and the codes sent (for tests that search a
// run's output for them).
func (s *Sim) Snapshot() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Sent, 0, len(s.payments))
	for _, p := range s.payments {
		out = append(out, Sent{PaymentID: p.ID, Phone: p.Phone, Codes: append([]string(nil), p.Codes...)})
	}
	return out
}
