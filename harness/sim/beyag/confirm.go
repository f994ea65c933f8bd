package beyag

import (
	"crypto/subtle"
	"net/http"

	"github.com/paycert/paycert/harness/sim"
)

func (e *Engine) confirm(w http.ResponseWriter, r *http.Request) {
	uid := r.PathValue("uid")
	if !e.touchConfirm(uid) {
		writeNotFound(w, "uid")
		return
	}
	req := e.ReadRequest(w, r)
	if req == nil {
		return
	}
	var errs FieldErrors
	password, isStr := req["password"].(string)
	switch {
	case req["password"] == nil:
		errs.Add("request.password", "is missing")
	case !isStr || password == "":
		errs.Add("request.password", "must be a non-empty string")
	}
	skip := false
	if v, present := req["skip_duplicate_check"]; present {
		b, isBool := v.(bool)
		if !isBool {
			errs.Add("request.skip_duplicate_check", "must be true or false")
		}
		skip = b
	}
	if !errs.Empty() {
		WriteFieldErrors(w, &errs)
		return
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	tx, ok := e.txs[uid]
	if !ok {
		writeNotFound(w, "uid") // forgotten by a reset meanwhile
		return
	}
	now := e.env.Clock.Now()
	duplicate := !tx.PrevConfirmAt.IsZero() && now.Sub(tx.PrevConfirmAt) < DuplicateWindow && !skip && !e.Fault(FaultNoDuplicateCheck)
	answer := func(status, message string) {
		out := map[string]any{
			"uid": e.newUID(), "parent_uid": tx.UID, "type": "confirm", "status": status, "message": message,
			"created_at": ts(now), "amount": tx.Amount, "currency": tx.Currency,
		}
		if status != Successful && e.Fault(FaultDeclinedConfirmWithoutParent) {
			delete(out, "parent_uid")
		}
		sim.WriteJSON(w, http.StatusOK, map[string]any{"transaction": out})
	}
	switch {
	case duplicate:
		answer(Failed, "Duplicate request: the transaction was confirmed less than 30 seconds ago. Send skip_duplicate_check: true to confirm again.")
	case tx.Status != Pending:
		answer(Failed, "Confirm was failed: the transaction is "+tx.Status+".")
	case tx.OTP == "":
		answer(Failed, "Confirm was failed: the transaction does not need a confirmation.")
	case subtle.ConstantTimeCompare([]byte(password), []byte(tx.OTP)) == 1 || e.Fault(FaultAcceptWrongOTP):
		e.setStatus(tx, Successful, "Transaction was successfully processed.")
		answer(Successful, "Confirm was successfully processed.")
	default:
		tx.WrongOTPs++
		if e.cfg.MaxWrongOTPs > 0 && tx.WrongOTPs >= e.cfg.MaxWrongOTPs {
			e.setStatus(tx, Failed, "Transaction was failed: too many wrong one-time passwords.")
		}
		answer(Failed, "Confirm was failed: wrong one-time password.")
	}
}

// touchConfirm notes a confirmation request for the payment uid and reports whether there is one.
// Document 000: "If false, declines a request if the request with the same uid was sent within 30
// seconds prior to it." Every request counts, refused and declined ones too (ERR-PSG-002), so the
// time is noted before the body is even read; the one before it is kept to judge this request.
func (e *Engine) touchConfirm(uid string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	tx, ok := e.txs[uid]
	if !ok || tx.Type != "payment" {
		return false
	}
	tx.PrevConfirmAt, tx.LastConfirmAt = tx.LastConfirmAt, e.env.Clock.Now()
	return true
}
