//go:build pact

package contracts_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/pact-foundation/pact-go/v2/consumer"
	. "github.com/pact-foundation/pact-go/v2/matchers"
	"github.com/pact-foundation/pact-go/v2/models"

	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/monetix"
	"github.com/paycert/paycert/harness/signing"
	simmonetix "github.com/paycert/paycert/harness/sim/monetix"
)

// The examples of the Monetix contract (document 001's).
const (
	monetixProject   = 1234
	monetixPaymentID = "payment_47"
	monetixAmount    = 100000
	// monetixSignature is an example of general.signature: Base64 of an HMAC-SHA512. A
	// verification signs each request with the target's own key (Target.RequestFilter).
	monetixSignature = "l2sPWc3SFUvAfs6AyPqDGUGhkSHaHfPW21Hh+c2YUvvCnnPCE7eAQq3HVI4SKXz9uB4HfqlkN3P/5a2hGaU4Eg=="
)

// monetixGeneral is the general object of a Monetix request: the project, the payment (when
// paymentID is not nil) and the signature, which any Base64 value stands for.
func monetixGeneral(paymentID Matcher) StructMatcher {
	g := StructMatcher{"project_id": Integer(monetixProject), "signature": Regex(monetixSignature, `^[A-Za-z0-9+/]+=*$`)}
	if paymentID != nil {
		g["payment_id"] = paymentID
	}
	return g
}

// monetixAck is the synchronous answer to an accepted Gate request, for payment paymentID.
func monetixAck(paymentID Matcher) StructMatcher {
	return StructMatcher{
		"status": S("success"), "request_id": Like("3bcd33d52c4a4f8b9b4"), "project_id": Integer(monetixProject), "payment_id": paymentID,
	}
}

// monetixRefused is the answer to a refused Gate request.
func monetixRefused(message string) StructMatcher {
	return StructMatcher{"status": S("error"), "message": Like(message)}
}

