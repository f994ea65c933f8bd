package sim

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/clock"
)

// merchant records the callbacks it gets, as "body#attempt", and refuses an attempt when refuse
// says so.
type merchant struct {
	mu     sync.Mutex
	got    []string
	ids    map[string]string // body → delivery ID
	arrive chan struct{}
}

func newMerchant(t *testing.T, refuse func(body, attempt string) bool) (*merchant, string) {
	t.Helper()
	m := &merchant{ids: map[string]string{}, arrive: make(chan struct{}, 100)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		attempt := r.Header.Get(AttemptHeader)
		m.mu.Lock()
		m.got = append(m.got, string(b)+"#"+attempt)
		if id, seen := m.ids[string(b)]; seen && id != r.Header.Get(DeliveryHeader) {
			m.got = append(m.got, "new delivery ID for "+string(b))
		}
		m.ids[string(b)] = r.Header.Get(DeliveryHeader)
		m.mu.Unlock()
		if refuse(string(b), attempt) {
			w.WriteHeader(http.StatusInternalServerError)
		}
		m.arrive <- struct{}{}
	}))
	t.Cleanup(srv.Close)
	return m, srv.URL
}

// await waits for n more deliveries; the deadline only guards against a dispatcher that hangs.
func (m *merchant) await(t *testing.T, n int) {
	t.Helper()
	for range n {
		select {
		case <-m.arrive:
		case <-time.After(10 * time.Second):
			t.Fatalf("a delivery did not come; got %v", m.deliveries())
		}
	}
}

func (m *merchant) deliveries() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.got)
}

func TestDispatcherDeliversRetriesWhenTheyFallDue(t *testing.T) {
	c := clock.NewFrozen(time.Date(2025, 4, 26, 7, 0, 0, 0, time.UTC))
	d := NewDispatcher(c)
	t.Cleanup(d.Close)
	m, url := newMerchant(t, func(body, attempt string) bool { return body == "a" && attempt != "3" })

	d.Send(Callback{URL: url, Body: []byte("a")})
	m.await(t, 1)
	c.Advance(5 * time.Second)
	d.Send(Callback{URL: url, Body: []byte("b")})
	m.await(t, 1)
	c.Advance(5 * time.Second) // a's first retry: 10 s after its first attempt
	m.await(t, 1)
	c.Advance(time.Hour) // its second retry (1 min), which is taken
	m.await(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Settled(ctx); err != nil {
		t.Fatal(err)
	}
	want := []string{"a#1", "b#1", "a#2", "a#3"}
	if got := m.deliveries(); !slices.Equal(got, want) {
		t.Fatalf("deliveries %v, want %v", got, want)
	}
}

func TestDispatcherKeepsManyWaitingRetriesInOrder(t *testing.T) {
	c := clock.NewFrozen(time.Date(2025, 4, 26, 7, 0, 0, 0, time.UTC))
	d := NewDispatcher(c)
	t.Cleanup(d.Close)
	m, url := newMerchant(t, func(_, attempt string) bool { return attempt == "1" })
	const n = 50
	for i := range n {
		d.Send(Callback{URL: url, Body: []byte(fmt.Sprint(i)), Retry: []time.Duration{time.Duration(n-i) * time.Second}})
	}
	m.await(t, n)
	c.Advance(time.Duration(n) * time.Second)
	m.await(t, n)
	got := m.deliveries()[n:]
	for i, g := range got {
		// The last one sent has the shortest retry: retries come in the order they fall due.
		if want := fmt.Sprintf("%d#2", n-1-i); g != want {
			t.Fatalf("retry %d is %s, want %s (all: %v)", i, g, want, got)
		}
	}
}

func TestDispatcherResetForgetsWaitingRetries(t *testing.T) {
	c := clock.NewFrozen(time.Date(2025, 4, 26, 7, 0, 0, 0, time.UTC))
	d := NewDispatcher(c)
	t.Cleanup(d.Close)
	m, url := newMerchant(t, func(string, string) bool { return true })
	d.Send(Callback{URL: url, Body: []byte("a")})
	m.await(t, 1)
	d.Reset()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Settled(ctx); err != nil {
		t.Fatalf("after Reset: %v", err)
	}
	c.Advance(24 * time.Hour)
	d.Send(Callback{URL: url, Body: []byte("b")})
	m.await(t, 1)
	if got := m.deliveries(); !slices.Equal(got, []string{"a#1", "b#1"}) {
		t.Fatalf("deliveries %v: a retry of a forgotten callback was sent", got)
	}
}
