package control_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/control"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/simtest"
)

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

	pemText, err := c.WebhookKey(ctx, "paysage")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := signing.ParsePublicKey(pemText); err != nil {
		t.Errorf("webhook key: %v", err)
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
