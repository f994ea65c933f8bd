//go:build pact

package contracts_test

import (
	"fmt"
	"testing"

	"github.com/pact-foundation/pact-go/v2/consumer"
	. "github.com/pact-foundation/pact-go/v2/matchers"

	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/paysage"
	"github.com/paycert/paycert/harness/sim/beyag"
)

// The examples of the PaySage contract (document 000's).
const (
	exampleOTP    = "5576"
	exampleAmount = 1002
)

// TestConsumerPaySage writes the PaySage contract (document 000): a payment that sends the
// customer an OTP, its confirmation with the right OTP and with a wrong one, a status query, a
// full refund, and the refusal of a request without credentials.
func TestConsumerPaySage(t *testing.T) {
	c := newContract(t, paysage.Provider, paysage.SpecFile)
	defer c.finish()
	client := beGatewayClient(c)
	payment := StructMatcher{"request": StructMatcher{
		"amount": Integer(exampleAmount), "currency": S("KZT"), "description": Like("test"), "test": Like(false),
		"tracking_id": Like("31765111-a44a-43f1-93f0-b70f81b97f9e"), "language": Like("en"), "return_url": Like("https://your-success.url"),
		"method": StructMatcher{"type": S("mobile_commerce"), "account_number": Regex("77011234567", `^[0-9]{11}$`)},
	}}

	createPayment(t, c, client, "a mobile commerce payment", payment, StructMatcher{
		"uid": Regex(exampleUID, uuidPattern), "type": S("payment"), "status": S("pending"),
		"amount": Integer(exampleAmount), "currency": S("KZT"), "message": Like("Transaction was initialized. Need approve."),
		"tracking_id": Like("31765111-a44a-43f1-93f0-b70f81b97f9e"), "test": Like(false),
	}, paysage.NewPayment().Body())

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

	beGatewayCommon(t, c, client, payment, paysage.NewPayment().Body(), "KZT", exampleAmount)
}
