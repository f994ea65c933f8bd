package mutate_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/mutate"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/validate"
)

func loadSpec(t *testing.T, provider string) *validate.Spec {
	t.Helper()
	spec, err := validate.Load(paycert.Assets(""), "specs/"+provider+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

func derive(t *testing.T, provider string) map[string]mutate.Mutation {
	t.Helper()
	ms, err := mutate.Derive(loadSpec(t, provider), provider)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]mutate.Mutation{}
	for _, m := range ms {
		out[m.ID] = m
	}
	return out
}

// TestDeriveCoversEveryKind: the mutations of each provider include, by their stable IDs, a
// drop of a nested required field, a change of type, enum replacements, a wrong status, a broken
// signature and a dropped and duplicated callback; an optional field is never dropped.
func TestDeriveCoversEveryKind(t *testing.T) {
	cases := map[string][]string{
		"paysage": {
			"paysage/createPayment/200/drop:transaction.status",
			"paysage/createPayment/200/drop:transaction.mobile_commerce.account_number",
			"paysage/createPayment/200/type:transaction.amount",
			"paysage/createPayment/200/enum:transaction.status:pending->successful",
			"paysage/createPayment/200/enum-out:transaction.status",
			"paysage/createPayment/200/status:201",
			"paysage/createPayment/422/status:200",
			"paysage/paymentWebhook/callback/signature",
			"paysage/paymentWebhook/callback/drop-callback",
			"paysage/paymentWebhook/callback/duplicate-callback",
		},
		"monetix": {
			"monetix/purchaseCallback/callback/drop:operation.status",
			"monetix/refundCallback/callback/signature",
		},
		"freedompay": {
			"freedompay/pay/200/drop:pg_status",
			"freedompay/pay/200/signature",
			"freedompay/resultNotify/callback/drop:pg_result",
		},
	}
	for provider, want := range cases {
		got := derive(t, provider)
		for _, id := range want {
			if _, ok := got[id]; !ok {
				t.Errorf("%s: no mutation %s", provider, id)
			}
		}
	}
	if _, ok := derive(t, "paysage")["paysage/createPayment/200/drop:transaction.paid_at"]; ok {
		t.Error("an optional field (transaction.paid_at) is dropped")
	}
}

// TestApplyJSON: each kind changes exactly what it names, and a Monetix callback changed in a
// field still verifies, while one whose signature is broken does not.
func TestApplyJSON(t *testing.T) {
	const secret = "mutation-test-secret"
	signer, err := signing.NewMonetix(secret, "")
	if err != nil {
		t.Fatal(err)
	}
	doc := map[string]any{"project_id": 12, "operation": map[string]any{"status": "success", "type": "sale"}}
	sig, err := signer.SignCallback(doc)
	if err != nil {
		t.Fatal(err)
	}
	doc["signature"] = sig
	original, _ := json.Marshal(doc)
	keys := mutate.Keys{Monetix: secret}
	cases := []struct {
		m        mutate.Mutation
		changed  bool
		want     string // a fragment of the mutated body
		verifies bool
	}{
		{mutate.Mutation{Kind: mutate.Drop, Path: []string{"operation", "status"}}, true, `"operation":{"type":"sale"}`, true},
		{mutate.Mutation{Kind: mutate.Type, Path: []string{"project_id"}, Types: []string{"integer"}}, true, `"project_id":"paycert-mutant"`, true},
		{mutate.Mutation{Kind: mutate.Enum, Path: []string{"operation", "status"}, From: "success", To: "decline"}, true, `"status":"decline"`, true},
		{mutate.Mutation{Kind: mutate.Enum, Path: []string{"operation", "status"}, From: "decline", To: "success"}, false, `"status":"success"`, true},
		{mutate.Mutation{Kind: mutate.OutOfEnum, Path: []string{"operation", "type"}, To: "paycert-mutant"}, true, `"type":"paycert-mutant"`, true},
		{mutate.Mutation{Kind: mutate.Drop, Path: []string{"missing", "field"}}, false, `"project_id":12`, true},
		{mutate.Mutation{Kind: mutate.Signature}, true, `"project_id":12`, false},
	}
	for _, c := range cases {
		t.Run(string(c.m.Kind)+" "+c.m.Field(), func(t *testing.T) {
			msg := mutate.Message{URL: "http://127.0.0.1/cb", Header: http.Header{"Content-Type": {"application/json"}}, Body: append([]byte(nil), original...)}
			changed, err := c.m.Apply(&msg, keys)
			if err != nil {
				t.Fatal(err)
			}
			if changed != c.changed {
				t.Errorf("changed %v, want %v", changed, c.changed)
			}
			if !strings.Contains(string(msg.Body), c.want) {
				t.Errorf("body %s, want %s in it", msg.Body, c.want)
			}
			if err := signer.VerifyCallback(msg.Body); (err == nil) != c.verifies {
				t.Errorf("signature verifies: %v (%v), want %v", err == nil, err, c.verifies)
			}
		})
	}
}

// TestApplyFreedomPayXML: an element dropped from a signed XML answer leaves a pg_sig that
// verifies for the script called; a broken signature does not verify.
func TestApplyFreedomPayXML(t *testing.T) {
	const secret = "freedompay-mutation-secret"
	signer, err := signing.NewFreedomPay(secret, "")
	if err != nil {
		t.Fatal(err)
	}
	l := signer.Signed("pay", fields.Of("pg_status", "need_approve", "pg_payment_id", "42", "pg_salt", "abc"))
	for _, c := range []struct {
		m        mutate.Mutation
		gone     string
		verifies bool
	}{
		{mutate.Mutation{Kind: mutate.Drop, Path: []string{"pg_status"}}, "<pg_status>", true},
		{mutate.Mutation{Kind: mutate.Type, Path: []string{"pg_payment_id"}, Types: []string{"integer"}}, "<pg_payment_id>42<", true},
		{mutate.Mutation{Kind: mutate.Signature}, "", false},
	} {
		msg := mutate.Message{URL: "/mfs/pay", Header: http.Header{"Content-Type": {"application/xml"}}, Body: l.XML("response")}
		changed, err := c.m.Apply(&msg, mutate.Keys{FreedomPay: secret})
		if err != nil || !changed {
			t.Fatalf("%s: changed %v, %v", c.m.Kind, changed, err)
		}
		if c.gone != "" && strings.Contains(string(msg.Body), c.gone) {
			t.Errorf("%s: %s is still in %s", c.m.Kind, c.gone, msg.Body)
		}
		_, got, err := fields.ParseXML(msg.Body)
		if err != nil {
			t.Fatal(err)
		}
		if err := signer.Verify("pay", got); (err == nil) != c.verifies {
			t.Errorf("%s: signature verifies %v (%v), want %v", c.m.Kind, err == nil, err, c.verifies)
		}
	}
}

// TestProxy: the proxy changes only the answers of the mutated operation and status, passes the
// control API through, re-signs a webhook it changes, and drops and duplicates callbacks.
func TestProxy(t *testing.T) {
	spec := loadSpec(t, "paysage")
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keys := mutate.Keys{Webhook: func(b []byte) (string, error) { return signing.SignRSASHA256(key, b) }}
	const answer = `{"transaction":{"uid":"u1","status":"pending"}}`
	upstream := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(answer))
	})
	drop := mutate.Mutation{Provider: "paysage", Op: "getTransaction", Status: 200, Kind: mutate.Drop, Path: []string{"transaction", "status"}}
	p, err := mutate.New(mutate.Options{Provider: "paysage", Spec: spec, Keys: keys, Mutation: &drop})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler(upstream))
	defer srv.Close()
	for path, want := range map[string]string{
		"/paysage/beyag/transactions/u1":         `{"transaction":{"uid":"u1"}}`,
		"/paysage/beyag/transactions/u1/confirm": answer, // POST only: no operation, passed through
		"/control/v1/capabilities":               answer,
	} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.TrimSpace(string(b)) != want {
			t.Errorf("GET %s: %s, want %s", path, b, want)
		}
	}
	if p.Applied() != 1 {
		t.Errorf("applied %d times, want 1", p.Applied())
	}

	// The same field of another status's answer: the 200 answer is left alone.
	other := drop
	other.Status = 404
	p404, err := mutate.New(mutate.Options{Provider: "paysage", Spec: spec, Keys: keys, Mutation: &other})
	if err != nil {
		t.Fatal(err)
	}
	srv404 := httptest.NewServer(p404.Handler(upstream))
	defer srv404.Close()
	resp, err := http.Get(srv404.URL + "/paysage/beyag/transactions/u1")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.TrimSpace(string(b)) != answer || p404.Applied() != 0 {
		t.Errorf("a mutation of the 404 answer changed the 200 answer: %s (applied %d)", b, p404.Applied())
	}

	// Callbacks: counted at a receiver.
	var got []string
	receiver := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if err := signing.VerifyRSASHA256(&key.PublicKey, b, r.Header.Get("Content-Signature")); err != nil {
			got = append(got, "bad signature")
			return
		}
		got = append(got, string(b))
	}))
	defer receiver.Close()
	for _, c := range []struct {
		kind mutate.Kind
		path []string
		want []string
	}{
		{mutate.DropCallback, nil, nil},
		{mutate.DuplicateCallback, nil, []string{answer, answer}},
		{mutate.Drop, []string{"transaction", "status"}, []string{`{"transaction":{"uid":"u1"}}`}},
		{mutate.Signature, nil, []string{"bad signature"}},
	} {
		got = nil
		m := mutate.Mutation{Provider: "paysage", Op: "paymentWebhook", Kind: c.kind, Path: c.path}
		p, err := mutate.New(mutate.Options{Provider: "paysage", Spec: spec, Keys: keys, Mutation: &m})
		if err != nil {
			t.Fatal(err)
		}
		sig, _ := signing.SignRSASHA256(key, []byte(answer))
		req, _ := http.NewRequest(http.MethodPost, receiver.URL, strings.NewReader(answer))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Signature", sig)
		resp, err := p.Transport().RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if strings.Join(got, "|") != strings.Join(c.want, "|") || resp.StatusCode != http.StatusOK {
			t.Errorf("%s: the receiver got %q (status %d), want %q", c.kind, got, resp.StatusCode, c.want)
		}
	}
}
