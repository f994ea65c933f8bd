package sim_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/freedompay"
	"github.com/paycert/paycert/harness/sim/monetix"
	"github.com/paycert/paycert/harness/sim/providers"
	"github.com/paycert/paycert/harness/sim/simtest"
)

// creates are, per provider, the request that makes the i-th new payment on a simulator with the
// simtest credentials, and a check of its answer. They build requests directly, without the
// reference clients, so that the figures are the simulator's and not the harness's validation.
var creates = []struct {
	provider string
	request  func(tb testing.TB, i int) *http.Request
}{
	{"paysage", func(tb testing.TB, i int) *http.Request {
		return beyagPayment(tb, "paysage", map[string]any{
			"amount": 1002, "currency": "KZT", "description": "scale", "tracking_id": "order-" + strconv.Itoa(i),
			"return_url": "https://merchant.example/return",
			"method":     map[string]any{"type": "mobile_commerce", "account_number": "77012345678"},
		})
	}},
	{"bepaid", func(tb testing.TB, i int) *http.Request {
		return beyagPayment(tb, "bepaid", map[string]any{
			"amount": 100, "currency": "BYN", "description": "scale", "test": false, "tracking_id": "order-" + strconv.Itoa(i),
			"ip": "127.0.0.1", "customer": map[string]any{"first_name": "John", "last_name": "Doe", "phone": "375291234567"},
			"method": map[string]any{"type": "mts_money", "confirm_agreement": "accept"},
		})
	}},
	{"monetix", func(tb testing.TB, i int) *http.Request {
		tb.Helper()
		m, err := signing.NewMonetix(simtest.Credentials.Secret, "")
		if err != nil {
			tb.Fatal(err)
		}
		body, err := m.SignRequest(map[string]any{
			"general":  map[string]any{"project_id": mustInt(tb, monetix.ProjectID), "payment_id": "scale-" + strconv.Itoa(i)},
			"customer": map[string]any{"id": "customer-1", "ip_address": "198.51.100.47", "first_name": "John", "last_name": "Doe", "email": "john@example.com"},
			"account":  map[string]any{"number": "77071234567"},
			"payment":  map[string]any{"currency": "KZT", "amount": 1000},
		})
		if err != nil {
			tb.Fatal(err)
		}
		r := httptest.NewRequest(http.MethodPost, "/monetix/v2/payment/mobile/sale", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		return r
	}},
	{"freedompay", func(tb testing.TB, i int) *http.Request {
		tb.Helper()
		s, err := signing.NewFreedomPay(simtest.Credentials.Secret, "")
		if err != nil {
			tb.Fatal(err)
		}
		l := fields.Of("pg_merchant_id", freedompay.MerchantID, "pg_order_id", "order-"+strconv.Itoa(i), "pg_amount", "150", "pg_currency", "KZT",
			"pg_description", "scale", "pg_payment_method", "mobile_commerce", "pg_testing_mode", "1", "pg_salt", "salt"+strconv.Itoa(i))
		r := httptest.NewRequest(http.MethodPost, "/freedompay/init_payment.php", strings.NewReader(s.Signed("init_payment.php", l).Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}},
}

func beyagPayment(tb testing.TB, provider string, req map[string]any) *http.Request {
	tb.Helper()
	b, err := json.Marshal(map[string]any{"request": req})
	if err != nil {
		tb.Fatal(err)
	}
	r := httptest.NewRequest(http.MethodPost, "/"+provider+"/beyag/transactions/payments", bytes.NewReader(b))
	r.Header.Set("Content-Type", "application/json")
	r.SetBasicAuth(simtest.Credentials.ID, simtest.Credentials.Secret)
	return r
}

func mustInt(tb testing.TB, s string) int64 {
	tb.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// newServer is a simulator of every provider with the simtest credentials, on a frozen clock,
// served in-process (no network).
func newServer(tb testing.TB, opts sim.Options) *sim.Server {
	tb.Helper()
	opts.Providers = providers.All()
	opts.Credentials = map[string]sim.Credentials{}
	for _, f := range opts.Providers {
		opts.Credentials[f.Name] = simtest.CredentialsOf(f)
	}
	s, err := sim.New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Close)
	return s
}

// serve sends r to s and fails unless it is answered 200 with what a created payment carries.
func serve(tb testing.TB, s *sim.Server, r *http.Request) {
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, r)
	body := w.Body.String()
	if w.Code != http.StatusOK || strings.Contains(body, `"errors"`) || strings.Contains(body, "<pg_status>error") {
		tb.Fatalf("%s %s: status %d\n%s", r.Method, r.URL.Path, w.Code, body)
	}
}

// BenchmarkCreateAtScale measures creating a payment on a simulator that already holds 1,000,
// 10,000 or 100,000 transactions of the provider. Run it with a fixed count (-benchtime=1000x, as
// make bench does), so that the store grows by that count at most while it is measured.
func BenchmarkCreateAtScale(b *testing.B) {
	outer := b // the simulators live until the whole benchmark ends
	for _, c := range creates {
		for _, n := range []int{1_000, 10_000, 100_000} {
			// Filled once for the benchmark's calls (testing calls it with b.N = 1 first).
			var s *sim.Server
			made := 0
			b.Run(fmt.Sprintf("%s/stored=%d", c.provider, n), func(b *testing.B) {
				if s == nil {
					s = newServer(outer, sim.Options{Seed: 1})
					for ; made < n; made++ {
						serve(b, s, c.request(b, made))
					}
				}
				b.ResetTimer()
				for range b.N {
					b.StopTimer()
					r := c.request(b, made)
					made++
					b.StartTimer()
					serve(b, s, r)
				}
			})
		}
	}
}

// BenchmarkMemoryAt100k reports the simulator's live heap once it holds 100,000 payments of a
// provider, all still pending (nothing can be forgotten) and, for PaySage, all confirmed
// (finished: the default retention applies).
func BenchmarkMemoryAt100k(b *testing.B) {
	const n = 100_000
	for _, c := range creates {
		b.Run(c.provider+"/pending", func(b *testing.B) {
			for range b.N {
				before := liveHeap()
				s := newServer(b, sim.Options{Seed: 1})
				for i := range n {
					serve(b, s, c.request(b, i))
				}
				b.ReportMetric(float64(liveHeap()-before)/(1<<20), "MiB")
				runtime.KeepAlive(s)
			}
		})
	}
	b.Run("paysage/confirmed", func(b *testing.B) {
		for range b.N {
			before := liveHeap()
			s := newServer(b, sim.Options{Seed: 1})
			p, _ := s.Provider("paysage")
			for i := range n {
				w := httptest.NewRecorder()
				s.Handler().ServeHTTP(w, creates[0].request(b, i))
				var a struct{ Transaction struct{ UID string } }
				if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil || a.Transaction.UID == "" {
					b.Fatalf("payment %d: %d %s", i, w.Code, w.Body)
				}
				otp, _ := p.OTP(a.Transaction.UID)
				body, _ := json.Marshal(map[string]any{"request": map[string]any{"password": otp.OTP}})
				r := httptest.NewRequest(http.MethodPost, "/paysage/beyag/transactions/"+a.Transaction.UID+"/confirm", bytes.NewReader(body))
				r.Header.Set("Content-Type", "application/json")
				r.SetBasicAuth(simtest.Credentials.ID, simtest.Credentials.Secret)
				serve(b, s, r)
			}
			b.ReportMetric(float64(liveHeap()-before)/(1<<20), "MiB")
			runtime.KeepAlive(s)
		}
	})
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
