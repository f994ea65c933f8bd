// Package control is the client of the test-control API (specs/control.yaml): it reads the OTP a
// target sent, moves the target's virtual clock, sets up named provider states and resets.
package control

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Capabilities is what a target's control API can do.
type Capabilities struct {
	Providers []string `json:"providers"`
	OTP       bool     `json:"otp"`
	// Clock is "virtual" (it moves only when advanced) or "real" (it follows the wall clock).
	Clock string `json:"clock"`
	// Advance says the clock can be moved forward (POST /v1/clock/advance); a virtual clock can
	// always be.
	Advance bool     `json:"advance"`
	States  []string `json:"states"`
	Faults  []string `json:"faults,omitempty"`
}

// CanAdvance reports whether the target's clock can be moved forward through the control API.
func (c Capabilities) CanAdvance() bool { return c.Clock == "virtual" || c.Advance }

// OTP is the one-time password a target sent for a transaction.
type OTP struct {
	OTP       string     `json:"otp"`
	IssuedAt  time.Time  `json:"issued_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	Resends   int        `json:"resends"`
}

// Client calls one target's control API.
type Client struct {
	base string
	http *http.Client
}

// New returns a client for the control API at base (such as "http://127.0.0.1:8080/control").
func New(base string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	return &Client{base: strings.TrimRight(base, "/"), http: hc}
}

// Capabilities asks what the control API can do.
func (c *Client) Capabilities(ctx context.Context) (Capabilities, error) {
	var caps Capabilities
	err := c.call(ctx, http.MethodGet, "/v1/capabilities", nil, &caps)
	return caps, err
}

// OTP returns the OTP most recently sent for a provider's transaction.
func (c *Client) OTP(ctx context.Context, provider, id string) (OTP, error) {
	var o OTP
	err := c.call(ctx, http.MethodGet, "/v1/providers/"+url.PathEscape(provider)+"/transactions/"+url.PathEscape(id)+"/otp", nil, &o)
	return o, err
}

// WebhookKey is the public key that verifies a provider's webhook signatures, in the two forms
// clients read it in.
type WebhookKey struct {
	// PEM is the key with PEM armour (PKIX).
	PEM string `json:"public_key_pem"`
	// BackOffice is the key as a beGateway back office shows it: the Base64 of its DER form, on
	// one line, without armour.
	BackOffice string `json:"public_key"`
}

// WebhookKey returns the public key that verifies a provider's webhook signatures.
func (c *Client) WebhookKey(ctx context.Context, provider string) (WebhookKey, error) {
	var k WebhookKey
	err := c.call(ctx, http.MethodGet, "/v1/providers/"+url.PathEscape(provider)+"/webhook-key", nil, &k)
	return k, err
}

// Now returns the target's time.
func (c *Client) Now(ctx context.Context) (time.Time, error) {
	var t struct {
		Now time.Time `json:"now"`
	}
	err := c.call(ctx, http.MethodGet, "/v1/clock", nil, &t)
	return t.Now, err
}

// Advance moves the target's clock forward by d.
func (c *Client) Advance(ctx context.Context, d time.Duration) error {
	return c.call(ctx, http.MethodPost, "/v1/clock/advance", map[string]any{"seconds": d.Seconds()}, nil)
}

// Virtual is true: advancing a control API's clock is instant.
func (c *Client) Virtual() bool { return true }

// SetState sets up a named provider state and returns the values it created.
func (c *Client) SetState(ctx context.Context, provider, state string, params map[string]any) (map[string]any, error) {
	out := map[string]any{}
	err := c.call(ctx, http.MethodPost, "/v1/providers/"+url.PathEscape(provider)+"/states", map[string]any{"state": state, "params": params}, &out)
	return out, err
}

// ActAsCustomer does what the customer does on the provider's own page for transaction id:
// action is "enter-phone" or "enter-otp", value what they type.
func (c *Client) ActAsCustomer(ctx context.Context, provider, id, action, value string) error {
	path := "/v1/providers/" + url.PathEscape(provider) + "/transactions/" + url.PathEscape(id) + "/customer"
	return c.call(ctx, http.MethodPost, path, map[string]any{"action": action, "value": value}, nil)
}

// Reset forgets every transaction and moves the clock back to its start.
func (c *Client) Reset(ctx context.Context) error {
	return c.call(ctx, http.MethodPost, "/v1/reset", nil, nil)
}

func (c *Client) call(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("control %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return fmt.Errorf("control %s %s: %w", method, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("control %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("control %s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return &StatusError{Method: method, Path: path, Status: resp.StatusCode, Body: strings.TrimSpace(string(data))}
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("control %s %s: answer is not the documented JSON: %w", method, path, err)
	}
	return nil
}

// StatusError is a control API answer with a status other than 2xx.
type StatusError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("control %s %s: status %d: %s", e.Method, e.Path, e.Status, e.Body)
}
