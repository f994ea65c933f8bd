package replay_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/paysage"
	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/replay"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/simtest"
)

// flow is a PaySage payment recorded against the simulator: created, its status read, confirmed
// with the OTP, its status read again, and a webhook the harness received.
type flow struct {
	bundle  string
	payment paysage.Payment
	uid     string
	// answers are the recorded answers' bodies, in order: create, status, confirm, status.
	answers []string
}

// recordFlow runs the flow against a simulator, recording it as the harness does (secret, OTP
// and phone number redacted), and writes the report bundle.
func recordFlow(t *testing.T) flow {
	t.Helper()
	l := simtest.Start(t, sim.Options{})
	base := l.ProviderURL("paysage")
	red := record.NewRedactor(simtest.Credentials.Secret).Scope()
	rec := record.NewRecorder(red)
	p := paysage.NewPayment()
	red.AddPhone(p.AccountNumber)
	f := flow{payment: p}

	send := func(op, method, path string, body jsondoc.Doc) map[string]any {
		t.Helper()
		var data []byte
		if body != nil {
			var err error
			if data, err = json.Marshal(body); err != nil {
				t.Fatal(err)
			}
		}
		a := simtest.Call(t, method, base+path, body)
		x := rec.Add(record.Raw{Provider: "paysage", Operation: op, Direction: record.Outbound, Method: method, URL: base + path,
			RequestHeader: http.Header{"Content-Type": {"application/json"}}, RequestBody: data,
			Status: a.Status, ResponseHeader: a.Header, ResponseBody: []byte(a.Raw)})
		f.answers = append(f.answers, x.Response.Body)
		if a.Body == nil {
			t.Fatalf("%s: not JSON: %s", op, a.Raw)
		}
		return a.Body
	}

	created := send("createPayment", "POST", "/beyag/transactions/payments", p.Body())
	f.uid = jsondoc.String(created, "transaction.uid")
	if f.uid == "" {
		t.Fatalf("no uid in %v", created)
	}
	send("getTransaction", "GET", "/beyag/transactions/"+f.uid, nil)
	prov, _ := l.Provider("paysage")
	otp, ok := prov.OTP(f.uid)
	if !ok {
		t.Fatal("the simulator sent no OTP")
	}
	red.AddOTP(otp.OTP)
	send("confirmPayment", "POST", "/beyag/transactions/"+f.uid+"/confirm", paysage.Confirm(otp.OTP, nil))
	send("getTransaction", "GET", "/beyag/transactions/"+f.uid, nil)
	rec.Add(record.Raw{Provider: "paysage", Operation: "webhook", Direction: record.Inbound, Method: "POST", URL: "http://127.0.0.1:9/hooks/paysage-1",
		RequestHeader: http.Header{"Content-Type": {"application/json"}}, RequestBody: []byte(`{"transaction":{"status":"successful"}}`), Status: 200})
	if f.answers[1] == f.answers[3] {
		t.Fatal("the two status answers are alike; the flow cannot show their order")
	}

	r := &report.Report{Tool: "paycert", RunID: "test",
		Targets: []report.Target{{Suite: "paysage", Provider: "paysage", Kind: "external", URL: base}},
		Specs:   []report.Spec{{ID: "paysage-flow", Suite: "paysage", Name: "a payment confirmed", State: "passed", Exchanges: rec.Exchanges()}},
	}
	r.Judge()
	f.bundle = filepath.Join(t.TempDir(), "bundle")
	if err := report.Write(f.bundle, r); err != nil {
		t.Fatal(err)
	}
	return f
}

