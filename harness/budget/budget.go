// Package budget spaces the requests a run sends to one provider: a minimum interval between two
// requests and a most per minute. A budget is kept in a small state file, locked while a request
// takes its slot, so that every spec, every parallel worker and every process of a run (and any
// other run on this machine against the same provider account) draw on the same budget. A request
// waits for its slot with its context, never longer; nothing sleeps in a spec.
package budget

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paycert/paycert/harness/clock"
)

// Window is the span PerMinute counts requests over.
const Window = time.Minute

// Limits are how requests to one provider are spaced.
type Limits struct {
	// MinInterval is the least time between the starts of two requests.
	MinInterval time.Duration
	// PerMinute is the most requests started in any minute; zero: no such limit.
	PerMinute int
	// Source says where the figures come from (a provider's document, or paycert's conservative
	// default where the documents say nothing).
	Source string
}

// Off reports whether the limits space nothing.
func (l Limits) Off() bool { return l.MinInterval <= 0 && l.PerMinute <= 0 }

// String describes the limits for the report's target table ("2s apart, at most 30 a minute").
func (l Limits) String() string {
	var parts []string
	if l.MinInterval > 0 {
		parts = append(parts, l.MinInterval.String()+" apart")
	}
	if l.PerMinute > 0 {
		parts = append(parts, fmt.Sprintf("at most %d a minute", l.PerMinute))
	}
	if len(parts) == 0 {
		return "off"
	}
	return strings.Join(parts, ", ")
}

// ParseRate reads a rate setting: "30/min", "2/s", "120/h", or a bare number of requests a minute.
// It returns requests a minute, rounded down (a rate under one a minute is an error: the window is
// a minute).
func ParseRate(s string) (int, error) {
	s = strings.TrimSpace(s)
	n, unit, hasUnit := strings.Cut(s, "/")
	count, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
	if err != nil || count <= 0 {
		return 0, fmt.Errorf("%q is not a rate (such as 30/min or 1/s)", s)
	}
	per := time.Minute
	if hasUnit {
		switch strings.TrimSpace(unit) {
		case "s", "sec", "second":
			per = time.Second
		case "m", "min", "minute":
			per = time.Minute
		case "h", "hour":
			per = time.Hour
		default:
			return 0, fmt.Errorf("%q is not a rate: the unit after / is s, min or h", s)
		}
	}
	perMinute := int(count * float64(time.Minute) / float64(per))
	if perMinute < 1 {
		return 0, fmt.Errorf("%q is under one request a minute", s)
	}
	return perMinute, nil
}

// Budget hands out request slots for one provider account. It is safe for concurrent use, and
// shares its slots with every Budget of the same key on this machine through its state file.
type Budget struct {
	limits Limits
	path   string
	// now and sleep are the wall clock and a wait that ends with the context; tests give fakes.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error

	// mu orders this process's reservations (the file lock orders the processes').
	mu      sync.Mutex
	sent    int
	waited  time.Duration
	backoff time.Time
}

// Options make a Budget.
type Options struct {
	// Dir holds the state files (one per key); it is made when missing.
	Dir string
	// Key names the provider account the budget is for (provider, host and account ID): every
	// Budget of the same Dir and Key shares the slots.
	Key string
	// Now and Sleep replace the wall clock and the real wait (tests).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// DefaultDir is where state files go when no folder is set: paycert's folder in the user's cache,
// else in the temporary folder.
func DefaultDir() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "paycert", "budget")
	}
	return filepath.Join(os.TempDir(), "paycert-budget")
}

// New returns the budget of o.Key with limits l.
func New(l Limits, o Options) (*Budget, error) {
	if o.Dir == "" {
		o.Dir = DefaultDir()
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("request budget: %w", err)
	}
	sum := sha256.Sum256([]byte(o.Key))
	b := &Budget{limits: l, path: filepath.Join(o.Dir, hex.EncodeToString(sum[:12])+".budget"), now: o.Now, sleep: o.Sleep}
	if b.now == nil {
		b.now = time.Now
	}
	if b.sleep == nil {
		b.sleep = clock.Wait{}.Advance
	}
	return b, nil
}

