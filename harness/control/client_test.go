package control_test

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/control"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/simtest"
)

// backOfficeKey reads a key the way the beGateway PHP library reads the one a shop configures
// (providers-facts §1.9): newlines stripped, cut into 64-character lines, wrapped in PEM armour.
// It fails the test when that gives no key.
func backOfficeKey(t *testing.T, configured string) *rsa.PublicKey {
	t.Helper()
	flat := strings.NewReplacer("\n", "", "\r", "").Replace(configured)
	var b strings.Builder
	b.WriteString("-----BEGIN PUBLIC KEY-----\n")
	for len(flat) > 64 {
		b.WriteString(flat[:64] + "\n")
		flat = flat[64:]
	}
	b.WriteString(flat + "\n-----END PUBLIC KEY-----\n")
	block, _ := pem.Decode([]byte(b.String()))
	if block == nil {
		t.Fatalf("the key %.40q… does not read as the back-office form", configured)
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatalf("the key %.40q… does not read as the back-office form: %v", configured, err)
	}
	return k.(*rsa.PublicKey)
}

// TestWebhookKeyForms: the PEM form given to a client that expects the back-office form breaks
// (so the control API gives both, and each reads as the same key).
func TestWebhookKeyForms(t *testing.T) {
	l := simtest.Start(t, sim.Options{Seed: 1})
	key, err := control.New(l.ControlURL(), nil).WebhookKey(context.Background(), "bepaid")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(key.BackOffice, "-----") || strings.ContainsAny(key.BackOffice, "\n ") {
		t.Errorf("the back-office form has armour or line breaks: %q", key.BackOffice)
	}
	backOfficeKey(t, key.BackOffice)
	flat := strings.NewReplacer("\n", "").Replace(key.PEM)
	if block, _ := pem.Decode([]byte("-----BEGIN PUBLIC KEY-----\n" + flat + "\n-----END PUBLIC KEY-----\n")); block != nil {
		if _, err := x509.ParsePKIXPublicKey(block.Bytes); err == nil {
			t.Error("the PEM form read as the back-office form: the two forms are not told apart")
		}
	}
}

// TestRunningClockAdvances: a simulator on the real clock says it can be moved forward, and is.
func TestRunningClockAdvances(t *testing.T) {
	l := simtest.Start(t, sim.Options{Seed: 1, Running: true})
	c := control.New(l.ControlURL(), nil)
	ctx := context.Background()
	caps, err := c.Capabilities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if caps.Clock != "real" || !caps.Advance || !caps.CanAdvance() {
		t.Fatalf("capabilities of a running clock: %+v", caps)
	}
	before, _ := c.Now(ctx)
	if err := c.Advance(ctx, 90*time.Second); err != nil {
		t.Fatal(err)
	}
	if after, _ := c.Now(ctx); after.Sub(before) < 90*time.Second {
		t.Errorf("after Advance(90s) the running clock moved %s", after.Sub(before))
	}
}

// TestControlAPI drives the simulator's control API through the client.
func TestControlAPI(t *testing.T) {
	l := simtest.Start(t, sim.Options{Seed: 1, Faults: []string{"paysage.drop-webhook"}})
	c := control.New(l.ControlURL(), nil)
	ctx := context.Background()

	caps, err := c.Capabilities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !caps.OTP || caps.Clock != "virtual" || len(caps.Providers) == 0 || len(caps.States) == 0 || len(caps.Faults) != 1 {
		t.Errorf("capabilities: %+v", caps)
	}

	start, err := c.Now(ctx)
	if err != nil || !start.Equal(sim.DefaultStart) {
		t.Fatalf("Now = %v, %v", start, err)
	}
	if err := c.Advance(ctx, 90*time.Second); err != nil {
		t.Fatal(err)
	}
	if now, _ := c.Now(ctx); now.Sub(start) != 90*time.Second {
		t.Errorf("after Advance(90s) the clock moved %s", now.Sub(start))
	}

	out, err := c.SetState(ctx, "paysage", "a pending payment", map[string]any{"amount": 5000})
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := out["uid"].(string)
	o, err := c.OTP(ctx, "paysage", uid)
	if err != nil || len(o.OTP) != 4 {
		t.Fatalf("OTP of a pending payment: %+v %v", o, err)
	}

	key, err := c.WebhookKey(ctx, "paysage")
	if err != nil {
		t.Fatal(err)
	}
	fromPEM, err := signing.ParsePublicKey(key.PEM)
	if err != nil {
		t.Fatalf("webhook key in PEM: %v", err)
	}
	if !fromPEM.Equal(backOfficeKey(t, key.BackOffice)) {
		t.Error("the back-office form is another key than the PEM one")
	}

	if err := c.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if now, _ := c.Now(ctx); !now.Equal(start) {
		t.Errorf("Reset did not move the clock back: %v", now)
	}
	_, err = c.OTP(ctx, "paysage", uid)
	var se *control.StatusError
	if !errors.As(err, &se) || se.Status != 404 {
		t.Errorf("OTP after Reset: %v", err)
	}
	if _, err := c.SetState(ctx, "paysage", "no such state", nil); err == nil {
		t.Error("an unknown state was set up")
	}
	if _, err := c.OTP(ctx, "nobody", "x"); err == nil {
		t.Error("an unknown provider answered")
	}
}
