//go:build pact

package contracts_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/pact-foundation/pact-go/v2/consumer"
	. "github.com/pact-foundation/pact-go/v2/matchers"
	"github.com/pact-foundation/pact-go/v2/models"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/freedompay"
	"github.com/paycert/paycert/harness/signing"
	simfreedompay "github.com/paycert/paycert/harness/sim/freedompay"
)

// The examples of the FreedomPay contract (the Merchant API's).
const (
	freedomPayMerchant  = "552170"
	freedomPayPaymentID = "1163457981"
	freedomPayPhone     = "77071234567"
	freedomPayCode      = "1234"
)

// hexSig is any pg_sig: 32 lower-case hex digits. A verification signs each request with the
// target's own key (Target.RequestFilter).
var hexSig = Regex("f3d9ad5b5a1c5b3c0a2de6a8d2a8a7f1", `^[0-9a-f]{32}$`)

// salt is any pg_salt.
var salt = Regex("a3b4c5d6e7f80912", `^[0-9A-Za-z]{1,64}$`)

// formType is the Content-Type of a URL-encoded form.
var formType = Regex(fields.URLEncoded, `^application/x-www-form-urlencoded(;.*)?$`)

// xmlType is the Content-Type of an XML answer.
var xmlType = Regex("application/xml", `^(application|text)/xml(;.*)?$`)

// fpField is one field of a FreedomPay message and what may vary in it.
type fpField struct {
	name  string
	value Matcher
}

// merchant is a request's pg_merchant_id: any, in the contract; a verification sends the
// target's own (Target.RequestFilter).
var merchant = fpField{"pg_merchant_id", Like(freedomPayMerchant)}

// signedForm is a FreedomPay request's form, in the Pact FFI's JSON form for a URL-encoded body
// with matchers: the merchant, the fields, a salt and a signature.
func signedForm(t *testing.T, fs ...fpField) []byte {
	t.Helper()
	return form(t, append(fs, merchant, fpField{"pg_salt", salt}, fpField{"pg_sig", hexSig})...)
}

