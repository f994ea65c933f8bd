// Package paysage is the reference client of PaySage Mobile Commerce (document
// 000_20642134d9b4e40d.txt): typed payment and confirmation requests, sent with the beGateway
// client. Negative specs start from a valid request and break it in one place (jsondoc.Set,
// jsondoc.Delete); there is no second client for wrong requests.
package paysage

import (
	"fmt"

	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/random"
)

// Names of the provider in the configuration, the simulator and the specs.
const (
	Provider = "paysage"
	SpecFile = "specs/paysage.yaml"
)

// Payment is a Mobile Commerce payment request.
type Payment struct {
	Amount          int64
	Currency        string
	Description     string
	TrackingID      string
	Language        string
	Test            bool
	ReturnURL       string
	NotificationURL string
	ExpiredAt       string
	// AccountNumber is the customer's phone number, 11 digits.
	AccountNumber string
}

// NewPayment returns a valid test payment (test true, so that a sandbox or a live API makes no
// real payment of it) with a random amount, phone number and tracking_id, so that every spec has
// its own.
func NewPayment() Payment {
	return Payment{
		Test:          true,
		Amount:        1000 + random.Int(99000),
		Currency:      "KZT",
		Description:   "paycert conformance payment",
		TrackingID:    "paycert-" + random.Hex(8),
		Language:      "en",
		ReturnURL:     "https://merchant.example/return",
		AccountNumber: fmt.Sprintf("77%09d", random.Int(1_000_000_000)),
	}
}

// Body is the request as the document lays it out ({"request": {...}}).
func (p Payment) Body() jsondoc.Doc {
	req := map[string]any{
		"amount":      p.Amount,
		"currency":    p.Currency,
		"description": p.Description,
		"test":        p.Test,
		"tracking_id": p.TrackingID,
		"language":    p.Language,
		"return_url":  p.ReturnURL,
		"method": map[string]any{
			"type":           "mobile_commerce",
			"account_number": p.AccountNumber,
		},
	}
	if p.NotificationURL != "" {
		req["notification_url"] = p.NotificationURL
	}
	if p.ExpiredAt != "" {
		req["expired_at"] = p.ExpiredAt
	}
	return jsondoc.Doc{"request": req}
}

// Confirm is a confirmation request; skip is skip_duplicate_check, left out when nil.
func Confirm(password string, skip *bool) jsondoc.Doc {
	req := map[string]any{"password": password}
	if skip != nil {
		req["skip_duplicate_check"] = *skip
	}
	return jsondoc.Doc{"request": req}
}
