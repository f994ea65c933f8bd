// Package monetix is the reference client of Monetix Mobile Commerce in Kazakhstan (document
// 001_c4c874c2a3ef4777.txt) on Gate API v2: the operators list, the purchase, the OTP submission
// (clarification), the resend, the refund and the Payment Page invocation, each signed with the
// project's secret key, and the verification of the platform's callbacks. Negative specs start
// from a valid request and break it in one place (jsondoc.Set, jsondoc.Delete) or sign it with
// another key.
package monetix

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/random"
	"github.com/paycert/paycert/harness/signing"
)

// Names of the provider in the configuration, the simulator and the specs.
const (
	Provider = "monetix"
	SpecFile = "specs/monetix.yaml"
)

// Operation IDs of specs/monetix.yaml.
const (
	OpOperators        = "listOperators"
	OpPurchase         = "purchase"
	OpSubmitOTP        = "submitOTP"
	OpCustomerAction   = "customerAction"
	OpRefund           = "refund"
	OpPaymentPage      = "paymentPage"
	OpPurchaseCallback = "purchaseCallback"
	OpRefundCallback   = "refundCallback"
)

// Statuses of payments and operations in callbacks.
const (
	StatusClarification = "awaiting clarification"
	StatusSuccess       = "success"
	StatusDecline       = "decline"
	StatusRefunded      = "refunded"
	StatusPartRefunded  = "partially refunded"
)

// Operators are the operator IDs of the document's Table 1.
var Operators = []string{"ACTIV", "ALTEL", "BEELINE", "KCELL", "TELE2"}

// Client calls one Monetix project.
type Client struct {
	doer    *exchange.Doer
	project int64
	signer  signing.Monetix
}

// New returns a client sending through doer for the project, signing with signer.
func New(doer *exchange.Doer, project string, signer signing.Monetix) (*Client, error) {
	id, err := strconv.ParseInt(project, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("the project ID %q is not an integer", project)
	}
	return &Client{doer: doer, project: id, signer: signer}, nil
}

// Project is the project ID requests carry.
func (cl *Client) Project() int64 { return cl.project }

// Signer is what the client signs with.
func (cl *Client) Signer() signing.Monetix { return cl.signer }

// Call is one request, possibly wrong on purpose.
type Call struct {
	Op         string
	PathParams map[string]string
	Body       jsondoc.Doc
	// Unsigned sends Body without a signature; Signer, when set, signs with another key.
	Unsigned bool
	Signer   *signing.Monetix
	// Raw, when not nil, is sent as the body instead of Body: a malformed request.
	Raw []byte
	// ContentType, when set, is sent instead of application/json.
	ContentType string
}

// Call signs Body (general.signature) and sends it, or sends Raw as it is. The error is for a broken harness; the
// target's behaviour is in the Result.
func (cl *Client) Call(ctx context.Context, c Call) (*exchange.Result, error) {
	signer := cl.signer
	if c.Signer != nil {
		signer = *c.Signer
	}
	body := c.Raw
	var err error
	switch {
	case body != nil:
	case c.Unsigned:
		body, err = json.Marshal(c.Body)
	default:
		body, err = signer.SignRequest(c.Body)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.Op, err)
	}
	ct := c.ContentType
	if ct == "" {
		ct = "application/json"
	}
	h := http.Header{}
	h.Set("Content-Type", ct)
	h.Set("Accept", "application/json")
	return cl.doer.Do(ctx, exchange.Request{Op: c.Op, PathParams: c.PathParams, Header: h, Body: body})
}

// General is the general object of a request for payment id.
func (cl *Client) General(paymentID string) map[string]any {
	g := map[string]any{"project_id": cl.project}
	if paymentID != "" {
		g["payment_id"] = paymentID
	}
	return g
}

// Operators asks for the list of mobile network operators (Table 2).
func (cl *Client) Operators(ctx context.Context) (*exchange.Result, error) {
	return cl.Call(ctx, Call{Op: OpOperators, PathParams: map[string]string{"operation_type": "sale"}, Body: jsondoc.Doc{"general": cl.General("")}})
}

// Purchase is a purchase request of Table 5.
type Purchase struct {
	PaymentID   string
	CustomerID  string
	IP          string
	FirstName   string
	LastName    string
	Email       string
	Phone       string
	Currency    string
	Amount      int64
	CallbackURL string
}

