// Package simtest starts a reference simulator for a Go test: sim := simtest.Start(t) is all a
// test needs; it stops when the test ends.
package simtest

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/providers"
)

// Credentials every provider accepts on a simulator from Start.
var Credentials = sim.Credentials{ID: "test-shop", Secret: "test-secret"}

// CredentialsOf are the credentials the provider of f accepts on a simulator from Start: the
// shared ones, with the provider's own form of ID where it has one (a Monetix project ID).
func CredentialsOf(f sim.Factory) sim.Credentials {
	c := Credentials
	if f.AccountID != "" {
		c.ID = f.AccountID
	}
	return c
}

// Start serves a simulator with every provider on a free loopback port. opts may set the seed,
// faults and clock; Providers and Credentials are filled in when empty.
func Start(t testing.TB, opts sim.Options) *sim.Listening {
	t.Helper()
	if opts.Providers == nil {
		opts.Providers = providers.All()
	}
	if opts.Credentials == nil {
		opts.Credentials = map[string]sim.Credentials{}
		for _, f := range opts.Providers {
			opts.Credentials[f.Name] = CredentialsOf(f)
		}
	}
	s, err := sim.New(opts)
	if err != nil {
		t.Fatalf("start simulator: %v", err)
	}
	l, err := s.Listen("127.0.0.1:0")
	if err != nil {
		s.Close()
		t.Fatalf("start simulator: %v", err)
	}
	t.Cleanup(l.Close)
	return l
}

// Answer is a decoded answer.
type Answer struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

// Call sends a JSON body (nil for none) with the test credentials and decodes the answer.
func Call(t testing.TB, method, url string, body any) Answer {
	t.Helper()
	return CallAs(t, Credentials, method, url, body)
}

// CallAs is Call with other credentials.
func CallAs(t testing.TB, creds sim.Credentials, method, url string, body any) Answer {
	t.Helper()
	return CallWith(t, creds, method, url, nil, body)
}

// CallWith is CallAs with extra request headers (bePaid's X-API-Version).
func CallWith(t testing.TB, creds sim.Credentials, method, url string, header http.Header, body any) Answer {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	req.SetBasicAuth(creds.ID, creds.Secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := Answer{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	_ = json.Unmarshal(raw, &a.Body)
	return a
}

// Get returns the value at a dotted path of the answer.
func (a Answer) Get(path string) any {
	var cur any = a.Body
	for _, k := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// String returns the string at a dotted path of the answer.
func (a Answer) String(path string) string {
	s, _ := a.Get(path).(string)
	return s
}

// Listen accepts connections on a loopback port and hands each to serve until the test ends: a
// target that misbehaves below HTTP (silent, resetting, speaking another protocol). It returns the
// port's http:// URL.
func Listen(t testing.TB, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return "http://" + ln.Addr().String()
}
