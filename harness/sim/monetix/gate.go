package monetix

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim"
)

// Payment statuses the simulator uses (providers-facts.md 2.6).
const (
	statusAwaitingCustomer = "awaiting customer"
	statusClarification    = "awaiting clarification"
	statusSuccess          = "success"
	statusDecline          = "decline"
	statusRefunded         = "refunded"
	statusPartlyRefunded   = "partially refunded"
)

// payment is one purchase of the project, by payment_id.
type payment struct {
	ID          string
	CustomerID  string
	Phone       string
	Operator    string
	Amount      int64
	Currency    string
	Refunded    int64
	CallbackURL string
	Status      string
	Created     time.Time
	Updated     time.Time
	// Page is true for a purchase opened on the Payment Page (the customer acts there; no
	// clarification callbacks go to the merchant).
	Page bool

	// OTP state: every OTP sent (the current one last), when the current one was created, and
	// until when the platform waits for the OTP before declining the purchase.
	OTPs      []string
	OTPIssued time.Time
	WaitUntil *time.Time

	// sale is the purchase's operation; ProviderPaymentID is the operator's reference.
	sale              operation
	ProviderPaymentID string
}

// otp is the OTP sent last, "" before any.
func (p *payment) otp() string {
	if len(p.OTPs) == 0 {
		return ""
	}
	return p.OTPs[len(p.OTPs)-1]
}

// resends is how often a new OTP was asked for.
func (p *payment) resends() int { return max(0, len(p.OTPs)-1) }

// refuseInvalid answers the error body when errs has problems, and reports whether it did.
func refuseInvalid(w http.ResponseWriter, req map[string]any, errs fieldErrors) bool {
	if len(errs) == 0 {
		return false
	}
	writeError(w, http.StatusBadRequest, codeInvalidRequest, "The request does not match the method's parameters.", req, errs)
	return true
}

// find returns the payment id, or answers that there is none; the caller holds the lock.
func (s *Sim) find(w http.ResponseWriter, req map[string]any, id string) (*payment, bool) {
	p, ok := s.payments[id]
	if !ok {
		writeError(w, http.StatusBadRequest, codeNotFound, "No payment with this payment_id in the project.", req, nil)
	}
	return p, ok
}

// used reports whether the payment_id is already the project's, and answers so when it is; the
// caller holds the lock.
func (s *Sim) used(w http.ResponseWriter, req map[string]any, id string) bool {
	if _, dup := s.payments[id]; !dup || s.fault(FaultDuplicatePaymentAllowed) {
		return false
	}
	writeError(w, http.StatusBadRequest, codeDuplicate, "A payment with this payment_id already exists in the project.", req, nil)
	return true
}

// MaxBody is the largest request body the simulator reads; a longer one is refused (errata
// ERR-MTX-023: the document sets no limit).
const MaxBody = 1 << 20

// signed serves h only to requests that are one JSON object, declared as JSON, no longer than
// MaxBody, signed with the project's secret and naming the project; others are refused with the
// error body. h gets the decoded body.
func (s *Sim) signed(h func(http.ResponseWriter, *http.Request, map[string]any)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if ct := r.Header.Get("Content-Type"); ct != "" && !isJSON(ct) && !s.fault(FaultContentTypeIgnored) {
			writeError(w, http.StatusBadRequest, codeInvalidRequest, "The request body must be JSON (Content-Type application/json), not "+strconv.Quote(ct)+".", nil, nil)
			return
		}
		var body io.Reader = r.Body
		if !s.fault(FaultBodyUnlimited) {
			body = http.MaxBytesReader(w, r.Body, MaxBody)
		}
		raw, err := io.ReadAll(body)
		if err != nil {
			msg := "The request body could not be read."
			if _, tooLong := errors.AsType[*http.MaxBytesError](err); tooLong {
				msg = "The request body is longer than " + strconv.Itoa(MaxBody) + " bytes."
			}
			writeError(w, http.StatusBadRequest, codeInvalidRequest, msg, nil, nil)
			return
		}
		req, err := s.decode(raw)
		if err != nil {
			writeError(w, http.StatusBadRequest, codeInvalidRequest, "The request body is not one JSON object: "+err.Error(), nil, nil)
			return
		}
		unsigned := s.fault(FaultClarificationUnsigned) && strings.HasSuffix(r.URL.Path, "/v2/payment/clarification")
		if !s.fault(FaultSignatureNotChecked) && !unsigned {
			if err := s.signer.VerifyDoc(req); err != nil {
				msg := "Invalid signature."
				if errors.Is(err, signing.ErrNoSignature) {
					msg = "The request has no signature (general.signature)."
				}
				writeError(w, http.StatusUnauthorized, codeSignature, msg, req, nil)
				return
			}
		}
		if id, ok := jsondoc.Int(req, "general.project_id"); !ok || id != s.project {
			writeError(w, http.StatusUnauthorized, codeProject, "Unknown project: general.project_id does not name this project.", req, nil)
			return
		}
		s.mu.Lock()
		s.runDue(s.env.Clock.Now())
		s.mu.Unlock()
		h(w, r, req)
	}
}

