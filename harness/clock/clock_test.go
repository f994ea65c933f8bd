package clock_test

import (
	"context"
	"strings"
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

// TestWaitReportsProgress waits 25 s of "real" time in 10 s steps on a fake timer.
func TestWaitReportsProgress(t *testing.T) {
	var asked []time.Duration
	fire := func(d time.Duration) <-chan time.Time {
		asked = append(asked, d)
		ch := make(chan time.Time, 1)
		ch <- time.Time{}
		return ch
	}
	var out strings.Builder
	w := clock.Wait{Progress: &out, Step: 10 * time.Second, After: fire}
	if err := w.Advance(context.Background(), 25*time.Second); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 3 || asked[2] != 5*time.Second || strings.Count(out.String(), "waiting out 25s") != 3 {
		t.Errorf("steps %v, progress %q", asked, out.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	never := func(time.Duration) <-chan time.Time { return nil }
	if err := (clock.Wait{After: never}).Advance(ctx, time.Minute); err == nil {
		t.Error("a cancelled wait did not stop")
	}
}
