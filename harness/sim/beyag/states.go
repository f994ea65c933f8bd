package beyag

import "fmt"

// Provider states the engine sets up for Pact verification, for every beGateway provider.
const (
	StatePending    = "a pending payment"
	StateSuccessful = "a successful payment"
)

// States lists the provider states SetState sets up.
func (e *Engine) States() []string { return []string{StatePending, StateSuccessful} }

// SetState sets up a named provider state: a payment of params["amount"] (the document's example
// amount when absent), pending or successful. It returns the payment's uid, amount and status.
func (e *Engine) SetState(state string, params map[string]any) (map[string]any, error) {
	if state != StatePending && state != StateSuccessful {
		return nil, fmt.Errorf("unknown %s state %q (have %q, %q)", e.cfg.Provider, state, StatePending, StateSuccessful)
	}
	amount := e.cfg.ExampleAmount
	if v, ok := params["amount"].(float64); ok && v > 0 {
		amount = int64(v)
	}
	tx := e.Seed(amount, state == StateSuccessful)
	return map[string]any{"uid": tx.UID, "amount": tx.Amount, "status": tx.Status}, nil
}
