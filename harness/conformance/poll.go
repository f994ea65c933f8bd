package conformance

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/paycert/paycert/harness/clock"
	"github.com/paycert/paycert/harness/report"
)

// OutcomeEntry names the report entry that says how a spec learnt the outcome of its payment
// when no callback could bring it: its value is report.OutcomeByPolling.
const OutcomeEntry = "paycert-outcome-by"

// The poller's backoff: the first wait, doubled after every answer that is not yet the state
// awaited, up to the cap.
const (
	pollFirst = time.Second
	pollCap   = 10 * time.Second
)

// errNotReached is why a poll ended without the state it awaited.
var errNotReached = errors.New("the state awaited did not come")

// poll asks until ask reports done. Between two asks it lets time pass on the target through
// mover (through the control API on a virtual clock, a real wait otherwise): first pollFirst,
// doubled after each ask, at most pollCap, and never more in all than budget. It returns how many
// times it asked, and an error when the budget was spent or ctx ended before ask was done.
func poll(ctx context.Context, mover clock.Mover, budget time.Duration, ask func(context.Context) bool) (int, error) {
	wait, waited := pollFirst, time.Duration(0)
	for asked := 1; ; asked++ {
		if ask(ctx) {
			return asked, nil
		}
		if err := ctx.Err(); err != nil {
			return asked, fmt.Errorf("%w within the wait bound: %w", errNotReached, err)
		}
		step := min(wait, budget-waited)
		if step <= 0 {
			return asked, fmt.Errorf("%w within %s", errNotReached, budget)
		}
		if err := mover.Advance(ctx, step); err != nil {
			return asked, fmt.Errorf("%w: %w", errNotReached, err)
		}
		waited += step
		wait = min(2*wait, pollCap)
	}
}

// Poll asks the provider's status operation, through ask, until ask reports that the state
// awaited has come (a final status, an intermediate state). Between asks it waits with backoff
// (1 s, doubled, at most 10 s) on the session's clock: on a virtual clock that time passes on
// the target at once, never in real time. It gives up after the wait bound (PAYCERT_WAIT_TIMEOUT)
// of the target's time, or of real time (Session.WaitContext), whichever ends first, and fails
// the spec with what failure says (what did not come, with the last answer).
//
// Without a receiver the state polled for is what a callback would otherwise have brought, so
// the spec is marked in the report as having its outcome by polling (report.OutcomeByPolling);
// with one nothing is marked.
//
// what says what is awaited, for the progress line ("payment ... to become success").
func (t *T) Poll(ctx context.Context, what string, ask func(context.Context) bool, failure func() string) {
	ginkgo.GinkgoHelper()
	if t.Receiver == nil {
		ginkgo.AddReportEntry(OutcomeEntry, report.OutcomeByPolling, ginkgo.ReportEntryVisibilityNever)
	}
	wctx, cancel := t.WaitContext(ctx, what)
	defer cancel()
	asked, err := poll(wctx, t.Clock, t.Config.WaitTimeout, ask)
	if err != nil {
		stopOnHarnessError(err)
		ginkgo.Fail(fmt.Sprintf("%s\n(asked the status %d times: %v)", failure(), asked, err))
	}
}
