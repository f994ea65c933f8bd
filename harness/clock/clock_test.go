package clock_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/clock"
)

func TestSimFrozenAndAdvance(t *testing.T) {
	start := time.Date(2025, 4, 26, 7, 15, 0, 0, time.UTC)
	c := clock.NewFrozen(start)
	var told []time.Time
	c.OnAdvance(func(now time.Time) { told = append(told, now) })
	if !c.Now().Equal(start) || !c.Frozen() {
		t.Fatal("a frozen clock moved")
	}
	c.Advance(90 * time.Second)
	c.Advance(-time.Hour) // never backwards
	if got := c.Now().Sub(start); got != 90*time.Second {
		t.Errorf("moved %s", got)
	}
	if len(told) != 2 || !told[0].Equal(start.Add(90*time.Second)) {
		t.Errorf("listeners told %v", told)
	}
	c.Reset()
	if !c.Now().Equal(start) {
		t.Error("Reset")
	}
}

// meter keeps what a Wait tells it.
type meter struct{ begun, ended []string }

func (m *meter) Waiting(what string, d time.Duration) func() {
	m.begun = append(m.begun, fmt.Sprintf("%s/%s", what, d))
	return func() { m.ended = append(m.ended, what) }
}

// TestWaitReportsProgress waits 25 s of "real" time on a fake timer: the meter is told of the wait
// once, and told it ended, also when the context ends first.
func TestWaitReportsProgress(t *testing.T) {
	var asked []time.Duration
	fire := func(d time.Duration) <-chan time.Time {
		asked = append(asked, d)
		ch := make(chan time.Time, 1)
		ch <- time.Time{}
		return ch
	}
	m := &meter{}
	w := clock.Wait{Progress: m, After: fire}
	if err := w.Advance(context.Background(), 25*time.Second); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || asked[0] != 25*time.Second {
		t.Errorf("timers %v, want one of 25s", asked)
	}
	if want := []string{"waiting out 25s of real time/25s"}; !slices.Equal(m.begun, want) || len(m.ended) != 1 {
		t.Errorf("meter told %q, ended %q; want %q and its end", m.begun, m.ended, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	never := func(time.Duration) <-chan time.Time { return nil }
	if err := (clock.Wait{Progress: m, After: never}).Advance(ctx, time.Minute); err == nil {
		t.Error("a cancelled wait did not stop")
	}
	if len(m.ended) != 2 {
		t.Errorf("a cancelled wait was not ended on the meter: %q", m.ended)
	}
}
