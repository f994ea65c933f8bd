package contracts

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/pact-foundation/pact-go/v2/models"
	"github.com/pact-foundation/pact-go/v2/proxy"
)

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

// States lists the provider states the control API says it sets up for the target's provider.
func (tg Target) States() ([]string, error) {
	var caps struct {
		States []string `json:"states"`
	}
	if err := tg.control(http.MethodGet, "/v1/capabilities", nil, &caps); err != nil {
		return nil, err
	}
	var out []string
	for _, s := range caps.States {
		if name, ok := strings.CutPrefix(s, tg.Provider+": "); ok {
			out = append(out, name)
		}
	}
	return out, nil
}

// StateHandlers sets up each of the target's provider states through the control API. A state's
// values are what the control API answers (the payment's uid or ID, its amount) and, for a payment
// an OTP was sent for, "otp", the OTP sent, and "wrong_otp", a code of the same length that is not
// it: an interaction names them as ${otp} and ${wrong_otp}.
func (tg Target) StateHandlers() (models.StateHandlers, error) {
	states, err := tg.States()
	if err != nil {
		return nil, err
	}
	out := models.StateHandlers{}
	for _, name := range states {
		out[name] = func(setup bool, s models.ProviderState) (models.ProviderStateResponse, error) {
			if !setup {
				return nil, nil
			}
			values := map[string]any{}
			body := map[string]any{"state": s.Name, "params": s.Parameters}
			if err := tg.control(http.MethodPost, "/v1/providers/"+url.PathEscape(tg.Provider)+"/states", body, &values); err != nil {
				return nil, fmt.Errorf("provider state %q: %w", s.Name, err)
			}
			if id := paymentID(values); id != "" {
				var otp struct {
					OTP string `json:"otp"`
				}
				if tg.control(http.MethodGet, "/v1/providers/"+url.PathEscape(tg.Provider)+"/transactions/"+url.PathEscape(id)+"/otp", nil, &otp) == nil && otp.OTP != "" {
					values["otp"], values["wrong_otp"] = otp.OTP, WrongOTP(otp.OTP)
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

// WrongOTP is a code of the same length as otp that is not otp: every digit moved on by one.
func WrongOTP(otp string) string {
	b := []byte(otp)
	for i, c := range b {
		if c >= '0' && c <= '9' {
			b[i] = '0' + (c-'0'+1)%10
		}
	}
	return string(b)
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

// control calls the target's test-control API and decodes its JSON answer into out.
func (tg Target) control(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		data, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, strings.TrimRight(tg.ControlURL, "/")+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	client := tg.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("control API: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("control API: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("control API %s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(data))
	}
	return json.Unmarshal(data, out)
}
