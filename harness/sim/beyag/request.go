package beyag

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim"
)

// Fault kinds of the way requests are read and answered; the fault's name is
// "<provider>.<kind>" (CommonFaults).
const (
	FaultReadsWithoutCredentials = "reads-without-credentials"
	FaultTrailingData            = "trailing-data-accepted"
	FaultEmptyBodyCrash          = "empty-body-crash"
	FaultAnyContentType          = "any-content-type"
	FaultNoBodyLimit             = "no-body-limit"
	FaultTestNotEchoed           = "test-not-echoed"
	FaultStatusDropsTrackingID   = "status-drops-tracking-id"
	// FaultDeclinedConfirmWithoutParent answers a declined confirmation without parent_uid.
	FaultDeclinedConfirmWithoutParent = "declined-confirm-without-parent"
)

// MaxBody is the largest request body the engine reads. Every documented field is at most a few
// hundred characters (description 255, address 255), so a body of this size is no payment
// request; a larger one is refused with the error body (errata ERR-BGW-010).
const MaxBody = 1 << 20

// authorized reports whether r carries the shop's credentials (HTTP Basic). With
// FaultAnyCredentials every request is served; with FaultReadsWithoutCredentials a status query
// (GET) without an Authorization header is.
func (e *Engine) authorized(r *http.Request) bool {
	if e.Fault(FaultAnyCredentials) {
		return true
	}
	if r.Method == http.MethodGet && r.Header.Get("Authorization") == "" && e.Fault(FaultReadsWithoutCredentials) {
		return true
	}
	creds := e.env.Credentials
	return signing.CheckBasic(r.Header.Get("Authorization"), creds.ID, creds.Secret)
}

// ReadRequest decodes {"request": {...}}; on failure it answers with the error body (422, the
// platform's answer to a request it cannot process; errata ERR-BGW-010) and returns nil. The body
// must be declared application/json, be at most MaxBody bytes, and hold one JSON object and
// nothing after it. Numbers are json.Number.
func (e *Engine) ReadRequest(w http.ResponseWriter, r *http.Request) map[string]any {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); (err != nil || mt != "application/json") && !e.Fault(FaultAnyContentType) {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable entity: the body must be JSON, sent as application/json.", "request", "is not application/json")
		return nil
	}
	limit := int64(MaxBody)
	if e.Fault(FaultNoBodyLimit) {
		limit = 1 << 40
	}
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		if errors.As(err, new(*http.MaxBytesError)) {
			writeError(w, http.StatusUnprocessableEntity, "Unprocessable entity: the body is too large.", "request", "is too large")
			return nil
		}
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable entity: the body could not be read.", "request", "could not be read")
		return nil
	}
	if len(bytes.TrimSpace(raw)) == 0 && e.Fault(FaultEmptyBodyCrash) {
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return nil
	}
	var body map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	err = dec.Decode(&body)
	if err == nil && !e.Fault(FaultTrailingData) {
		// Anything after the object but white space makes the body something else than JSON.
		if _, next := dec.Token(); next != io.EOF {
			err = errors.New("data after the JSON object")
		}
	}
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "Unprocessable entity: the body is not a JSON object.", "request", "is not valid JSON")
		return nil
	}
	req, ok := body["request"].(map[string]any)
	if !ok {
		var errs FieldErrors
		errs.Add("request", "is missing")
		WriteFieldErrors(w, &errs)
		return nil
	}
	return req
}

// statusAnswer is the transaction of a status query by uid. With FaultStatusDropsTrackingID it
// leaves out the tracking_id the payment was made with.
func (e *Engine) statusAnswer(tx *Tx) map[string]any {
	out := e.render(tx)
	if e.Fault(FaultStatusDropsTrackingID) {
		out["tracking_id"] = nil
	}
	return out
}

// paymentAnswer is the transaction of the answer to a new payment. With FaultTestNotEchoed it
// says test false whatever the request said.
func (e *Engine) paymentAnswer(tx *Tx) map[string]any {
	out := e.render(tx)
	if e.Fault(FaultTestNotEchoed) {
		out["test"] = false
	}
	return out
}

// CommonFaults are the faults of the way the engine reads requests and echoes them, which every
// beGateway provider can be switched into, each with the generic requirement it breaks.
func CommonFaults(provider string) []sim.Fault {
	f := func(kind, desc, req string) sim.Fault { return sim.NewFault(provider, kind, desc, req) }
	return []sim.Fault{
		f(FaultReadsWithoutCredentials, "status queries without credentials are served", "BGW-AUTH-002"),
		f(FaultTrailingData, "a JSON object followed by other data is read as the object", "BGW-REQ-001"),
		f(FaultEmptyBodyCrash, "an empty body is answered 500 without the error body", "BGW-REQ-001"),
		f(FaultAnyContentType, "a JSON body is read whatever its Content-Type says", "BGW-REQ-002"),
		f(FaultNoBodyLimit, "a body of any size is read", "BGW-REQ-003"),
		f(FaultTestNotEchoed, "the payment answer says test false whatever the request said", "BGW-PAY-006"),
		f(FaultStatusDropsTrackingID, "the status query answers tracking_id null", "BGW-PAY-008"),
	}
}
