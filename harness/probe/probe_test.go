package probe_test

import (
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/probe"
	"github.com/paycert/paycert/harness/sim/simtest"
)

var endpoints = []probe.Endpoint{
	{Method: http.MethodPost, Path: "/beyag/transactions/payments"},
	{Method: http.MethodGet, Path: "/beyag/transactions/paycert-probe"},
}

// client is what a run probes with: short timeout, no redirects followed.
func client(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// closedPort is an address nothing listens at.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// beyag answers like a beGateway target under prefix: 401 without credentials, 404 elsewhere.
func beyag(prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, prefix+"/beyag/transactions") {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		http.NotFound(w, r)
	})
}

func TestCheck(t *testing.T) {
	served := httptest.NewServer(beyag("/paysage"))
	defer served.Close()
	tlsServer := httptest.NewUnstartedServer(beyag(""))
	tlsServer.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshakes this test breaks on purpose
	tlsServer.StartTLS()
	defer tlsServer.Close()
	silentConns := make(chan net.Conn, 16)
	t.Cleanup(func() {
		close(silentConns)
		for c := range silentConns {
			c.Close()
		}
	})
	silent := simtest.Listen(t, func(c net.Conn) { silentConns <- c })
	notHTTP := simtest.Listen(t, func(c net.Conn) { _, _ = io.WriteString(c, "SSH-2.0-OpenSSH_9.2\r\n"); c.Close() })

	cases := []struct {
		name, url string
		want      []string // what the problem says; none: the target can be tested
	}{
		{"documented paths answer", served.URL + "/paysage", nil},
		{"nothing listens", closedPort(t), []string{"nothing listens at 127.0.0.1:", "connection refused", "start the target"}},
		{"accepts but never answers", silent, []string{"accepted the connection", "sent no HTTP answer"}},
		{"not HTTP", notHTTP, []string{"does not speak HTTP", "another service"}},
		{"https to a plain port", strings.Replace(served.URL, "http://", "https://", 1) + "/paysage", []string{"plain HTTP", "http://"}},
		{"http to a TLS port", strings.Replace(tlsServer.URL, "https://", "http://", 1), []string{"speaks HTTPS", "https://"}},
		{"untrusted certificate", tlsServer.URL, []string{"authority this machine does not trust"}},
		{"root of a prefixed target", served.URL, []string{"404 Not Found on every documented path", "POST /beyag/transactions/payments", "set PAYCERT_TARGET to " + served.URL + "/paysage"}},
		{"a documented segment in the base URL", served.URL + "/paysage/beyag", []string{"404 Not Found on every documented path", "start with /beyag already: set it to " + served.URL + "/paysage"}},
		{"unknown host", "http://no-such-host.invalid", []string{"no-such-host.invalid is not found"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := probe.Check(context.Background(), client(500*time.Millisecond), probe.Target{Setting: "PAYCERT_TARGET", URL: c.url, Provider: "paysage", Endpoints: endpoints})
			if c.want == nil {
				if p != nil {
					t.Fatalf("a usable target is a problem: %v", p)
				}
				return
			}
			if p == nil {
				t.Fatal("no problem found")
			}
			msg := p.Error()
			if !strings.HasPrefix(msg, "PAYCERT_TARGET (") {
				t.Errorf("the problem does not name the setting first: %s", msg)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q does not say %q", msg, w)
				}
			}
		})
	}
}

// TestGuard: a host that stops answering makes the request that found it, and every later one,
// an *Unreachable, the later ones without being sent; a request that hangs on a host that still
// answers is left as its own failure.
func TestGuard(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/slow" {
			<-r.Context().Done()
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	g := &probe.Guard{RequestTimeout: 300 * time.Millisecond, Timeout: 300 * time.Millisecond}
	hc := &http.Client{Transport: g}

	if _, err := hc.Get(srv.URL + "/ok"); err != nil {
		t.Fatalf("a target that answers: %v", err)
	}
	_, err := hc.Get(srv.URL + "/slow")
	var u *probe.Unreachable
	if err == nil || errors.As(err, &u) || !strings.Contains(err.Error(), "no answer within 300ms") {
		t.Fatalf("a hanging request on a host that answers: %v, want its own timeout", err)
	}

	// A request its caller gives up on says nothing about the target: no probe, its own error.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	before := hits.Load()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/slow", nil)
	_, err = hc.Do(req)
	if err == nil || errors.As(err, &u) || strings.Contains(err.Error(), "no answer within") || hits.Load() != before+1 {
		t.Fatalf("a request its caller gave up on: %v (%d requests), want the caller's deadline and no probe", err, hits.Load()-before)
	}

	srv.CloseClientConnections()
	srv.Close()
	_, err = hc.Get(srv.URL + "/ok")
	if !errors.As(err, &u) || !strings.Contains(u.Error(), "target unreachable: nothing listens") {
		t.Fatalf("after the target went away: %v, want *Unreachable", err)
	}
	before = hits.Load()
	if _, err := hc.Get(srv.URL + "/other"); !errors.As(err, &u) {
		t.Errorf("a later request: %v, want *Unreachable", err)
	}
	if hits.Load() != before {
		t.Error("a request to a host known to be down was sent")
	}
	if g.Down(srv.URL) == nil {
		t.Error("Down does not report the host")
	}
}

// TestGuardOnATargetFallingSilent: a target that stops answering while keeping its port open
// makes the request that found it an *Unreachable (not a plain timeout, which the spec would
// report as the target's failure), and the answer of a request before it is read whole.
func TestGuardOnATargetFallingSilent(t *testing.T) {
	var silent atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if silent.Load() {
			<-r.Context().Done()
			return
		}
		_, _ = io.WriteString(w, strings.Repeat("x", 1<<16))
	}))
	defer srv.Close()
	defer srv.CloseClientConnections()
	g := &probe.Guard{RequestTimeout: 300 * time.Millisecond, Timeout: 300 * time.Millisecond}
	hc := &http.Client{Transport: g}
	resp, err := hc.Get(srv.URL + "/a")
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || len(body) != 1<<16 {
		t.Fatalf("read %d bytes: %v", len(body), err)
	}
	silent.Store(true)
	_, err = hc.Get(srv.URL + "/b")
	var u *probe.Unreachable
	if !errors.As(err, &u) || !strings.Contains(u.Error(), "sent no HTTP answer") {
		t.Fatalf("a target fallen silent: %v, want *Unreachable", err)
	}
}
