// Package otp_test checks the OTP source example beside it against a stand-in SMS gateway, as
// paycert's command source runs it.
package otp_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/otp"
)

// gateway answers the messages sent to +77011234567, newest first; it records what it was asked.
func gateway(t *testing.T, messages string) (*httptest.Server, *http.Request) {
	t.Helper()
	var got http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = *r.Clone(context.Background())
		if r.URL.Query().Get("to") != "+77011234567" {
			_, _ = w.Write([]byte(`[]`))
			return
		}
		_, _ = w.Write([]byte(messages))
	}))
	t.Cleanup(srv.Close)
	return srv, &got
}

func source(t *testing.T, env ...string) otp.Command {
	t.Helper()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("the example needs curl: " + err.Error())
	}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	return otp.Command{Path: "./sms-gateway-otp.sh", Timeout: 30 * time.Second}
}

func TestPrintsTheCodeOfTheNewestMessage(t *testing.T) {
	srv, asked := gateway(t, `[{"to":"+77011234567","received_at":"2025-04-26T07:15:00Z","text":"Your code: 4821"},`+
		`{"to":"+77011234567","received_at":"2025-04-26T07:13:00Z","text":"Your code: 1111"}]`)
	src := source(t, "SMS_GATEWAY_URL="+srv.URL+"/messages", "SMS_GATEWAY_TOKEN=tok-123")
	code, err := src.OTP(context.Background(), otp.Request{Provider: "paysage", Transaction: "tx-1", Phone: "+7 701 123 45 67"})
	if err != nil {
		t.Fatal(err)
	}
	if code != "4821" {
		t.Errorf("code %q, want 4821 (the newest message's)", code)
	}
	if asked.URL.Path != "/messages" || asked.URL.Query().Get("since") == "" {
		t.Errorf("asked %s, want /messages with to and since", asked.URL)
	}
	if asked.Header.Get("Authorization") != "Bearer tok-123" {
		t.Errorf("Authorization %q", asked.Header.Get("Authorization"))
	}
}

func TestSaysWhyWhenNoCodeCame(t *testing.T) {
	srv, _ := gateway(t, `[]`)
	src := source(t, "SMS_GATEWAY_URL="+srv.URL, "SMS_WAIT_SECONDS=0")
	_, err := src.OTP(context.Background(), otp.Request{Provider: "paysage", Transaction: "tx-2", Phone: "+77019999999"})
	if err == nil || !strings.Contains(err.Error(), "no message with a code reached +77019999999") {
		t.Errorf("err = %v, want the reason", err)
	}
}

func TestNeedsTheGateway(t *testing.T) {
	src := source(t, "SMS_GATEWAY_URL=")
	_, err := src.OTP(context.Background(), otp.Request{Phone: "+77011234567"})
	if err == nil || !strings.Contains(err.Error(), "SMS_GATEWAY_URL") {
		t.Errorf("err = %v, want it to name SMS_GATEWAY_URL", err)
	}
}
