//go:build pact

package contracts_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/pact-foundation/pact-go/v2/consumer"
	. "github.com/pact-foundation/pact-go/v2/matchers"
	"github.com/pact-foundation/pact-go/v2/models"

	"github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/sim/beyag"
)

// What every beGateway contract shows; the matchers around the examples say what may vary.
const (
	exampleUID  = "113fe130-3b11-11eb-11db-114b205ca951"
	uuidPattern = `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`
)

// basicAuth is the shop's HTTP Basic credentials: any, in the contract; a verification sends the
// target's own (Target.RequestFilter).
var basicAuth = Regex("Basic cGF5Y2VydC1zaG9wOnBheWNlcnQtc2VjcmV0", `^Basic [A-Za-z0-9+/]+=*$`)

// jsonType is the Content-Type of a beGateway body, with or without a charset.
var jsonType = Regex("application/json", `^application/json(;.*)?$`)

// beGatewayClient is the reference client for a contract's mock server, with credentials of the
// contract's own.
func beGatewayClient(c *contract) func(consumer.MockServerConfig) *begateway.Client {
	return func(cfg consumer.MockServerConfig) *begateway.Client {
		return begateway.New(c.doer(cfg), begateway.Credentials{ShopID: "paycert-shop", SecretKey: "paycert-secret"})
	}
}

// createPayment adds the interaction of a payment request (payment; the reference client sends
// request) that the provider answers pending, with the transaction the answer holds.
func createPayment(t *testing.T, c *contract, client func(consumer.MockServerConfig) *begateway.Client, description string, payment, transaction StructMatcher, request jsondoc.Doc) {
	t.Helper()
	err := c.mock.AddInteraction().
		UponReceiving(description).
		WithRequest("POST", "/beyag/transactions/payments", func(b *consumer.V4RequestBuilder) {
			b.Header("Authorization", basicAuth).Header("Content-Type", jsonType).JSONBody(payment)
		}).
		WillRespondWith(200, func(b *consumer.V4ResponseBuilder) {
			b.Header("Content-Type", jsonType).JSONBody(StructMatcher{"transaction": transaction})
		}).
		ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
			res, err := client(cfg).CreatePayment(ctx(t), request)
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
}

// beGatewayCommon adds the interactions of document 003 that every beGateway contract has: the
// status query and the full refund of a successful payment of the amount, and the refusal of the
// payment request without credentials.
//
// payment is the contract's payment request, and request one the reference client sends.
func beGatewayCommon(t *testing.T, c *contract, client func(consumer.MockServerConfig) *begateway.Client, payment StructMatcher, request jsondoc.Doc, currency string, amount int) {
	t.Helper()
	err := c.mock.AddInteraction().
		Given(beyag.StateSuccessful).
		UponReceiving("the status query of a successful payment").
		WithRequestPathMatcher("GET", FromProviderState("/beyag/transactions/${uid}", "/beyag/transactions/"+exampleUID), func(b *consumer.V4RequestBuilder) {
			b.Header("Authorization", basicAuth)
		}).
		WillRespondWith(200, func(b *consumer.V4ResponseBuilder) {
			b.Header("Content-Type", jsonType).JSONBody(StructMatcher{"transaction": StructMatcher{
				"uid": FromProviderState("${uid}", exampleUID), "type": S("payment"), "status": S("successful"),
				"amount": Integer(amount), "currency": S(currency), "message": Like("Transaction was successfully processed."),
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
		GivenWithParameter(models.ProviderState{Name: beyag.StateSuccessful, Parameters: map[string]any{"amount": amount}}).
		UponReceiving("a refund of a successful payment's full amount").
		WithRequest("POST", "/beyag/transactions/refunds", func(b *consumer.V4RequestBuilder) {
			b.Header("Authorization", basicAuth).Header("Content-Type", jsonType).JSONBody(StructMatcher{"request": StructMatcher{
				"parent_uid": FromProviderState("${uid}", exampleUID), "amount": Integer(amount),
				"reason": Like("customer's request"),
			}})
		}).
		WillRespondWith(200, func(b *consumer.V4ResponseBuilder) {
			b.Header("Content-Type", jsonType).JSONBody(StructMatcher{"transaction": StructMatcher{
				"uid": Regex(exampleUID, uuidPattern), "parent_uid": FromProviderState("${uid}", exampleUID), "type": S("refund"),
				"status": S("successful"), "amount": Integer(amount), "currency": S(currency),
			}})
		}).
		ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
			res, err := client(cfg).Refund(ctx(t), begateway.RefundRequest(exampleUID, int64(amount), "customer's request"))
			return conforms(res, err, 200)
		})
	if err != nil {
		t.Fatal(err)
	}

	c.message(models.ProviderState{Name: beyag.StateSuccessful, Parameters: map[string]any{"amount": amount}},
		"the notification of a successful payment", "application/json",
		matcherJSON(t, StructMatcher{"transaction": StructMatcher{
			"uid": Regex(exampleUID, uuidPattern), "type": S("payment"), "status": S("successful"),
			"amount": Integer(amount), "currency": S(currency), "message": Like("Transaction was successfully processed."),
		}}),
		func(body []byte) error {
			var n jsondoc.Doc
			if err := json.Unmarshal(body, &n); err != nil {
				return err
			}
			if jsondoc.String(n, "transaction.uid") == "" || jsondoc.String(n, "transaction.status") != "successful" {
				return fmt.Errorf("the merchant cannot tell which payment succeeded: %s", body)
			}
			return nil
		})

	err = c.mock.AddInteraction().
		UponReceiving("a payment without the shop's credentials").
		WithRequest("POST", "/beyag/transactions/payments", func(b *consumer.V4RequestBuilder) {
			b.Header("Content-Type", jsonType).JSONBody(payment)
		}).
		WillRespondWith(401, func(b *consumer.V4ResponseBuilder) {
			b.Header("Content-Type", jsonType).JSONBody(StructMatcher{"message": Like("Invalid shop_id/secret_key.")})
		}).
		ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
			res, err := client(cfg).Call(ctx(t), begateway.Call{Op: begateway.OpCreatePayment, Body: request, NoAuth: true})
			return answered(res, err, 401)
		})
	if err != nil {
		t.Fatal(err)
	}
}
