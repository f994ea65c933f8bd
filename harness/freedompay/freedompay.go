// Package freedompay is the reference client of FreedomPay mobile balance payments on the
// Merchant API (document 002_d2e89a2b4f570714.txt, providers-facts.md section 3): init, pay,
// approve, resend code and status, each a form salted with pg_salt and signed with pg_sig for the
// script name of the URL called, and the verification of the platform's signed XML answers and
// result calls, and the merchant's signed answer to them. Negative specs start from a valid
// request and break it in one place (fields.List.Set, Without), send it unsigned or unsalted, or
// send a body of their own.
package freedompay

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/random"
	"github.com/paycert/paycert/harness/signing"
)

// Names of the provider in the configuration, the simulator and the specs.
const (
	Provider = "freedompay"
	SpecFile = "specs/freedompay.yaml"
)

// Operation IDs of specs/freedompay.yaml.
const (
	OpInit         = "initPayment"
	OpPay          = "pay"
	OpApprove      = "approve"
	OpResend       = "resendCode"
	OpStatus       = "getStatus"
	OpResultNotify = "resultNotify"
)

// TestPhones are the test phone numbers of paycert's table for pg_testing_mode 1 (the documents
// name no numbers; README, FreedomPay): public, so reports show them as they are.
func TestPhones() []string {
	return []string{"77000000001", "77000000002", "77000000003", "77000000004", "77000000005"}
}

// XMLField is the form field that may carry a whole message as XML (providers-facts.md 3.1).
const XMLField = "pg_xml"

// DefaultResendPath is where paycert sends a resend request unless told otherwise: the documents
// list "Resend code" but not its path (specs/freedompay.errata.yaml).
const DefaultResendPath = "/mfs/resend_code"

// ErrorMerchantUnknown is the pg_error_code of the one answer the platform does not sign: to a
// request whose merchant it cannot tell (providers-facts.md 3.3).
const ErrorMerchantUnknown = "9998"

// Answer statuses (pg_status) and payment statuses (pg_payment_status).
const (
	StatusOK          = "ok"
	StatusError       = "error"
	StatusNeedApprove = "need_approve"
	StatusProcess     = "process"
	StatusRejected    = "rejected"

	PaymentNew     = "new"
	PaymentPending = "pending"
	PaymentSuccess = "success"
	PaymentFailed  = "failed"
	PaymentRevoked = "revoked"
)

// Client calls one FreedomPay merchant.
type Client struct {
	doer       *exchange.Doer
	merchant   string
	signer     signing.FreedomPay
	resendPath string
}

// New returns a client sending through doer for the merchant, signing with signer; resendPath is
// where the resend request goes ("" for DefaultResendPath).
func New(doer *exchange.Doer, merchant string, signer signing.FreedomPay, resendPath string) (*Client, error) {
	if _, err := strconv.ParseInt(merchant, 10, 64); err != nil {
		return nil, fmt.Errorf("the merchant ID %q is not an integer", merchant)
	}
	if resendPath == "" {
		resendPath = DefaultResendPath
	}
	return &Client{doer: doer, merchant: merchant, signer: signer, resendPath: resendPath}, nil
}

// Signer is what the client signs with.
func (cl *Client) Signer() signing.FreedomPay { return cl.signer }

// Merchant is the merchant ID requests carry.
func (cl *Client) Merchant() string { return cl.merchant }

// Call is one request, possibly wrong on purpose.
type Call struct {
	Op string
	// Fields are the request's fields; pg_merchant_id is put first and pg_salt added when they
	// are missing, and pg_sig is computed last.
	Fields fields.List
	// Unsigned sends no pg_sig; Unsalted no pg_salt; Signer, when set, signs with another key.
	Unsigned, Unsalted bool
	Signer             *signing.FreedomPay
	// URLEncoded sends the form URL-encoded rather than multipart.
	URLEncoded bool
	// InXML sends the message as an XML document (root <request>) in the one form field pg_xml
	// (providers-facts.md 3.1), signed as its fields would be.
	InXML bool
	// ContentType and Body, when Body is set, are sent as they are: a malformed request.
	ContentType string
	Body        []byte
}

// Answer is what came of a call: the exchange, and the answer read as XML with its signature
// checked against the script name of the URL called.
type Answer struct {
	*exchange.Result
	// Root is the answer's root element, Fields its fields; ReadErr says why the answer could not be
	// read as XML (then both are empty).
	Root    string
	Fields  fields.List
	ReadErr error
	// SignatureErr is the verification of the answer's pg_sig: nil when it verifies,
	// signing.ErrNoSignature when it carries none.
	SignatureErr error
}

// Value returns an answer field's value, or "".
func (a *Answer) Value(name string) string {
	a.LookedAt(name)
	return a.Fields.Value(name)
}

// Script is the script name a request for op is signed with.
func (cl *Client) Script(op string) string {
	return signing.ScriptName(cl.path(op))
}

func (cl *Client) path(op string) string {
	switch op {
	case OpInit:
		return "/init_payment.php"
	case OpPay:
		return "/mfs/pay"
	case OpApprove:
		return "/mfs/approve"
	case OpResend:
		return cl.resendPath
	case OpStatus:
		return "/get_status3.php"
	}
	return ""
}

