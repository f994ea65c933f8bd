package freedompay

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/paycert/paycert/harness/sim"
)

// Provider states the simulator sets up for Pact verification.
const (
	StateNew              = "a payment awaiting its pay request"
	StateAwaitingApproval = "a payment awaiting its approval code"
	StateSuccessful       = "a successful payment"
)

// States lists the provider states SetState sets up.
func (s *Sim) States() []string { return []string{StateNew, StateAwaitingApproval, StateSuccessful} }

// SetState sets up a payment of params["amount"] (100 when absent): initialised and awaiting its
// pay request, or paid from the phone 77071234567 and awaiting its approval code, or already
// successful. params["pg_payment_id"], when given, is the payment's ID (a payment that had it
// is replaced), and params["approval_code"] the code sent (digits, as a string or a number: Pact
// passes a parameter of digits as a number): a pact that cannot take values from the state (a
// form's fields) names its own. Its result is called at params["pg_result_url"] when given (a
// successful payment's at once). It returns the pg_payment_id, amount and status.
func (s *Sim) SetState(state string, params map[string]any) (map[string]any, error) {
	if !slices.Contains(s.States(), state) {
		return nil, fmt.Errorf("unknown %s state %q (have %q)", Name, state, s.States())
	}
	amount := "100"
	if v, ok := params["amount"].(float64); ok && v > 0 {
		amount = strconv.FormatFloat(v, 'f', -1, 64)
	}
	id, err := stateInt(params, "pg_payment_id")
	if err != nil {
		return nil, err
	}
	var code string
	switch v := params["approval_code"].(type) {
	case nil:
	case string:
		code = v
	case float64:
		code = strconv.FormatFloat(v, 'f', -1, 64)
	}
	if v, ok := params["approval_code"]; ok && !digitsText.MatchString(code) {
		return nil, fmt.Errorf("approval_code %v is not a string of digits", v)
	}
	resultURL, err := sim.StateURL(params, "pg_result_url")
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.env.Clock.Now()
	if id == 0 {
		s.nextID++
		id = s.nextID
	}
	s.nextID = max(s.nextID, id)
	p := &payment{
		ID: id, OrderID: "state-" + strconv.FormatInt(id, 10), Amount: amount, Currency: "KZT",
		Description: "paycert provider state", Created: now, Expires: now.Add(DefaultLifetime), Method: "POST",
		Status: statusNew, ResultURL: resultURL,
	}
	s.store(p)
	if state != StateNew {
		p.Status, p.Phone, p.Operator = statusPending, "77071234567", "TELE2KZT"
		s.sendCode(p)
		if code != "" {
			p.Codes[len(p.Codes)-1] = code
		}
	}
	if state == StateSuccessful {
		s.succeed(p)
	}
	return map[string]any{"pg_payment_id": p.ID, "amount": p.Amount, "status": p.Status}, nil
}

// digitsText is an approval code a state may be given.
var digitsText = regexp.MustCompile(`^[0-9]{1,12}$`)

// stateInt is the positive integer params[name] gives, as a JSON number or a string of digits; 0
// when absent.
func stateInt(params map[string]any, name string) (int64, error) {
	switch v := params[name].(type) {
	case nil:
		return 0, nil
	case float64:
		if v >= 1 && v < 1<<53 && v == float64(int64(v)) {
			return int64(v), nil
		}
	case string:
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			return n, nil
		}
	}
	return 0, fmt.Errorf("%s %v is not a positive integer", name, params[name])
}
