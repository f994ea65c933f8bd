package beyag

import (
	"bytes"
	"encoding/json"
	"time"
)

// Statuses of beGateway transactions.
const (
	Pending    = "pending"
	Successful = "successful"
	Failed     = "failed"
	Expired    = "expired"
)

// Tx is a simulated transaction (a payment or a refund).
type Tx struct {
	UID         string
	Type        string
	Status      string
	Amount      int64
	Currency    string
	Description string
	TrackingID  string
	Language    string
	Test        bool
	Message     string
	PayMessage  string
	RefID       string
	ReturnURL   string
	NotifyURL   string
	IP          string
	Email       string
	// Customer and Section are the request's customer details and method section as sent. The
	// method sees them as maps when the payment is made (Method.Check, Method.Created); after that
	// the engine keeps them encoded (a stored payment costs a third of the memory) and the maps are
	// nil, except in Snapshot's copies.
	Customer   map[string]any
	Section    map[string]any
	customer   json.RawMessage // the customer object of answers, encoded
	section    json.RawMessage
	billing    bool // answers carry billing_address (the request had customer details)
	MethodType string
	ExpiredAt  *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
	PaidAt     *time.Time
	ParentUID  string
	Reason     string
	Refunded   bool
	seq        int
	created    uint64 // the order in which the engine stored it
	forgotten  bool   // dropped by the retention

	// OTP state of a payment that is confirmed with a one-time password.
	OTP         string
	OTPIssuedAt time.Time
	WrongOTPs   int
	// LastConfirmAt is when the latest confirmation request came, PrevConfirmAt the one before.
	LastConfirmAt time.Time
	PrevConfirmAt time.Time

	// SettleAt is when a payment the provider processes on its side finishes, with SettleStatus
	// and SettleMessage (see Engine.SettleAfter).
	SettleAt      *time.Time
	SettleStatus  string
	SettleMessage string
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// render is the transaction object of answers, status queries and webhooks.
func (e *Engine) render(tx *Tx) map[string]any {
	if tx.Type == "refund" {
		out := map[string]any{
			"uid": tx.UID, "parent_uid": tx.ParentUID, "type": "refund", "status": tx.Status,
			"amount": tx.Amount, "currency": tx.Currency, "message": tx.Message, "reason": tx.Reason,
			"created_at": ts(tx.CreatedAt), "updated_at": ts(tx.UpdatedAt), "test": tx.Test,
			"tracking_id": orNil(tx.TrackingID),
			"refund":      map[string]any{"status": tx.Status, "message": tx.Message, "ref_id": tx.RefID},
		}
		if tx.PaidAt != nil {
			out["paid_at"] = ts(*tx.PaidAt)
		}
		return out
	}
	out := map[string]any{
		"uid":         tx.UID,
		"type":        tx.Type,
		"status":      tx.Status,
		"amount":      tx.Amount,
		"currency":    tx.Currency,
		"description": tx.Description,
		"created_at":  ts(tx.CreatedAt),
		"updated_at":  ts(tx.UpdatedAt),
		"method_type": tx.MethodType,
		"receipt_url": e.cfg.ReceiptBase + tx.UID + "/" + tx.RefID + "?language=" + tx.Language,
		"payment": map[string]any{
			"status":     tx.Status,
			"gateway_id": e.cfg.GatewayID,
			"ref_id":     tx.RefID,
			"message":    tx.PayMessage,
		},
		tx.MethodType:           tx.sectionObject(),
		"customer":              tx.customerObject(),
		"manually_corrected_at": nil,
		"version":               tx.seq,
		"message":               tx.Message,
		"tracking_id":           orNil(tx.TrackingID),
		"test":                  tx.Test,
		"language":              tx.Language,
		"additional_data":       map[string]any{"payment_method": map[string]any{"type": "alternative"}},
		"gateway":               map[string]any{"iframe": false},
	}
	if tx.PaidAt != nil {
		out["paid_at"] = ts(*tx.PaidAt)
	}
	if tx.billing || len(tx.Customer) > 0 {
		// The billing address is the customer's details as sent (document 004, response example).
		out["billing_address"] = tx.customerObject()
	}
	if tx.ExpiredAt != nil {
		out["expired_at"] = ts(*tx.ExpiredAt)
	}
	return out
}

// customerObject is the customer section: the request's customer details as sent, with the
// request's ip; email and ip are null when not given (document 000 and 004 response examples).
func (tx *Tx) customerObject() any {
	if tx.customer != nil {
		return tx.customer
	}
	out := map[string]any{"email": orNil(tx.Email), "ip": orNil(tx.IP)}
	for k, v := range tx.Customer {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// sectionObject is the method section of answers.
func (tx *Tx) sectionObject() any {
	if tx.section != nil {
		return tx.section
	}
	return tx.Section
}

// encode keeps the customer details and the method section encoded and lets go of the maps
// (see Tx.Customer).
func (tx *Tx) encode() {
	tx.billing = len(tx.Customer) > 0
	tx.customer, tx.section = compactJSON(tx.customerObject()), compactJSON(tx.sectionObject())
	tx.Customer, tx.Section = nil, nil
}

// decoded is a copy of tx with the maps decoded again (Snapshot's).
func (tx Tx) decoded() Tx {
	if tx.section != nil {
		_ = json.Unmarshal(tx.section, &tx.Section)
	}
	if tx.billing {
		_ = json.Unmarshal(tx.customer, &tx.Customer)
	}
	return tx
}

// compactJSON encodes v the way answers are written (no HTML escaping), without the newline.
func compactJSON(v any) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return json.RawMessage("null")
	}
	// A copy of exactly its size: the buffer's spare capacity would be kept with every payment.
	return bytes.Clone(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}
