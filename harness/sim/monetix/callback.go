package monetix

import (
	"encoding/json"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/paycert/paycert/harness/sim"
)

// operation is one operation of a payment (the sale, a refund), as callbacks show it.
type operation struct {
	ID        int64
	Type      string
	Status    string
	Code      string
	Message   string
	Amount    int64
	Currency  string
	RequestID string
	Created   time.Time
}

// newOperation starts an operation; the caller holds the lock.
func (s *Sim) newOperation(typ string, amount int64, currency string) operation {
	s.nextOpID++
	return operation{ID: s.nextOpID, Type: typ, Amount: amount, Currency: currency, RequestID: s.requestID(), Created: s.env.Clock.Now(), Status: "processing"}
}

// dateLayout is the document's form of dates in callbacks, "2024-12-07T19:08:45+0000".
const dateLayout = "2006-01-02T15:04:05-0700"

func date(t time.Time) string { return t.UTC().Format(dateLayout) }

// operators are the mobile network operators of Table 1, with the Kazakhstan mobile codes (the
// three digits after the country code 7) each serves.
var operators = []struct {
	id, name string
	codes    []string
}{
	{"ACTIV", "Activ", []string{"702", "778"}},
	{"ALTEL", "Altel", []string{"700", "708"}},
	{"BEELINE", "Beeline", []string{"705", "771", "776", "777"}},
	{"KCELL", "Kcell", []string{"701", "775"}},
	{"TELE2", "Tele2", []string{"707", "747"}},
}

// operatorOf names the operator of a phone number 7XXXXXXXXXX by its mobile code; a number of
// another code is Tele2's, as the document's example 71234567890 is (errata ERR-MTX).
func operatorOf(phone string) string {
	for _, o := range operators {
		for _, c := range o.codes {
			if strings.HasPrefix(phone, "7"+c) {
				return o.id
			}
		}
	}
	return "TELE2"
}

// render is the callback body of an operation of p (document 001, Figures 9, 10, 13, 14): with
// the account object of this method; a clarification callback also says what to submit.
func (s *Sim) render(p *payment, op operation, clarification bool) map[string]any {
	now := s.env.Clock.Now()
	sum := func(amount int64) map[string]any { return map[string]any{"amount": amount, "currency": op.Currency} }
	o := map[string]any{
		"id": op.ID, "type": op.Type, "status": op.Status, "date": date(now), "created_date": date(op.Created),
		"request_id": op.RequestID, "sum_initial": sum(op.Amount), "sum_converted": sum(op.Amount),
		"provider": map[string]any{"id": 12345, "payment_id": p.ProviderPaymentID, "auth_code": ""},
	}
	if op.Code != "" {
		o["code"], o["message"] = op.Code, op.Message
	}
	customer := p.CustomerID
	if p.Status == statusDecline && s.fault(FaultDeclineEchoWrong) {
		customer = "another-" + customer
	}
	body := map[string]any{
		"project_id": s.project,
		"payment": map[string]any{
			"id": p.ID, "type": "purchase", "status": p.Status, "date": date(p.Updated), "method": "mobile",
			"sum": map[string]any{"amount": p.Amount - p.Refunded, "currency": p.Currency}, "description": "",
		},
		"customer":  map[string]any{"id": customer},
		"operation": o,
		"account":   map[string]any{"number": p.Phone, "type": p.Operator},
	}
	if clarification {
		body["clarification_fields"] = map[string]any{
			"additional_data": map[string]any{"additional_data": map[string]any{"approval_code": map[string]any{
				"type": "string", "required": true, "description": "The OTP the customer received from the mobile network operator.",
			}}},
		}
	}
	return body
}

// send signs the callback of op and queues it for p's callback URL, retried on the platform's
// schedule until the merchant answers 2xx; the caller holds the lock.
func (s *Sim) send(p *payment, op operation, clarification bool) {
	if p.CallbackURL == "" {
		return
	}
	body := s.render(p, op, clarification)
	switch {
	case s.fault(FaultCallbackUnsigned):
	case s.fault(FaultCallbackBadSignature):
		body["signature"] = s.signer.HMAC("not the callback")
	default:
		sig, err := s.signer.SignCallback(body)
		if err != nil {
			return
		}
		body["signature"] = sig
	}
	data, err := json.Marshal(body)
	if err != nil {
		return
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	s.env.Dispatcher.Send(sim.Callback{URL: p.CallbackURL, Header: h, Body: data, Retry: s.retry})
}

// RetrySchedule is when a callback the merchant did not answer 2xx is sent again, counted from the
// first attempt (providers-facts.md 2.6): six times every 10 seconds, then after 70 + 10·1.12^(n-4)
// seconds for the n-th attempt until that reaches four hours, then every four hours, 120 attempts
// within 11 days at most.
func RetrySchedule() []time.Duration {
	const limit, window = 120, 11 * 24 * time.Hour
	var out []time.Duration
	at := time.Duration(0)
	for n := 2; n <= limit; n++ {
		step := 10 * time.Second
		if n > 7 {
			step = time.Duration((70 + 10*math.Pow(1.12, float64(n-4))) * float64(time.Second))
			step = min(step, 4*time.Hour)
		}
		at += step
		if at > window {
			break
		}
		out = append(out, at)
	}
	return out
}
