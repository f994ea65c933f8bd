package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/paycert/paycert/harness/signing"
)

// mountControl serves the test-control API (specs/control.yaml) under /control.
func (s *Server) mountControl() {
	s.mux.HandleFunc("GET /control/v1/capabilities", func(w http.ResponseWriter, _ *http.Request) {
		var states []string
		for _, n := range s.names {
			for _, st := range s.providers[n].States() {
				states = append(states, n+": "+st)
			}
		}
		mode := "virtual"
		if !s.clock.Frozen() {
			mode = "real"
		}
		// The clock can always be moved forward: a frozen one only moves so, a running one also
		// follows the wall clock.
		WriteJSON(w, http.StatusOK, map[string]any{
			"providers": s.names, "otp": true, "clock": mode, "advance": true, "states": nonNil(states), "faults": nonNil(s.faults.Names()),
		})
	})
	s.mux.HandleFunc("GET /control/v1/providers/{provider}/transactions/{id}/otp", func(w http.ResponseWriter, r *http.Request) {
		p, ok := s.providerOr404(w, r)
		if !ok {
			return
		}
		o, ok := p.OTP(r.PathValue("id"))
		if !ok {
			WriteJSON(w, http.StatusNotFound, map[string]any{"message": "no OTP was sent for this transaction"})
			return
		}
		out := map[string]any{"otp": o.OTP, "issued_at": o.IssuedAt.UTC().Format(time.RFC3339), "resends": o.Resends, "expires_at": nil}
		if o.ExpiresAt != nil {
			out["expires_at"] = o.ExpiresAt.UTC().Format(time.RFC3339)
		}
		WriteJSON(w, http.StatusOK, out)
	})
	s.mux.HandleFunc("POST /control/v1/providers/{provider}/transactions/{id}/customer", func(w http.ResponseWriter, r *http.Request) {
		p, ok := s.providerOr404(w, r)
		if !ok {
			return
		}
		c, ok := p.(Customer)
		if !ok {
			WriteJSON(w, http.StatusNotFound, map[string]any{"message": "this provider has no pages a customer acts on"})
			return
		}
		var in struct {
			Action string `json:"action"`
			Value  string `json:"value"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Action == "" {
			WriteJSON(w, http.StatusBadRequest, map[string]any{"message": "want {\"action\": \"enter-phone\" or \"enter-otp\", \"value\": ...}"})
			return
		}
		if err := c.CustomerAction(r.PathValue("id"), in.Action, in.Value); err != nil {
			WriteJSON(w, http.StatusBadRequest, map[string]any{"message": err.Error()})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	s.mux.HandleFunc("GET /control/v1/providers/{provider}/webhook-key", func(w http.ResponseWriter, r *http.Request) {
		p, ok := s.providerOr404(w, r)
		if !ok {
			return
		}
		key := p.WebhookKey()
		if key == nil {
			WriteJSON(w, http.StatusNotFound, map[string]any{"message": "this provider does not sign webhooks with a key pair"})
			return
		}
		pemText, err := signing.PublicKeyPEM(key)
		if err != nil {
			WriteJSON(w, http.StatusInternalServerError, map[string]any{"message": err.Error()})
			return
		}
		backOffice, err := signing.PublicKeyBase64(key)
		if err != nil {
			WriteJSON(w, http.StatusInternalServerError, map[string]any{"message": err.Error()})
			return
		}
		WriteJSON(w, http.StatusOK, map[string]any{"public_key_pem": pemText, "public_key": backOffice})
	})
	s.mux.HandleFunc("POST /control/v1/providers/{provider}/states", func(w http.ResponseWriter, r *http.Request) {
		p, ok := s.providerOr404(w, r)
		if !ok {
			return
		}
		var in struct {
			State  string         `json:"state"`
			Params map[string]any `json:"params"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.State == "" {
			WriteJSON(w, http.StatusBadRequest, map[string]any{"message": "want {\"state\": NAME, \"params\": {...}}"})
			return
		}
		out, err := p.SetState(in.State, in.Params)
		if err != nil {
			WriteJSON(w, http.StatusBadRequest, map[string]any{"message": err.Error(), "states": p.States()})
			return
		}
		WriteJSON(w, http.StatusOK, out)
	})
	s.mux.HandleFunc("GET /control/v1/clock", func(w http.ResponseWriter, _ *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]any{"now": s.clock.Now().UTC().Format(time.RFC3339Nano), "virtual": s.clock.Frozen()})
	})
	s.mux.HandleFunc("POST /control/v1/clock/advance", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Seconds float64 `json:"seconds"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Seconds <= 0 || in.Seconds > 365*24*3600 {
			WriteJSON(w, http.StatusBadRequest, map[string]any{"message": "want {\"seconds\": N} with 0 < N <= 31536000"})
			return
		}
		now := s.clock.Advance(time.Duration(in.Seconds * float64(time.Second)))
		WriteJSON(w, http.StatusOK, map[string]any{"now": now.UTC().Format(time.RFC3339Nano), "virtual": s.clock.Frozen()})
	})
	s.mux.HandleFunc("POST /control/v1/reset", func(w http.ResponseWriter, _ *http.Request) {
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
}

func (s *Server) providerOr404(w http.ResponseWriter, r *http.Request) (Provider, bool) {
	p, ok := s.providers[r.PathValue("provider")]
	if !ok {
		WriteJSON(w, http.StatusNotFound, map[string]any{"message": fmt.Sprintf("no provider %q here (have %v)", r.PathValue("provider"), s.names)})
	}
	return p, ok
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// StateURL is the absolute http(s) URL params[name] gives a provider state (where its callbacks
// go), or "" when the parameter is absent.
func StateURL(params map[string]any, name string) (string, error) {
	v, ok := params[name]
	if !ok {
		return "", nil
	}
	s, _ := v.(string)
	if u, err := url.Parse(s); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%s %v is not an absolute http(s) URL", name, v)
	}
	return s, nil
}
