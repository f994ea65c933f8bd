package contracts

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pact-foundation/pact-go/v2/models"
	"github.com/pact-foundation/pact-go/v2/proxy"

	"github.com/paycert/paycert/harness/control"
	"github.com/paycert/paycert/harness/otp"
)

// stateTimeout bounds the control API calls that set up one provider state.
const stateTimeout = 10 * time.Second

// Target is what a pact is verified against: a provider's base URL, the test-control API that
// sets up provider states (specs/control.yaml), and the merchant's credentials there.
type Target struct {
	Provider   string
	BaseURL    string
	ControlURL string
	AccountID  string
	SecretKey  string
	HTTP       *http.Client
}

// StateHandlers sets up each provider state the control API says it has for the target's
// provider. A state's values are what the control API answers (the payment's uid or ID, its
// amount) and, for a payment an OTP was sent for, "otp", the OTP sent, and "wrong_otp", a code of
// the same length that is not it: an interaction names them as ${otp} and ${wrong_otp}.
func (tg Target) StateHandlers() (models.StateHandlers, error) {
	cl := control.New(tg.ControlURL, tg.HTTP)
	ctx, cancel := context.WithTimeout(context.Background(), stateTimeout)
	defer cancel()
	caps, err := cl.Capabilities(ctx)
	if err != nil {
		return nil, err
	}
	out := models.StateHandlers{}
	for _, s := range caps.States {
		name, ok := strings.CutPrefix(s, tg.Provider+": ")
		if !ok {
			continue
		}
		out[name] = func(setup bool, s models.ProviderState) (models.ProviderStateResponse, error) {
			if !setup {
				return nil, nil
			}
			ctx, cancel := context.WithTimeout(context.Background(), stateTimeout)
			defer cancel()
			values, err := cl.SetState(ctx, tg.Provider, s.Name, s.Parameters)
			if err != nil {
				return nil, fmt.Errorf("provider state %q: %w", s.Name, err)
			}
			if id := paymentID(values); id != "" {
				if sent, err := cl.OTP(ctx, tg.Provider, id); err == nil && sent.OTP != "" {
					values["otp"], values["wrong_otp"] = sent.OTP, otp.Wrong(sent.OTP)
				}
			}
			return values, nil
		}
	}
	return out, nil
}

// paymentID is the ID a state's values give the payment it set up, under the provider's name for
// it, as a string.
func paymentID(values map[string]any) string {
	for _, key := range []string{"uid", "payment_id", "pg_payment_id"} {
		switch v := values[key].(type) {
		case string:
			return v
		case float64:
			return fmt.Sprintf("%.0f", v)
		}
	}
	return ""
}

// RequestFilter gives every request of a verification the target's credentials, which a pact
// cannot hold: for the beGateway providers, HTTP Basic with the shop ID and secret key.
func (tg Target) RequestFilter() proxy.Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "" && tg.AccountID != "" {
				r.SetBasicAuth(tg.AccountID, tg.SecretKey)
			}
			next.ServeHTTP(w, r)
		})
	}
}
