package sim_test

import (
	"testing"

	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/providers"
	"github.com/paycert/paycert/harness/sim/simtest"
)

// BenchmarkStart measures starting a simulator of every provider, and its first webhook key, in a
// process that has started one before (the keys are the process's, made once).
func BenchmarkStart(b *testing.B) {
	opts := sim.Options{Providers: providers.All(), Credentials: map[string]sim.Credentials{}}
	for _, f := range opts.Providers {
		opts.Credentials[f.Name] = simtest.CredentialsOf(f)
	}
	for b.Loop() {
		s, err := sim.New(opts)
		if err != nil {
			b.Fatal(err)
		}
		p, _ := s.Provider("paysage")
		if p.WebhookKey() == nil {
			b.Fatal("no webhook key")
		}
		s.Close()
	}
}
