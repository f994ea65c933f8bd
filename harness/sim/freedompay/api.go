package freedompay

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/random"
	"github.com/paycert/paycert/harness/signing"
)

// xmlField is the form field that may carry a whole message as XML (providers-facts.md 3.1).
const xmlField = "pg_xml"

// request is a request as a script of the platform reads it.
type request struct {
	fields.List
}

// serve reads a request (a form, URL-encoded or multipart, or a GET's query; the whole message in
// one pg_xml field is read too), refuses it unsigned when the merchant cannot be told, refuses it
// signed when pg_salt is missing or pg_sig does not verify with the script name of the URL called,
// and else answers, salted and signed, what h makes of it. root is the answer's root element.
func (s *Sim) serve(root string, h func(request) fields.List) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		script := signing.ScriptName(r.URL.Path)
		l, err := s.readRequest(w, r)
		if err != nil {
			s.writeUnsigned(w, root, fail(codeUnknownMerch, "The request could not be read: "+err.Error()))
			return
		}
		if id := l.Value("pg_merchant_id"); id != s.merchant && (id == "" || !s.fault(FaultMerchantNotChecked)) {
			e := fail(codeUnknownMerch, fmt.Sprintf("The merchant cannot be identified: pg_merchant_id %q is not a merchant of this platform.", id))
			if s.fault(FaultMerchantCode) {
				s.write(w, script, root, fail(codeSignature, e.text).fields())
				return
			}
			s.writeUnsigned(w, root, e)
			return
		}
		if l.Value(signing.FreedomPaySalt) == "" {
			s.write(w, script, root, fail(codeNoSalt, "pg_salt is missing: every request carries a random salt.").fields())
			return
		}
		unchecked := s.fault(FaultSignatureNotChecked) || (s.fault(FaultStatusUnsigned) && script == "get_status3.php")
		if !unchecked {
			if err := s.signer.Verify(script, l); err != nil {
				msg := "Invalid signature (pg_sig)."
				if errors.Is(err, signing.ErrNoSignature) {
					msg = "pg_sig is missing: every request is signed."
				}
				s.write(w, script, root, fail(codeSignature, msg).fields())
				return
			}
		}
		s.mu.Lock()
		s.runDue(s.env.Clock.Now())
		out := h(request{List: l})
		s.mu.Unlock()
		s.write(w, script, root, out)
	}
}

// MaxBody is the largest request body the simulator reads; a longer one cannot be read (errata
// ERR-FPY-026: the documents set no limit).
const MaxBody = 1 << 20

// readRequest reads the fields of a request as PHP would: of a repeated name the last value. A
// body that is not a form, by its Content-Type, is not read (errata ERR-FPY-025).
func (s *Sim) readRequest(w http.ResponseWriter, r *http.Request) (fields.List, error) {
	var l fields.List
	var err error
	if r.Method == http.MethodGet {
		l, err = fields.ParseQuery(r.URL.RawQuery)
	} else if r.Method != http.MethodPost {
		return nil, fmt.Errorf("method %s (send GET or POST)", r.Method)
	} else {
		var body io.Reader = r.Body
		if !s.fault(FaultBodyUnlimited) {
			body = http.MaxBytesReader(w, r.Body, MaxBody)
		}
		raw, rerr := io.ReadAll(body)
		if rerr != nil {
			return nil, rerr
		}
		ct := r.Header.Get("Content-Type")
		switch {
		case fields.IsForm(ct):
			l, err = fields.ParseForm(ct, raw)
		case s.fault(FaultBodySniffed) && json.Valid(raw):
			l, err = fromJSON(raw)
		case s.fault(FaultContentTypeIgnored):
			l, err = fields.ParseQuery(string(raw))
		default:
			return nil, fmt.Errorf("Content-Type %q is not a form (send %s or %s)", ct, fields.Multipart, fields.URLEncoded)
		}
	}
	if err != nil {
		return nil, err
	}
	if l, err = l.Unwrap(xmlField); err != nil {
		return nil, err
	}
	return l.LastWins(), nil
}

