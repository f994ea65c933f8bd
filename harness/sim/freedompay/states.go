package freedompay

import (
	"fmt"
	"strconv"
)

// Provider states the simulator sets up for Pact verification.
const (
	StateAwaitingApproval = "a payment awaiting its approval code"
	StateSuccessful       = "a successful payment"
)

// States lists the provider states SetState sets up.
func (s *Sim) States() []string { return []string{StateAwaitingApproval, StateSuccessful} }

// SetState sets up a payment of params["amount"] (100 when absent) paid from the phone
// 77071234567, awaiting its approval code or already successful; it returns its pg_payment_id,
// amount and status.
func (s *Sim) SetState(state string, params map[string]any) (map[string]any, error) {
	if state != StateAwaitingApproval && state != StateSuccessful {
		return nil, fmt.Errorf("unknown %s state %q (have %q, %q)", Name, state, StateAwaitingApproval, StateSuccessful)
	}
	amount := "100"
	if v, ok := params["amount"].(float64); ok && v > 0 {
		amount = strconv.FormatFloat(v, 'f', -1, 64)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.env.Clock.Now()
	s.nextID++
	p := &payment{
		ID: s.nextID, OrderID: "state-" + strconv.FormatInt(s.nextID, 10), Amount: amount, Currency: "KZT",
		Description: "paycert provider state", Created: now, Expires: now.Add(DefaultLifetime), Method: "POST",
		Status: statusPending, Phone: "77071234567", Operator: "TELE2KZT",
	}
	s.payments[p.ID] = p
	s.sendCode(p)
	if state == StateSuccessful {
		s.succeed(p)
	}
	return map[string]any{"pg_payment_id": p.ID, "amount": p.Amount, "status": p.Status}, nil
}
