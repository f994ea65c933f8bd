// Package bepaid is the reference client of bePaid MTS Money (document 004_97cec49f4329638c.txt):
// the service activation check in its two API versions and the typed payment request, sent with
// the beGateway client. Negative specs start from a valid request and break it in one place.
package bepaid

import (
	"context"
	"net/http"

	bgw "github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/random"
)

// Names of the provider in the configuration, the simulator and the specs.
const (
	Provider = "bepaid"
	SpecFile = "specs/bepaid.yaml"
	// OpCheckService is the service activation check's operation ID in the spec.
	OpCheckService = "checkService"
)

// API versions of the service check (the X-API-Version header).
const (
	V2 = "2"
	V3 = "3"
)

// Values of method.confirm_agreement.
const (
	AlreadyAccepted = "already_accepted"
	Accept          = "accept"
	Decline         = "decline"
)

// The test phone numbers of document 004, Testing.
const (
	PhoneActivated         = "375295222222" // service activated; the payment succeeds
	PhoneInactive          = "375295111111" // service inactive; the payment fails
	PhoneInvalid           = "375444111111" // invalid phone number
	PhoneInsufficientFunds = "375290000000" // MTS, service activated; insufficient funds
)

// TestPhones are the test phone numbers of document 004: public, so reports show them as they
// are.
func TestPhones() []string {
	return []string{PhoneActivated, PhoneInactive, PhoneInvalid, PhoneInsufficientFunds}
}

// Payment is an MTS Money payment request.
type Payment struct {
	Amount          int64
	Currency        string
	Description     string
	TrackingID      string
	Language        string
	Test            bool
	IP              string
	ReturnURL       string
	NotificationURL string
	ExpiredAt       string
	FirstName       string
	LastName        string
	// Phone is customer.phone: the full number with the country code, without +.
	Phone string
	// Agreement is method.confirm_agreement.
	Agreement string
}

// NewPayment returns a valid test payment (test true) of the given test phone number with a
// random amount and tracking_id, so that every spec has its own.
func NewPayment(phone, agreement string) Payment {
	return Payment{
		Amount:      100 + random.Int(9900),
		Currency:    "BYN",
		Description: "paycert conformance payment",
		TrackingID:  "paycert-" + random.Hex(8),
		Language:    "en",
		Test:        true,
		IP:          "127.0.0.1",
		ReturnURL:   "https://merchant.example/return",
		FirstName:   "John",
		LastName:    "Doe",
		Phone:       phone,
		Agreement:   agreement,
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
		"ip":          p.IP,
		"return_url":  p.ReturnURL,
		"customer":    map[string]any{"first_name": p.FirstName, "last_name": p.LastName, "phone": p.Phone},
		"method":      map[string]any{"type": "mts_money", "confirm_agreement": p.Agreement},
	}
	if p.NotificationURL != "" {
		req["notification_url"] = p.NotificationURL
	}
	if p.ExpiredAt != "" {
		req["expired_at"] = p.ExpiredAt
	}
	return jsondoc.Doc{"request": req}
}

// CheckRequest is the service check's body.
func CheckRequest(phone string, test bool) jsondoc.Doc {
	return jsondoc.Doc{"request": map[string]any{"test": test, "customer": map[string]any{"phone": phone}}}
}

// CheckService sends the service check with X-API-Version version.
func CheckService(ctx context.Context, cl *bgw.Client, version string, body jsondoc.Doc) (*exchange.Result, error) {
	return cl.Call(ctx, bgw.Call{Op: OpCheckService, Body: body, Header: http.Header{"X-Api-Version": {version}}})
}