// decode reads a request body that must be exactly one JSON object: nothing but white space may
// follow it.
func (s *Sim) decode(raw []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var req map[string]any
	if err := dec.Decode(&req); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, errors.New("null")
	}
	if _, err := dec.Token(); err != io.EOF && !s.fault(FaultTrailingTextAccepted) {
		return nil, errors.New("text follows the object")
	}
	return req, nil
}

// isJSON reports whether a Content-Type names JSON (application/json, with or without
// parameters).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}

// ack is the synchronous answer: the request was accepted; the outcome comes by callback.
func (s *Sim) ack(w http.ResponseWriter, paymentID string) {
	sim.WriteJSON(w, http.StatusOK, map[string]any{
		"status": "success", "request_id": s.requestID(), "project_id": s.project, "payment_id": paymentID,
	})
}

func (s *Sim) requestID() string {
	id := s.env.Rand.UUID()
	return id[:8] + id[9:13] + id[14:17]
}

// operators answers the list of mobile network operators (document 001, Table 1).
func (s *Sim) operators(w http.ResponseWriter, r *http.Request, _ map[string]any) {
	if r.PathValue("operation_type") != "sale" {
		writeError(w, http.StatusNotFound, codeNotFound, "No operators for operation type "+strconv.Quote(r.PathValue("operation_type"))+"; this method supports sale.", nil, nil)
		return
	}
	list := make([]any, 0, len(operators))
	for _, o := range operators {
		list = append(list, map[string]any{"id": o.id, "name": o.name})
	}
	sim.WriteJSON(w, http.StatusOK, map[string]any{"status": "success", "project_id": s.project, "operators": list})
}

// checkCallbackURL notes a merchant_callback_url that is not an absolute http(s) URL.
func checkCallbackURL(req map[string]any, errs *fieldErrors) string {
	v, ok := jsondoc.Get(req, "general.merchant_callback_url")
	if !ok {
		return ""
	}
	s, _ := v.(string)
	if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs.add("general.merchant_callback_url", "must be an absolute http(s) URL")
	}
	return s
}

// sale starts a purchase (document 001, Table 5): acknowledged, then the OTP is "sent" to the
// customer and a clarification callback asks for it.
func (s *Sim) sale(w http.ResponseWriter, _ *http.Request, req map[string]any) {
	var errs fieldErrors
	id := requireString(req, "general.payment_id", &errs)
	for _, f := range []string{"customer.id", "customer.ip_address", "customer.first_name", "customer.last_name", "customer.email"} {
		requireString(req, f, &errs)
	}
	phone := requireString(req, "account.number", &errs)
	if phone != "" && !kzPhone.MatchString(phone) {
		errs.add("account.number", "must be a Kazakhstan mobile number with its country code, digits only (7XXXXXXXXXX)")
	}
	currency := requireString(req, "payment.currency", &errs)
	if currency != "" && currency != "KZT" {
		errs.add("payment.currency", "this payment method supports KZT only")
	}
	amount := requireInt(req, "payment.amount", &errs)
	callbackURL := checkCallbackURL(req, &errs)
	if refuseInvalid(w, req, errs) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.used(w, req, id) {
		return
	}
	now := s.env.Clock.Now()
	p := &payment{
		ID: id, CustomerID: jsondoc.String(req, "customer.id"), Phone: phone, Operator: operatorOf(phone),
		Amount: amount, Currency: currency, CallbackURL: callbackURL, Status: "processing",
		Created: now, Updated: now, ProviderPaymentID: s.env.Rand.UUID(),
	}
	p.sale = s.newOperation("sale", amount, currency)
	s.payments[id] = p
	s.ack(w, id)
	s.sendOTP(p)
}