// fromJSON reads a JSON object's members as fields (the departure of FaultBodySniffed).
func fromJSON(raw []byte) (fields.List, error) {
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, err
	}
	var l fields.List
	for k, v := range obj {
		l = append(l, fields.Of(k, fmt.Sprint(v))...)
	}
	return l, nil
}

// write salts and signs an answer with the script name of the URL called and writes it as XML.
func (s *Sim) write(w http.ResponseWriter, script, root string, l fields.List) {
	l = l.Set(signing.FreedomPaySalt, s.salt())
	if !s.fault(FaultAnswerUnsigned) {
		l = s.signer.Signed(script, l)
	}
	s.writeFields(w, root, l)
}

// writeUnsigned answers a request whose merchant cannot be told: neither salted nor signed
// (providers-facts.md 3.3).
func (s *Sim) writeUnsigned(w http.ResponseWriter, root string, e refusal) {
	s.writeFields(w, root, e.fields())
}

func (s *Sim) writeFields(w http.ResponseWriter, root string, l fields.List) {
	if s.fault(FaultJSONAnswers) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(l.Map())
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	_, _ = w.Write(l.XML(root))
}

// salt is a random string of 16 hex digits. It is not drawn from the simulator's seeded source:
// result calls are salted on the dispatcher's goroutine, and drawing there would make the codes
// a seed gives depend on timing.
func (s *Sim) salt() string { return random.Hex(8) }

var (
	amountText = regexp.MustCompile(`^(0|[1-9][0-9]{0,7})(\.[0-9]{1,2})?$`)
	phoneText  = regexp.MustCompile(`^7[0-9]{10}$`)
)

// initPayment creates a payment (providers-facts.md 3.2, Init, pg_payment_method
// mobile_commerce).
func (s *Sim) initPayment(r request) fields.List {
	for _, name := range []string{"pg_amount", "pg_description"} {
		if r.Value(name) == "" {
			return fail(codeInvalid, name+" is missing.").fields()
		}
	}
	amount := r.Value("pg_amount")
	if v, err := strconv.ParseFloat(amount, 64); !amountText.MatchString(amount) || err != nil || v < 0.01 || v > 99999999 {
		return fail(codeInvalid, fmt.Sprintf("pg_amount %q is not an amount from 0.01 to 99999999.", amount)).fields()
	}
	if m := r.Value("pg_payment_method"); m != "" && m != "mobile_commerce" {
		return fail(codeInvalid, fmt.Sprintf("pg_payment_method %q: this platform serves mobile_commerce.", m)).fields()
	}
	lifetime := DefaultLifetime
	if v, ok := r.Get("pg_lifetime"); ok {
		n, err := strconv.Atoi(v)
		if err != nil || time.Duration(n)*time.Second < MinLifetime || time.Duration(n)*time.Second > MaxLifetime {
			return fail(codeInvalid, fmt.Sprintf("pg_lifetime %q is not a number of seconds from 300 to 604800.", v)).fields()
		}
		lifetime = time.Duration(n) * time.Second
	}
	testing := false
	switch v := r.Value("pg_testing_mode"); v {
	case "", "0":
	case "1":
		testing = true
	default:
		return fail(codeInvalid, fmt.Sprintf("pg_testing_mode %q is not 0 or 1.", v)).fields()
	}
	currency := r.Value("pg_currency")
	if currency == "" {
		currency = "KZT"
	}
	method := strings.ToUpper(r.Value("pg_request_method"))
	switch method {
	case "":
		method = http.MethodPost
	case http.MethodGet, http.MethodPost, "XML":
	default:
		return fail(codeInvalid, fmt.Sprintf("pg_request_method %q is not GET, POST or XML.", r.Value("pg_request_method"))).fields()
	}
	now := s.env.Clock.Now()
	s.nextID++
	p := &payment{
		ID: s.nextID, OrderID: r.Value("pg_order_id"), Amount: amount, Currency: currency,
		Description: r.Value("pg_description"), Testing: testing, Created: now, Expires: now.Add(lifetime),
		ResultURL: r.Value("pg_result_url"), Method: method, UserPhone: r.Value("pg_user_phone"), Status: statusNew,
	}
	s.store(p)
	id := strconv.FormatInt(p.ID, 10)
	// No pg_redirect_url: the simulator has no payment page, and a merchant paying by /mfs/pay
	// does not send the customer to one (specs/freedompay.errata.yaml, ERR-FPY-001).
	return fields.Of("pg_status", "ok", "pg_payment_id", id)
}

