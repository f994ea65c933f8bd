package monetix

import (
	"fmt"

	"github.com/paycert/paycert/harness/sim"
)

// Provider states the simulator sets up for Pact verification.
const (
	StateAwaitingOTP = "a purchase awaiting the OTP"
	StateSuccessful  = "a successful purchase"
)

// States lists the provider states SetState sets up.
func (s *Sim) States() []string { return []string{StateAwaitingOTP, StateSuccessful} }

// SetState sets up a purchase of params["amount"] (the document's example, 100000, when absent)
// for the phone 77071234567, awaiting its OTP or already successful, whose callbacks go to
// params["merchant_callback_url"] when given (the one that asks for the OTP, then a successful
// purchase's result, are sent at once); it returns its payment_id, amount and status.
func (s *Sim) SetState(state string, params map[string]any) (map[string]any, error) {
	if state != StateAwaitingOTP && state != StateSuccessful {
		return nil, fmt.Errorf("unknown %s state %q (have %q, %q)", Name, state, StateAwaitingOTP, StateSuccessful)
	}
	amount := int64(100000)
	if v, ok := params["amount"].(float64); ok && v > 0 {
		amount = int64(v)
	}
	callbackURL, err := sim.StateURL(params, "merchant_callback_url")
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.env.Clock.Now()
	id := "state-" + s.env.Rand.UUID()
	p := &payment{
		ID: id, CustomerID: "customer_123", Phone: "77071234567", Operator: "TELE2", Amount: amount, Currency: "KZT",
		Created: now, Updated: now, ProviderPaymentID: s.env.Rand.UUID(), CallbackURL: callbackURL,
	}
	p.sale = s.newOperation("sale", amount, "KZT")
	s.payments[id] = p
	s.sendOTP(p)
	if state == StateSuccessful {
		s.finish(p, statusSuccess, "0", "Success")
	}
	return map[string]any{"payment_id": p.ID, "amount": p.Amount, "status": p.Status}, nil
}
