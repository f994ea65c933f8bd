package simload_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/paycert/paycert/harness/load"
	"github.com/paycert/paycert/harness/sim/simload"
)

// providers are the simulated providers the scale benchmarks measure.
var providers = []string{"paysage", "bepaid", "monetix", "freedompay"}

// fill makes n payments of d's provider, four at a time.
func fill(tb testing.TB, d simload.Driver, n int) {
	tb.Helper()
	if n == 0 {
		return
	}
	res, err := load.Run(context.Background(), load.Config{Connections: 4, Count: n}, d.Create)
	if err != nil || res.Errors > 0 {
		tb.Fatalf("fill %s with %d payments: %v, %d errors (first: %v)", d.Name(), n, err, res.Errors, res.FirstError)
	}
}

// BenchmarkCreateAtScale measures creating a payment, over loopback, on a simulator that already
// holds 1,000, 10,000 or 100,000 payments of the provider. Run it with a fixed count
// (-benchtime=1000x, as make bench does), so that the store grows by that count at most while it
// is measured.
func BenchmarkCreateAtScale(b *testing.B) {
	for _, name := range providers {
		for _, n := range []int{1_000, 10_000, 100_000} {
			b.Run(fmt.Sprintf("%s/stored=%d", name, n), func(b *testing.B) {
				target, err := simload.Start(1, name)
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(target.Close)
				d, err := target.Driver(name)
				if err != nil {
					b.Fatal(err)
				}
				fill(b, d, n)
				ctx := context.Background()
				for b.Loop() { // b.Loop leaves the filling out of the figure
					if err := d.Create(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkMemoryAt100k reports the live heap of a process serving a simulator that holds 100,000
// payments of a provider, all still pending (nothing can be forgotten), and, for PaySage, all
// confirmed (finished: the default retention applies).
func BenchmarkMemoryAt100k(b *testing.B) {
	const n = 100_000
	measure := func(b *testing.B, name string, make func(simload.Driver) load.Op) {
		for range b.N {
			before := liveHeap()
			target, err := simload.Start(4, name)
			if err != nil {
				b.Fatal(err)
			}
			d, err := target.Driver(name)
			if err != nil {
				b.Fatal(err)
			}
			res, err := load.Run(context.Background(), load.Config{Connections: 4, Count: n}, make(d))
			if err != nil || res.Errors > 0 {
				b.Fatalf("%d payments: %v, %d errors (first: %v)", n, err, res.Errors, res.FirstError)
			}
			b.ReportMetric(float64(liveHeap()-before)/(1<<20), "MiB")
			target.Close()
		}
	}
	for _, name := range providers {
		b.Run(name+"/pending", func(b *testing.B) {
			measure(b, name, func(d simload.Driver) load.Op { return d.Create })
		})
	}
	b.Run("paysage/confirmed", func(b *testing.B) {
		measure(b, "paysage", func(d simload.Driver) load.Op {
			return func(ctx context.Context) error { _, err := d.Flow(ctx, ""); return err }
		})
	})
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
