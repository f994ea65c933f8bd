package progress_test

import (
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/progress"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) advance(d time.Duration) { c.now = c.now.Add(d) }

func newReporter(t *testing.T, live bool) (*progress.Reporter, *strings.Builder, *fakeClock) {
	t.Helper()
	c := &fakeClock{now: time.Date(2025, 4, 26, 7, 15, 0, 0, time.UTC)}
	var out strings.Builder
	return progress.New(&out, "paysage", progress.Options{Live: live, Now: c.Now}), &out, c
}

// TestPlainLines: in a CI log a real-time wait is said at once and then at most once per 10 s,
// with the time left; the spec's end is said with its outcome and duration.
func TestPlainLines(t *testing.T) {
	r, out, c := newReporter(t, false)
	r.Begin("confirms the payment with the right OTP")
	done := r.Waiting("waiting out 1m30s of real time", 90*time.Second)
	for range 25 {
		c.advance(time.Second)
		r.Tick()
	}
	done()
	c.advance(2 * time.Second)
	r.End(progress.Passed)
	want := []string{
		"",
		"paycert: paysage | confirms the payment with the right OTP | waiting out 1m30s of real time, 1m30s left",
		"paycert: paysage | confirms the payment with the right OTP | waiting out 1m30s of real time, 1m20s left",
		"paycert: paysage | confirms the payment with the right OTP | waiting out 1m30s of real time, 1m10s left",
		"paycert: paysage | confirms the payment with the right OTP | passed in 27s",
	}
	if got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestQuickEventsAreNotShown: a callback that comes within the quiet time, in a spec that waits
// for nothing else, leaves no line at all (a run on the simulator stays quiet); one that takes
// longer is shown with the bound left.
func TestQuickEventsAreNotShown(t *testing.T) {
	r, out, c := newReporter(t, false)
	r.Begin("sends the callback")
	done := r.Awaiting("waiting for callback 1", 2*time.Minute)
	c.advance(time.Second)
	r.Tick()
	done()
	r.End(progress.Passed)
	if out.Len() != 0 {
		t.Errorf("a quick callback was shown: %q", out.String())
	}
	r.Begin("sends the callback late")
	done = r.Awaiting("waiting for callback 1", 2*time.Minute)
	c.advance(15 * time.Second)
	r.Tick()
	done()
	r.End(progress.Failed)
	if want := "\npaycert: paysage | sends the callback late | waiting for callback 1, at most 1m45s more\n" +
		"paycert: paysage | sends the callback late | failed in 15s\n"; out.String() != want {
		t.Errorf("got %q\nwant %q", out.String(), want)
	}
}

// TestLiveLine: on a terminal the line is drawn on a line of its own and rewritten in place
// (carriage return, clear to the end of the line) when the time left changes, and the spec's end
// stays on screen.
func TestLiveLine(t *testing.T) {
	r, out, c := newReporter(t, true)
	r.Begin("resends the OTP after the window")
	done := r.Waiting("waiting out 1m30s of real time", 90*time.Second)
	c.advance(400 * time.Millisecond)
	r.Tick() // the same second: nothing to redraw
	c.advance(time.Second)
	r.Tick()
	done()
	r.End(progress.NotApplicable)
	const prefix = "paycert: paysage | resends the OTP after the window | "
	want := "\n" +
		"\r\x1b[K" + prefix + "waiting out 1m30s of real time, 1m30s left" +
		"\r\x1b[K" + prefix + "waiting out 1m30s of real time, 1m29s left" +
		"\r\x1b[K" + prefix + "running" +
		"\r\x1b[K" + prefix + "n/a in 1s\n"
	if out.String() != want {
		t.Errorf("got  %q\nwant %q", out.String(), want)
	}
	// Other output takes the line off the screen first.
	out.Reset()
	r.Begin("another")
	r.Waiting("waiting out 10s of real time", 10*time.Second)
	out.Reset()
	if _, err := r.Write([]byte("warning\n")); err != nil {
		t.Fatal(err)
	}
	if out.String() != "\r\x1b[Kwarning\n" {
		t.Errorf("a write over the live line: %q", out.String())
	}
}

// TestLongNamesAreCut: a spec's name is cut in the middle, and a terminal line to its width.
func TestLongNamesAreCut(t *testing.T) {
	c := &fakeClock{}
	var out strings.Builder
	r := progress.New(&out, "freedompay", progress.Options{Live: true, Now: c.Now, Width: 80})
	r.Begin(strings.Repeat("a", 40) + " middle " + strings.Repeat("z", 40))
	r.Waiting("waiting out 1m30s of real time", 90*time.Second)
	line := out.String()[strings.LastIndex(out.String(), "\x1b[K")+3:]
	if n := len([]rune(line)); n != 80 || !strings.HasSuffix(line, "...") || !strings.Contains(line, "aaa...zzz") {
		t.Errorf("line of %d characters: %q", n, line)
	}
}

// TestNilReporter: code without a Reporter calls one anyway.
func TestNilReporter(t *testing.T) {
	var r *progress.Reporter
	r.Begin("x")
	r.Waiting("y", time.Second)()
	r.Awaiting("z", time.Second)()
	r.Tick()
	r.End(progress.Passed)
	if n, err := r.Write([]byte("abc")); n != 3 || err != nil {
		t.Errorf("Write: %d, %v", n, err)
	}
}