// form is a form of the fields in the Pact FFI's JSON form. A form matches only with every field
// it has: unlike a JSON body, no field may be left out.
func form(t *testing.T, fs ...fpField) []byte {
	t.Helper()
	m := map[string]any{}
	for _, f := range fs {
		m[f.name] = f.value
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// xmlAnswer is an answer with the root element and the fields, salted and signed, in the Pact
// FFI's intermediate form for an XML body: elements with children, each text with its matcher.
func xmlAnswer(t *testing.T, root string, fs ...fpField) []byte {
	t.Helper()
	fs = append(fs, fpField{"pg_salt", salt}, fpField{"pg_sig", hexSig})
	children := make([]any, 0, len(fs))
	for _, f := range fs {
		raw, err := json.Marshal(f.value)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		text := map[string]any{"content": v}
		if matcher, ok := v.(map[string]any); ok {
			text["content"], text["matcher"] = matcher["value"], matcher
			if g, ok := matcher["pact:generator:type"]; ok {
				text["pact:generator:type"] = g
			}
		}
		children = append(children, map[string]any{"name": f.name, "attributes": map[string]any{}, "children": []any{text}})
	}
	out, err := json.Marshal(map[string]any{"root": map[string]any{"name": root, "attributes": map[string]any{}, "children": children}})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// answerRoot is the root element of the answer to a request to path: <root> under /mfs (document
// 002's examples), else <response>.
func answerRoot(path string) string {
	if strings.HasPrefix(path, "/mfs/") {
		return "root"
	}
	return "response"
}

// TestConsumerFreedomPay writes the FreedomPay mobile balance contract (Merchant API, /mfs): a
// payment's init, its pay request that sends the customer an approval code, the approval with
// the code and with a wrong one, a new code asked for too early, the status of a successful
// payment, and the refusal of an unsigned request. The result call comes as a message
// at the end.
func TestConsumerFreedomPay(t *testing.T) {
	c := newContract(t, freedompay.Provider, freedompay.SpecFile)
	defer c.finish()
	client := func(cfg consumer.MockServerConfig) *freedompay.Client {
		signer, err := signing.NewFreedomPay("paycert-secret", "")
		if err != nil {
			t.Fatal(err)
		}
		cl, err := freedompay.New(c.doer(cfg), freedomPayMerchant, signer, "")
		if err != nil {
			t.Fatal(err)
		}
		return cl
	}
	// A form's fields cannot take values from a provider state (the Pact FFI generates JSON and
	// XML only): the states are given the payment's ID and approval code instead.
	stateParams := map[string]any{"pg_payment_id": freedomPayPaymentID, "approval_code": freedomPayCode}
	statePayment := fpField{"pg_payment_id", Regex(freedomPayPaymentID, `^[0-9]+$`)}
	answerPayment := statePayment
	amount := Regex("100", `^[0-9]+(\.[0-9]{1,2})?$`)
	date := Regex("2026-11-21 10:15:00", `^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$`)
	payment := freedompay.NewPayment("")
	initFields := []fpField{
		{"pg_order_id", Like("order-4711")}, {"pg_amount", Regex("150", `^[0-9]+(\.[0-9]{1,2})?$`)}, {"pg_currency", S("KZT")},
		{"pg_description", Like("Order 4711")}, {"pg_payment_method", S("mobile_commerce")}, {"pg_testing_mode", Regex("1", `^[01]$`)},
	}
	errorAnswer := func(code int, description string) []fpField {
		return []fpField{{"pg_status", S(freedompay.StatusError)}, {"pg_error_code", S(fmt.Sprint(code))}, {"pg_error_description", Like(description)}}
	}

	interactions := []struct {
		state, description, path, op string
		request, answer              []fpField
		send                         freedompay.Call
		unsigned                     bool
	}{
		{
			description: "a mobile balance payment's init", path: "/init_payment.php", op: freedompay.OpInit,
			request: initFields, answer: []fpField{{"pg_status", S(freedompay.StatusOK)}, answerPayment},
			send: freedompay.Call{Fields: freedompay.InitFields(payment)},
		},
		{
			state: simfreedompay.StateNew, description: "the pay request of a new payment, from a phone that needs an approval code", path: "/mfs/pay", op: freedompay.OpPay,
			request: []fpField{statePayment, {"pg_abonent_phone", Regex(freedomPayPhone, `^7[0-9]{10}$`)}},
			answer:  []fpField{{"pg_status", S(freedompay.StatusNeedApprove)}, answerPayment},
			send:    freedompay.Call{Fields: freedompay.PayFields(freedomPayPaymentID, freedomPayPhone, "")},
		},
		{
			state: simfreedompay.StateAwaitingApproval, description: "the approval of a payment with the code the customer received", path: "/mfs/approve", op: freedompay.OpApprove,
			request: []fpField{statePayment, {"pg_approval_code", Regex(freedomPayCode, `^[0-9]+$`)}},
			answer:  []fpField{{"pg_status", S(freedompay.StatusOK)}, answerPayment},
			send:    freedompay.Call{Fields: freedompay.ApproveFields(freedomPayPaymentID, freedomPayCode)},
		},
		{
			state: simfreedompay.StateAwaitingApproval, description: "the approval of a payment with a wrong code", path: "/mfs/approve", op: freedompay.OpApprove,
			request: []fpField{statePayment, {"pg_approval_code", Regex("0000", `^[0-9]+$`)}},
			answer:  errorAnswer(360, "Wrong approval code; 2 more attempts."),
			send:    freedompay.Call{Fields: freedompay.ApproveFields(freedomPayPaymentID, "0000")},
		},
		{
			state: simfreedompay.StateAwaitingApproval, description: "a new approval code asked for before the cooldown is over", path: freedompay.DefaultResendPath, op: freedompay.OpResend,
			request: []fpField{statePayment}, answer: errorAnswer(370, "A new code may be asked for 1m0s after the last one; wait 1m0s."),
			send: freedompay.Call{Fields: freedompay.IDFields(freedomPayPaymentID)},
		},
		{
			state: simfreedompay.StateSuccessful, description: "the status of a successful payment", path: "/get_status3.php", op: freedompay.OpStatus,
			request: []fpField{statePayment},
			answer: []fpField{
				{"pg_status", S(freedompay.StatusOK)}, answerPayment, {"pg_currency", S("KZT")}, {"pg_amount", amount},
				{"pg_payment_status", S(freedompay.PaymentSuccess)}, {"pg_payment_date", date},
			},
			send: freedompay.Call{Fields: freedompay.IDFields(freedomPayPaymentID)},
		},
		{
			description: "a payment's init without a signature", path: "/init_payment.php", op: freedompay.OpInit,
			request: initFields, answer: errorAnswer(103, "pg_sig is missing: every request is signed."),
			send: freedompay.Call{Fields: freedompay.InitFields(payment), Unsigned: true}, unsigned: true,
		},
	}
	for _, in := range interactions {
		request := signedForm(t, in.request...)
		if in.unsigned {
			request = form(t, append(in.request, merchant, fpField{"pg_salt", salt})...)
		}
		b := c.mock.AddInteraction()
		if in.state != "" {
			b.GivenWithParameter(models.ProviderState{Name: in.state, Parameters: stateParams})
		}
		err := b.UponReceiving(in.description).
			WithRequest("POST", in.path, func(b *consumer.V4RequestBuilder) {
				b.Header("Content-Type", formType).Body(fields.URLEncoded, request)
			}).
			WillRespondWith(200, func(b *consumer.V4ResponseBuilder) {
				b.Header("Content-Type", xmlType).Body("application/xml", xmlAnswer(t, answerRoot(in.path), in.answer...))
			}).
			ExecuteTest(t, func(cfg consumer.MockServerConfig) error {
				call := in.send
				call.Op, call.URLEncoded = in.op, true
				a, err := client(cfg).Call(ctx(t), call)
				if a == nil {
					return err
				}
				if in.unsigned {
					return answered(a.Result, err, 200)
				}
				if err := conforms(a.Result, err, 200); err != nil {
					return err
				}
				if a.ReadErr != nil {
					return fmt.Errorf("the merchant cannot read the answer: %v", a.ReadErr)
				}
				return nil
			})
		if err != nil {
			t.Fatal(err)
		}
	}

	c.message(models.ProviderState{Name: simfreedompay.StateSuccessful, Parameters: stateParams}, "the result call of a successful payment",
		fields.URLEncoded, form(t, fpField{"pg_salt", salt}, fpField{"pg_sig", hexSig},
			fpField{"pg_order_id", Like("order-4711")}, answerPayment, fpField{"pg_amount", amount}, fpField{"pg_currency", S("KZT")},
			fpField{"pg_net_amount", amount}, fpField{"pg_ps_amount", amount}, fpField{"pg_ps_full_amount", amount}, fpField{"pg_ps_currency", S("KZT")},
			fpField{"pg_description", Like("Order 4711")}, fpField{"pg_result", S("1")}, fpField{"pg_payment_date", date},
			fpField{"pg_can_reject", Regex("1", `^[01]$`)}, fpField{"pg_user_phone", Regex(freedomPayPhone, `^7[0-9]{10}$`)},
			fpField{"pg_testing_mode", Regex("0", `^[01]$`)}, fpField{"pg_captured", S("1")}, fpField{"pg_payment_method", S("mobile_commerce")},
		), func(b []byte) error {
			l, err := fields.ParseForm(fields.URLEncoded, b)
			if err != nil {
				return err
			}
			if l.Value("pg_payment_id") == "" || l.Value("pg_result") != "1" {
				return fmt.Errorf("the merchant cannot tell which payment succeeded: %s", b)
			}
			return nil
		})
}