// sendOTP has the operator send the customer a new OTP; on Gate a clarification callback then
// asks the merchant for it. The caller holds the lock.
func (s *Sim) sendOTP(p *payment) {
	now := s.env.Clock.Now()
	digits := s.env.OTPDigits
	if digits == 0 {
		digits = OTPDigits
	}
	p.OTPs, p.OTPIssued = append(p.OTPs, s.env.Rand.Digits(digits)), now
	s.askForOTP(p)
}

// askForOTP (again) waits for the OTP: on Gate a clarification callback asks the merchant.
func (s *Sim) askForOTP(p *payment) {
	now := s.env.Clock.Now()
	s.waitUntil(p, now.Add(ClarificationWait))
	p.Status, p.Updated = statusClarification, now
	p.sale.Status, p.sale.Code, p.sale.Message = statusClarification, "", ""
	if !p.Page {
		s.send(p, p.sale, true)
	}
}

// clarification takes the OTP (document 001, Table 6): the right one within its lifetime
// completes the purchase; a wrong or an expired one is answered by a new clarification callback.
func (s *Sim) clarification(w http.ResponseWriter, _ *http.Request, req map[string]any) {
	var errs fieldErrors
	id := requireString(req, "general.payment_id", &errs)
	code := requireString(req, "additional_data.additional_data.approval_code", &errs)
	if refuseInvalid(w, req, errs) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.find(w, req, id)
	if !ok {
		return
	}
	if p.Status != statusClarification {
		writeError(w, http.StatusBadRequest, codeWrongState, "The payment does not wait for additional data (its status is "+p.Status+").", req, nil)
		return
	}
	s.ack(w, id)
	s.takeOTP(p, code)
}

// takeOTP judges an OTP the customer gave; the caller holds the lock.
func (s *Sim) takeOTP(p *payment, code string) {
	right := subtle.ConstantTimeCompare([]byte(code), []byte(p.otp())) == 1
	if (s.live(p) && right) || s.fault(FaultAcceptWrongOTP) {
		s.finish(p, statusSuccess, "0", "Success")
		return
	}
	s.askForOTP(p)
}

// live reports whether the OTP sent last is still within its lifetime.
func (s *Sim) live(p *payment) bool {
	return s.env.Clock.Now().Before(p.OTPIssued.Add(s.lifetime))
}

// finish ends a purchase with its final callback; the caller holds the lock.
func (s *Sim) finish(p *payment, status, code, message string) {
	p.Status, p.Updated, p.WaitUntil = status, s.env.Clock.Now(), nil
	s.finished.Add(p.ID, p.Updated)
	p.sale.Status, p.sale.Code, p.sale.Message = status, code, message
	if !s.fault(FaultCallbackMissing) {
		s.send(p, p.sale, false)
	}
}

