// Package monetix simulates Monetix Mobile Commerce in Kazakhstan on Gate API v2 and Payment Page
// (document 001_c4c874c2a3ef4777.txt): every request signed with the project's secret
// (HMAC-SHA512, providers-facts.md 2.2), every answer only an acknowledgement, and the outcome in
// signed callbacks: a clarification callback asks for the OTP, a wrong OTP asks again, the OTP
// lives 80 or 90 seconds, a new one may be asked for after that, three times at most, and the
// final and refund callbacks follow. Callbacks are retried until the merchant answers 2xx.
package monetix

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim"
)

// Name is the provider's name: its prefix on the simulator and its name in the control API.
const Name = "monetix"

// ProjectID is the project ID the simulator uses when none is configured (the document's
// example).
const ProjectID = "1234"

// Documented rules (document 001, "Submitting the OTP" and "Request for the new OTP").
const (
	// OTPDigits is the length of the OTP the simulator sends; the document's example is "123456".
	OTPDigits = 6
	// DefaultOTPLifetime is how long an OTP is valid unless configured: the document says 80 or
	// 90 seconds, depending on the project (sim.Env.OTPLifetime chooses).
	DefaultOTPLifetime = 80 * time.Second
	// MaxResends is how often a new OTP may be asked for.
	MaxResends = 3
	// ClarificationWait is how long the platform waits for the OTP before it declines the
	// purchase (providers-facts.md 2.6).
	ClarificationWait = 30 * time.Minute
)

// Fault kinds; a fault's name is "monetix.<kind>".
const (
	FaultSignatureNotChecked     = "signature-not-checked"
	FaultResendUnlimited         = "resend-unlimited"
	FaultResendEarly             = "resend-early"
	FaultAcceptWrongOTP          = "accept-wrong-otp"
	FaultCallbackUnsigned        = "callback-unsigned"
	FaultCallbackBadSignature    = "callback-bad-signature"
	FaultRefundWithoutCurrency   = "partial-refund-without-currency"
	FaultCallbackMissing         = "callback-missing"
	FaultDuplicatePaymentAllowed = "duplicate-payment-id"
	FaultClarificationUnsigned   = "clarification-unsigned"
	FaultTrailingTextAccepted    = "trailing-text-accepted"
	FaultContentTypeIgnored      = "content-type-ignored"
	FaultBodyUnlimited           = "body-size-unlimited"
	FaultDeclineEchoWrong        = "decline-echo-wrong"
)

// Faults are the deliberate departures the Monetix simulator can be switched into, each with the
// requirement the suite must then report failed.
func Faults() []sim.Fault {
	f := func(kind, desc, req string) sim.Fault { return sim.NewFault(Name, kind, desc, req) }
	return []sim.Fault{
		f(FaultSignatureNotChecked, "requests with a wrong signature are served", "MTX-SIG-001"),
		f(FaultResendUnlimited, "a fourth resend is accepted", "MTX-RESEND-003"),
		f(FaultResendEarly, "a resend before the OTP has expired is accepted", "MTX-RESEND-002"),
		f(FaultAcceptWrongOTP, "a wrong OTP completes the purchase", "MTX-WRONG-001"),
		f(FaultCallbackUnsigned, "callbacks carry no signature", "MTX-SIG-002"),
		f(FaultCallbackBadSignature, "callbacks carry a signature that does not verify", "MTX-SIG-002"),
		f(FaultRefundWithoutCurrency, "a partial refund without currency is accepted", "MTX-REFUND-003"),
		f(FaultCallbackMissing, "no final callback is sent after the OTP", "MTX-OTP-002"),
		f(FaultDuplicatePaymentAllowed, "a purchase with a payment_id already used is accepted", "MTX-INIT-004"),
		f(FaultClarificationUnsigned, "an OTP submission without a signature, or with a wrong one, is served", "MTX-SIG-001"),
		f(FaultTrailingTextAccepted, "a body with text after its JSON object is read as the object", "MTX-BODY-001"),
		f(FaultContentTypeIgnored, "a JSON body declared as a form is served", "MTX-BODY-002"),
		f(FaultBodyUnlimited, "a request body of any size is read and served", "MTX-BODY-003"),
		f(FaultDeclineEchoWrong, "the callback of a declined purchase names another customer", "MTX-CB-003"),
	}
}

