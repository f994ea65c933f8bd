package beyag

import (
	"fmt"
	"net/http"

	"github.com/paycert/paycert/harness/sim"
)

// refund refunds a successful payment, the full amount only: document 000, Refund ("The amount
// value must equal the amount of the parent transaction"); for bePaid MTS Money see errata
// ERR-BPD-011.
func (e *Engine) refund(w http.ResponseWriter, r *http.Request) {
	req := e.ReadRequest(w, r)
	if req == nil {
		return
	}
	var errs FieldErrors
	parentUID, _ := req["parent_uid"].(string)
	if parentUID == "" {
		errs.Add("request.parent_uid", "is missing")
	}
	if reason, _ := req["reason"].(string); reason == "" {
		errs.Add("request.reason", "is missing")
	}
	amount := int64(-1) // the full amount, when the amount may be left out and is
	if _, given := req["amount"]; given || !e.cfg.RefundAmountOptional {
		amount = checkAmount(req, &errs)
	}
	if !errs.Empty() {
		WriteFieldErrors(w, &errs)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	parent, ok := e.txs[parentUID]
	if !ok || parent.Type != "payment" {
		writeNotFound(w, "parent_uid")
		return
	}
	if amount < 0 {
		amount = parent.Amount
	}
	switch {
	case parent.Status != Successful:
		errs.Add("request.parent_uid", "is not a successful payment (it is "+parent.Status+"); only a successful payment can be refunded")
	case parent.Refunded:
		errs.Add("request.parent_uid", "is refunded already")
	case amount != parent.Amount && !(e.Fault(FaultPartialRefund) && amount < parent.Amount):
		errs.Add("request.amount", fmt.Sprintf("must equal the amount of the parent transaction (%d)", parent.Amount))
	}
	if !errs.Empty() {
		WriteFieldErrors(w, &errs)
		return
	}
	now := e.env.Clock.Now()
	reason, _ := req["reason"].(string)
	tracking, _ := req["tracking_id"].(string)
	refund := &Tx{
		UID: e.newUID(), Type: "refund", Status: Successful, Amount: amount, Currency: parent.Currency,
		Message: "Successfully processed", ParentUID: parent.UID, Reason: reason, TrackingID: tracking,
		Test: parent.Test, CreatedAt: now, UpdatedAt: now, PaidAt: &now, RefID: e.env.Rand.UUID(),
	}
	e.store(refund)
	parent.Refunded = true
	parent.UpdatedAt = now
	sim.WriteJSON(w, http.StatusOK, map[string]any{"transaction": e.render(refund)})
}
