package otp_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paycert/paycert/harness/otp"
)

func TestSources(t *testing.T) {
	ctx := context.Background()
	req := otp.Request{Provider: "paysage", Transaction: "uid-1", Phone: "77012345678"}

	s, err := otp.Parse("static:5576", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := s.OTP(ctx, req); got != "5576" {
		t.Errorf("static: %q", got)
	}

	t.Setenv("PAYCERT_TEST_OTP", " 123456\n")
	s, _ = otp.Parse("env:PAYCERT_TEST_OTP", nil)
	if got, _ := s.OTP(ctx, req); got != "123456" {
		t.Errorf("env: %q", got)
	}

	script := filepath.Join(t.TempDir(), "otp.sh")
	body := "#!/bin/sh\necho \"${PAYCERT_OTP_TRANSACTION}-${PAYCERT_OTP_PHONE}\"\necho ignored\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	s, _ = otp.Parse("command:"+script, nil)
	if got, err := s.OTP(ctx, req); err != nil || got != "uid-1-77012345678" {
		t.Errorf("command: %q %v", got, err)
	}

	p := &otp.Prompt{In: strings.NewReader("9911\n\n2222\n"), Out: &strings.Builder{}}
	for _, want := range []string{"9911", "2222"} {
		if got, err := p.OTP(ctx, req); err != nil || got != want {
			t.Errorf("prompt: %q %v, want %s", got, err, want)
		}
	}
	if _, err := p.OTP(ctx, req); err == nil {
		t.Error("a prompt after the input ended gave a code")
	}
}

func TestBadSettings(t *testing.T) {
	for _, s := range []string{"", "static:", "env:", "command:", "sms", "control"} {
		if _, err := otp.Parse(s, nil); err == nil {
			t.Errorf("%q parsed", s)
		}
	}
	t.Setenv("PAYCERT_EMPTY_OTP", "")
	s, _ := otp.Parse("env:PAYCERT_EMPTY_OTP", nil)
	if _, err := s.OTP(context.Background(), otp.Request{}); err == nil {
		t.Error("an empty variable gave a code")
	}
	s, _ = otp.Parse("command:/bin/false", nil)
	if _, err := s.OTP(context.Background(), otp.Request{}); err == nil {
		t.Error("a failing command gave a code")
	}
}
