package simtest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/sim"
)

// IDPlaceholder, in the path or body of a fuzzed request, stands for the transaction the setup
// request made, so that the fuzzer reaches the handlers that act on one.
const IDPlaceholder = "{id}"

// FuzzSecret is the secret key of the simulator a fuzz target talks to: no answer may carry it.
const FuzzSecret = "fz-secret-5c1d8e2a9b7f4036"

// FuzzRequest is one request a fuzz input describes. Header is "Name: value" lines.
type FuzzRequest struct {
	Method, Path, Header string
	Body                 []byte
	// Authentic asks for the provider's credentials or signature to be put in (Fuzzing.Sign),
	// over whatever the request holds, so that the fuzzer gets past authentication.
	Authentic bool
}

// Fuzzing is how one provider's handler is fuzzed.
type Fuzzing struct {
	Factory sim.Factory
	// Setup, when it has a method, is sent first, authentic, to make a transaction; ID reads the
	// transaction's ID from its answer.
	Setup FuzzRequest
	ID    func(answer []byte) string
	// Sign makes r authentic for creds; it returns the body to send (a signature may be in it).
	Sign func(r *http.Request, body []byte, creds sim.Credentials) []byte
	// Wait bounds one answer: a handler that takes longer hangs (0: 10 seconds, far more than
	// any answer of the simulator takes).
	Wait time.Duration
}

// Fuzzer is a simulator of one provider alone, started once for a fuzz target and reset for
// every input (starting one takes longer than most inputs).
type Fuzzer struct {
	z     Fuzzing
	s     *sim.Server
	h     http.Handler
	creds sim.Credentials
}

// StartFuzzing starts the simulator z fuzzes, in-process: no network, and no callback leaves
// (its dispatcher is stopped). It stops when the fuzz target ends.
func StartFuzzing(f *testing.F, z Fuzzing) *Fuzzer {
	f.Helper()
	creds := sim.Credentials{ID: CredentialsOf(z.Factory).ID, Secret: FuzzSecret}
	s, err := sim.New(sim.Options{Seed: 1, Providers: []sim.Factory{z.Factory}, Credentials: map[string]sim.Credentials{z.Factory.Name: creds}})
	if err != nil {
		f.Fatalf("start simulator: %v", err)
	}
	f.Cleanup(s.Close)
	s.Dispatcher().Close()
	p, _ := s.Provider(z.Factory.Name)
	return &Fuzzer{z: z, s: s, h: p.Handler(), creds: creds}
}

// Serve sends req to the simulator, reset, after the setup, and checks what every answer must
// be: given within the time bound, not a 5XX (no provider documents one), and without the
// simulator's secret key unless the request carried it. A panic fails the fuzz target by itself.
func (fz *Fuzzer) Serve(t *testing.T, req FuzzRequest) {
	t.Helper()
	fz.s.Reset()
	z, h, creds := fz.z, fz.h, fz.creds
	id := "none"
	if z.Setup.Method != "" {
		setup := z.Setup
		setup.Authentic = true
		rec, ok := z.serve(t, h, setup, creds)
		if !ok || rec.Code != http.StatusOK {
			t.Fatalf("setup %s %s: %d %s", setup.Method, setup.Path, rec.Code, rec.Body)
		}
		id = z.ID(rec.Body.Bytes())
	}
	req.Path = strings.ReplaceAll(req.Path, IDPlaceholder, id)
	req.Body = bytes.ReplaceAll(req.Body, []byte(IDPlaceholder), []byte(id))
	rec, ok := z.serve(t, h, req, creds)
	if !ok {
		return
	}
	if rec.Code >= 500 {
		t.Fatalf("%s %s answered %d:\n%s", req.Method, req.Path, rec.Code, rec.Body)
	}
	sent := req.Path + req.Header + string(req.Body)
	if answer := rec.Body.String() + headerText(rec.Header()); strings.Contains(answer, FuzzSecret) && !strings.Contains(sent, FuzzSecret) {
		t.Fatalf("%s %s: the answer carries the secret key:\n%s", req.Method, req.Path, answer)
	}
}

// serve sends one request to h and waits for its answer; ok is false for a request no client
// could send (a method or path that is not HTTP).
func (z Fuzzing) serve(t *testing.T, h http.Handler, in FuzzRequest, creds sim.Credentials) (*httptest.ResponseRecorder, bool) {
	t.Helper()
	wait := z.Wait
	if wait == 0 {
		wait = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	path := in.Path
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	r, err := http.NewRequestWithContext(ctx, in.Method, "http://sim.invalid"+path, nil)
	if err != nil || r.URL.Host != "sim.invalid" {
		return nil, false
	}
	sc := bufio.NewScanner(strings.NewReader(in.Header))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) != "" {
			r.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
		}
	}
	body := in.Body
	if in.Authentic && z.Sign != nil {
		body = z.Sign(r, body, creds)
	}
	r.Body = http.NoBody
	if len(body) > 0 {
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	}
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(rec, r)
	}()
	select {
	case <-done:
		return rec, true
	case <-ctx.Done():
		t.Fatalf("%s %s: no answer within %s", in.Method, in.Path, wait)
		return nil, false
	}
}

func headerText(h http.Header) string {
	var b strings.Builder
	_ = h.Write(&b)
	return b.String()
}

// SignBasic is Fuzzing.Sign for beGateway: the shop's HTTP Basic credentials.
func SignBasic(r *http.Request, body []byte, creds sim.Credentials) []byte {
	r.SetBasicAuth(creds.ID, creds.Secret)
	return body
}

// IDAt is Fuzzing.ID for a JSON answer that names the transaction at a dotted path.
func IDAt(path string) func(answer []byte) string {
	return func(answer []byte) string {
		var a Answer
		_ = json.Unmarshal(answer, &a.Body)
		return a.String(path)
	}
}
