// Package clock is how time passes in paycert. The simulator keeps a Sim clock that moves only
// when told to (or with the wall clock, plus what it was told); a suite moves time through a
// Mover: the target's control API when it has a virtual clock, or a real wait with progress.
// Nothing in a suite sleeps directly.
package clock

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Sim is the simulator's clock. A frozen Sim stands still until Advance; a running one follows the
// wall clock plus everything Advance added. It is safe for concurrent use.
type Sim struct {
	mu      sync.Mutex
	frozen  bool
	start   time.Time
	offset  time.Duration
	wall    func() time.Time
	onTimer []func(time.Time)
}

// NewFrozen returns a clock standing at start.
func NewFrozen(start time.Time) *Sim {
	return &Sim{frozen: true, start: start, wall: time.Now}
}

// NewRunning returns a clock that follows the wall clock.
func NewRunning() *Sim {
	return &Sim{wall: time.Now}
}

// Now returns the clock's time.
func (c *Sim) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *Sim) nowLocked() time.Time {
	if c.frozen {
		return c.start.Add(c.offset)
	}
	return c.wall().Add(c.offset)
}

// Frozen reports whether the clock moves only when advanced.
func (c *Sim) Frozen() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.frozen
}

// Advance moves the clock forward by d and tells every listener the new time; Advance(0) only
// tells them (a running clock's tick).
func (c *Sim) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	if d > 0 {
		c.offset += d
	}
	now := c.nowLocked()
	listeners := append([]func(time.Time){}, c.onTimer...)
	c.mu.Unlock()
	for _, f := range listeners {
		f(now)
	}
	return now
}

// Reset moves the clock back to where it started.
func (c *Sim) Reset() {
	c.mu.Lock()
	c.offset = 0
	c.mu.Unlock()
}

// OnAdvance registers f to be told the time after every Advance (timers that are due fire then).
func (c *Sim) OnAdvance(f func(now time.Time)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.onTimer = append(c.onTimer, f)
}

// Mover moves a target's time forward, as a suite sees it.
type Mover interface {
	// Advance lets d pass on the target.
	Advance(ctx context.Context, d time.Duration) error
	// Virtual reports whether Advance is instant (a virtual clock) rather than a real wait.
	Virtual() bool
}

// Meter is told about a real-time wait while it lasts (progress.Reporter is one).
type Meter interface {
	// Waiting says that d of real time is waited out, for what; done ends the wait.
	Waiting(what string, d time.Duration) (done func())
}

// Wait is a Mover for a target with a real clock: it waits, telling Progress while it does, and
// gives up when the context ends.
type Wait struct {
	// Progress is told about each wait; nil: nobody.
	Progress Meter
	// After makes the timer channel; time.After when nil. Tests give a fake.
	After func(time.Duration) <-chan time.Time
}

// Advance waits d of real time.
func (w Wait) Advance(ctx context.Context, d time.Duration) error {
	after := w.After
	if after == nil {
		after = time.After
	}
	if w.Progress != nil {
		done := w.Progress.Waiting(fmt.Sprintf("waiting out %s of real time", d), d)
		defer done()
	}
	select {
	case <-ctx.Done():
		return fmt.Errorf("wait %s: %w", d, ctx.Err())
	case <-after(d):
		return nil
	}
}

// Virtual is false: the wait is real.
func (Wait) Virtual() bool { return false }
