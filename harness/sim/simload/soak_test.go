package simload_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/load"
	"github.com/paycert/paycert/harness/receiver"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/simload"
)

// Soak figures: flows in all (shared among the providers), how many run at once, and how often a
// first delivery is refused so that the retries are exercised too. Under the race detector, which
// makes every flow several times slower, the soak runs a tenth of the flows: make test runs it
// that way with every other test, and then on its own without the detector at full size.
const (
	fullSoakFlows = 10_000
	soakWorkers   = 32
	refuseEveryN  = 50
)

// TestSoak drives 10,000 payment flows through one simulator of every provider, each payment to
// its end with its callbacks going to a loopback receiver, which refuses one first delivery in
// 50. It then checks that every payment reached its final state and that every callback a flow
// gets arrived exactly once, or again only as a retry (Paycert-Delivery-Attempt above 1, the same
// Paycert-Delivery-Id) of a refused delivery. The simulator's clock is virtual: the retries fall
// due when the test moves it, with no waiting.
func TestSoak(t *testing.T) {
	if raceEnabled {
		t.Logf("race detector on: %d flows instead of %d", soakFlows, fullSoakFlows)
	}
	target, err := simload.Start(soakWorkers)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(target.Close)
	hooks, err := receiver.Start("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = hooks.Close() })

	var firsts atomic.Int64
	refuseSome := func(d receiver.Delivery) receiver.Answer {
		if d.Header.Get(sim.AttemptHeader) == "1" && firsts.Add(1)%refuseEveryN == 0 {
			return receiver.Answer{Status: http.StatusServiceUnavailable, ContentType: "text/plain", Body: []byte("later")}
		}
		return receiver.OK
	}
	names := target.Sim().Providers()
	drivers := make([]simload.Driver, len(names))
	inboxes := make([]*receiver.Inbox, len(names))
	for i, n := range names {
		if drivers[i], err = target.Driver(n); err != nil {
			t.Fatal(err)
		}
		inboxes[i] = hooks.NewInbox(n)
		inboxes[i].Answering(refuseSome)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	ids := make([]string, soakFlows)
	var next atomic.Int64
	started := time.Now()
	res, err := load.Run(ctx, load.Config{Connections: soakWorkers, Count: soakFlows}, func(ctx context.Context) error {
		i := int(next.Add(1) - 1)
		p := i % len(drivers)
		id, err := drivers[p].Flow(ctx, inboxes[p].URL())
		ids[i] = id
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors > 0 {
		t.Fatalf("%d of %d flows failed; the first: %v", res.Errors, res.Ops, res.FirstError)
	}
	flowTime := time.Since(started)

	// The callbacks: bePaid's final ones once MTS Money's processing time has passed; the
	// refused ones again once their retry is due.
	expected := 0
	wait, stop := context.WithTimeout(ctx, 2*time.Minute)
	defer stop()
	for p, d := range drivers {
		d.Settle()
		n := countFlows(p, len(drivers)) * len(d.Events())
		expected += n
		if got, err := awaitFirsts(wait, inboxes[p], n); err != nil {
			t.Errorf("%s: %d callbacks arrived, %d expected", d.Name(), got, n)
		}
	}
	target.Sim().Clock().Advance(31 * time.Minute)
	if err := target.Sim().Dispatcher().Settled(ctx); err != nil {
		t.Fatalf("callbacks still queued: %v", err)
	}

	var problems []string
	deliveries, retries := 0, 0
	for p, d := range drivers {
		got, n, r, bad := readDeliveries(d, inboxes[p].All())
		deliveries, retries, problems = deliveries+n, retries+r, append(problems, bad...)
		for i := p; i < soakFlows; i += len(drivers) {
			problems = append(problems, checkFlow(ctx, d, ids[i], got)...)
			delete(got, ids[i])
		}
		for id := range got {
			problems = append(problems, fmt.Sprintf("%s: callbacks about %s, a payment no flow made", d.Name(), id))
		}
	}
	if strays := hooks.Strays(); len(strays) > 0 {
		problems = append(problems, fmt.Sprintf("%d deliveries to no inbox", len(strays)))
	}
	for i, p := range problems {
		if i == 20 {
			t.Errorf("… and %d more", len(problems)-i)
			break
		}
		t.Error(p)
	}
	t.Logf("%d flows (%d requests) in %v with %d connections: %.0f flows/s; %d callbacks expected, %d deliveries, %d of them retries; flow latency p50 %v p99 %v",
		res.Ops, res.Requests+requestsOf(drivers), flowTime.Round(time.Millisecond), soakWorkers, float64(res.Ops)/flowTime.Seconds(),
		expected, deliveries, retries, res.Latency.Quantile(0.5), res.Latency.Quantile(0.99))
	if retries == 0 {
		t.Error("no retry was made: the refused deliveries were not retried")
	}
}

// countFlows is how many of the soak's flows go to the provider at index p of n.
func countFlows(p, n int) int { return (soakFlows - p + n - 1) / n }

// requestsOf is the requests the flows sent beyond one per flow.
func requestsOf(drivers []simload.Driver) int {
	extra := 0
	for p, d := range drivers {
		extra += countFlows(p, len(drivers)) * (d.FlowRequests() - 1)
	}
	return extra
}

// awaitFirsts waits, in real time bounded by ctx, until an inbox holds n first attempts; it returns
// how many it holds when ctx ends first.
func awaitFirsts(ctx context.Context, in *receiver.Inbox, n int) (int, error) {
	seen := 0
	_, err := in.Await(ctx, func(d receiver.Delivery) bool {
		if d.Header.Get(sim.AttemptHeader) == "1" {
			seen++
		}
		return seen >= n
	})
	return seen, err
}

// attempt is one delivery of a callback.
type attempt struct {
	delivery string
	n        int
	status   int
}

// readDeliveries groups a provider's deliveries by payment and status; it returns how many there
// were, how many were retries, and what could not be read.
func readDeliveries(d simload.Driver, all []receiver.Delivery) (map[string]map[string][]attempt, int, int, []string) {
	out := map[string]map[string][]attempt{}
	var bad []string
	retries := 0
	for _, dl := range all {
		ct, body := dl.Message()
		id, status, err := d.Event(ct, body)
		if err != nil {
			bad = append(bad, fmt.Sprintf("%s: %v", d.Name(), err))
			continue
		}
		n, err := strconv.Atoi(dl.Header.Get(sim.AttemptHeader))
		if err != nil || n < 1 {
			bad = append(bad, fmt.Sprintf("%s: a callback about %s (%s) without a valid %s: %q", d.Name(), id, status, sim.AttemptHeader, dl.Header.Get(sim.AttemptHeader)))
			continue
		}
		if n > 1 {
			retries++
		}
		if out[id] == nil {
			out[id] = map[string][]attempt{}
		}
		out[id][status] = append(out[id][status], attempt{delivery: dl.Header.Get(sim.DeliveryHeader), n: n, status: dl.Answer.Status})
	}
	return out, len(all), retries, bad
}

// checkFlow checks one flow's payment: its final status where the provider can be asked, and its
// callbacks: each one expected, arrived, attempts numbered 1, 2, … of one delivery, each attempt
// but the last refused.
func checkFlow(ctx context.Context, d simload.Driver, id string, got map[string]map[string][]attempt) []string {
	var problems []string
	if status, ok, err := d.Final(ctx, id); err != nil {
		problems = append(problems, fmt.Sprintf("%s %s: status query: %v", d.Name(), id, err))
	} else if ok && status != d.Succeeded() {
		problems = append(problems, fmt.Sprintf("%s %s: final status %q, want %q", d.Name(), id, status, d.Succeeded()))
	}
	byStatus := got[id]
	for _, want := range d.Events() {
		attempts := byStatus[want]
		delete(byStatus, want)
		if len(attempts) == 0 {
			problems = append(problems, fmt.Sprintf("%s %s: the %q callback was lost", d.Name(), id, want))
			continue
		}
		for i, a := range attempts {
			switch {
			case a.n != i+1:
				problems = append(problems, fmt.Sprintf("%s %s: the %q callback arrived as attempts %v: delivered again without being marked a retry", d.Name(), id, want, numbers(attempts)))
			case a.delivery == "" || a.delivery != attempts[0].delivery:
				problems = append(problems, fmt.Sprintf("%s %s: the %q callback arrived as deliveries %q and %q: sent twice", d.Name(), id, want, attempts[0].delivery, a.delivery))
			case i < len(attempts)-1 && a.status/100 == 2:
				problems = append(problems, fmt.Sprintf("%s %s: the %q callback was retried after the merchant took it (attempts %v)", d.Name(), id, want, numbers(attempts)))
			case i == len(attempts)-1 && a.status/100 != 2:
				problems = append(problems, fmt.Sprintf("%s %s: the %q callback's last attempt was refused and not retried", d.Name(), id, want))
			default:
				continue
			}
			break
		}
	}
	for status := range byStatus {
		problems = append(problems, fmt.Sprintf("%s %s: an unexpected %q callback", d.Name(), id, status))
	}
	return problems
}

func numbers(as []attempt) []int {
	out := make([]int, len(as))
	for i, a := range as {
		out[i] = a.n
	}
	return out
}