// serve loads a bundle into a replay server on a loopback port; log gets its lines.
func serve(t *testing.T, bundle string, log io.Writer) string {
	t.Helper()
	s, err := replay.Load(bundle, replay.Options{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv.URL
}

// answer is what a replay answered.
type answer struct {
	status int
	source string
	body   string
}

// call sends a JSON body (nil for none) with credentials the recording never had.
func call(t *testing.T, method, url string, body any) answer {
	t.Helper()
	a := simtest.CallAs(t, sim.Credentials{ID: "someone-else", Secret: "another-secret"}, method, url, body)
	return answer{status: a.Status, source: a.Header.Get(replay.SourceHeader), body: a.Raw}
}

// refusalOf decodes a refusal.
func refusalOf(t *testing.T, a answer) (msg string, nearest map[string]any, differs []string) {
	t.Helper()
	if a.status != replay.RefusalStatus {
		t.Fatalf("status %d, want the refusal's %d: %s", a.status, replay.RefusalStatus, a.body)
	}
	var v struct {
		Error   string         `json:"error"`
		Nearest map[string]any `json:"nearest"`
		Differs []string       `json:"differs"`
	}
	if err := json.Unmarshal([]byte(a.body), &v); err != nil {
		t.Fatalf("the refusal is not JSON: %v: %s", err, a.body)
	}
	return v.Error, v.Nearest, v.Differs
}

// TestReplayInOrder: the flow's requests, sent again, get the recorded answers in recorded order
// (the status read twice gets its two answers in turn), with other credentials, another
// tracking_id and a recorded OTP mask standing for any code; once every match is used, the last
// answers again.
func TestReplayInOrder(t *testing.T) {
	f := recordFlow(t)
	base := serve(t, f.bundle, io.Discard) + "/paysage"
	again := f.payment
	again.TrackingID = "paycert-another-one"
	steps := []struct {
		name, method, path string
		body               any
		want               int // index into f.answers
		seq                int
	}{
		{"create", "POST", "/beyag/transactions/payments", again.Body(), 0, 1},
		{"status", "GET", "/beyag/transactions/" + f.uid, nil, 1, 2},
		{"confirm with any code", "POST", "/beyag/transactions/" + f.uid + "/confirm", paysage.Confirm("000000", nil), 2, 3},
		{"status again", "GET", "/beyag/transactions/" + f.uid, nil, 3, 4},
		{"status once more", "GET", "/beyag/transactions/" + f.uid, nil, 3, 4},
	}
	for _, s := range steps {
		got := call(t, s.method, base+s.path, s.body)
		if got.status != http.StatusOK && got.status != http.StatusCreated {
			t.Fatalf("%s: status %d: %s", s.name, got.status, got.body)
		}
		if want := fmt.Sprintf("paysage-flow#%d", s.seq); got.source != want {
			t.Errorf("%s: answered by %q, want %q", s.name, got.source, want)
		}
		if got.body != f.answers[s.want] {
			t.Errorf("%s: answer\n%s\nwant the recorded\n%s", s.name, got.body, f.answers[s.want])
		}
	}
}

// TestReplayRefuses: a request with no recording is refused with 501 and a JSON body naming the
// nearest recording and what differs, and the same line goes to the log; a body that differs in a
// field that is not volatile is refused naming that field.
func TestReplayRefuses(t *testing.T) {
	f := recordFlow(t)
	var log bytes.Buffer
	base := serve(t, f.bundle, &log)
	changedAmount := f.payment
	changedAmount.Amount++
	changedPhone := f.payment
	changedPhone.AccountNumber = "77000000000"
	cases := []struct {
		name, method, path string
		body               any
		msg                string
		differs            []string
		nearestSeq         float64
	}{
		{"an amount not recorded", "POST", "/paysage/beyag/transactions/payments", changedAmount.Body(),
			"paycert replay: no recording for POST /beyag/transactions/payments", []string{"request.amount"}, 1},
		{"another phone number", "POST", "/paysage/beyag/transactions/payments", changedPhone.Body(),
			"paycert replay: no recording for POST /beyag/transactions/payments", []string{"request.method.account_number"}, 1},
		{"an operation not recorded", "POST", "/paysage/beyag/transactions/refunds", map[string]any{"request": map[string]any{"parent_uid": f.uid}},
			"paycert replay: no recording for POST /beyag/transactions/refunds", nil, 0},
		{"a provider not recorded", "GET", "/bepaid/beyag/transactions/" + f.uid, nil,
			"paycert replay: no recording for GET /bepaid/beyag/transactions/" + f.uid + ": the bundle has recordings of paysage only", nil, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			log.Reset()
			msg, nearest, differs := refusalOf(t, call(t, c.method, base+c.path, c.body))
			if !strings.HasPrefix(msg, c.msg) {
				t.Errorf("error %q, want it to start %q", msg, c.msg)
			}
			if !strings.HasPrefix(log.String(), msg) {
				t.Errorf("the log does not say %q:\n%s", msg, log.String())
			}
			if c.differs != nil && strings.Join(differs, ",") != strings.Join(c.differs, ",") {
				t.Errorf("differs %v, want %v", differs, c.differs)
			}
			if c.nearestSeq != 0 {
				if nearest["spec"] != "paysage-flow" || nearest["seq"] != c.nearestSeq {
					t.Errorf("nearest %v, want paysage-flow #%v", nearest, c.nearestSeq)
				}
				if !strings.Contains(log.String(), "paysage-flow#1") || !strings.Contains(log.String(), c.differs[0]) {
					t.Errorf("the log does not name the nearest recording and the field:\n%s", log.String())
				}
			}
		})
	}
}

// TestReplayListsCallbacks: a recorded webhook is listed, not served as an answer.
func TestReplayListsCallbacks(t *testing.T) {
	f := recordFlow(t)
	base := serve(t, f.bundle, io.Discard)
	got := call(t, "GET", base+replay.CallbacksPath, nil)
	var list []replay.Callback
	if err := json.Unmarshal([]byte(got.body), &list); err != nil {
		t.Fatalf("%v: %s", err, got.body)
	}
	if len(list) != 1 || list[0].Spec != "paysage-flow" || list[0].Seq != 5 || !strings.Contains(list[0].Body, "successful") {
		t.Errorf("callbacks %+v, want the one webhook of the flow", list)
	}
	if _, _, differs := refusalOf(t, call(t, "POST", base+"/paysage/hooks/paysage-1", nil)); differs == nil {
		t.Error("no differs list in the refusal")
	}
}

// TestLoadRefuses: a folder that is no bundle, and a bundle with no recorded request, are errors.
func TestLoadRefuses(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty")
	r := &report.Report{Tool: "paycert", RunID: "empty", Started: time.Now(), Specs: []report.Spec{{ID: "s", Suite: "paysage", State: "passed"}}}
	r.Judge()
	if err := report.Write(empty, r); err != nil {
		t.Fatal(err)
	}
	notBundle := t.TempDir()
	if err := os.WriteFile(filepath.Join(notBundle, "notes.txt"), []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := replay.Load(empty, replay.Options{}); !errors.Is(err, replay.ErrNoRecordings) {
		t.Errorf("a bundle with no exchanges: %v, want ErrNoRecordings", err)
	}
	if _, err := replay.Load(notBundle, replay.Options{}); err == nil || !strings.Contains(err.Error(), "not a report bundle") {
		t.Errorf("a folder that is no bundle: %v", err)
	}
}
