package monetix

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/sim"
)

// pageParams are the Payment Page parameters of document 001, Table 3, that are strictly
// required, besides the signature.
var pageParams = []string{"project_id", "payment_id", "customer_id", "customer_first_name", "customer_last_name", "customer_email", "payment_currency", "payment_amount"}

// pageInvocation turns the query of a Payment Page URL into the invocation parameters as the
// merchant signed them: every parameter a string, payment_methods_options the object its JSON
// text encodes (errata: the signature covers the object form).
func pageInvocation(query map[string][]string) (map[string]any, error) {
	out := map[string]any{}
	for k, vs := range query {
		if len(vs) == 0 {
			continue
		}
		out[k] = vs[0]
		if k == "payment_methods_options" {
			dec := json.NewDecoder(strings.NewReader(vs[0]))
			dec.UseNumber()
			var v map[string]any
			if err := dec.Decode(&v); err != nil {
				return nil, fmt.Errorf("payment_methods_options is not a JSON object: %w", err)
			}
			out[k] = v
		}
	}
	return out, nil
}

var page = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Monetix checkout (paycert simulator)</title></head>
<body><h1>Mobile Commerce</h1>
<p>Payment {{.ID}}: {{.Amount}} {{.Currency}} (minor units).</p>
<p>The customer enters their phone number and then the OTP the operator sends; in the simulator the
test-control API does it for them (POST /control/v1/providers/monetix/transactions/{{.ID}}/customer).</p>
</body></html>
`))

// paymentPage opens the checkout for a signed invocation (document 001, "Purchase by using
// Payment Page"); the customer acts through the control API (CustomerAction).
func (s *Sim) paymentPage(w http.ResponseWriter, r *http.Request) {
	params, err := pageInvocation(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, codeInvalidRequest, err.Error(), nil, fieldErrors{{"payment_methods_options", "must be a JSON object"}})
		return
	}
	if !s.fault(FaultSignatureNotChecked) {
		if err := s.signer.VerifyDoc(params); err != nil {
			writeError(w, http.StatusBadRequest, codeSignature, "Invalid signature.", nil, nil)
			return
		}
	}
	var errs fieldErrors
	for _, k := range pageParams {
		if v, _ := params[k].(string); v == "" {
			errs.add(k, "is required")
		}
	}
	project, perr := strconv.ParseInt(jsondoc.String(params, "project_id"), 10, 64)
	amount, aerr := strconv.ParseInt(jsondoc.String(params, "payment_amount"), 10, 64)
	if params["payment_amount"] != nil && (aerr != nil || amount <= 0) {
		errs.add("payment_amount", "must be a positive integer")
	}
	if m, ok := params["force_payment_method"].(string); ok && m != "mobile" {
		errs.add("force_payment_method", "this method is mobile")
	}
	if refuseInvalid(w, nil, errs) {
		return
	}
	if perr != nil || project != s.project {
		writeError(w, http.StatusBadRequest, codeProject, "Unknown project.", nil, nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := params["payment_id"].(string)
	if s.used(w, nil, id) {
		return
	}
	now := s.env.Clock.Now()
	currency := params["payment_currency"].(string)
	p := &payment{
		ID: id, CustomerID: params["customer_id"].(string), Amount: amount, Currency: currency,
		Status: statusAwaitingCustomer, Created: now, Updated: now, Page: true, ProviderPaymentID: s.env.Rand.UUID(),
	}
	if cb, ok := params["merchant_callback_url"].(string); ok {
		p.CallbackURL = cb
	}
	p.sale = s.newOperation("sale", amount, currency)
	s.payments[id] = p
	s.waitUntil(p, now.Add(ClarificationWait))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = page.Execute(w, p)
}

// CustomerAction does what the customer does on the checkout page of payment id: enters the
// phone number (the operator sends an OTP) or the OTP.
func (s *Sim) CustomerAction(id, action, value string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.payments[id]
	if !ok || !p.Page {
		return fmt.Errorf("no Payment Page payment %q", id)
	}
	switch action {
	case sim.EnterPhone:
		if p.Status != statusAwaitingCustomer {
			return fmt.Errorf("payment %q does not wait for a phone number (its status is %s)", id, p.Status)
		}
		if !kzPhone.MatchString(value) {
			return fmt.Errorf("%q is not a phone number of a supported operator (7XXXXXXXXXX)", value)
		}
		p.Phone, p.Operator = value, operatorOf(value)
		s.sendOTP(p)
		return nil
	case sim.EnterOTP:
		if p.Status != statusClarification {
			return fmt.Errorf("payment %q does not wait for an OTP (its status is %s)", id, p.Status)
		}
		s.takeOTP(p, value)
		return nil
	}
	return errors.New("unknown customer action " + strconv.Quote(action) + " (have " + sim.EnterPhone + ", " + sim.EnterOTP + ")")
}