// Limits are the budget's limits.
func (b *Budget) Limits() Limits { return b.limits }

// Used says how many requests this process sent on the budget and how long they waited for it.
func (b *Budget) Used() (sent int, waited time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sent, b.waited
}

// Wait takes the next free slot and waits for it; it returns how long it waited. waiting, when not
// nil, is told of a wait before it starts (for progress), and the function it returns is called
// when the wait ends. When ctx ends first, the slot is lost
// (it stays taken: a slot is a promise to the provider, not a refund) and the error says what was
// waited for.
func (b *Budget) Wait(ctx context.Context, waiting func(time.Duration) (done func())) (time.Duration, error) {
	at, err := b.reserve()
	if err != nil {
		return 0, err
	}
	d := at.Sub(b.now())
	if d > 0 {
		done := func() {}
		if waiting != nil {
			done = waiting(d)
		}
		err := b.sleep(ctx, d)
		done()
		if err != nil {
			return 0, fmt.Errorf("request budget (%s): waiting %s for a slot: %w", b.limits, d.Round(time.Millisecond), err)
		}
	} else {
		d = 0
	}
	b.mu.Lock()
	b.sent++
	b.waited += d
	b.mu.Unlock()
	return d, nil
}

// Slow tells the budget that the provider asked to slow down (HTTP 429): no slot is given before
// now+d, in every process that shares it.
func (b *Budget) Slow(d time.Duration) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return withLockedState(b.path, func(s *state) {
		if until := b.now().Add(d); until.After(s.hold) {
			s.hold = until
		}
	})
}

// reserve takes the earliest slot the limits allow, from the shared state.
func (b *Budget) reserve() (time.Time, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var at time.Time
	err := withLockedState(b.path, func(s *state) {
		now := b.now()
		s.prune(now.Add(-Window))
		at = b.limits.next(now, s)
		s.starts = append(s.starts, at)
		// Only the last PerMinute starts (the last one, without that limit) decide a later slot.
		if keep := max(b.limits.PerMinute, 1); len(s.starts) > keep {
			s.starts = s.starts[len(s.starts)-keep:]
		}
	})
	return at, err
}

// next is the earliest start at or after now that keeps the limits, given the starts taken.
func (l Limits) next(now time.Time, s *state) time.Time {
	at := now
	if s.hold.After(at) {
		at = s.hold
	}
	if n := len(s.starts); n > 0 && l.MinInterval > 0 {
		if t := s.starts[n-1].Add(l.MinInterval); t.After(at) {
			at = t
		}
	}
	if l.PerMinute > 0 && len(s.starts) >= l.PerMinute {
		// The slot after the window's oldest start still counted leaves the window.
		if t := s.starts[len(s.starts)-l.PerMinute].Add(Window); t.After(at) {
			at = t
		}
	}
	return at
}

// Transport is an http.RoundTripper that waits for the budget before each request, and slows the
// budget down when the provider answers 429 (by its Retry-After, or a minute).
type Transport struct {
	Budget *Budget
	// Next sends the requests (http.DefaultTransport when nil).
	Next http.RoundTripper
	// Waiting, when set, is told of a wait before it starts (for progress); the function it
	// returns is called when the wait ends.
	Waiting func(req *http.Request, d time.Duration) (done func())
}

// RoundTrip waits for a slot, then sends req.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	var waiting func(time.Duration) func()
	if t.Waiting != nil {
		waiting = func(d time.Duration) func() { return t.Waiting(req, d) }
	}
	if _, err := t.Budget.Wait(req.Context(), waiting); err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, err
	}
	next := t.Next
	if next == nil {
		next = http.DefaultTransport
	}
	resp, err := next.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusTooManyRequests {
		_ = t.Budget.Slow(retryAfter(resp.Header.Get("Retry-After"), t.Budget.now()))
	}
	return resp, err
}

// retryAfter reads a Retry-After header (seconds, or an HTTP date); a minute when it says nothing
// usable.
func retryAfter(v string, now time.Time) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return time.Minute
}

// errNoLock is returned where the platform cannot lock a file; the budget then holds within
// this process only.
var errNoLock = errors.New("file locks are not available here")
