package monetix

import (
	"net/http"
	"regexp"

	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/sim"
)

// Error codes of the simulator's refusals. The document shows no error answer; these codes are
// the simulator's own (errata ERR-MTX in specs/monetix.errata.yaml), the suites judge only the
// structure and the 4xx status.
const (
	codeInvalidRequest = "3001"
	codeSignature      = "3003"
	codeProject        = "3004"
	codeDuplicate      = "3061"
	codeNotFound       = "3062"
	codeWrongState     = "3063"
	codeResendEarly    = "3402"
	codeResendLimit    = "3403"
	codeRefundAmount   = "3419"
)

// fieldError is one entry of errors[]: the parameter (path with dots) and what is wrong.
type fieldError struct{ field, message string }

type fieldErrors []fieldError

func (e *fieldErrors) add(field, message string) { *e = append(*e, fieldError{field, message}) }

// writeError answers with the error body: status "error", a code and a message, the IDs of the
// request where it had them, and errors[] for the parameters at fault.
func writeError(w http.ResponseWriter, status int, code, message string, req map[string]any, errs fieldErrors) {
	body := map[string]any{"status": "error", "code": code, "message": message}
	if v, ok := jsondoc.Int(req, "general.project_id"); ok {
		body["project_id"] = v
	}
	if v := jsondoc.String(req, "general.payment_id"); v != "" {
		body["payment_id"] = v
	}
	if len(errs) > 0 {
		list := make([]any, len(errs))
		for i, e := range errs {
			list[i] = map[string]any{"code": 3001, "message": "Invalid parameter", "field": e.field, "description": e.message}
		}
		body["errors"] = list
	}
	sim.WriteJSON(w, status, body)
}

var (
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
	// kzPhone is a Kazakhstan mobile number with its country code, digits only (document 001,
	// account.number: "must include a country code and must be specified without punctuation").
	kzPhone = regexp.MustCompile(`^7[0-9]{10}$`)
)

// requireString notes a missing or empty string parameter.
func requireString(req map[string]any, path string, errs *fieldErrors) string {
	v, ok := jsondoc.Get(req, path)
	s, isStr := v.(string)
	switch {
	case !ok || v == nil:
		errs.add(path, "is required")
	case !isStr || s == "":
		errs.add(path, "must be a non-empty string")
	}
	return s
}

// requireInt notes a missing parameter or one that is not a positive integer.
func requireInt(req map[string]any, path string, errs *fieldErrors) int64 {
	if _, ok := jsondoc.Get(req, path); !ok {
		errs.add(path, "is required")
		return 0
	}
	n, ok := jsondoc.Int(req, path)
	if !ok || n <= 0 {
		errs.add(path, "must be a positive integer")
	}
	return n
}