// Prepare returns the fields a call sends: merchant first, salted and signed as the call says.
func (cl *Client) Prepare(c Call) fields.List {
	l := c.Fields.Clone()
	if !l.Has("pg_merchant_id") {
		l = append(fields.Of("pg_merchant_id", cl.merchant), l...)
	}
	if !c.Unsalted && !l.Has(signing.FreedomPaySalt) {
		l = l.Set(signing.FreedomPaySalt, random.Hex(8))
	}
	if c.Unsigned {
		return l.Without(signing.FreedomPaySig)
	}
	signer := cl.signer
	if c.Signer != nil {
		signer = *c.Signer
	}
	return signer.Signed(cl.Script(c.Op), l)
}

// Call sends c and reads the answer. The error is for a broken harness only; a target's failure
// is in the Answer.
func (cl *Client) Call(ctx context.Context, c Call) (*Answer, error) {
	ct, body := c.ContentType, c.Body
	if body == nil {
		l := cl.Prepare(c)
		if c.InXML {
			l = fields.Of(XMLField, string(l.XML("request")))
		}
		if c.URLEncoded {
			ct, body = fields.URLEncoded, []byte(l.Encode())
		} else {
			var err error
			if ct, body, err = l.EncodeMultipart(""); err != nil {
				return nil, fmt.Errorf("%s: %w", c.Op, err)
			}
		}
	}
	req := exchange.Request{Op: c.Op, Header: http.Header{"Content-Type": {ct}}, Body: body}
	if c.Op == OpResend {
		req.Path = cl.resendPath
	}
	res, err := cl.doer.Do(ctx, req)
	if err != nil {
		return nil, err
	}
	a := &Answer{Result: res}
	if res.Status != 0 {
		a.Root, a.Fields, a.ReadErr = fields.ParseXML(res.Body)
		if a.ReadErr == nil {
			a.SignatureErr = cl.signer.Verify(cl.Script(c.Op), a.Fields)
		}
	}
	return a, nil
}

// Payment is what a spec's payment is initialised with.
type Payment struct {
	OrderID     string
	Amount      string
	Description string
	ResultURL   string
	Testing     bool
	// RequestMethod is how the result URL is to be called (pg_request_method): GET, POST or XML;
	// "" is POST.
	RequestMethod string
	// Lifetime is pg_lifetime in seconds; 0 leaves it out.
	Lifetime int
}

// NewPayment is a payment of its own for a spec: a fresh order, 150 KZT, results to resultURL, in
// testing mode.
func NewPayment(resultURL string) Payment {
	return Payment{OrderID: "paycert-" + random.Hex(6), Amount: "150", Description: "paycert conformance payment", ResultURL: resultURL, Testing: true}
}

// InitFields are the fields of an init request for p (providers-facts.md 3.2, Init).
func InitFields(p Payment) fields.List {
	l := fields.Of("pg_order_id", p.OrderID, "pg_amount", p.Amount, "pg_currency", "KZT", "pg_description", p.Description,
		"pg_payment_method", "mobile_commerce", "pg_testing_mode", zeroOne(p.Testing))
	if p.Lifetime != 0 {
		l = append(l, fields.Of("pg_lifetime", strconv.Itoa(p.Lifetime))...)
	}
	if p.ResultURL != "" {
		method := p.RequestMethod
		if method == "" {
			method = http.MethodPost
		}
		l = append(l, fields.Of("pg_result_url", p.ResultURL, "pg_request_method", method)...)
	}
	return l
}

// zeroOne writes a flag as the platform does.
func zeroOne(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// PayFields are the fields of a pay request (document 002, Pay); operator may be "".
func PayFields(paymentID, phone, operator string) fields.List {
	l := fields.Of("pg_payment_id", paymentID, "pg_abonent_phone", phone)
	if operator != "" {
		l = append(l, fields.Of("pg_payment_system_code", operator)...)
	}
	return l
}

// ApproveFields are the fields of an approve request (providers-facts.md 3.2, Approve).
func ApproveFields(paymentID, code string) fields.List {
	return fields.Of("pg_payment_id", paymentID, "pg_approval_code", code)
}

// IDFields are the fields of a resend or a status request: the payment alone.
func IDFields(paymentID string) fields.List {
	return fields.Of("pg_payment_id", paymentID)
}

// MerchantAnswer is the merchant's signed XML answer to a result call (document "Result notify"):
// status ok, rejected or error, with a description shown to the customer when rejected. script is
// the result URL's script name.
func MerchantAnswer(signer signing.FreedomPay, script, status, description string) []byte {
	l := fields.Of("pg_status", status)
	if description != "" {
		l = append(l, fields.Of("pg_description", description)...)
	}
	l = l.Set(signing.FreedomPaySalt, random.Hex(8))
	return signer.Signed(script, l).XML("response")
}

// Describe names what an answer says, for failure messages.
func (a *Answer) Describe() string {
	var b strings.Builder
	b.WriteString(a.Result.Describe())
	if a.ReadErr != nil {
		fmt.Fprintf(&b, "\n  the answer is not XML: %v", a.ReadErr)
	}
	return b.String()
}
