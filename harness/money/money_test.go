package money

import (
	"errors"
	"io"
	"math/big"
	"net/http"
	"strings"
	"testing"
)

var (
	begateway = Provider{Name: "PaySage", Creates: []string{"createPayment"}, FollowUps: []string{"confirmPayment", "refundPayment"},
		TestModeField: "request.test", TestModeOn: "true", MinorUnits: true,
		AmountFields: map[string]string{"createPayment": "request.amount", "refundPayment": "request.amount"}}
	monetix = Provider{Name: "Monetix", Creates: []string{"purchase"}, FollowUps: []string{"submitOTP", "refund"}, MinorUnits: true,
		SandboxHosts: []string{"sandbox.example"}, AmountFields: map[string]string{"purchase": "payment.amount"}}
	freedompay = Provider{Name: "FreedomPay", Creates: []string{"initPayment"}, FollowUps: []string{"pay", "approve"},
		TestModeField: "pg_testing_mode", TestModeOn: "1", AmountFields: map[string]string{"initPayment": "pg_amount"}}
)

func TestJudge(t *testing.T) {
	one := big.NewRat(1, 1)
	tests := []struct {
		name  string
		p     Provider
		base  string
		a     Allowance
		want  Rule
		fails Rule
	}{
		{"embedded", monetix, "http://127.0.0.1:1/monetix", Allowance{Embedded: true}, Simulator, ""},
		{"control API on the same host", monetix, "http://127.0.0.1:8080/monetix", Allowance{ControlURL: "http://127.0.0.1:8080/control"}, TestDouble, ""},
		{"control API elsewhere", monetix, "https://api.trxhost.com", Allowance{ControlURL: "http://127.0.0.1:8080/control"}, "", NoLiveMoney},
		{"sandbox host", monetix, "https://SANDBOX.example/v2", Allowance{}, SandboxHost, ""},
		{"no test mode, not allowed", monetix, "https://api.trxhost.com", Allowance{}, "", NoLiveMoney},
		{"allowed without a cap", monetix, "https://api.trxhost.com", Allowance{Live: []string{"api.trxhost.com"}}, "", MaxAmount},
		{"allowed with a cap", monetix, "https://api.trxhost.com", Allowance{Live: []string{"api.trxhost.com"}, Max: one}, AllowLive, ""},
		{"allowed on another port", monetix, "https://api.trxhost.com:8443", Allowance{Live: []string{"api.trxhost.com:443"}, Max: one}, "", NoLiveMoney},
		{"allowed by name, any port", monetix, "https://api.trxhost.com:8443", Allowance{Live: []string{"api.trxhost.com"}, Max: one}, AllowLive, ""},
		{"test mode", begateway, "https://api.paysage.io", Allowance{}, TestMode, ""},
		{"loopback is not a test double by itself", monetix, "http://127.0.0.1:9000", Allowance{}, "", NoLiveMoney},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Judge(tt.p, tt.base, tt.a)
			var r *Refusal
			switch {
			case tt.fails == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.fails != "" && !errors.As(err, &r):
				t.Fatalf("Judge = %s, %v; want a refusal by rule %s", got, err, tt.fails)
			case tt.fails != "" && r.Rule != tt.fails:
				t.Fatalf("refused by rule %s, want %s: %v", r.Rule, tt.fails, err)
			case got != tt.want:
				t.Errorf("Judge = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestRefusalNamesTheSettings(t *testing.T) {
	_, err := Judge(monetix, "https://api.trxhost.com", Allowance{})
	for _, want := range []string{"api.trxhost.com", "rule no-live-money", AllowLiveSetting + "=api.trxhost.com", MaxAmountSetting, "Monetix"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not say %q", err, want)
		}
	}
}

// counting is a transport that counts what reaches it.
type counting struct{ n int }

func (c *counting) RoundTrip(*http.Request) (*http.Response, error) {
	c.n++
	return &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}}, nil
}

func request(t *testing.T, op, contentType, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "https://api.example/x", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Op", op)
	return req
}

