package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	example := filepath.Join("..", "..", "specs", "examples", "000-payment-request.json")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"document example", []string{"-provider", "paysage", "-op", "createPayment", "-kind", "request", example}, exitConformant, "conformant"},
		{"by method and path", []string{"-provider", "paysage", "-op", "POST /beyag/transactions/payments", "-kind", "request", example}, exitConformant, "createPayment"},
		{"USD payment", []string{"-provider", "paysage", "-op", "createPayment", "-kind", "request",
			write("usd.json", `{"request":{"amount":1,"currency":"USD","description":"d","return_url":"r","method":{"type":"mobile_commerce","account_number":"12345678901"}}}`)}, exitNonConformant, "currency"},
		{"error answer", []string{"-provider", "paysage", "-op", "confirmPayment", "-status", "422", write("err.json", `{"message":"x"}`)}, exitNonConformant, "errors"},
		{"webhook", []string{"-provider", "paysage", "-op", "paymentWebhook", "-kind", "webhook", write("hook.json", `{"transaction":{}}`)}, exitNonConformant, "missing properties"},
		{"not JSON", []string{"-provider", "paysage", "-op", "createPayment", write("html.json", `<html>`)}, exitNonConformant, "not JSON"},
		{"unknown provider", []string{"-provider", "nope", "-op", "createPayment", example}, exitError, ""},
		{"unknown operation", []string{"-provider", "paysage", "-op", "pay", example}, exitError, ""},
		{"undocumented status", []string{"-provider", "paysage", "-op", "createPayment", "-status", "418", example}, exitError, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, append([]string{"validate"}, c.args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, out, errOut)
			}
			if !strings.Contains(out, c.want) {
				t.Errorf("output does not mention %q:\n%s", c.want, out)
			}
		})
	}
	if code, out, _ := runCmd(t, "validate", "-provider", "paysage", "-list"); code != 0 || !strings.Contains(out, "confirmPayment") {
		t.Errorf("-list: %d %s", code, out)
	}
}

// TestRunStopsOnBadConfiguration: a bad setting stops paycert run with exit 2 and the setting's
// name, before any suite is started.
func TestRunStopsOnBadConfiguration(t *testing.T) {
	t.Setenv("PAYCERT_TARGET", "https://sandbox.example")
	t.Setenv("PAYCERT_PAYSAGE_SHOP_ID", "")
	t.Setenv("PAYCERT_PAYSAGE_SECRET_KEY", "")
	code, out, errOut := runCmd(t, "run")
	if code != exitError || !strings.Contains(errOut, "PAYCERT_PAYSAGE_SECRET_KEY") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if strings.Contains(out, "running suite") {
		t.Error("a suite was started with a bad configuration")
	}
}

func TestUsage(t *testing.T) {
	if code, _, _ := runCmd(t); code != exitError {
		t.Errorf("no command: exit %d", code)
	}
	if code, _, _ := runCmd(t, "frobnicate"); code != exitError {
		t.Errorf("unknown command: exit %d", code)
	}
	if code, out, _ := runCmd(t, "help"); code != 0 || !strings.Contains(out, "paycert run") {
		t.Errorf("help: %d", code)
	}
}
