package sim

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/paycert/paycert/harness/clock"
)

// RetrySchedule is how long after the first attempt each further attempt to deliver a callback is
// made, on the simulator's clock. The providers' documents give no schedule for beGateway; this
// one is recorded as a decision in the errata ledgers.
var RetrySchedule = []time.Duration{10 * time.Second, time.Minute, 5 * time.Minute, 30 * time.Minute}

// Callback is one HTTP request the simulator sends to a merchant.
type Callback struct {
	// Method is POST unless set (a GET carries its fields in URL).
	Method string
	URL    string
	Header http.Header
	Body   []byte
	// Build, when set, makes the request of each attempt (1 for the first) in place of this
	// one's URL, header and body, for a provider whose retries say they are retries.
	Build func(attempt int) Callback
	// Answered, when set, is told the merchant's answer to every attempt (status 0 when none
	// came), for a provider whose merchant answers with something to act on.
	Answered func(attempt, status int, body []byte)
	// Retry is how long after the first attempt each further attempt is made, for a provider
	// that documents its own schedule; nil means RetrySchedule.
	Retry []time.Duration
	// Delivered, when set, says which answer status ends the retries, for a provider that
	// documents it; nil means any 2XX.
	Delivered func(status int) bool
}

// Headers every callback attempt carries, whatever the provider: none of the providers' documents
// says how a merchant tells a retry from a new callback, so the simulator says it in headers of
// its own, which a merchant may ignore. DeliveryHeader names the callback (the same on each of its
// attempts), AttemptHeader counts its attempts from 1: an attempt above 1 is a retry.
const (
	DeliveryHeader = "Paycert-Delivery-Id"
	AttemptHeader  = "Paycert-Delivery-Attempt"
)

type pending struct {
	cb       Callback
	id       string
	first    time.Time
	attempts int
	epoch    int // the Reset it was queued after
}

// Dispatcher delivers callbacks in the order they fall due (new ones at once, retries on the
// RetrySchedule as the simulator's clock passes), one at a time. Callbacks waiting for a retry
// are kept in time order, so a merchant that is down for hours costs no more per delivery than
// one that answers. It runs one goroutine until Close.
type Dispatcher struct {
	clock *clock.Sim
	http  *http.Client
	// ctx ends at Close, cutting an attempt in flight; stop ends it.
	ctx  context.Context
	stop context.CancelFunc

	mu      sync.Mutex
	due     Deadlines[*pending] // waiting callbacks, by when their next attempt is due
	queued  int                 // callbacks not yet given up or delivered, in flight included
	epoch   int                 // Resets so far: a callback in flight during one is dropped
	sent    int64               // callbacks queued so far, for their delivery IDs
	changed chan struct{}       // closed and replaced whenever a callback leaves the queue
	wake    chan struct{}
	done    chan struct{}
	stopped chan struct{}
}

// NewDispatcher starts a dispatcher on the clock c.
func NewDispatcher(c *clock.Sim) *Dispatcher {
	ctx, stop := context.WithCancel(context.Background())
	d := &Dispatcher{
		ctx:     ctx,
		stop:    stop,
		clock:   c,
		http:    &http.Client{Timeout: 5 * time.Second},
		changed: make(chan struct{}),
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	c.OnAdvance(func(time.Time) { d.poke() })
	go d.run()
	return d
}

// Send queues a callback for delivery now.
func (d *Dispatcher) Send(cb Callback) {
	now := d.clock.Now()
	d.mu.Lock()
	d.sent++
	d.due.Add(now, &pending{cb: cb, id: strconv.FormatInt(d.sent, 10), first: now, epoch: d.epoch})
	d.queued++
	d.mu.Unlock()
	d.poke()
}

// Reset drops every queued callback and the history.
func (d *Dispatcher) Reset() {
	d.mu.Lock()
	d.due.Reset()
	d.queued = 0
	d.epoch++
	d.signalChanged()
	d.mu.Unlock()
}

// Settled waits until no callback is queued: each delivered or given up after its last retry. A
// retry that is not yet due on the clock keeps it waiting; it returns ctx's error when ctx ends
// first.
func (d *Dispatcher) Settled(ctx context.Context) error {
	for {
		d.mu.Lock()
		n, changed := d.queued, d.changed
		d.mu.Unlock()
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d callbacks still queued: %w", n, ctx.Err())
		case <-changed:
		}
	}
}

// signalChanged wakes Settled; the caller holds the lock.
func (d *Dispatcher) signalChanged() {
	close(d.changed)
	d.changed = make(chan struct{})
}

// Close stops the dispatcher; queued callbacks are dropped.
func (d *Dispatcher) Close() {
	select {
	case <-d.done:
	default:
		close(d.done)
		d.stop()
	}
	<-d.stopped
}

func (d *Dispatcher) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// run delivers what is due whenever it is woken: by Send, or by the clock telling the time (an
// Advance, or the server's ticking of a running clock).
func (d *Dispatcher) run() {
	defer close(d.stopped)
	for {
		for d.deliverDue() {
		}
		select {
		case <-d.done:
			return
		case <-d.wake:
		}
	}
}

// deliverDue attempts the first due callback; it reports whether it attempted one.
func (d *Dispatcher) deliverDue() bool {
	now := d.clock.Now()
	d.mu.Lock()
	p, ok := d.due.Pop(now)
	d.mu.Unlock()
	if !ok {
		return false
	}

	cb := p.cb
	if cb.Build != nil {
		built := cb.Build(p.attempts + 1)
		cb.Method, cb.URL, cb.Header, cb.Body = built.Method, built.URL, built.Header, built.Body
	}
	status, body := d.attempt(cb, p.id, p.attempts+1)
	if p.cb.Answered != nil {
		p.cb.Answered(p.attempts+1, status, body)
	}

	d.mu.Lock()
	defer d.mu.Unlock()
	p.attempts++
	schedule := p.cb.Retry
	if schedule == nil {
		schedule = RetrySchedule
	}
	delivered := status/100 == 2
	if p.cb.Delivered != nil {
		delivered = p.cb.Delivered(status)
	}
	switch {
	case p.epoch != d.epoch: // reset while it was in flight: forgotten already
	case delivered || p.attempts > len(schedule):
		d.queued--
		d.signalChanged()
	default:
		d.due.Add(p.first.Add(schedule[p.attempts-1]), p)
	}
	return true
}

// attempt sends the callback once, as attempt n of delivery id, and returns the merchant's status,
// 0 when none came, and the first 64 KiB of the answer.
func (d *Dispatcher) attempt(cb Callback, id string, n int) (int, []byte) {
	method := cb.Method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(d.ctx, method, cb.URL, bytes.NewReader(cb.Body))
	if err != nil {
		return 0, nil
	}
	req.Header = cb.Header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	req.Header.Set(DeliveryHeader, id)
	req.Header.Set(AttemptHeader, strconv.Itoa(n))
	resp, err := d.http.Do(req)
	if err != nil {
		return 0, nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, body
}
