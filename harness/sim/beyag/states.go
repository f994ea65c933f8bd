package beyag

import (
	"fmt"

	"github.com/paycert/paycert/harness/sim"
)

// Provider states the engine sets up for Pact verification, for every beGateway provider.
const (
	StatePending    = "a pending payment"
	StateSuccessful = "a successful payment"
)

// States lists the provider states SetState sets up.
func (e *Engine) States() []string { return []string{StatePending, StateSuccessful} }

// SetState sets up a named provider state: a payment of params["amount"] (the document's example
// amount when absent), pending or successful, whose notifications go to params["notification_url"]
// when given (a successful payment's is sent at once). It returns the payment's uid, amount and
// status.
func (e *Engine) SetState(state string, params map[string]any) (map[string]any, error) {
	if state != StatePending && state != StateSuccessful {
		return nil, fmt.Errorf("unknown %s state %q (have %q, %q)", e.cfg.Provider, state, StatePending, StateSuccessful)
	}
	amount := e.cfg.ExampleAmount
	if v, ok := params["amount"].(float64); ok && v > 0 {
		amount = int64(v)
	}
	notifyURL, err := sim.StateURL(params, "notification_url")
	if err != nil {
		return nil, err
	}
	tx := e.Seed(amount, state == StateSuccessful, notifyURL)
	return map[string]any{"uid": tx.UID, "amount": tx.Amount, "status": tx.Status}, nil
}
