package sim

import "time"

// Retention is how long a simulated provider keeps a transaction once it is finished (successful,
// failed, expired, refunded: nothing the clock can still change), so that a simulator that serves
// for days keeps bounded memory. A finished transaction is forgotten when more than MaxFinished
// finished ones are kept, oldest first, or MaxAge after it finished; a forgotten one is answered
// as unknown, the way a provider answers for an identifier it never issued. Transactions that are
// still pending are never forgotten. A zero field takes the default (DefaultMaxFinished, DefaultMaxAge); a negative one means no
// limit.
type Retention struct {
	MaxFinished int
	MaxAge      time.Duration
}

// The default retention keeps the last 20,000 finished transactions of each provider for 30 days
// of the simulator's clock: more than a suite or a merchant's test run looks back at.
const (
	DefaultMaxFinished = 20000
	DefaultMaxAge      = 30 * 24 * time.Hour
)

// withDefaults fills zero fields with the defaults.
func (r Retention) withDefaults() Retention {
	if r.MaxFinished == 0 {
		r.MaxFinished = DefaultMaxFinished
	}
	if r.MaxAge == 0 {
		r.MaxAge = DefaultMaxAge
	}
	return r
}

// Finished is the queue of a provider's finished transactions, in the order they finished, that
// applies a Retention. The zero value keeps everything; make one with NewFinished. It is not safe
// for concurrent use (its owner's lock guards it).
type Finished[K comparable] struct {
	r     Retention
	queue []finished[K]
	head  int
}

type finished[K comparable] struct {
	key K
	at  time.Time
}

// NewFinished applies r (zero fields: the defaults).
func NewFinished[K comparable](r Retention) *Finished[K] {
	return &Finished[K]{r: r.withDefaults()}
}

// Add notes that key finished at at. A key added twice counts twice; its owner adds it once, when
// the transaction becomes final.
func (f *Finished[K]) Add(key K, at time.Time) {
	f.queue = append(f.queue, finished[K]{key: key, at: at})
}

// Len is how many finished transactions are kept.
func (f *Finished[K]) Len() int { return len(f.queue) - f.head }

// Expire calls forget for every finished transaction the retention no longer keeps at now, oldest
// first.
func (f *Finished[K]) Expire(now time.Time, forget func(K)) {
	for f.Len() > 0 {
		e := f.queue[f.head]
		over := f.r.MaxFinished >= 0 && f.Len() > f.r.MaxFinished
		old := f.r.MaxAge >= 0 && !now.Before(e.at.Add(f.r.MaxAge))
		if !over && !old {
			break
		}
		var zero finished[K]
		f.queue[f.head] = zero
		f.head++
		forget(e.key)
	}
	// Reuse the front of the slice once half of it is spent, so that it does not grow forever.
	if f.head > 0 && f.head >= len(f.queue)/2 {
		f.queue = append(f.queue[:0], f.queue[f.head:]...)
		f.head = 0
	}
}

// Reset forgets every finished transaction without calling forget.
func (f *Finished[K]) Reset() {
	f.queue, f.head = nil, 0
}