// TestConsumerMonetix writes the Monetix Mobile Commerce contract (document 001, Gate API v2): the
// operators list, a purchase, the OTP and a wrong OTP, a resend asked for too early, the full
// refund of a successful purchase, and the refusals of a payment_id used before and of a request
// without a signature. The outcome of each accepted request comes in a callback (TestConsumerMonetixCallbacks).
func TestConsumerMonetix(t *testing.T) {
	c := newContract(t, monetix.Provider, monetix.SpecFile)
	defer c.finish()
	client := func(cfg consumer.MockServerConfig) *monetix.Client {
		signer, err := signing.NewMonetix("paycert-secret", "")
		if err != nil {
			t.Fatal(err)
		}
		cl, err := monetix.New(c.doer(cfg), fmt.Sprint(monetixProject), signer)
		if err != nil {
			t.Fatal(err)
		}
		return cl
	}
	stateID := func(example string) Matcher { return FromProviderState("${payment_id}", example) }
	purchase := func(paymentID Matcher) StructMatcher {
		return StructMatcher{
			"general": monetixGeneral(paymentID),
			"customer": StructMatcher{
				"id": Like("customer_123"), "ip_address": Like("198.51.100.47"), "first_name": Like("John"), "last_name": Like("Doe"),
				"email": Like("johndoe@example.com"),
			},
			"account": StructMatcher{"number": Regex("77071234567", `^7[0-9]{10}$`)},
			"payment": StructMatcher{"currency": S("KZT"), "amount": Integer(monetixAmount)},
		}
	}
	purchaseBody := func(cl *monetix.Client, paymentID string) jsondoc.Doc {
		p := monetix.NewPurchase("")
		if paymentID != "" {
			p.PaymentID = paymentID
		}
		return cl.PurchaseBody(p)
	}

	interactions := []struct {
		state, description, path string
		request, answer          StructMatcher
		status                   int
		send                     func(*monetix.Client) (*exchange.Result, error)
	}{
		{
			description: "the list of the mobile network operators", path: "/v2/info/mobile/sale/list",
			request: StructMatcher{"general": monetixGeneral(nil)}, status: 200,
			answer: StructMatcher{"status": S("success"), "operators": EachLike(StructMatcher{"id": Regex("TELE2", `^[A-Z0-9_]+$`), "name": Like("Tele2")}, 1)},
			send:   func(cl *monetix.Client) (*exchange.Result, error) { return cl.Operators(ctx(t)) },
		},
		{
			description: "a Mobile Commerce purchase", path: "/v2/payment/mobile/sale",
			request: purchase(Like(monetixPaymentID)), status: 200, answer: monetixAck(Like(monetixPaymentID)),
			send: func(cl *monetix.Client) (*exchange.Result, error) {
				return cl.Call(ctx(t), monetix.Call{Op: monetix.OpPurchase, Body: purchaseBody(cl, monetixPaymentID)})
			},
		},
		{
			state: simmonetix.StateSuccessful, description: "a purchase with the payment_id of an earlier purchase", path: "/v2/payment/mobile/sale",
			request: purchase(stateID(monetixPaymentID)), status: 400, answer: monetixRefused("A payment with this payment_id already exists in the project."),
			send: func(cl *monetix.Client) (*exchange.Result, error) {
				return cl.Call(ctx(t), monetix.Call{Op: monetix.OpPurchase, Body: purchaseBody(cl, monetixPaymentID)})
			},
		},
		{
			state: simmonetix.StateAwaitingOTP, description: "the OTP of a purchase awaiting it", path: "/v2/payment/clarification",
			request: StructMatcher{"general": monetixGeneral(stateID(monetixPaymentID)), "additional_data": StructMatcher{
				"additional_data": StructMatcher{"approval_code": FromProviderState("${otp}", exampleOTP)},
			}},
			status: 200, answer: monetixAck(stateID(monetixPaymentID)),
			send: func(cl *monetix.Client) (*exchange.Result, error) {
				return cl.Call(ctx(t), monetix.Call{Op: monetix.OpSubmitOTP, Body: cl.OTPBody(monetixPaymentID, exampleOTP)})
			},
		},
		{
			state: simmonetix.StateAwaitingOTP, description: "a wrong OTP for a purchase awaiting its OTP", path: "/v2/payment/clarification",
			request: StructMatcher{"general": monetixGeneral(stateID(monetixPaymentID)), "additional_data": StructMatcher{
				"additional_data": StructMatcher{"approval_code": FromProviderState("${wrong_otp}", "0000")},
			}},
			status: 200, answer: monetixAck(stateID(monetixPaymentID)),
			send: func(cl *monetix.Client) (*exchange.Result, error) {
				return cl.Call(ctx(t), monetix.Call{Op: monetix.OpSubmitOTP, Body: cl.OTPBody(monetixPaymentID, "0000")})
			},
		},
		{
			state: simmonetix.StateAwaitingOTP, description: "a new OTP asked for before the OTP sent has expired", path: "/v2/customer/action/resend",
			request: StructMatcher{"general": monetixGeneral(stateID(monetixPaymentID)), "customer": StructMatcher{"ip_address": Like("198.51.100.47")}},
			status:  400, answer: monetixRefused("A new OTP can be requested 1m30s after the previous one was created, not before."),
			send: func(cl *monetix.Client) (*exchange.Result, error) {
				return cl.Resend(ctx(t), cl.ResendBody(monetixPaymentID, "198.51.100.47"))
			},
		},
		{
			state: simmonetix.StateSuccessful, description: "the refund of a successful purchase in full", path: "/v2/payment/mobile/refund",
			request: StructMatcher{"general": monetixGeneral(stateID(monetixPaymentID))}, status: 200, answer: monetixAck(stateID(monetixPaymentID)),
			send: func(cl *monetix.Client) (*exchange.Result, error) {
				return cl.Call(ctx(t), monetix.Call{Op: monetix.OpRefund, Body: cl.RefundBody(monetixPaymentID, 0, "", "")})
			},
		},
	}
	for _, in := range interactions {
		b := c.mock.AddInteraction()
		if in.state != "" {
			b.Given(in.state)
		}
		err := b.UponReceiving(in.description).
			WithRequest("POST", in.path, func(b *consumer.V4RequestBuilder) {
				b.Header("Content-Type", jsonType).JSONBody(in.request)
			}).
			WillRespondWith(in.status, func(b *consumer.V4ResponseBuilder) {
				b.Header("Content-Type", jsonType).JSONBody(in.answer)
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				res, err := in.send(client(cfg))
				return conforms(res, err, in.status)
			})
		if err != nil {
			t.Fatal(err)
		}
	}

	callbacks := []struct {
		state, description, status string
		clarification              bool
	}{
		{simmonetix.StateAwaitingOTP, "the callback that asks for the OTP", monetix.StatusClarification, true},
		{simmonetix.StateSuccessful, "the callback of a successful purchase", monetix.StatusSuccess, false},
	}
	for _, cb := range callbacks {
		body := StructMatcher{
			"project_id": Integer(monetixProject),
			"payment": StructMatcher{
				"id": Like(monetixPaymentID), "type": S("purchase"), "status": S(cb.status),
				"sum": StructMatcher{"amount": Integer(monetixAmount), "currency": S("KZT")},
			},
			"operation": StructMatcher{"type": S("sale"), "status": S(cb.status), "request_id": Like("3bcd33d52c4a4f8b9b4")},
			"account":   StructMatcher{"number": Regex("77071234567", `^7[0-9]{10}$`)},
			"signature": Regex(monetixSignature, `^[A-Za-z0-9+/]+=*$`),
		}
		if cb.clarification {
			body["clarification_fields"] = StructMatcher{"additional_data": StructMatcher{"additional_data": StructMatcher{
				"approval_code": StructMatcher{"type": S("string")},
			}}}
		}
		c.message(models.ProviderState{Name: cb.state, Parameters: map[string]any{"amount": monetixAmount}}, cb.description, "application/json",
			matcherJSON(t, body), func(b []byte) error {
				var doc jsondoc.Doc
				if err := json.Unmarshal(b, &doc); err != nil {
					return err
				}
				if jsondoc.String(doc, "payment.id") == "" || jsondoc.String(doc, "payment.status") != cb.status {
					return fmt.Errorf("the merchant cannot tell which purchase is %s: %s", cb.status, b)
				}
				return nil
			})
	}

	// Without a signature: the request is sent as it is by a verification too, and refused.
	unsigned := purchase(Like(monetixPaymentID))
	unsigned["general"] = StructMatcher{"project_id": Integer(monetixProject), "payment_id": Like(monetixPaymentID)}
	err := c.mock.AddInteraction().
		UponReceiving("a purchase without a signature").
		WithRequest("POST", "/v2/payment/mobile/sale", func(b *consumer.V4RequestBuilder) {
			b.Header("Content-Type", jsonType).JSONBody(unsigned)
		}).
		WillRespondWith(401, func(b *consumer.V4ResponseBuilder) {
			b.Header("Content-Type", jsonType).JSONBody(monetixRefused("The request has no signature (general.signature)."))
		}).
		ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
			cl := client(cfg)
			res, err := cl.Call(ctx(t), monetix.Call{Op: monetix.OpPurchase, Body: purchaseBody(cl, monetixPaymentID), Unsigned: true})
			return answered(res, err, 401)
		})
	if err != nil {
		t.Fatal(err)
	}
}
