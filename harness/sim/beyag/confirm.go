package beyag

import (
	"crypto/subtle"
	"net/http"

	"github.com/paycert/paycert/harness/sim"
)

func (e *Engine) confirm(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	tx, ok := e.txs[r.PathValue("uid")]
	e.mu.Unlock()
	if !ok || tx.Type != "payment" {
		writeNotFound(w, "uid")
		return
	}
	req := readRequest(w, r)
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
	if !errs.empty() {
		writeFieldErrors(w, &errs)
		return
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.env.Clock.Now()
	// Document 000: "If false, declines a request if the request with the same uid was sent within
	// 30 seconds prior to it." Every request counts, declined ones too.
	duplicate := tx.hasConfirmedAt && now.Sub(tx.LastConfirmAt) < DuplicateWindow && !skip && !e.Fault(FaultNoDuplicateCheck)
	tx.LastConfirmAt, tx.hasConfirmedAt = now, true
	answer := func(status, message string) {
		sim.WriteJSON(w, http.StatusOK, map[string]any{"transaction": map[string]any{
			"uid": e.newUID(), "parent_uid": tx.UID, "type": "confirm", "status": status, "message": message,
			"created_at": ts(now), "amount": tx.Amount, "currency": tx.Currency,
		}})
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
