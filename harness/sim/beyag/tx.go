package beyag

import (
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
	Customer    map[string]any
	Section     map[string]any
	MethodType  string
	ExpiredAt   *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	PaidAt      *time.Time
	ParentUID   string
	Reason      string
	Refunded    bool
	seq         int
	created     uint64 // the order in which the engine stored it
	forgotten   bool   // dropped by the retention

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
		tx.MethodType:           tx.Section,
		"customer":              e.renderCustomer(tx),
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
	if len(tx.Customer) > 0 {
		// The billing address is the customer's details as sent (document 004, response example).
		out["billing_address"] = e.renderCustomer(tx)
	}
	if tx.ExpiredAt != nil {
		out["expired_at"] = ts(*tx.ExpiredAt)
	}
	return out
}

// renderCustomer is the customer section: the request's customer details as sent, with the
// request's ip; email and ip are null when not given (document 000 and 004 response examples).
func (e *Engine) renderCustomer(tx *Tx) map[string]any {
	out := map[string]any{"email": orNil(tx.Email), "ip": orNil(tx.IP)}
	for k, v := range tx.Customer {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}