// Factory makes the Monetix simulator for a sim.Server.
func Factory() sim.Factory {
	return sim.Factory{Name: Name, AccountID: ProjectID, Faults: Faults(), New: func(env sim.Env) (sim.Provider, error) { return New(env) }}
}

// Sim is the simulated Monetix platform for one project.
type Sim struct {
	env      sim.Env
	project  int64
	signer   signing.Monetix
	lifetime time.Duration
	retry    []time.Duration

	mu       sync.Mutex
	payments map[string]*payment
	due      sim.Deadlines[string] // when a purchase stops waiting for its OTP, by payment_id
	finished *sim.Finished[string] // finished purchases, for the retention
	nextOpID int64
}

// New returns the simulator for the project env.Credentials names (an integer ID).
func New(env sim.Env) (*Sim, error) {
	project, err := strconv.ParseInt(env.Credentials.ID, 10, 64)
	if err != nil || project <= 0 {
		return nil, fmt.Errorf("the project ID %q is not a positive integer (Monetix project IDs are)", env.Credentials.ID)
	}
	lifetime := env.OTPLifetime
	if lifetime == 0 {
		lifetime = DefaultOTPLifetime
	}
	signer, err := signing.NewMonetix(env.Credentials.Secret, "")
	if err != nil {
		return nil, err
	}
	s := &Sim{
		env: env, project: project, lifetime: lifetime, signer: signer, retry: RetrySchedule(),
		payments: map[string]*payment{}, finished: sim.NewFinished[string](env.Retention),
	}
	env.Clock.OnAdvance(func(now time.Time) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.runDue(now)
	})
	return s, nil
}

func (s *Sim) fault(kind string) bool { return s.env.Faults.Of(Name, kind) }

// Handler serves the Gate paths and the Payment Page.
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v2/info/mobile/{operation_type}/list", s.signed(s.operators))
	mux.HandleFunc("POST /v2/payment/mobile/sale", s.signed(s.sale))
	mux.HandleFunc("POST /v2/payment/clarification", s.signed(s.clarification))
	mux.HandleFunc("POST /v2/customer/action/{action_name}", s.signed(s.customerAction))
	mux.HandleFunc("POST /v2/payment/mobile/refund", s.signed(s.refund))
	mux.HandleFunc("GET /payment", s.paymentPage)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, codeNotFound, "No such endpoint: "+r.Method+" "+r.URL.Path, nil, nil)
	})
	return mux
}

// OTP returns the OTP sent for a payment (by payment_id).
func (s *Sim) OTP(id string) (sim.OTPInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[id]
	if !ok || p.otp() == "" {
		return sim.OTPInfo{}, false
	}
	exp := p.OTPIssued.Add(s.lifetime)
	return sim.OTPInfo{OTP: p.otp(), IssuedAt: p.OTPIssued, ExpiresAt: &exp, Resends: p.resends()}, true
}

// WebhookKey is nil: Monetix callbacks are signed with the project's secret, not a key pair.
func (s *Sim) WebhookKey() *rsa.PublicKey { return nil }

// Reset forgets every payment.
func (s *Sim) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.payments = map[string]*payment{}
	s.due.Reset()
	s.finished.Reset()
	s.nextOpID = 0
}

// Sent is what the simulator sent a customer for one payment: the phone number and every OTP.
type Sent struct {
	PaymentID string
	Phone     string
	OTPs      []string
}

// Snapshot lists, for every payment, the phone number and the OTPs sent (for tests that search a
// run's output for them).
func (s *Sim) Snapshot() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Sent, 0, len(s.payments))
	for _, p := range s.payments {
		out = append(out, Sent{PaymentID: p.ID, Phone: p.Phone, OTPs: append([]string(nil), p.OTPs...)})
	}
	return out
}
