package report

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Change is what became of one requirement between two runs.
type Change struct {
	ID    string `json:"id"`
	Suite string `json:"suite"`
	Level string `json:"level"`
	Text  string `json:"text"`
	// Old and New are its statuses in each run; "" where the run does not have it.
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`
	// Failure is the first line of the first failure of its specs in the newer run, for one
	// that failed there.
	Failure string `json:"failure,omitempty"`
	// CausedBy are the requirements it probably failed because of in the newer run.
	CausedBy []string `json:"caused_by,omitempty"`
}

// Diff compares two runs requirement by requirement: what got worse (a requirement that now
// fails, one the older run did not have included, or that passed before and now does not), what
// got better, and the requirements one run has and the other does not.
type Diff struct {
	Old    string   `json:"old_run"`
	New    string   `json:"new_run"`
	Worse  []Change `json:"worse"`
	Better []Change `json:"better"`
	Added  []Change `json:"added"`
	Gone   []Change `json:"gone"`
}

// standing orders the statuses from worst to best: how a requirement stands in a run.
func standing(status string) int {
	switch status {
	case Failed:
		return 0
	case NotRun:
		return 1
	case NotCovered:
		return 2
	case NotApplicable:
		return 3
	case Passed:
		return 4
	}
	return -1
}

// Compare compares the older run with the newer.
func Compare(older, newer *Report) Diff {
	d := Diff{Old: older.RunID, New: newer.RunID}
	before := map[string]Requirement{}
	for _, r := range older.Requirements {
		before[reqKey(r.Suite, r.ID)] = r
	}
	seen := map[string]bool{}
	for _, r := range newer.Requirements {
		k := reqKey(r.Suite, r.ID)
		seen[k] = true
		c := Change{ID: r.ID, Suite: r.Suite, Level: string(r.Level), Text: r.Text, New: r.Status, CausedBy: r.CausedBy}
		if r.Status == Failed {
			c.Failure = firstFailure(newer, r)
		}
		old, ok := before[k]
		switch {
		case !ok && r.Status == Failed:
			// A requirement the older run did not have fails: newly failing all the same.
			d.Worse = append(d.Worse, c)
			continue
		case !ok:
			d.Added = append(d.Added, c)
			continue
		}
		c.Old = old.Status
		switch o, n := standing(old.Status), standing(r.Status); {
		case n < o && (r.Status == Failed || old.Status == Passed):
			d.Worse = append(d.Worse, c)
		case n > o:
			d.Better = append(d.Better, c)
		}
	}
	for _, r := range older.Requirements {
		if !seen[reqKey(r.Suite, r.ID)] {
			d.Gone = append(d.Gone, Change{ID: r.ID, Suite: r.Suite, Level: string(r.Level), Text: r.Text, Old: r.Status})
		}
	}
	for _, list := range [][]Change{d.Worse, d.Better, d.Added, d.Gone} {
		sort.SliceStable(list, func(i, j int) bool {
			if list[i].Level != list[j].Level {
				return levelOrder(list[i].Level) < levelOrder(list[j].Level)
			}
			return list[i].Suite+list[i].ID < list[j].Suite+list[j].ID
		})
	}
	return d
}

// levelOrder puts MUST before SHOULD before MAY.
func levelOrder(level string) int {
	switch strings.ToUpper(level) {
	case "MUST":
		return 0
	case "SHOULD":
		return 1
	}
	return 2
}

// firstFailure is the first line of the first failed spec of the requirement.
func firstFailure(r *Report, req Requirement) string {
	for _, s := range r.Specs {
		if s.Suite != req.Suite || !s.Failed() {
			continue
		}
		for _, id := range s.Requirements {
			if id == req.ID {
				return FirstLine(s.Failure)
			}
		}
	}
	return ""
}

// Text is the comparison as a reader scans it: what got worse first.
func (d Diff) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "paycert report diff: run %s against run %s\n", d.New, d.Old)
	section := func(title string, list []Change, line func(Change) string) {
		fmt.Fprintf(&b, "\n%s: %d\n", title, len(list))
		for _, c := range list {
			fmt.Fprintf(&b, "  %-16s %-6s %s: %s\n", c.ID, c.Level, c.Suite, line(c))
			switch {
			case len(c.CausedBy) > 0:
				fmt.Fprintf(&b, "  %-16s        probably because of %s\n", "", strings.Join(c.CausedBy, ", "))
			case c.Failure != "":
				fmt.Fprintf(&b, "  %-16s        %s\n", "", c.Failure)
			}
		}
	}
	move := func(c Change) string {
		if c.Old == "" {
			return "new, " + c.New
		}
		return c.Old + " → " + c.New
	}
	section("worse", d.Worse, move)
	section("better", d.Better, move)
	section("new", d.Added, func(c Change) string { return c.New })
	section("gone", d.Gone, func(c Change) string { return "was " + c.Old })
	return b.String()
}

// WriteDiff writes the comparison into dir as diff.json and diff.txt.
func WriteDiff(dir string, d Diff) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("diff folder: %w", err)
	}
	if err := writeJSON(filepath.Join(dir, "diff.json"), d); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "diff.txt"), []byte(d.Text()), 0o644)
}