// customerAction serves /v2/customer/action/resend (document 001, Table 7): a new OTP, once the
// previous one has expired, three times at most.
func (s *Sim) customerAction(w http.ResponseWriter, r *http.Request, req map[string]any) {
	if r.PathValue("action_name") != "resend" {
		writeError(w, http.StatusNotFound, codeNotFound, "No customer action "+strconv.Quote(r.PathValue("action_name"))+"; this method has resend.", req, nil)
		return
	}
	var errs fieldErrors
	id := requireString(req, "general.payment_id", &errs)
	requireString(req, "customer.ip_address", &errs)
	if refuseInvalid(w, req, errs) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.find(w, req, id)
	if !ok {
		return
	}
	switch {
	case p.Status != statusClarification:
		writeError(w, http.StatusBadRequest, codeWrongState, "The payment does not wait for an OTP (its status is "+p.Status+").", req, nil)
	case s.live(p) && !s.fault(FaultResendEarly):
		writeError(w, http.StatusBadRequest, codeResendEarly, "A new OTP can be requested "+s.lifetime.String()+" after the previous one was created, not before.", req, nil)
	case p.resends() >= MaxResends && !s.fault(FaultResendUnlimited):
		writeError(w, http.StatusBadRequest, codeResendLimit, "A new OTP can be requested up to three times; this payment has had three.", req, nil)
	default:
		s.ack(w, id)
		s.sendOTP(p)
	}
}

// refund refunds a successful purchase (document 001, Table 8): the whole remaining amount
// without payment, or payment.amount with payment.currency.
func (s *Sim) refund(w http.ResponseWriter, _ *http.Request, req map[string]any) {
	var errs fieldErrors
	id := requireString(req, "general.payment_id", &errs)
	callbackURL := checkCallbackURL(req, &errs)
	_, hasAmount := jsondoc.Get(req, "payment.amount")
	_, hasCurrency := jsondoc.Get(req, "payment.currency")
	var amount int64
	if hasAmount {
		amount = requireInt(req, "payment.amount", &errs)
	}
	currency := ""
	if hasCurrency {
		currency = requireString(req, "payment.currency", &errs)
	}
	switch {
	case hasAmount && !hasCurrency && !s.fault(FaultRefundWithoutCurrency):
		errs.add("payment.currency", "is required with payment.amount (a partial refund)")
	case hasCurrency && !hasAmount:
		errs.add("payment.amount", "is required with payment.currency (a partial refund)")
	}
	if refuseInvalid(w, req, errs) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.find(w, req, id)
	if !ok {
		return
	}
	switch {
	case p.Status != statusSuccess && p.Status != statusPartlyRefunded:
		writeError(w, http.StatusBadRequest, codeWrongState, "Only a successful payment can be refunded (its status is "+p.Status+").", req, nil)
		return
	case currency != "" && currency != p.Currency:
		writeError(w, http.StatusBadRequest, codeInvalidRequest, "The refund currency is not the payment's ("+p.Currency+").", req, fieldErrors{{"payment.currency", "must be " + p.Currency}})
		return
	}
	remaining := p.Amount - p.Refunded
	if !hasAmount {
		amount = remaining
	}
	if amount > remaining {
		writeError(w, http.StatusBadRequest, codeRefundAmount, "The refund amount is more than what remains of the payment ("+strconv.FormatInt(remaining, 10)+").", req, nil)
		return
	}
	s.ack(w, id)
	p.Refunded += amount
	p.Status = statusPartlyRefunded
	if p.Refunded == p.Amount {
		p.Status = statusRefunded
	}
	p.Updated = s.env.Clock.Now()
	op := s.newOperation("refund", amount, p.Currency)
	op.Status, op.Code, op.Message = statusSuccess, "0", "Success"
	if callbackURL != "" {
		p.CallbackURL = callbackURL
	}
	s.send(p, op, false)
}

// waitUntil has the purchase wait for the customer or the merchant until at; the caller holds the
// lock.
func (s *Sim) waitUntil(p *payment, at time.Time) {
	p.WaitUntil = &at
	s.due.Add(at, p.ID)
}

// runDue declines the purchases whose OTP did not come in time, earliest first, then forgets the
// finished purchases the retention no longer keeps; the caller holds the lock.
func (s *Sim) runDue(now time.Time) {
	s.due.Due(now, func(id string) {
		p, ok := s.payments[id]
		if ok && p.WaitUntil != nil && !now.Before(*p.WaitUntil) && (p.Status == statusClarification || p.Status == statusAwaitingCustomer) {
			s.finish(p, statusDecline, "20000", "General decline")
		}
	})
	s.finished.Expire(now, func(id string) { delete(s.payments, id) })
}
