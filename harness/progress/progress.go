// Package progress shows what a long run is doing while it does it: which suite and spec run, what
// the spec waits for (a window of real time, a callback, a status) and how long is left. On a
// terminal one line is rewritten in place; elsewhere (a CI log) every event is a plain line, and a
// wait repeats its line at most once per Options.Every.
//
// A nil *Reporter is valid and reports nothing, so that code that may run without one need not
// check.
package progress

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Options say how a Reporter writes.
type Options struct {
	// Live rewrites one line in place (\r and clear-to-end-of-line): for a terminal.
	Live bool
	// Every is how often, in plain mode, a wait repeats its line (10 s when zero).
	Every time.Duration
	// Now tells the time (time.Now when nil); tests give a fake.
	Now func() time.Time
	// Width is the longest line drawn in place (100 when zero); longer lines are cut.
	Width int
}

// Outcomes of a spec, as End says them.
const (
	Passed        = "passed"
	Failed        = "failed"
	NotApplicable = "n/a"
	NotRun        = "not run"
	Skipped       = "skipped"
)

// Reporter writes a suite's progress to one writer. It is safe for concurrent use.
type Reporter struct {
	out   io.Writer
	suite string
	opts  Options

	mu    sync.Mutex
	spec  string
	began time.Time
	waits []*wait
	// waited: the spec under way showed a wait, so its end is said too.
	waited bool
	// drawn is the line on screen in live mode ("" when none).
	drawn string
}

// wait is one wait under way.
type wait struct {
	what string
	// until is when it ends at the latest.
	until time.Time
	// sure: it lasts until then (real time waited out), rather than until an event comes.
	sure    bool
	started time.Time
	// said is when its line was last written (plain mode); zero when never.
	said time.Time
}

// New returns a Reporter of the named suite writing to w.
func New(w io.Writer, suite string, o Options) *Reporter {
	if o.Every <= 0 {
		o.Every = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Width <= 0 {
		o.Width = 100
	}
	return &Reporter{out: w, suite: suite, opts: o}
}

// quiet is how long a wait for an event may last before it is shown: most callbacks come at once,
// and a line for each would bury the ones that do not.
func (r *Reporter) quiet() time.Duration {
	if r.opts.Live {
		return time.Second
	}
	return r.opts.Every
}

// Begin says that a spec starts; text is its name.
func (r *Reporter) Begin(text string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.spec, r.began, r.waits, r.waited = text, r.opts.Now(), nil, false
}

// End says how the spec under way ended (Passed, Failed, ...). A spec that showed a wait gets a
// last line with its outcome and how long it took; others end silently.
func (r *Reporter) End(outcome string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.waited {
		took := r.opts.Now().Sub(r.began).Round(time.Second)
		r.sayLocked(fmt.Sprintf("%s in %s", outcome, took), true)
	}
	r.spec, r.waits, r.waited = "", nil, false
}

// Waiting says that the spec waits out d of real time; what says what for ("the OTP window").
// It is shown at once. The returned func ends the wait.
func (r *Reporter) Waiting(what string, d time.Duration) (done func()) {
	return r.start(what, d, true)
}

// Awaiting says that the spec waits for an event (a callback, a status) for at most bound. It is
// shown only once it has lasted a while. The returned func ends the wait.
func (r *Reporter) Awaiting(what string, bound time.Duration) (done func()) {
	return r.start(what, bound, false)
}

func (r *Reporter) start(what string, d time.Duration, sure bool) func() {
	if r == nil {
		return func() {}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.opts.Now()
	w := &wait{what: what, until: now.Add(d), sure: sure, started: now}
	r.waits = append(r.waits, w)
	if sure {
		r.showLocked(now)
	}
	return func() { r.finish(w) }
}

func (r *Reporter) finish(w *wait) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, x := range r.waits {
		if x == w {
			r.waits = append(r.waits[:i], r.waits[i+1:]...)
			break
		}
	}
	if r.opts.Live && r.drawn != "" && len(r.waits) == 0 {
		// The spec goes on without waiting: its line would show a wait that is over.
		r.sayLocked("running", false)
	}
}

// Tick brings the line up to date: in live mode it redraws the wait under way with the time left;
// in plain mode it repeats the wait's line when Every has passed since the last one. Run calls
// it; tests call it after moving their clock.
func (r *Reporter) Tick() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.showLocked(r.opts.Now())
}

// Run calls Tick every interval until ctx ends.
func (r *Reporter) Run(ctx context.Context, interval time.Duration) {
	if r == nil {
		return
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.Tick()
		}
	}
}

// Write writes p as it is, after taking the line drawn in place off the screen: other output (a
// warning) goes through the Reporter so that the two do not mix.
func (r *Reporter) Write(p []byte) (int, error) {
	if r == nil {
		return len(p), nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.drawn != "" {
		r.clearLocked()
	}
	return r.out.Write(p)
}

// showLocked shows the innermost wait that is due to be shown.
func (r *Reporter) showLocked(now time.Time) {
	if len(r.waits) == 0 {
		return
	}
	w := r.waits[len(r.waits)-1]
	if !w.sure && now.Sub(w.started) < r.quiet() {
		return
	}
	if !r.opts.Live && !w.said.IsZero() && now.Sub(w.said) < r.opts.Every {
		return
	}
	w.said = now
	if !r.waited && !r.opts.Live {
		// The spec's first line starts on a line of its own: the test runner's dots may be on
		// the current one, in a log that takes both.
		fmt.Fprint(r.out, "\n")
	}
	r.waited = true
	left := max(w.until.Sub(now), 0).Round(time.Second)
	if w.sure {
		r.sayLocked(fmt.Sprintf("%s, %s left", w.what, left), false)
		return
	}
	r.sayLocked(fmt.Sprintf("%s, at most %s more", w.what, left), false)
}

// sayLocked writes a line about the spec under way: in live mode in place, and kept on screen when
// final; in plain mode as a line of its own.
func (r *Reporter) sayLocked(event string, final bool) {
	line := fmt.Sprintf("paycert: %s | %s | %s", r.suite, short(r.spec, 60), event)
	if !r.opts.Live {
		fmt.Fprintln(r.out, line)
		return
	}
	line = cut(line, r.opts.Width)
	if line == r.drawn && !final {
		return
	}
	if r.drawn == "" {
		// Start on a line of its own: the test runner's dots may be on the current one.
		fmt.Fprint(r.out, "\n")
	}
	fmt.Fprint(r.out, "\r\x1b[K"+line)
	r.drawn = line
	if final {
		fmt.Fprint(r.out, "\n")
		r.drawn = ""
	}
}

// clearLocked takes the line drawn in place off the screen; the cursor stays at the start of the
// now empty line.
func (r *Reporter) clearLocked() {
	fmt.Fprint(r.out, "\r\x1b[K")
	r.drawn = ""
}

// short cuts a spec's name to n characters, keeping its start and its end.
func short(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	half := (n - 3) / 2
	return string(rs[:half]) + "..." + string(rs[len(rs)-(n-3-half):])
}

// cut cuts a line to n characters.
func cut(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return strings.TrimRight(string(rs[:n-3]), " ") + "..."
}
