package sim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/simtest"
	"github.com/paycert/paycert/harness/validate"
)

// TestControlAPIAnswersAsDocumented sends the simulator's control API every kind of request, good
// and bad, and checks each answer's status and body against specs/control.yaml: the document
// describes everything the simulator sends.
func TestControlAPIAnswersAsDocumented(t *testing.T) {
	spec, err := validate.Load(paycert.Assets(""), "specs/control.yaml")
	if err != nil {
		t.Fatal(err)
	}
	l := simtest.Start(t, sim.Options{Seed: 3})
	state := call(t, l, http.MethodPost, "/v1/providers/paysage/states", `{"state":"a pending payment"}`)
	var made struct {
		UID string `json:"uid"`
	}
	if err := json.Unmarshal([]byte(state.body), &made); err != nil || made.UID == "" {
		t.Fatalf("state answer %d %s", state.status, state.body)
	}
	cases := []struct {
		method, path, body string
		status             int
	}{
		{http.MethodGet, "/v1/capabilities", "", 200},
		{http.MethodGet, "/v1/providers/paysage/transactions/" + made.UID + "/otp", "", 200},
		{http.MethodGet, "/v1/providers/paysage/transactions/no-such-uid/otp", "", 404},
		{http.MethodGet, "/v1/providers/monetix/transactions/x/otp", "", 404},
		{http.MethodPost, "/v1/providers/monetix/transactions/x/customer", `{"action":"enter-otp","value":"123456"}`, 400},
		{http.MethodPost, "/v1/providers/monetix/transactions/x/customer", `{}`, 400},
		{http.MethodPost, "/v1/providers/paysage/transactions/x/customer", `{"action":"enter-otp","value":"1"}`, 404},
		{http.MethodGet, "/v1/providers/bepaid/webhook-key", "", 200},
		{http.MethodGet, "/v1/providers/freedompay/webhook-key", "", 404},
		{http.MethodPost, "/v1/providers/paysage/states", `{"state":"a pending payment","params":{"amount":100}}`, 200},
		{http.MethodPost, "/v1/providers/paysage/states", `{"state":"no such state"}`, 400},
		{http.MethodPost, "/v1/providers/paysage/states", `not json`, 400},
		{http.MethodPost, "/v1/providers/monetix/states", `{"state":"a pending payment"}`, 400},
		{http.MethodPost, "/v1/providers/freedompay/states", `{"state":"a pending payment"}`, 400},
		{http.MethodPost, "/v1/providers/nosuch/states", `{"state":"a pending payment"}`, 404},
		{http.MethodGet, "/v1/clock", "", 200},
		{http.MethodPost, "/v1/clock/advance", `{"seconds":31}`, 200},
		{http.MethodPost, "/v1/clock/advance", `{"seconds":-1}`, 400},
		{http.MethodPost, "/v1/reset", "", 204},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path+" "+c.body, func(t *testing.T) {
			got := call(t, l, c.method, c.path, c.body)
			if got.status != c.status {
				t.Fatalf("status %d, want %d: %s", got.status, c.status, got.body)
			}
			op, _, err := spec.FindOperation(c.method, c.path)
			if err != nil {
				t.Fatal(err)
			}
			findings, err := spec.CheckResponse(op, nil, got.status, got.header, []byte(got.body))
			if err != nil {
				t.Fatal(err)
			}
			if len(findings) > 0 {
				t.Errorf("the answer is not what specs/control.yaml says:\n%s\n%s", findings, got.body)
			}
		})
	}
}

type answer struct {
	status int
	header http.Header
	body   string
}

func call(t *testing.T, l *sim.Listening, method, path, body string) answer {
	t.Helper()
	req, err := http.NewRequest(method, l.ControlURL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, string(data)}
}