// find returns the payment the request names by pg_payment_id, or the refusal to answer.
func (s *Sim) find(r request) (*payment, *refusal) {
	v := r.Value("pg_payment_id")
	if v == "" {
		e := fail(codeInvalid, "pg_payment_id is missing.")
		return nil, &e
	}
	id, err := strconv.ParseInt(v, 10, 64)
	p, ok := s.payments[id]
	if err != nil || !ok {
		e := fail(codeNotFound, fmt.Sprintf("No payment %q.", v))
		return nil, &e
	}
	return p, nil
}

// usable refuses a request on a payment that is over: final, or past its lifetime.
func usable(p *payment) *refusal {
	switch {
	case p.Status == statusFailed && p.Failure.code == codeExpired:
		e := fail(codeExpired, "The payment's lifetime (pg_lifetime) is over.")
		return &e
	case p.final():
		e := fail(codeState, "The payment is already "+p.Status+".")
		return &e
	}
	return nil
}

// awaiting returns the payment the request names when it awaits its approval code, or else the
// error answer.
func (s *Sim) awaiting(r request) (*payment, fields.List) {
	p, e := s.find(r)
	if e == nil {
		e = usable(p)
	}
	if e == nil && !p.awaitingCode() {
		refused := fail(codeState, "The payment awaits no approval code: pay it first.")
		e = &refused
	}
	if e != nil {
		return nil, e.fields()
	}
	return p, nil
}

// answer is a successful answer about p with the given pg_status.
func answer(status string, p *payment) fields.List {
	return fields.Of("pg_status", status, "pg_payment_id", strconv.FormatInt(p.ID, 10))
}

// pay debits the customer's phone (document 002, Pay): the platform sends an approval code
// (need_approve), debits at once (ok), or cannot debit (error).
func (s *Sim) pay(r request) fields.List {
	p, e := s.find(r)
	if e != nil {
		return e.fields()
	}
	if e := usable(p); e != nil {
		return e.fields()
	}
	if p.Status != statusNew {
		return fail(codeState, "The payment was paid already: approve it, or ask for a new code.").fields()
	}
	phone := r.Value("pg_abonent_phone")
	if !phoneText.MatchString(phone) {
		return fail(codeInvalid, fmt.Sprintf("pg_abonent_phone %q is not an 11-digit number starting with 7.", phone)).fields()
	}
	operator := r.Value("pg_payment_system_code")
	switch {
	case operator == "":
		if operator = operatorOf(phone); operator == "" {
			return fail(codeOperator, "The operator of "+phone[:4]+"… cannot be told; name it in pg_payment_system_code.").fields()
		}
	case !knownOperator(operator):
		return fail(codeOperator, fmt.Sprintf("pg_payment_system_code %q is not one of %s.", operator, strings.Join(Operators, ", "))).fields()
	}
	p.Phone, p.Operator, p.Outcome = phone, operator, outcomeOf(phone, p.Testing)
	switch p.Outcome {
	case NoApproval:
		s.succeed(p)
		return answer("ok", p)
	case InsufficientFunds:
		return s.failPayment(p, fail(codeFunds, "Debit error: insufficient funds, the balance of the phone does not cover the amount."))
	case Blocked:
		return s.failPayment(p, fail(codeBlocked, "Debit error: the number is blocked for payments."))
	}
	p.Status = statusPending
	s.sendCode(p)
	return answer("need_approve", p)
}

