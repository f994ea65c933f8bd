package load

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// TestHistogramQuantiles records known latencies and checks each quantile against the exact one
// of the sorted values, within the bucket precision.
func TestHistogramQuantiles(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var all []time.Duration
	h := NewHistogram()
	for range 10000 {
		d := time.Duration(r.ExpFloat64() * float64(time.Millisecond))
		all = append(all, d)
		h.Record(d)
	}
	slices.Sort(all)
	for _, q := range []float64{0.5, 0.9, 0.99, 1} {
		exact := all[int(q*float64(len(all))+0.5)-1]
		got := h.Quantile(q)
		if got < exact || float64(got-exact) > float64(exact)/subBuckets+1 {
			t.Errorf("quantile %.2f = %v, want %v within %.1f%%", q, got, exact, 100.0/subBuckets)
		}
	}
	if h.Max() != all[len(all)-1] || h.Count() != int64(len(all)) {
		t.Errorf("max %v count %d, want %v %d", h.Max(), h.Count(), all[len(all)-1], len(all))
	}
}

// TestHistogramSmallAndMerged checks exact small values, and that merging is adding.
func TestHistogramSmallAndMerged(t *testing.T) {
	a, b := NewHistogram(), NewHistogram()
	for i := 1; i <= 50; i++ {
		a.Record(time.Duration(i))
	}
	for i := 51; i <= 100; i++ {
		b.Record(time.Duration(i) * time.Second)
	}
	a.Merge(b)
	tests := []struct {
		q    float64
		want time.Duration
	}{
		{0.01, 1}, {0.5, 50}, {0.51, 51 * time.Second}, {1, 100 * time.Second},
	}
	for _, tt := range tests {
		got := a.Quantile(tt.q)
		if got < tt.want || float64(got-tt.want) > float64(tt.want)/subBuckets {
			t.Errorf("quantile %.2f = %v, want %v", tt.q, got, tt.want)
		}
	}
	if NewHistogram().Quantile(0.5) != 0 {
		t.Error("an empty histogram has a quantile")
	}
}

// TestRunCountsExactly runs a counted load and checks that exactly Count operations ran, with no
// more than Connections at once, and that errors are counted and the first one kept.
func TestRunCountsExactly(t *testing.T) {
	var ran, inFlight, most atomic.Int64
	boom := errors.New("boom")
	op := func(context.Context) error {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		if ran.Add(1)%10 == 0 {
			return boom
		}
		return nil
	}
	res, err := Run(context.Background(), Config{Connections: 4, Count: 1000, RequestsPerOp: 3}, op)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ops != 1000 || ran.Load() != 1000 || res.Requests != 3000 {
		t.Errorf("ops %d, ran %d, requests %d; want 1000, 1000, 3000", res.Ops, ran.Load(), res.Requests)
	}
	if res.Errors != 100 || !errors.Is(res.FirstError, boom) {
		t.Errorf("errors %d (first %v), want 100 (boom)", res.Errors, res.FirstError)
	}
	if most.Load() > 4 {
		t.Errorf("%d operations at once with 4 connections", most.Load())
	}
	if res.Latency.Count() != 1000 {
		t.Errorf("latency count %d, want 1000", res.Latency.Count())
	}
}

// TestRunStopsByItself runs for a duration: the run ends by itself, every operation started is
// counted, and each ran on the caller's context, not on the run's deadline, so none was cut short
// in the middle (context.Background has no Done channel; the deadline's has one).
func TestRunStopsByItself(t *testing.T) {
	var started, cut atomic.Int64
	op := func(ctx context.Context) error {
		started.Add(1)
		if ctx.Done() != nil {
			cut.Add(1)
		}
		return nil
	}
	res, err := Run(context.Background(), Config{Connections: 2, Duration: time.Millisecond}, op)
	if err != nil {
		t.Fatal(err)
	}
	if res.Ops != int(started.Load()) || res.Latency.Count() != started.Load() || res.Errors != 0 {
		t.Errorf("ops %d, latencies %d, started %d, errors %d", res.Ops, res.Latency.Count(), started.Load(), res.Errors)
	}
	if cut.Load() != 0 {
		t.Errorf("%d operations ran on the run's deadline", cut.Load())
	}
}

// TestRunRefusesUnbounded checks the configurations a run refuses.
func TestRunRefusesUnbounded(t *testing.T) {
	nop := func(context.Context) error { return nil }
	if _, err := Run(context.Background(), Config{Connections: 1}, nop); !errors.Is(err, ErrUnbounded) {
		t.Errorf("no count, no duration: %v", err)
	}
	if _, err := Run(context.Background(), Config{Count: 1}, nop); err == nil {
		t.Error("no connections: no error")
	}
}

// TestCheckLoopback checks which targets are refused.
func TestCheckLoopback(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8080/x", true},
		{"http://127.3.2.1/", true},
		{"http://[::1]:9000", true},
		{"http://localhost:80", true},
		{"https://LOCALHOST", true},
		{"http://10.0.0.1/", false},
		{"http://example.com/", false},
		{"http://localhost.example.com/", false},
		{"http://[::ffff:8.8.8.8]/", false},
		{"ftp://127.0.0.1/", false},
		{"127.0.0.1:80", false},
	}
	for _, tt := range tests {
		if err := CheckLoopback(tt.url); (err == nil) != tt.ok {
			t.Errorf("CheckLoopback(%q) = %v, want ok %v", tt.url, err, tt.ok)
		}
	}
}

// TestClientRefusesOtherHosts checks that the client sends to loopback and refuses to follow a
// redirect elsewhere.
func TestClientRefusesOtherHosts(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/away" {
			http.Redirect(w, r, "http://192.0.2.1/", http.StatusFound)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	cl := NewClient(1)
	resp, err := cl.Get(srv.URL + "/here")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("status %d", resp.StatusCode)
	}
	if resp, err := cl.Get(srv.URL + "/away"); err == nil {
		resp.Body.Close()
		t.Error("a redirect off loopback was followed")
	}
}
