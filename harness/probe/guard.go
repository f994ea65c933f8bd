package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Unreachable is the error of a request to a target that has stopped answering: the request got
// no answer, and neither did a probe sent right after it.
type Unreachable struct {
	*Problem
	// Cause is the error of the request that found it.
	Cause error
}

// UnreachablePrefix starts the message of an *Unreachable.
const UnreachablePrefix = "target unreachable: "

func (u *Unreachable) Error() string {
	return fmt.Sprintf("%s%s (%s); %s", UnreachablePrefix, u.What, u.URL, u.Fix)
}

// Unwrap is the request's own error.
func (u *Unreachable) Unwrap() error { return u.Cause }

// Guard is an http.RoundTripper that notices a target going away in the middle of a run. When a
// request gets no answer, it probes the request's host once more; when that gets none either,
// the host is down: the request's error becomes an *Unreachable, and so does every later
// request's to that host, without sending it. A request that gets no answer from a host that
// still answers others is left as it is: that is the target's failure to answer, evidence for
// one spec.
//
// The guard also bounds each request (RequestTimeout), in place of http.Client.Timeout: the
// client would replace the error of a request that timed out with its own, and the *Unreachable
// with it.
type Guard struct {
	// Next sends the requests (http.DefaultTransport when nil).
	Next http.RoundTripper
	// RequestTimeout bounds a request until its answer's body is read; zero: no bound.
	RequestTimeout time.Duration
	// Timeout bounds the probe (Timeout when zero).
	Timeout time.Duration

	mu   sync.Mutex
	down map[string]*Unreachable
}

// RoundTrip sends req, or fails it at once when its host is down.
func (g *Guard) RoundTrip(req *http.Request) (*http.Response, error) {
	host := req.URL.Scheme + "://" + req.URL.Host
	if u := g.Down(host); u != nil {
		return nil, u
	}
	caller := req.Context()
	cancel := context.CancelFunc(func() {})
	if g.RequestTimeout > 0 {
		var ctx context.Context
		ctx, cancel = context.WithTimeout(req.Context(), g.RequestTimeout)
		req = req.WithContext(ctx)
	}
	resp, err := g.next().RoundTrip(req)
	if err == nil {
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
		return resp, nil
	}
	cancel()
	// A request its caller gave up on (cancelled, or out of its own time) says nothing about the
	// target.
	if caller.Err() != nil {
		return nil, err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("no answer within %s: %w", g.RequestTimeout, err)
	}
	hc := &http.Client{Transport: g.next(), Timeout: g.timeout(),
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	a := send(context.Background(), hc, host+"/", http.MethodGet)
	if a.err == nil {
		return nil, err
	}
	p := Unanswered(host, a.err, a.connected)
	u := &Unreachable{Problem: p, Cause: err}
	g.mu.Lock()
	if g.down == nil {
		g.down = map[string]*Unreachable{}
	}
	if g.down[host] == nil {
		g.down[host] = u
	}
	g.mu.Unlock()
	return nil, u
}

// cancelOnClose ends a request's time bound when its answer's body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

// Close closes the body and releases the request's timer.
func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// Down returns why host ("https://api.example") is down, or nil.
func (g *Guard) Down(host string) *Unreachable {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.down[host]
}

func (g *Guard) next() http.RoundTripper {
	if g.Next != nil {
		return g.Next
	}
	return http.DefaultTransport
}

func (g *Guard) timeout() time.Duration {
	if g.Timeout > 0 {
		return g.Timeout
	}
	return Timeout
}
