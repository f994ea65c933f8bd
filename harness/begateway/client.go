// Package begateway is the reference client of the beGateway /beyag transaction API, which PaySage
// and bePaid both run on: HTTP Basic authentication, JSON bodies wrapped in "request", the
// payment, confirmation, refund and status operations, and webhook verification. It builds
// requests exactly as the documents say; Call sends anything else on purpose.
package begateway

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/signing"
)

// Operation IDs shared by the beGateway specs.
const (
	OpCreatePayment = "createPayment"
	OpConfirm       = "confirmPayment"
	OpRefund        = "refundPayment"
	OpTransaction   = "getTransaction"
	OpByTrackingID  = "getTransactionsByTrackingID"
	OpWebhook       = "paymentWebhook"
)

// Credentials are a shop's ID and secret key.
type Credentials struct {
	ShopID    string
	SecretKey string
}

// Client calls one beGateway shop.
type Client struct {
	doer  *exchange.Doer
	creds Credentials
}

// New returns a client sending through doer with the shop's credentials.
func New(doer *exchange.Doer, creds Credentials) *Client {
	return &Client{doer: doer, creds: creds}
}

// Call is one request, possibly broken on purpose.
type Call struct {
	Op         string
	PathParams map[string]string
	// Body is marshalled to JSON; RawBody, when not nil, is sent instead, byte for byte.
	Body    any
	RawBody []byte
	// Auth replaces the shop's credentials; NoAuth sends none.
	Auth   *Credentials
	NoAuth bool
	// Header adds headers (X-API-Version for bePaid).
	Header http.Header
}

// Call sends c. The error is for a broken harness; the target's behaviour is in the Result.
func (cl *Client) Call(ctx context.Context, c Call) (*exchange.Result, error) {
	body := c.RawBody
	if body == nil && c.Body != nil {
		var err error
		if body, err = json.Marshal(c.Body); err != nil {
			return nil, fmt.Errorf("%s: encode body: %w", c.Op, err)
		}
	}
	h := http.Header{}
	h.Set("Accept", "application/json")
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	for k, vs := range c.Header {
		h[http.CanonicalHeaderKey(k)] = vs
	}
	if !c.NoAuth {
		creds := cl.creds
		if c.Auth != nil {
			creds = *c.Auth
		}
		h.Set("Authorization", signing.BasicAuth(creds.ShopID, creds.SecretKey))
	}
	return cl.doer.Do(ctx, exchange.Request{Op: c.Op, PathParams: c.PathParams, Header: h, Body: body})
}

// CreatePayment sends a payment request ({"request": {...}}).
func (cl *Client) CreatePayment(ctx context.Context, body jsondoc.Doc) (*exchange.Result, error) {
	return cl.Call(ctx, Call{Op: OpCreatePayment, Body: body})
}

// Confirm sends a confirmation of the payment uid.
func (cl *Client) Confirm(ctx context.Context, uid string, body jsondoc.Doc) (*exchange.Result, error) {
	return cl.Call(ctx, Call{Op: OpConfirm, PathParams: map[string]string{"uid": uid}, Body: body})
}

// Refund sends a refund request.
func (cl *Client) Refund(ctx context.Context, body jsondoc.Doc) (*exchange.Result, error) {
	return cl.Call(ctx, Call{Op: OpRefund, Body: body})
}

// Transaction queries a transaction by uid.
func (cl *Client) Transaction(ctx context.Context, uid string) (*exchange.Result, error) {
	return cl.Call(ctx, Call{Op: OpTransaction, PathParams: map[string]string{"uid": uid}})
}

// ByTrackingID queries the transactions that carry a tracking_id.
func (cl *Client) ByTrackingID(ctx context.Context, trackingID string) (*exchange.Result, error) {
	return cl.Call(ctx, Call{Op: OpByTrackingID, PathParams: map[string]string{"tracking_id": trackingID}})
}

// RefundRequest builds a refund request body.
func RefundRequest(parentUID string, amount int64, reason string) jsondoc.Doc {
	return jsondoc.Doc{"request": map[string]any{"parent_uid": parentUID, "amount": amount, "reason": reason}}
}

// WebhookCheck is what verifying a webhook's authentication found.
type WebhookCheck struct {
	// Basic is true when the Authorization header carries the shop's ID and secret key.
	Basic bool
	// Signed is true when a Content-Signature header is present; SignatureErr is nil when it
	// verified with the key (and is set when no key was given to check it with).
	Signed       bool
	SignatureErr error
}

// VerifyWebhook checks a webhook's HTTP Basic credentials and, when key is not nil, its
// Content-Signature over the raw body.
func VerifyWebhook(header http.Header, body []byte, creds Credentials, key *rsa.PublicKey) WebhookCheck {
	c := WebhookCheck{Basic: signing.CheckBasic(header.Get("Authorization"), creds.ShopID, creds.SecretKey)}
	sig := header.Get("Content-Signature")
	c.Signed = sig != ""
	switch {
	case !c.Signed:
		c.SignatureErr = fmt.Errorf("no Content-Signature header")
	case key == nil:
		c.SignatureErr = fmt.Errorf("no public key to verify the Content-Signature with")
	default:
		c.SignatureErr = signing.VerifyRSASHA256(key, body, sig)
	}
	return c
}