func TestGuard(t *testing.T) {
	byHeader := func(r *http.Request) string { return r.Header.Get("X-Op") }
	const jsonType, formType = "application/json", "application/x-www-form-urlencoded"
	tests := []struct {
		name            string
		p               Provider
		rule            Rule
		max             string
		op, ctype, body string
		refused         Rule
	}{
		{"test payment", begateway, TestMode, "", "createPayment", jsonType, `{"request":{"test":true,"amount":100}}`, ""},
		{"live payment", begateway, TestMode, "", "createPayment", jsonType, `{"request":{"test":false,"amount":100}}`, TestModeRequired},
		{"payment without test", begateway, TestMode, "", "createPayment", jsonType, `{"request":{"amount":100}}`, TestModeRequired},
		{"test as a string", begateway, TestMode, "", "createPayment", jsonType, `{"request":{"test":"true"}}`, ""},
		{"trailing data after a live payment", begateway, TestMode, "", "createPayment", jsonType, `{"request":{"test":false,"amount":100}} {"x":1}`, TestModeRequired},
		{"a body that is not JSON", begateway, TestMode, "", "createPayment", jsonType, `request=1`, ""},
		{"a body cut short", begateway, TestMode, "", "createPayment", jsonType, `{"request":{"amount":100,"test":fal`, ""},
		{"a JSON array holding a payment", begateway, TestMode, "", "createPayment", jsonType, `[{"request":{"test":false,"amount":100}}]`, ""},
		{"a test payment sent as a form", begateway, TestMode, "", "createPayment", formType, `{"request":{"test":true,"amount":100}}`, ""},
		{"a live payment sent as a form", begateway, TestMode, "", "createPayment", formType, `{"request":{"test":false,"amount":100}}`, TestModeRequired},
		{"a live form sent as JSON", freedompay, TestMode, "", "initPayment", jsonType, `pg_amount=150&pg_testing_mode=0`, TestModeRequired},
		{"a confirmation", begateway, TestMode, "", "confirmPayment", jsonType, `{"request":{"password":"1"}}`, ""},
		{"a status query", begateway, TestMode, "", "getTransaction", "", ``, ""},
		{"a form in test mode", freedompay, TestMode, "", "initPayment", formType, `pg_amount=150&pg_testing_mode=1`, ""},
		{"a form live", freedompay, TestMode, "", "initPayment", formType, `pg_amount=150&pg_testing_mode=0`, TestModeRequired},
		{"a multipart form live", freedompay, TestMode, "", "initPayment", "multipart/form-data; boundary=b",
			"--b\r\nContent-Disposition: form-data; name=\"pg_amount\"\r\n\r\n150\r\n--b\r\nContent-Disposition: form-data; name=\"pg_testing_mode\"\r\n\r\n0\r\n--b--\r\n", TestModeRequired},
		{"under the cap", monetix, AllowLive, "1.00", "purchase", jsonType, `{"payment":{"amount":100}}`, ""},
		{"over the cap", monetix, AllowLive, "1.00", "purchase", jsonType, `{"payment":{"amount":101}}`, MaxAmount},
		{"over the cap in major units", freedompay, TestMode, "100", "initPayment", formType, `pg_amount=100.01&pg_testing_mode=1`, MaxAmount},
		{"the cap on a sandbox too", monetix, SandboxHost, "0.50", "purchase", jsonType, `{"payment":{"amount":51}}`, MaxAmount},
		{"no cap", monetix, SandboxHost, "", "purchase", jsonType, `{"payment":{"amount":100000000}}`, ""},
		{"the simulator", begateway, Simulator, "0.01", "createPayment", jsonType, `{"request":{"test":false,"amount":9999}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := &counting{}
			g := &Guard{Provider: tt.p, Rule: tt.rule, Operation: byHeader, Next: next}
			if tt.max != "" {
				var err error
				if g.Max, err = ParseAmount(tt.max); err != nil {
					t.Fatal(err)
				}
			}
			resp, err := g.RoundTrip(request(t, tt.op, tt.ctype, tt.body))
			if tt.refused == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				resp.Body.Close()
				if next.n != 1 {
					t.Errorf("the request reached the target %d times, want once", next.n)
				}
				return
			}
			var r *Refusal
			if !errors.As(err, &r) || r.Rule != tt.refused {
				t.Fatalf("RoundTrip error %v, want a refusal by rule %s", err, tt.refused)
			}
			if next.n != 0 {
				t.Errorf("a refused request reached the target")
			}
			if !strings.HasPrefix(err.Error(), RefusalPrefix) || !strings.Contains(err.Error(), tt.op) {
				t.Errorf("refusal %q does not start with %q and name %s", err, RefusalPrefix, tt.op)
			}
		})
	}
}

func TestGuardLeavesTheBodyToSend(t *testing.T) {
	var got string
	g := &Guard{Provider: begateway, Rule: TestMode, Operation: func(*http.Request) string { return "createPayment" },
		Next: roundTrip(func(r *http.Request) (*http.Response, error) {
			b, err := io.ReadAll(r.Body)
			got = string(b)
			if err != nil {
				return nil, err
			}
			return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
		})}
	req, _ := http.NewRequest(http.MethodPost, "https://api.example/x", strings.NewReader(`{"request":{"test":true}}`))
	req.GetBody = nil
	if _, err := g.RoundTrip(req); err != nil {
		t.Fatal(err)
	}
	if got != `{"request":{"test":true}}` {
		t.Errorf("the target got %q, want the body the guard read", got)
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestParseSettings(t *testing.T) {
	for _, bad := range []string{"0", "-1", "abc", "1/2", "1e3", ""} {
		if _, err := ParseAmount(bad); err == nil {
			t.Errorf("ParseAmount(%q) took it", bad)
		}
	}
	if r, err := ParseAmount(" 2.50 "); err != nil || r.FloatString(2) != "2.50" {
		t.Errorf("ParseAmount(2.50) = %v, %v", r, err)
	}
	hosts, err := ParseHosts("API.trxhost.com, https://api.freedompay.kz/mfs ,")
	if err != nil || strings.Join(hosts, " ") != "api.trxhost.com api.freedompay.kz" {
		t.Errorf("ParseHosts = %q, %v", hosts, err)
	}
	if _, err := ParseHosts("*.example.com"); err == nil {
		t.Error("ParseHosts took a wildcard")
	}
}
