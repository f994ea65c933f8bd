package bepaid

import (
	"net/http"

	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/beyag"
)

// Routes adds the MTS Money service activation check.
func (mtsMoney) Routes(e *beyag.Engine, mux *http.ServeMux) {
	check := func(w http.ResponseWriter, r *http.Request) { checkService(e, w, r) }
	authenticated := e.Authenticated(check)
	mux.HandleFunc("POST /beyag/gateways/mts_money/check_service", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" && e.Fault(FaultCheckWithoutCredentials) {
			check(w, r)
			return
		}
		authenticated(w, r)
	})
}

// checkService answers whether a phone number has the MTS Money service activated, in the shape
// of the API version asked for: "3" gets v3, anything else v2 (errata ERR-BPD-005). A phone number
// of invalid format is a check result, not a refusal (document 004: operator "null - Invalid format
// of the submitted phone number").
func checkService(e *beyag.Engine, w http.ResponseWriter, r *http.Request) {
	req := e.ReadRequest(w, r)
	if req == nil {
		return
	}
	var errs beyag.FieldErrors
	c, _ := req["customer"].(map[string]any)
	phone, isStr := c["phone"].(string)
	switch {
	case c["phone"] == nil:
		errs.Add("request.customer.phone", "is missing")
	case !isStr:
		errs.Add("request.customer.phone", "must be a string")
	}
	if v, ok := req["test"]; ok {
		if _, isBool := v.(bool); !isBool {
			errs.Add("request.test", "must be true or false")
		}
	}
	test, _ := req["test"].(bool)
	found := service(invalid)
	if errs.Empty() && phoneFormat.MatchString(phone) {
		result, known := lookup(phone, test)
		if !known {
			notATestNumber(&errs)
		}
		found = result.check
	}
	if !errs.Empty() {
		beyag.WriteFieldErrors(w, &errs)
		return
	}
	if r.Header.Get("X-API-Version") == "3" && !e.Fault(FaultV3AsV2) {
		answer := checkV3(found)
		switch {
		case found == inactive && e.Fault(FaultInactiveCode):
			answer["code"] = "F.0213"
		case found == invalid && e.Fault(FaultInvalidCode):
			answer["code"] = "F.0202"
		case found == activated && e.Fault(FaultCheckMessage):
			answer["friendly_message"] = "OK"
		}
		sim.WriteJSON(w, http.StatusOK, answer)
		return
	}
	sim.WriteJSON(w, http.StatusOK, checkV2(found))
}

// checkV2 is the v2 answer (document 004, Response, first table; errata ERR-BPD-001, ERR-BPD-002).
func checkV2(s service) map[string]any {
	const ok = "Request successfully processed"
	switch s {
	case activated:
		return map[string]any{"service_activated": true, "message": ok, "validation": map[string]any{"operator": "mts", "message": ok}}
	case inactive:
		return map[string]any{"service_activated": false, "message": ok, "validation": map[string]any{"operator": "mts", "message": ok}}
	default:
		return map[string]any{"service_activated": nil, "message": "Service check failed: invalid phone number", "validation": map[string]any{"operator": nil, "message": "Invalid phone number"}}
	}
}

// checkV3 is the v3 answer (document 004, Response, second table and the v3 examples; errata
// ERR-BPD-007 for an invalid number, ERR-BPD-014 for the F.0213 message).
func checkV3(s service) map[string]any {
	switch s {
	case activated:
		return map[string]any{"code": "S.0000", "status": "successful", "message": "The operation was successfully processed", "friendly_message": "Successfully processed"}
	case inactive:
		return map[string]any{"code": "F.0202", "status": "failed",
			"message":          "Account ID not found: Failed to complete the transaction. Check the request parameters.",
			"friendly_message": "Account ID not found: Failed to complete the transaction. Contact the payment method provider for details."}
	default:
		return map[string]any{"code": "F.0213", "status": "failed",
			"message":          "Not allowed: Contact the payment service provider for details.",
			"friendly_message": "Not allowed: Failed to complete the transaction. Contact the merchant for details or use another payment method."}
	}
}
