package beyag

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paycert/paycert/harness/sim"
)

var (
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
	// isoTZD is YYYY-MM-DDThh:mm:ssTZD (document 003, expired_at).
	isoTZD = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)
)

// customerLimits are the documented lengths of the customer section (document 003).
var customerLimits = map[string]int{"first_name": 30, "last_name": 30, "middle_name": 30, "city": 60, "address": 255, "phone": 100}

// checkPayment reports the problems of a generic beGateway payment request (document 003).
func (e *Engine) checkPayment(req map[string]any, errs *FieldErrors) {
	checkAmount(req, errs)
	switch cur, ok := req["currency"].(string); {
	case req["currency"] == nil:
		errs.Add("request.currency", "is missing")
	case !ok || !currencyPattern.MatchString(cur):
		errs.Add("request.currency", "must be an ISO-4217 alpha-3 code")
	case len(e.cfg.Currencies) > 0 && !slices.Contains(e.cfg.Currencies, cur):
		errs.Add("request.currency", "is not supported by this payment method (only "+strings.Join(e.cfg.Currencies, ", ")+")")
	}
	switch d, ok := req["description"].(string); {
	case req["description"] == nil:
		errs.Add("request.description", "is missing")
	case !ok || d == "":
		errs.Add("request.description", "must be a non-empty string")
	case utf8.RuneCountInString(d) > 255:
		errs.Add("request.description", "is too long (maximum is 255 characters)")
	}
	for _, k := range []string{"tracking_id", "ip", "language", "return_url", "verification_url"} {
		if v, ok := req[k]; ok {
			if _, isStr := v.(string); !isStr {
				errs.Add("request."+k, "must be a string")
			}
		}
	}
	for _, k := range []string{"test", "iframe"} {
		if v, ok := req[k]; ok {
			if _, isBool := v.(bool); !isBool {
				errs.Add("request."+k, "must be true or false")
			}
		}
	}
	if v, ok := req["notification_url"]; ok {
		s, isStr := v.(string)
		if u, err := url.Parse(s); !isStr || err != nil || u.Scheme == "" || u.Host == "" {
			errs.Add("request.notification_url", "must be an absolute URL")
		}
	}
	if v, ok := req["expired_at"]; ok {
		s, isStr := v.(string)
		if _, err := time.Parse(time.RFC3339, s); !isStr || !isoTZD.MatchString(s) || err != nil {
			errs.Add("request.expired_at", "must be a date and time in the ISO-8601 format YYYY-MM-DDThh:mm:ssTZD")
		}
	}
	if c, ok := req["customer"]; ok {
		cm, isObj := c.(map[string]any)
		if !isObj {
			errs.Add("request.customer", "must be an object")
		}
		for k, max := range customerLimits {
			if s, isStr := cm[k].(string); isStr && utf8.RuneCountInString(s) > max {
				errs.Add("request.customer."+k, "is too long (maximum is "+itoa(max)+" characters)")
			}
		}
	}
	m, ok := req["method"].(map[string]any)
	switch {
	case req["method"] == nil:
		errs.Add("request.method", "is missing")
		return
	case !ok:
		errs.Add("request.method", "must be an object")
		return
	}
	switch t, ok := m["type"].(string); {
	case m["type"] == nil:
		errs.Add("request.method.type", "is missing")
		return
	case !ok || t != e.cfg.Method.Type():
		errs.Add("request.method.type", "is not a payment method of this shop (want "+e.cfg.Method.Type()+")")
		return
	}
	e.cfg.Method.Check(req, errs)
}

// checkAmount reports a missing or malformed request.amount, a positive integer in minimal
// currency units (document 003, amount), and returns it.
func checkAmount(req map[string]any, errs *FieldErrors) int64 {
	v, ok := req["amount"]
	if !ok {
		errs.Add("request.amount", "is missing")
		return 0
	}
	n, isNum := v.(json.Number)
	i, err := n.Int64()
	switch {
	case !isNum || err != nil || strings.ContainsAny(n.String(), ".eE"):
		errs.Add("request.amount", "must be an integer in minimal currency units")
	case i <= 0:
		errs.Add("request.amount", "must be greater than 0")
	}
	return i
}

func (e *Engine) createPayment(w http.ResponseWriter, r *http.Request) {
	req := e.ReadRequest(w, r)
	if req == nil {
		return
	}
	var errs FieldErrors
	e.checkPayment(req, &errs)
	if !errs.Empty() {
		WriteFieldErrors(w, &errs)
		return
	}
	now := e.env.Clock.Now()
	amount, _ := req["amount"].(json.Number).Int64()
	str := func(k string) string { s, _ := req[k].(string); return s }
	tx := &Tx{
		UID:         e.newUID(),
		Type:        "payment",
		Status:      Pending,
		Amount:      amount,
		Currency:    str("currency"),
		Description: str("description"),
		TrackingID:  str("tracking_id"),
		Language:    str("language"),
		ReturnURL:   str("return_url"),
		NotifyURL:   str("notification_url"),
		IP:          str("ip"),
		MethodType:  e.cfg.Method.Type(),
		Section:     e.cfg.Method.Section(req),
		Message:     e.cfg.PendingMessage,
		PayMessage:  e.cfg.PendingMessage,
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	tx.RefID = e.env.Rand.UUID()
	if tx.Language == "" {
		tx.Language = "en"
	}
	if b, ok := req["test"].(bool); ok {
		tx.Test = b
	}
	if c, ok := req["customer"].(map[string]any); ok {
		tx.Customer = c
		tx.Email, _ = c["email"].(string)
	}
	if s, ok := req["expired_at"].(string); ok {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			tx.ExpiredAt = &t
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.store(tx)
	e.cfg.Method.Created(e, tx)
	tx.encode()
	if e.Fault(FaultCreatedSuccessful) {
		paid := now
		tx.Status, tx.PaidAt = Successful, &paid
		e.finished.Add(tx.UID, now)
	}
	answer := map[string]any{"transaction": e.paymentAnswer(tx)}
	e.notify(tx, false)
	sim.WriteJSON(w, http.StatusOK, answer)
}

// IssueOTP gives a payment a fresh one-time password of n digits; the caller holds the lock
// (Method.Created is called with it held).
func (e *Engine) IssueOTP(tx *Tx, n int) {
	if e.env.OTPDigits > 0 {
		n = e.env.OTPDigits
	}
	tx.OTP = e.env.Rand.Digits(n)
	tx.OTPIssuedAt = e.env.Clock.Now()
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
