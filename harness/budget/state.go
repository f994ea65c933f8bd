package budget

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// state is what a budget's file holds: the starts of the requests of the last window, in order,
// and a time before which no request may start (after a 429).
type state struct {
	starts []time.Time
	hold   time.Time
}

// prune forgets the starts before since.
func (s *state) prune(since time.Time) {
	i := 0
	for i < len(s.starts) && !s.starts[i].After(since) {
		i++
	}
	s.starts = s.starts[i:]
}

// encode writes the state: a line "hold <unix nanoseconds>" and one line per start.
func (s *state) encode() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "hold %d\n", s.hold.UnixNano())
	for _, t := range s.starts {
		fmt.Fprintf(&b, "%d\n", t.UnixNano())
	}
	return b.Bytes()
}

// decode reads a state; a file that does not read (cut short by a crash, or not a budget) is an
// empty state rather than a run that cannot start: the worst it costs is one window's spacing.
func decode(data []byte) state {
	var s state
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "hold "); ok {
			if n, err := strconv.ParseInt(rest, 10, 64); err == nil && n > 0 {
				s.hold = time.Unix(0, n)
			}
			continue
		}
		n, err := strconv.ParseInt(line, 10, 64)
		if err != nil {
			return state{}
		}
		t := time.Unix(0, n)
		if len(s.starts) > 0 && t.Before(s.starts[len(s.starts)-1]) {
			return state{}
		}
		s.starts = append(s.starts, t)
	}
	return s
}

// Starts reads the request starts a budget's state file holds (those of the last window), in
// order: what a run's requests drew on the budget, for checking it from outside.
func Starts(file string) ([]time.Time, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("request budget: %w", err)
	}
	return decode(data).starts, nil
}

// withLockedState opens the state file, locks it for this process alone, reads it, lets f change
// it, and writes it back.
func withLockedState(path string, f func(*state)) error {
	file, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("request budget: %w", err)
	}
	defer file.Close()
	if err := lock(file); err != nil && !errors.Is(err, errNoLock) {
		return fmt.Errorf("request budget: lock %s: %w", path, err)
	}
	defer unlock(file)
	data, err := readAll(file)
	if err != nil {
		return fmt.Errorf("request budget: read %s: %w", path, err)
	}
	s := decode(data)
	f(&s)
	out := s.encode()
	if err := file.Truncate(0); err != nil {
		return fmt.Errorf("request budget: write %s: %w", path, err)
	}
	if _, err := file.WriteAt(out, 0); err != nil {
		return fmt.Errorf("request budget: write %s: %w", path, err)
	}
	return nil
}

func readAll(f *os.File) ([]byte, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	buf := make([]byte, st.Size())
	n, err := f.ReadAt(buf, 0)
	if n == len(buf) {
		return buf, nil
	}
	return buf[:n], err
}
