package sim

import (
	"container/heap"
	"time"
)

// Deadlines holds the moments at which something of a simulated provider falls due (a payment's
// expiry, the end of its processing, the end of an OTP window), ordered by time, so that a request
// or a tick of the clock touches only what is due however many transactions are stored.
//
// An entry is a reminder, not a promise: when it falls due, its owner looks again at the
// transaction it names and does nothing if there is nothing left to do (a payment confirmed before
// it expired, or forgotten since). Entries due at the same moment come out in the order they were
// added. The zero value is empty and ready; it is not safe for concurrent use (its owner's lock
// guards it).
type Deadlines[K comparable] struct {
	h   deadlineHeap[K]
	seq uint64
}

// Add reminds the owner of key at at.
func (d *Deadlines[K]) Add(at time.Time, key K) {
	d.seq++
	heap.Push(&d.h, deadline[K]{at: at, seq: d.seq, key: key})
}

// Due calls fn for every key whose moment is not after now, earliest first, and forgets them. fn
// may add deadlines; one that is already due is handed to fn in the same call.
func (d *Deadlines[K]) Due(now time.Time, fn func(K)) {
	for {
		key, ok := d.Pop(now)
		if !ok {
			return
		}
		fn(key)
	}
}

// Pop forgets and returns the earliest key whose moment is not after now, and false when none is
// due.
func (d *Deadlines[K]) Pop(now time.Time) (K, bool) {
	if len(d.h) == 0 || d.h[0].at.After(now) {
		var zero K
		return zero, false
	}
	return heap.Pop(&d.h).(deadline[K]).key, true
}

// Next is the earliest moment held, and false when there is none.
func (d *Deadlines[K]) Next() (time.Time, bool) {
	if len(d.h) == 0 {
		return time.Time{}, false
	}
	return d.h[0].at, true
}

// Len is how many reminders are held.
func (d *Deadlines[K]) Len() int { return len(d.h) }

// Reset forgets every reminder.
func (d *Deadlines[K]) Reset() { d.h = nil }

type deadline[K comparable] struct {
	at  time.Time
	seq uint64
	key K
}

// deadlineHeap is a min-heap on (at, seq) for container/heap.
type deadlineHeap[K comparable] []deadline[K]

func (h deadlineHeap[K]) Len() int { return len(h) }
func (h deadlineHeap[K]) Less(i, j int) bool {
	if !h[i].at.Equal(h[j].at) {
		return h[i].at.Before(h[j].at)
	}
	return h[i].seq < h[j].seq
}
func (h deadlineHeap[K]) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *deadlineHeap[K]) Push(x any)   { *h = append(*h, x.(deadline[K])) }
func (h *deadlineHeap[K]) Pop() any {
	old := *h
	n := len(old)
	e := old[n-1]
	var zero deadline[K]
	old[n-1] = zero
	*h = old[:n-1]
	return e
}
