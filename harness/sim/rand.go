package sim

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

// Rand is the simulator's seeded source of identifiers and OTPs: the same seed and the same
// requests give the same values. It is safe for concurrent use.
type Rand struct {
	mu sync.Mutex
	r  *rand.Rand
}

// NewRand returns a source seeded with seed.
func NewRand(seed int64) *Rand {
	return &Rand{r: rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15))}
}

// Digits returns n random decimal digits (an OTP).
func (r *Rand) Digits(n int) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.r.IntN(10))
	}
	return string(b)
}

// UUID returns a random version-4 UUID string.
func (r *Rand) UUID() string {
	r.mu.Lock()
	hi, lo := r.r.Uint64(), r.r.Uint64()
	r.mu.Unlock()
	hi = hi&^0xf000 | 0x4000         // version 4
	lo = lo&^(0xc<<60) | (0x8 << 60) // RFC 4122 variant
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", hi>>32, (hi>>16)&0xffff, hi&0xffff, lo>>48, lo&0xffffffffffff)
}
