package freedompay

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim"
)

// postResult tells the merchant's result URL the payment's outcome (document "Result notify"),
// retried every half hour for two hours until the merchant answers 200. Only the first call of a
// successful payment lets the merchant refuse it (pg_can_reject 1); a refusal ("rejected", in an
// answer whose signature verifies) revokes the payment. The caller holds the lock.
func (s *Sim) postResult(p *payment) {
	if p.ResultURL == "" || s.fault(FaultResultNotCalled) {
		return
	}
	base := s.resultFields(p)
	script := signing.ScriptName(p.ResultURL)
	success := p.Status == statusSuccess
	build := func(attempt int) sim.Callback {
		canReject := "0"
		if success && attempt == 1 {
			canReject = "1"
		}
		l := base.Set("pg_can_reject", canReject).Set(signing.FreedomPaySalt, s.salt())
		l = s.signer.Signed(script, l)
		return s.resultRequest(p.ResultURL, p.Method, l)
	}
	id := p.ID
	s.env.Dispatcher.Send(sim.Callback{
		URL: p.ResultURL, Retry: ResultRetry, Build: build,
		// Only 200 is taken (document "Result notify": retried if not 200).
		Delivered: func(status int) bool { return status == http.StatusOK },
		Answered: func(attempt, status int, body []byte) {
			if !success || attempt != 1 || status != http.StatusOK {
				return
			}
			s.merchantAnswered(id, script, body)
		},
	})
}

// resultFields are the fields of a result call but pg_can_reject, pg_salt and pg_sig (document
// "Result notify").
func (s *Sim) resultFields(p *payment) fields.List {
	result, date := "0", s.env.Clock.Now()
	if p.Status == statusSuccess {
		result, date = "1", p.Paid
	}
	amount := p.Amount
	if p.Status == statusFailed && s.fault(FaultFailedResultEcho) {
		amount += "1"
	}
	l := fields.Of(
		"pg_order_id", p.OrderID, "pg_payment_id", strconv.FormatInt(p.ID, 10),
		"pg_amount", amount, "pg_currency", p.Currency, "pg_net_amount", p.Amount,
		"pg_ps_amount", p.Amount, "pg_ps_full_amount", p.Amount, "pg_ps_currency", p.Currency,
		"pg_description", p.Description, "pg_result", result,
		"pg_payment_date", date.UTC().Format(paymentDate), "pg_can_reject", "0",
	)
	if p.Phone != "" {
		l = append(l, fields.Of("pg_user_phone", p.Phone)...)
	}
	l = append(l, fields.Of("pg_testing_mode", boolText(p.Testing), "pg_captured", boolText(p.Status == statusSuccess),
		"pg_payment_method", "mobile_commerce")...)
	if p.Failure.code != 0 {
		l = append(l, fields.Of("pg_failure_code", strconv.Itoa(p.Failure.code), "pg_failure_description", p.Failure.text)...)
	}
	return l
}

// resultRequest is the result call in the merchant's request method: POST sends a multipart form,
// GET the fields in the URL, XML a form whose pg_xml field holds them as an XML document.
func (s *Sim) resultRequest(target, method string, l fields.List) sim.Callback {
	switch method {
	case http.MethodGet:
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		return sim.Callback{Method: http.MethodGet, URL: target + sep + l.Encode()}
	case "XML":
		l = fields.Of(xmlField, string(l.XML("request")))
	}
	ct, body, err := l.EncodeMultipart("")
	if err != nil {
		// Writing fields to memory does not fail; a URL-encoded body is the fallback.
		ct, body = fields.URLEncoded, []byte(l.Encode())
	}
	return sim.Callback{Method: http.MethodPost, URL: target, Header: http.Header{"Content-Type": {ct}}, Body: body}
}

// merchantAnswered acts on the merchant's answer to the first result call of a successful
// payment: "rejected", signed with the result URL's script name, revokes it.
func (s *Sim) merchantAnswered(id int64, script string, body []byte) {
	root, l, err := fields.ParseXML(body)
	if err != nil || root != "response" || l.Value("pg_status") != "rejected" || s.signer.Verify(script, l) != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.payments[id]; ok && p.Status == statusSuccess {
		why := l.Value("pg_description")
		if why == "" {
			why = "no reason given"
		}
		p.Status, p.Failure = statusRevoked, fail(codeRejected, "Rejected by the merchant: "+why)
	}
}
