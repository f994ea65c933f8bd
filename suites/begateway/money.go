package begateway

import (
	"time"

	"github.com/paycert/paycert/harness/budget"
	"github.com/paycert/paycert/harness/money"
)

// Budget is the request budget of a beGateway provider: its documents give no rate (bePaid's card
// API asks a client to back off on 429, providers-facts.md 1.2), so paycert's conservative default
// applies.
var Budget = budget.Limits{MinInterval: time.Second, PerMinute: 30,
	Source: "paycert's default; the beGateway documents give no rate"}

// Money is what the money guard knows of a beGateway provider's money requests: payments carry
// "test": true in test mode, amounts are in minor units, and the demo gateway the platform's
// library points at is its published test host (providers-facts.md 1.1, 1.12). followUps are the
// provider's confirmations and refunds.
func Money(name string, followUps ...string) money.Provider {
	return money.Provider{
		Name:          name,
		Creates:       []string{"createPayment"},
		FollowUps:     followUps,
		SandboxHosts:  []string{"demo-gateway.begateway.com"},
		SandboxSource: "begateway/begateway-api-php Settings::$gatewayBase",
		TestModeField: "request.test", TestModeOn: "true",
		AmountFields: map[string]string{"createPayment": "request.amount", "refundPayment": "request.amount"},
		MinorUnits:   true,
	}
}
