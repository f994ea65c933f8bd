//go:build pact

package contracts_test

import (
	"fmt"
	"testing"

	"github.com/pact-foundation/pact-go/v2/consumer"
	. "github.com/pact-foundation/pact-go/v2/matchers"
	"github.com/pact-foundation/pact-go/v2/models"

	"github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/paysage"
	"github.com/paycert/paycert/harness/sim/beyag"
)

// The examples a beGateway contract shows; the matchers around them say what may vary.
const (
	exampleUID    = "113fe130-3b11-11eb-11db-114b205ca951"
	exampleOTP    = "5576"
	exampleAmount = 1002
	uuidPattern   = `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`
)

// basicAuth is the shop's HTTP Basic credentials: any, in the contract; a verification sends the
// target's own (see the request filter of the provider verification).
var basicAuth = Regex("Basic cGF5Y2VydC1zaG9wOnBheWNlcnQtc2VjcmV0", `^Basic [A-Za-z0-9+/]+=*$`)

// jsonType is the Content-Type of a beGateway body, with or without a charset.
var jsonType = Regex("application/json", `^application/json(;.*)?$`)

// TestConsumerPaySage writes the PaySage contract (document 000): a payment that sends the
// customer an OTP, its confirmation with the right OTP and with a wrong one, a status query, a
// full refund, and the refusal of a request without credentials.
func TestConsumerPaySage(t *testing.T) {
	c := newContract(t, paysage.Provider, paysage.SpecFile)
	defer c.finish()
	client := func(cfg consumer.MockServerConfig) *begateway.Client {
		return begateway.New(c.doer(cfg), begateway.Credentials{ShopID: "paycert-shop", SecretKey: "paycert-secret"})
	}
	payment := StructMatcher{"request": StructMatcher{
		"amount": Integer(exampleAmount), "currency": S("KZT"), "description": Like("test"), "test": Like(false),
		"tracking_id": Like("31765111-a44a-43f1-93f0-b70f81b97f9e"), "language": Like("en"), "return_url": Like("https://your-success.url"),
		"method": StructMatcher{"type": S("mobile_commerce"), "account_number": Regex("77011234567", `^[0-9]{11}$`)},
	}}

	err := c.mock.AddInteraction().
		UponReceiving("a mobile commerce payment").
		WithRequest("POST", "/beyag/transactions/payments", func(b *consumer.V4RequestBuilder) {
			b.Header("Authorization", basicAuth).Header("Content-Type", jsonType).JSONBody(payment)
		}).
		WillRespondWith(200, func(b *consumer.V4ResponseBuilder) {
			b.Header("Content-Type", jsonType).JSONBody(StructMatcher{"transaction": StructMatcher{
				"uid": Regex(exampleUID, uuidPattern), "type": S("payment"), "status": S("pending"),
				"amount": Integer(exampleAmount), "currency": S("KZT"), "message": Like("Transaction was initialized. Need approve."),
				"tracking_id": Like("31765111-a44a-43f1-93f0-b70f81b97f9e"), "test": Like(false),
			}})
		}).
		ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
			res, err := client(cfg).CreatePayment(ctx(t), paysage.NewPayment().Body())
			if err := conforms(res, err, 200); err != nil {
				return err
			}
			if jsondoc.String(res.Value, "transaction.uid") == "" || jsondoc.String(res.Value, "transaction.status") != "pending" {
				return fmt.Errorf("the merchant cannot read the payment's uid and status: %s", res.Body)
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}

	for _, conf := range []struct {
		description, password, status, message string
	}{
		{"the confirmation of a pending payment with its OTP", "${otp}", "successful", "Confirm was successfully processed."},
		{"the confirmation of a pending payment with a wrong OTP", "${wrong_otp}", "failed", "Confirm was failed: wrong one-time password."},
	} {
		example := exampleOTP
		if conf.password == "${wrong_otp}" {
			example = "0000"
		}
		err := c.mock.AddInteraction().
			Given(beyag.StatePending).
			UponReceiving(conf.description).
			WithRequestPathMatcher("POST", FromProviderState("/beyag/transactions/${uid}/confirm", "/beyag/transactions/"+exampleUID+"/confirm"), func(b *consumer.V4RequestBuilder) {
				b.Header("Authorization", basicAuth).Header("Content-Type", jsonType).
					JSONBody(StructMatcher{"request": StructMatcher{"password": FromProviderState(conf.password, example)}})
			}).
			WillRespondWith(200, func(b *consumer.V4ResponseBuilder) {
				b.Header("Content-Type", jsonType).JSONBody(StructMatcher{"transaction": StructMatcher{
					"parent_uid": FromProviderState("${uid}", exampleUID), "type": S("confirm"), "status": S(conf.status),
					"message": Like(conf.message), "amount": Integer(exampleAmount), "currency": S("KZT"),
				}})
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				res, err := client(cfg).Confirm(ctx(t), exampleUID, paysage.Confirm(example, nil))
				if err := conforms(res, err, 200); err != nil {
					return err
				}
				if got := jsondoc.String(res.Value, "transaction.status"); got != conf.status {
					return fmt.Errorf("the confirmation is %q, want %q", got, conf.status)
				}
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
	}

	err = c.mock.AddInteraction().
		Given(beyag.StateSuccessful).
		UponReceiving("the status query of a successful payment").
		WithRequestPathMatcher("GET", FromProviderState("/beyag/transactions/${uid}", "/beyag/transactions/"+exampleUID), func(b *consumer.V4RequestBuilder) {
			b.Header("Authorization", basicAuth)
		}).
		WillRespondWith(200, func(b *consumer.V4ResponseBuilder) {
			b.Header("Content-Type", jsonType).JSONBody(StructMatcher{"transaction": StructMatcher{
				"uid": FromProviderState("${uid}", exampleUID), "type": S("payment"), "status": S("successful"),
				"amount": Integer(exampleAmount), "currency": S("KZT"), "message": Like("Transaction was successfully processed."),
			}})
		}).
		ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
			res, err := client(cfg).Transaction(ctx(t), exampleUID)
			return conforms(res, err, 200)
		})
	if err != nil {
		t.Fatal(err)
	}

	err = c.mock.AddInteraction().
		GivenWithParameter(models.ProviderState{Name: beyag.StateSuccessful, Parameters: map[string]any{"amount": exampleAmount}}).
		UponReceiving("a refund of a successful payment's full amount").
		WithRequest("POST", "/beyag/transactions/refunds", func(b *consumer.V4RequestBuilder) {
			b.Header("Authorization", basicAuth).Header("Content-Type", jsonType).JSONBody(StructMatcher{"request": StructMatcher{
				"parent_uid": FromProviderState("${uid}", exampleUID), "amount": Integer(exampleAmount),
				"reason": Like("customer's request"),
			}})
		}).
		WillRespondWith(200, func(b *consumer.V4ResponseBuilder) {
			b.Header("Content-Type", jsonType).JSONBody(StructMatcher{"transaction": StructMatcher{
				"uid": Regex(exampleUID, uuidPattern), "parent_uid": FromProviderState("${uid}", exampleUID), "type": S("refund"),
				"status": S("successful"), "amount": Integer(exampleAmount), "currency": S("KZT"),
			}})
		}).
		ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
			res, err := client(cfg).Refund(ctx(t), begateway.RefundRequest(exampleUID, exampleAmount, "customer's request"))
			return conforms(res, err, 200)
		})
	if err != nil {
		t.Fatal(err)
	}

	err = c.mock.AddInteraction().
		UponReceiving("a payment without the shop's credentials").
		WithRequest("POST", "/beyag/transactions/payments", func(b *consumer.V4RequestBuilder) {
			b.Header("Content-Type", jsonType).JSONBody(payment)
		}).
		WillRespondWith(401, func(b *consumer.V4ResponseBuilder) {
			b.Header("Content-Type", jsonType).JSONBody(StructMatcher{"message": Like("Invalid shop_id/secret_key.")})
		}).
		ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
			res, err := client(cfg).Call(ctx(t), begateway.Call{Op: begateway.OpCreatePayment, Body: paysage.NewPayment().Body(), NoAuth: true})
			return answered(res, err, 401)
		})
	if err != nil {
		t.Fatal(err)
	}
}
