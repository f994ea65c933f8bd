package budget

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// fakeTime is a clock that moves only when a wait moves it.
type fakeTime struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeTime() *fakeTime { return &fakeTime{now: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)} }

func (f *fakeTime) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeTime) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
	return nil
}

func newBudget(t *testing.T, l Limits, dir, key string, clock *fakeTime) *Budget {
	t.Helper()
	b, err := New(l, Options{Dir: dir, Key: key, Now: clock.Now, Sleep: clock.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// waits takes n slots one after another and returns how long each waited.
func waits(t *testing.T, b *Budget, n int) []time.Duration {
	t.Helper()
	var out []time.Duration
	for range n {
		d, err := b.Wait(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func TestLimitsSpaceRequests(t *testing.T) {
	tests := []struct {
		name   string
		limits Limits
		n      int
		want   []time.Duration
	}{
		{"min interval", Limits{MinInterval: 2 * time.Second}, 3, []time.Duration{0, 2 * time.Second, 2 * time.Second}},
		{"per minute", Limits{PerMinute: 3}, 5, []time.Duration{0, 0, 0, time.Minute, 0}},
		{"both", Limits{MinInterval: 10 * time.Second, PerMinute: 3}, 4, []time.Duration{0, 10 * time.Second, 10 * time.Second, 40 * time.Second}},
		{"off", Limits{}, 3, []time.Duration{0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := waits(t, newBudget(t, tt.limits, t.TempDir(), "k", newFakeTime()), tt.n)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("waits %v, want %v", got, tt.want)
			}
		})
	}
}

func TestBudgetIsSharedByKey(t *testing.T) {
	dir, clock := t.TempDir(), newFakeTime()
	l := Limits{MinInterval: 2 * time.Second}
	a, b := newBudget(t, l, dir, "freedompay api.example 1", clock), newBudget(t, l, dir, "freedompay api.example 1", clock)
	other := newBudget(t, l, dir, "freedompay api.example 2", clock)
	if d := waits(t, a, 1)[0]; d != 0 {
		t.Fatalf("first request waited %s", d)
	}
	if d := waits(t, b, 1)[0]; d != 2*time.Second {
		t.Errorf("a second budget of the same key waited %s after the first's request, want 2s", d)
	}
	if d := waits(t, other, 1)[0]; d != 0 {
		t.Errorf("another account's budget waited %s, want 0: budgets of different keys are apart", d)
	}
	if sent, waited := b.Used(); sent != 1 || waited != 2*time.Second {
		t.Errorf("Used() = %d, %s; want 1, 2s", sent, waited)
	}
}

func TestWaitEndsWithItsContext(t *testing.T) {
	b := newBudget(t, Limits{MinInterval: time.Hour}, t.TempDir(), "k", newFakeTime())
	waits(t, b, 1)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Wait(ctx, nil); err == nil {
		t.Fatal("a wait whose context ended returned no error")
	}
}

func TestTransportWaitsAndSlowsDownOn429(t *testing.T) {
	var mu sync.Mutex
	status := http.StatusTooManyRequests
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Retry-After", "30")
		w.WriteHeader(status)
		status = http.StatusOK
	}))
	defer srv.Close()
	clock := newFakeTime()
	b := newBudget(t, Limits{MinInterval: time.Second}, t.TempDir(), "k", clock)
	var told []time.Duration
	hc := &http.Client{Transport: &Transport{Budget: b, Waiting: func(_ *http.Request, d time.Duration) func() {
		told = append(told, d)
		return func() {}
	}}}
	for range 2 {
		resp, err := hc.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if _, waited := b.Used(); waited != 30*time.Second {
		t.Errorf("waited %s in all, want the 30s of Retry-After", waited)
	}
	if len(told) != 1 || told[0] != 30*time.Second {
		t.Errorf("Waiting told %v, want [30s]", told)
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"30/min", 30, true}, {"2/s", 120, true}, {"120/h", 2, true}, {"45", 45, true}, {" 1 / minute ", 1, true},
		{"30/h", 0, false}, {"0/min", 0, false}, {"fast", 0, false}, {"3/day", 0, false}, {"-1/s", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseRate(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestUnreadableStateStartsEmpty(t *testing.T) {
	dir, clock := t.TempDir(), newFakeTime()
	b := newBudget(t, Limits{MinInterval: time.Second}, dir, "k", clock)
	if err := os.WriteFile(b.path, []byte("hold x\n12\nnot a time\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if d := waits(t, b, 1)[0]; d != 0 {
		t.Errorf("waited %s on an unreadable state, want 0", d)
	}
	if d := waits(t, b, 1)[0]; d != time.Second {
		t.Errorf("waited %s after the state was rewritten, want 1s", d)
	}
}

// helperEnv makes the test binary a process that takes slots of a budget (see TestMain).
const helperEnv = "PAYCERT_BUDGET_TEST_HELPER"

func TestMain(m *testing.M) {
	if dir := os.Getenv(helperEnv); dir != "" {
		n, _ := strconv.Atoi(os.Getenv(helperEnv + "_N"))
		b, err := New(Limits{MinInterval: time.Millisecond, PerMinute: 1000}, Options{Dir: dir, Key: "shared"})
		if err == nil {
			for range n {
				if _, err = b.Wait(context.Background(), nil); err != nil {
					break
				}
			}
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestBudgetIsSharedAcrossProcesses runs processes that take slots of one budget at once: every
// slot must be in the state file, each at least the interval after the one before.
func TestBudgetIsSharedAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	const procs, each = 3, 100
	var wg sync.WaitGroup
	errs := make([]error, procs)
	for i := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), helperEnv+"="+dir, helperEnv+"_N="+strconv.Itoa(each))
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("%v: %s", err, out)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.budget"))
	if len(files) != 1 {
		t.Fatalf("%d state files, want 1", len(files))
	}
	starts, err := Starts(files[0])
	if err != nil {
		t.Fatal(err)
	}
	s := state{starts: starts}
	if len(s.starts) != procs*each {
		t.Fatalf("the state holds %d starts, want %d (a process's slot was lost)", len(s.starts), procs*each)
	}
	for i := 1; i < len(s.starts); i++ {
		if gap := s.starts[i].Sub(s.starts[i-1]); gap < time.Millisecond {
			t.Errorf("starts %d and %d are %s apart, want at least 1ms", i-1, i, gap)
		}
	}
}

// BenchmarkWait is the cost of one slot: locking, reading and writing the shared state, with a
// budget that never makes a request wait.
func BenchmarkWait(b *testing.B) {
	for _, perMinute := range []int{30, 1000} {
		b.Run(fmt.Sprintf("%d-a-minute", perMinute), func(b *testing.B) {
			// The clock moves a minute per slot, so that no slot waits and the window stays full.
			clock := newFakeTime()
			bud, err := New(Limits{MinInterval: time.Millisecond, PerMinute: perMinute}, Options{Dir: b.TempDir(), Key: "k",
				Now: func() time.Time { return clock.Now() }, Sleep: clock.Sleep})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			for b.Loop() {
				clock.mu.Lock()
				clock.now = clock.now.Add(Window / time.Duration(perMinute))
				clock.mu.Unlock()
				if _, err := bud.Wait(ctx, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
