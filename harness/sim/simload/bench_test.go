package simload_test

import (
	"context"
	"testing"

	"github.com/paycert/paycert/harness/receiver"
	"github.com/paycert/paycert/harness/sim/simload"
)

// BenchmarkFlow measures one provider's whole flow over loopback HTTP, client and simulator in
// one process (allocations are both sides'), with its callbacks going to a loopback receiver.
func BenchmarkFlow(b *testing.B) {
	for _, name := range []string{"paysage", "bepaid", "monetix", "freedompay"} {
		b.Run(name, func(b *testing.B) {
			target, err := simload.Start(1, name)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(target.Close)
			hooks, err := receiver.Start("127.0.0.1:0", "")
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = hooks.Close() })
			d, err := target.Driver(name)
			if err != nil {
				b.Fatal(err)
			}
			url := hooks.NewInbox(name).URL()
			for b.Loop() {
				if _, err := d.Flow(context.Background(), url); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