// NewPurchase returns a valid purchase with its own payment_id, phone number and amount, whose
// callbacks go to callbackURL.
func NewPurchase(callbackURL string) Purchase {
	return Purchase{
		PaymentID: "paycert-" + random.Hex(10), CustomerID: "customer-" + random.Hex(4), IP: "198.51.100.47",
		FirstName: "John", LastName: "Doe", Email: "johndoe@example.com",
		Phone:    fmt.Sprintf("7707%07d", random.Int(10_000_000)),
		Currency: "KZT", Amount: 1000 + random.Int(99000), CallbackURL: callbackURL,
	}
}

// Body is the purchase as the document lays it out (Figure 6).
func (cl *Client) PurchaseBody(p Purchase) jsondoc.Doc {
	g := cl.General(p.PaymentID)
	if p.CallbackURL != "" {
		g["merchant_callback_url"] = p.CallbackURL
	}
	return jsondoc.Doc{
		"general": g,
		"customer": map[string]any{
			"id": p.CustomerID, "ip_address": p.IP, "first_name": p.FirstName, "last_name": p.LastName, "email": p.Email,
		},
		"account": map[string]any{"number": p.Phone},
		"payment": map[string]any{"currency": p.Currency, "amount": p.Amount},
	}
}

// OTPBody is the request with the OTP (Figure 7).
func (cl *Client) OTPBody(paymentID, code string) jsondoc.Doc {
	return jsondoc.Doc{
		"general":         cl.General(paymentID),
		"additional_data": map[string]any{"additional_data": map[string]any{"approval_code": code}},
	}
}

// ResendBody is the request for a new OTP (Figure 8).
func (cl *Client) ResendBody(paymentID, ip string) jsondoc.Doc {
	return jsondoc.Doc{"general": cl.General(paymentID), "customer": map[string]any{"ip_address": ip}}
}

// RefundBody is a refund request (Figure 12): the whole payment when amount is 0, else a partial
// refund of amount in currency.
func (cl *Client) RefundBody(paymentID string, amount int64, currency, callbackURL string) jsondoc.Doc {
	g := cl.General(paymentID)
	if callbackURL != "" {
		g["merchant_callback_url"] = callbackURL
	}
	doc := jsondoc.Doc{"general": g}
	if amount > 0 {
		doc["payment"] = map[string]any{"amount": amount, "currency": currency, "description": "paycert refund"}
	}
	return doc
}

// Resend sends the resend customer action.
func (cl *Client) Resend(ctx context.Context, body jsondoc.Doc) (*exchange.Result, error) {
	return cl.Call(ctx, Call{Op: OpCustomerAction, PathParams: map[string]string{"action_name": "resend"}, Body: body})
}

// PageInvocation returns the Payment Page parameters of Table 3 for p, with force_payment_method
// mobile, signed (the signature over these parameters as they are).
func (cl *Client) PageInvocation(p Purchase) (map[string]any, error) {
	params := map[string]any{
		"project_id": cl.project, "payment_id": p.PaymentID, "customer_id": p.CustomerID,
		"customer_first_name": p.FirstName, "customer_last_name": p.LastName, "customer_email": p.Email,
		"payment_currency": p.Currency, "payment_amount": p.Amount, "force_payment_method": "mobile",
	}
	if p.CallbackURL != "" {
		params["merchant_callback_url"] = p.CallbackURL
	}
	sig, err := cl.signer.Sign(params)
	if err != nil {
		return nil, err
	}
	params["signature"] = sig
	return params, nil
}

// OpenPage opens the Payment Page with invocation parameters (as PageInvocation makes them,
// possibly broken on purpose): each in the URL's query, an object as its JSON text.
func (cl *Client) OpenPage(ctx context.Context, params map[string]any) (*exchange.Result, error) {
	q := url.Values{}
	for k, v := range params {
		switch x := v.(type) {
		case string:
			q.Set(k, x)
		case map[string]any, []any:
			b, err := json.Marshal(x)
			if err != nil {
				return nil, err
			}
			q.Set(k, string(b))
		default:
			q.Set(k, fmt.Sprint(x))
		}
	}
	return cl.doer.Do(ctx, exchange.Request{Op: OpPaymentPage, Query: q, Header: http.Header{"Accept": {"text/html"}}})
}
