//go:build pact

package contracts_test

import (
	"testing"

	"github.com/pact-foundation/pact-go/v2/consumer"
	. "github.com/pact-foundation/pact-go/v2/matchers"

	"github.com/paycert/paycert/harness/bepaid"
)

// TestConsumerBePaid writes the bePaid MTS Money contract (document 004): the service check of
// each test phone number in both API versions, a payment from the number whose service is
// active, and document 003's status, refund and refusal.
func TestConsumerBePaid(t *testing.T) {
	c := newContract(t, bepaid.Provider, bepaid.SpecFile)
	defer c.finish()
	client := beGatewayClient(c)

	checks := []struct {
		version, phone, description string
		answer                      StructMatcher
	}{
		{bepaid.V2, bepaid.PhoneActivated, "the service check (API version 2) of a number whose service is active",
			StructMatcher{"service_activated": Equality(true), "message": Like("Request successfully processed"), "validation": StructMatcher{"operator": S("mts")}}},
		{bepaid.V2, bepaid.PhoneInactive, "the service check (API version 2) of a number whose service is inactive",
			StructMatcher{"service_activated": Equality(false), "message": Like("Request successfully processed"), "validation": StructMatcher{"operator": S("mts")}}},
		{bepaid.V3, bepaid.PhoneActivated, "the service check (API version 3) of a number whose service is active",
			StructMatcher{"code": S("S.0000"), "status": S("successful"), "message": Like("The operation was successfully processed")}},
		{bepaid.V3, bepaid.PhoneInactive, "the service check (API version 3) of a number whose service is inactive",
			StructMatcher{"code": S("F.0202"), "status": S("failed"), "message": Like("Account ID not found")}},
		{bepaid.V3, bepaid.PhoneInvalid, "the service check (API version 3) of an invalid number",
			StructMatcher{"code": S("F.0213"), "status": S("failed"), "message": Like("Not allowed: Invalid phone number.")}},
	}
	for _, ch := range checks {
		err := c.mock.AddInteraction().
			UponReceiving(ch.description).
			WithRequest("POST", "/beyag/gateways/mts_money/check_service", func(b *consumer.V4RequestBuilder) {
				b.Header("Authorization", basicAuth).Header("Content-Type", jsonType).Header("X-Api-Version", S(ch.version)).
					JSONBody(StructMatcher{"request": StructMatcher{"test": Equality(true), "customer": StructMatcher{"phone": S(ch.phone)}}})
			}).
			WillRespondWith(200, func(b *consumer.V4ResponseBuilder) {
				b.Header("Content-Type", jsonType).JSONBody(ch.answer)
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				res, err := bepaid.CheckService(ctx(t), client(cfg), ch.version, bepaid.CheckRequest(ch.phone, true))
				return conforms(res, err, 200)
			})
		if err != nil {
			t.Fatal(err)
		}
	}

	payment := StructMatcher{"request": StructMatcher{
		"amount": Integer(100), "currency": S("BYN"), "description": Like("description"), "test": Equality(true),
		"tracking_id": Like("your_uniq_number"), "language": Like("en"), "ip": Like("127.0.0.1"), "return_url": Like("https://your_shop_URL.by/"),
		"customer": StructMatcher{"first_name": Like("John"), "last_name": Like("Doe"), "phone": S(bepaid.PhoneActivated)},
		"method":   StructMatcher{"type": S("mts_money"), "confirm_agreement": Regex(bepaid.Accept, `^(accept|already_accepted)$`)},
	}}
	createPayment(t, c, client, "an MTS Money test payment from a number whose service is active", payment, StructMatcher{
		"uid": Regex(exampleUID, uuidPattern), "type": S("payment"), "status": S("pending"),
		"amount": Integer(100), "currency": S("BYN"), "test": Equality(true), "message": Like("Transaction was initialized."),
	}, bepaid.NewPayment(bepaid.PhoneActivated, bepaid.Accept).Body())

	beGatewayCommon(t, c, client, payment, bepaid.NewPayment(bepaid.PhoneActivated, bepaid.Accept).Body(), "BYN", 100)
}
