package sim

import (
	"slices"
	"testing"
	"time"
)

func TestDeadlinesComeDueInTimeOrder(t *testing.T) {
	t0 := time.Date(2025, 4, 26, 7, 0, 0, 0, time.UTC)
	var d Deadlines[string]
	d.Add(t0.Add(3*time.Second), "c")
	d.Add(t0.Add(1*time.Second), "a")
	d.Add(t0.Add(2*time.Second), "b1")
	d.Add(t0.Add(2*time.Second), "b2") // same moment: after b1, which was added first
	d.Add(t0.Add(9*time.Second), "late")

	var got []string
	d.Due(t0, func(k string) { got = append(got, k) })
	if len(got) != 0 {
		t.Fatalf("due before anything: %v", got)
	}
	d.Due(t0.Add(3*time.Second), func(k string) { got = append(got, k) })
	if want := []string{"a", "b1", "b2", "c"}; !slices.Equal(got, want) {
		t.Fatalf("due at +3s: %v, want %v", got, want)
	}
	if next, ok := d.Next(); !ok || !next.Equal(t0.Add(9*time.Second)) || d.Len() != 1 {
		t.Fatalf("left: next %v %v, %d entries; want +9s and 1", next, ok, d.Len())
	}
	d.Due(t0.Add(3*time.Second), func(k string) { t.Errorf("%s came due twice", k) })
}

func TestDeadlinesAddedWhileDueComeInTheSameCall(t *testing.T) {
	t0 := time.Date(2025, 4, 26, 7, 0, 0, 0, time.UTC)
	var d Deadlines[int]
	d.Add(t0, 1)
	var got []int
	d.Due(t0.Add(time.Minute), func(k int) {
		got = append(got, k)
		if k == 1 {
			d.Add(t0.Add(30*time.Second), 2) // due already
			d.Add(t0.Add(2*time.Minute), 3)  // not yet
		}
	})
	if !slices.Equal(got, []int{1, 2}) || d.Len() != 1 {
		t.Fatalf("got %v with %d left, want [1 2] with 1 left", got, d.Len())
	}
	d.Reset()
	if _, ok := d.Next(); ok || d.Len() != 0 {
		t.Fatal("Reset left entries")
	}
}

func TestFinishedAppliesCountAndAge(t *testing.T) {
	t0 := time.Date(2025, 4, 26, 7, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		r    Retention
		now  time.Time
		want []string // forgotten, in order
	}{
		{"over the count, oldest first", Retention{MaxFinished: 2, MaxAge: time.Hour}, t0.Add(3 * time.Second), []string{"a", "b"}},
		{"past the age", Retention{MaxFinished: 10, MaxAge: 2 * time.Second}, t0.Add(3 * time.Second), []string{"a", "b"}},
		{"within both", Retention{MaxFinished: 10, MaxAge: time.Hour}, t0.Add(3 * time.Second), nil},
		{"no limits", Retention{MaxFinished: -1, MaxAge: -1}, t0.Add(1000 * time.Hour), nil},
		{"defaults keep a few for a day", Retention{}, t0.Add(24 * time.Hour), nil},
		{"defaults forget after 30 days", Retention{}, t0.Add(30*24*time.Hour + 3*time.Second), []string{"a", "b", "c", "d"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := NewFinished[string](c.r)
			for i, k := range []string{"a", "b", "c", "d"} {
				f.Add(k, t0.Add(time.Duration(i)*time.Second))
			}
			var got []string
			f.Expire(c.now, func(k string) { got = append(got, k) })
			if !slices.Equal(got, c.want) {
				t.Fatalf("forgot %v, want %v", got, c.want)
			}
			if f.Len() != 4-len(c.want) {
				t.Fatalf("keeps %d, want %d", f.Len(), 4-len(c.want))
			}
		})
	}
}

func TestFinishedDoesNotGrowWithoutBound(t *testing.T) {
	t0 := time.Date(2025, 4, 26, 7, 0, 0, 0, time.UTC)
	f := NewFinished[int](Retention{MaxFinished: 100})
	for i := range 100_000 {
		f.Add(i, t0)
		f.Expire(t0, func(int) {})
	}
	if f.Len() != 100 || cap(f.queue) > 1000 {
		t.Fatalf("keeps %d in a queue of capacity %d, want 100 in a small queue", f.Len(), cap(f.queue))
	}
}

func TestKeysAreMadeOncePerName(t *testing.T) {
	k := NewKeys()
	k.bits = 1024 // the size does not matter here, and a smaller key is quicker to make
	a1, err := k.RSA("a")
	if err != nil {
		t.Fatal(err)
	}
	a2, _ := k.RSA("a")
	b, _ := k.RSA("b")
	if a1 != a2 {
		t.Error("a second call made another key for the same name")
	}
	if a1.Equal(b) {
		t.Error("two names share one key")
	}
	if ProcessKeys() != ProcessKeys() {
		t.Error("the process's keys are not one set")
	}
}
