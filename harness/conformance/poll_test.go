package conformance

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/paycert/paycert/harness/report"
)

// movedClock is a virtual clock that keeps what it was asked to let pass.
type movedClock struct {
	moved []time.Duration
	err   error
}

func (c *movedClock) Advance(_ context.Context, d time.Duration) error {
	if c.err != nil {
		return c.err
	}
	c.moved = append(c.moved, d)
	return nil
}

func (*movedClock) Virtual() bool { return true }

func TestPoll(t *testing.T) {
	s := time.Second
	tests := []struct {
		name string
		// doneAt is the ask that finds the state awaited (0: none does).
		doneAt    int
		budget    time.Duration
		advance   error
		wantAsked int
		wantMoved []time.Duration
		wantErr   bool
	}{
		{name: "at once, no wait", doneAt: 1, budget: 10 * s, wantAsked: 1},
		{name: "on the fourth answer, after 1+2+4 s", doneAt: 4, budget: time.Minute, wantAsked: 4, wantMoved: []time.Duration{s, 2 * s, 4 * s}},
		{name: "backoff capped at 10 s", doneAt: 7, budget: time.Minute, wantAsked: 7, wantMoved: []time.Duration{s, 2 * s, 4 * s, 8 * s, 10 * s, 10 * s}},
		{name: "never: gives up when the bound of the target's time is spent", budget: 10 * s, wantAsked: 5, wantMoved: []time.Duration{s, 2 * s, 4 * s, 3 * s}, wantErr: true},
		{name: "never, a bound of 2 minutes", budget: 2 * time.Minute, wantAsked: 16, wantErr: true},
		{name: "the clock cannot move", budget: time.Minute, advance: errors.New("control API gone"), wantAsked: 1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &movedClock{err: tt.advance}
			asks := 0
			asked, err := poll(context.Background(), c, tt.budget, func(context.Context) bool {
				asks++
				return asks == tt.doneAt
			})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err %v, want an error: %t", err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, errNotReached) {
				t.Errorf("err %v does not say the state did not come", err)
			}
			if asked != tt.wantAsked || asks != tt.wantAsked {
				t.Errorf("asked %d (counted %d), want %d", asked, asks, tt.wantAsked)
			}
			if tt.wantMoved != nil && !slices.Equal(c.moved, tt.wantMoved) {
				t.Errorf("moved the clock by %v, want %v", c.moved, tt.wantMoved)
			}
			var total time.Duration
			for _, d := range c.moved {
				total += d
			}
			if total > tt.budget {
				t.Errorf("moved the clock by %s in all, over the bound %s", total, tt.budget)
			}
		})
	}
}

// TestPollEndsWithItsContext checks that a poll whose wait bound ends (real time) stops asking.
func TestPollEndsWithItsContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	asks := 0
	_, err := poll(ctx, &movedClock{}, time.Hour, func(context.Context) bool {
		asks++
		if asks == 2 {
			cancel()
		}
		return false
	})
	if !errors.Is(err, context.Canceled) || asks != 2 {
		t.Errorf("err %v after %d asks, want the context's end after 2", err, asks)
	}
}

// TestSpecResultOutcomeBy checks that the report entry Poll adds reaches the report's spec.
func TestSpecResultOutcomeBy(t *testing.T) {
	sr := types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: "polls", State: types.SpecStatePassed}
	if got := specResult("paysage", sr).OutcomeBy; got != "" {
		t.Errorf("a spec without the entry: outcome_by %q, want none", got)
	}
	sr.ReportEntries = types.ReportEntries{{Name: OutcomeEntry, Value: types.WrapEntryValue(report.OutcomeByPolling)}}
	if got := specResult("paysage", sr).OutcomeBy; got != report.OutcomeByPolling {
		t.Errorf("outcome_by %q, want %q", got, report.OutcomeByPolling)
	}
}
