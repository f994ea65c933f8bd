package load

import (
	"math/bits"
	"time"
)

// subBuckets is how many buckets each power of two of nanoseconds is split into: a recorded
// latency is known to within 1/subBuckets (1.6 %) of its value.
const subBuckets = 64

// Histogram counts latencies in log-linear buckets: exact below subBuckets nanoseconds, then
// subBuckets buckets per power of two. It is not safe for concurrent use: give each worker its
// own and Merge them.
type Histogram struct {
	counts []int64
	n      int64
	max    time.Duration
}

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram { return &Histogram{} }

// bucketOf is the index of the bucket holding v nanoseconds.
func bucketOf(v uint64) int {
	if v < subBuckets {
		return int(v)
	}
	shift := bits.Len64(v) - 7 // v>>shift is in [64, 128)
	return subBuckets*shift + int(v>>shift)
}

// upperBound is the largest value bucket i holds.
func upperBound(i int) uint64 {
	if i < subBuckets {
		return uint64(i)
	}
	shift := i/subBuckets - 1
	sub := uint64(i%subBuckets + subBuckets)
	return (sub+1)<<shift - 1
}

// Record counts one latency (a negative one as 0).
func (h *Histogram) Record(d time.Duration) {
	v := uint64(max(d, 0))
	i := bucketOf(v)
	if i >= len(h.counts) {
		grown := make([]int64, i+1)
		copy(grown, h.counts)
		h.counts = grown
	}
	h.counts[i]++
	h.n++
	h.max = max(h.max, d)
}

// Merge adds the counts of o.
func (h *Histogram) Merge(o *Histogram) {
	if len(o.counts) > len(h.counts) {
		grown := make([]int64, len(o.counts))
		copy(grown, h.counts)
		h.counts = grown
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// Count is how many latencies were recorded.
func (h *Histogram) Count() int64 { return h.n }

// Max is the largest latency recorded.
func (h *Histogram) Max() time.Duration { return h.max }

// Quantile is the latency that a fraction q (0 < q <= 1) of the recorded ones do not exceed, to
// within the bucket width; 0 when nothing was recorded.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(q*float64(h.n) + 0.5)
	rank = min(max(rank, 1), h.n)
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return min(time.Duration(upperBound(i)), h.max)
		}
	}
	return h.max
}