// approve confirms the payment with the code the customer received.
func (s *Sim) approve(r request) fields.List {
	if p, e := s.find(r); e == nil && p.Status == statusNew && s.fault(FaultApproveBeforePay) {
		s.succeed(p)
		return answer("ok", p)
	}
	p, refusal := s.awaiting(r)
	if refusal != nil {
		return refusal
	}
	code, ok := r.Get("pg_approval_code")
	if !ok || code == "" {
		return fail(codeInvalid, "pg_approval_code is missing.").fields()
	}
	if code != p.code() && !s.fault(FaultAcceptAnyCode) {
		p.Wrong++
		if p.Wrong >= MaxWrongCodes {
			return s.failPayment(p, fail(codeTooManyWrong, fmt.Sprintf("Wrong approval code, %d times: the payment failed.", p.Wrong)))
		}
		return fail(codeWrongCode, fmt.Sprintf("Wrong approval code; %d more attempts.", MaxWrongCodes-p.Wrong)).fields()
	}
	if p.Outcome == Processing {
		at := s.env.Clock.Now().Add(ProcessingTime)
		p.Processing = &at
		s.due.Add(at, p.ID)
		return answer("process", p)
	}
	s.succeed(p)
	return answer("ok", p)
}

// resend sends the customer a new approval code (the path and the rules are decisions,
// specs/freedompay.errata.yaml).
func (s *Sim) resend(r request) fields.List {
	p, refusal := s.awaiting(r)
	if refusal != nil {
		return refusal
	}
	if wait := p.CodeSent.Add(ResendCooldown).Sub(s.env.Clock.Now()); wait > 0 {
		return fail(codeResendEarly, fmt.Sprintf("A new code may be asked for %s after the last one; wait %s.", ResendCooldown, wait.Round(time.Second))).fields()
	}
	if len(p.Codes)-1 >= MaxResends && !s.fault(FaultResendUnlimited) {
		return fail(codeResendLimit, fmt.Sprintf("A new code was sent %d times already, the most there may be.", MaxResends)).fields()
	}
	s.sendCode(p)
	return answer("ok", p)
}

// paymentDate is the platform's form of dates, "2019-01-01 12:00:00".
const paymentDate = "2006-01-02 15:04:05"

// status answers get_status3.php (providers-facts.md 3.2, Status).
func (s *Sim) status(r request) fields.List {
	p, e := s.find(r)
	if e != nil {
		return e.fields()
	}
	shown := *p
	if s.fault(FaultStatusStale) {
		shown.Status, shown.Failure, shown.Phone = statusNew, refusal{}, ""
	}
	l := fields.Of("pg_status", "ok", "pg_payment_id", strconv.FormatInt(p.ID, 10))
	if p.Status == statusFailed && s.fault(FaultFailedStatusEcho) {
		shown.OrderID = "another-" + p.OrderID
	}
	if shown.OrderID != "" {
		l = append(l, fields.Of("pg_order_id", shown.OrderID)...)
	}
	l = append(l, fields.Of("pg_currency", p.Currency, "pg_amount", p.Amount, "pg_payment_method", "mobile_commerce",
		"pg_payment_status", shown.Status)...)
	if shown.Failure.code != 0 {
		l = append(l, fields.Of("pg_failure_code", strconv.Itoa(shown.Failure.code), "pg_failure_description", shown.Failure.text)...)
	}
	if shown.Phone != "" {
		l = append(l, fields.Of("pg_user_phone", shown.Phone)...)
	}
	if shown.Status == statusSuccess {
		l = append(l, fields.Of("pg_payment_date", p.Paid.UTC().Format(paymentDate))...)
	}
	return append(l, fields.Of("pg_can_reject", "0", "pg_captured", boolText(shown.Status == statusSuccess), "pg_testing_mode", boolText(p.Testing),
		"pg_create_date", p.Created.UTC().Format(paymentDate))...)
}

func boolText(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
