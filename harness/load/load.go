// Package load is a bounded load generator for targets on this machine: a number of workers (one
// connection each) repeat an operation until a fixed count is done or a duration has passed, and
// the run reports operations and requests per second, errors, and a latency histogram with its
// quantiles. It refuses any URL that is not on the loopback interface, and it always stops by
// itself.
package load

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Op is one operation: a request, or a flow of several. It returns nil when the target answered
// as expected.
type Op func(ctx context.Context) error

// Config bounds a run: Count operations in all or, when Count is 0, as many as Duration allows.
// A run with neither is refused.
type Config struct {
	// Connections is the number of workers, each with one operation in flight.
	Connections int
	// Count is how many operations to run in all; 0 means run for Duration.
	Count int
	// Duration is how long to start operations for, when Count is 0.
	Duration time.Duration
	// RequestsPerOp is how many HTTP requests one operation sends (1 when 0), for req/s.
	RequestsPerOp int
}

// Result is what a run measured.
type Result struct {
	Connections int
	Ops         int
	Requests    int
	Errors      int
	// FirstError is the first operation's error, to say what went wrong.
	FirstError error
	Elapsed    time.Duration
	Latency    *Histogram
}

// OpsPerSecond is the rate of operations over the run.
func (r Result) OpsPerSecond() float64 { return rate(r.Ops, r.Elapsed) }

// RequestsPerSecond is the rate of HTTP requests over the run.
func (r Result) RequestsPerSecond() float64 { return rate(r.Requests, r.Elapsed) }

func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// ErrUnbounded is returned for a Config that sets neither Count nor Duration.
var ErrUnbounded = errors.New("load: a run needs a count or a duration")

// Run runs op with cfg.Connections workers until the bound is reached or ctx ends, and returns
// what it measured. Every operation started runs to its end and is counted: op gets ctx, not the
// run's deadline, so that a flow is never cut in the middle.
func Run(ctx context.Context, cfg Config, op Op) (Result, error) {
	if cfg.Connections <= 0 {
		return Result{}, fmt.Errorf("load: %d connections (want at least 1)", cfg.Connections)
	}
	if cfg.Count <= 0 && cfg.Duration <= 0 {
		return Result{}, ErrUnbounded
	}
	perOp := max(cfg.RequestsPerOp, 1)
	// running ends the starting of operations; an operation started runs on ctx to its end.
	running, stop := context.WithCancel(ctx)
	defer stop()
	if cfg.Count <= 0 {
		running, stop = context.WithTimeout(running, cfg.Duration)
		defer stop()
	}
	var (
		next    atomic.Int64 // operations claimed, for a counted run
		wg      sync.WaitGroup
		workers = make([]worker, cfg.Connections)
	)
	started := time.Now()
	for i := range workers {
		w := &workers[i]
		w.latency = NewHistogram()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for running.Err() == nil {
				if cfg.Count > 0 && next.Add(1) > int64(cfg.Count) {
					return
				}
				t0 := time.Now()
				err := op(ctx)
				w.latency.Record(time.Since(t0))
				w.ops++
				if err != nil {
					w.errors++
					if w.first == nil {
						w.first = err
					}
				}
			}
		}()
	}
	wg.Wait()
	res := Result{Connections: cfg.Connections, Elapsed: time.Since(started), Latency: NewHistogram()}
	for i := range workers {
		w := &workers[i]
		res.Ops += w.ops
		res.Errors += w.errors
		if res.FirstError == nil {
			res.FirstError = w.first
		}
		res.Latency.Merge(w.latency)
	}
	res.Requests = res.Ops * perOp
	return res, nil
}

// worker is one connection's tally; only its goroutine writes it until the run ends.
type worker struct {
	ops, errors int
	first       error
	latency     *Histogram
}

// CheckLoopback refuses a URL whose host is not a loopback address: "localhost" or a literal IP
// address of the loopback network. Names are not resolved, so nothing but this machine is ever
// reached.
func CheckLoopback(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("load: target %q: %w", rawURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("load: target %q is not an http(s) URL", rawURL)
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("load: target %q is not on the loopback interface (want 127.0.0.0/8, ::1 or localhost)", rawURL)
}

// NewClient returns an HTTP client for conns workers on one loopback target: it keeps a
// connection per worker alive, and refuses to send a request anywhere but loopback, redirects
// included.
func NewClient(conns int) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
	return &http.Client{Transport: loopbackOnly{tr}, Timeout: 10 * time.Second}
}

// loopbackOnly refuses every request whose URL is not on loopback.
type loopbackOnly struct{ rt http.RoundTripper }

func (l loopbackOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := CheckLoopback(r.URL.String()); err != nil {
		return nil, err
	}
	return l.rt.RoundTrip(r)
}

// CloseIdleConnections closes the client's idle connections.
func (l loopbackOnly) CloseIdleConnections() {
	if c, ok := l.rt.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
