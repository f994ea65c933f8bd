package report

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paycert/paycert/harness/requirements"
)

// run is a report of requirements of the suite paysage with the given statuses ("ID=status"); a
// failed one has a failed spec whose failure names it.
func run(id string, statuses ...string) *Report {
	r := &Report{RunID: id}
	for _, s := range statuses {
		req, status, _ := strings.Cut(s, "=")
		level := requirements.Must
		if strings.HasSuffix(req, "S") {
			level = requirements.Should
		}
		r.Requirements = append(r.Requirements, Requirement{
			Requirement: requirements.Requirement{ID: req, Level: level, Text: "text of " + req}, Suite: "paysage", Status: status,
		})
		if status == Failed {
			r.Specs = append(r.Specs, Spec{Suite: "paysage", State: "failed", Requirements: []string{req}, Failure: req + " broke\nat line 7"})
		}
	}
	return r
}

func ids(cs []Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID+":"+c.Old+">"+c.New)
	}
	return out
}

func TestCompare(t *testing.T) {
	cases := []struct {
		name                       string
		old, new                   *Report
		worse, better, added, gone []string
	}{
		{"same", run("1", "A=passed", "B=failed"), run("2", "A=passed", "B=failed"), nil, nil, nil, nil},
		{"newly failing, SHOULD after MUST", run("1", "AS=passed", "B=passed"), run("2", "AS=failed", "B=failed"),
			[]string{"B:passed>failed", "AS:passed>failed"}, nil, nil, nil},
		{"passed, now not run", run("1", "A=passed", "B=not applicable"), run("2", "A=not run", "B=not run"),
			[]string{"A:passed>not run"}, nil, nil, nil},
		{"fixed", run("1", "A=failed", "B=not run"), run("2", "A=passed", "B=passed"), nil, []string{"A:failed>passed", "B:not run>passed"}, nil, nil},
		{"new and gone", run("1", "A=passed", "G=passed"), run("2", "A=passed", "N=passed", "F=failed"),
			[]string{"F:>failed"}, nil, []string{"N:>passed"}, []string{"G:passed>"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := Compare(c.old, c.new)
			got := [][]string{ids(d.Worse), ids(d.Better), ids(d.Added), ids(d.Gone)}
			want := [][]string{c.worse, c.better, c.added, c.gone}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("worse, better, new, gone:\n got %q\nwant %q", got, want)
			}
		})
	}
}

// TestDiffText: what got worse comes first, each with the first line of its failure, and the
// comparison is written as JSON and text.
func TestDiffText(t *testing.T) {
	d := Compare(run("old", "A=passed", "B=failed"), run("new", "A=failed", "B=passed"))
	text := d.Text()
	worse, better := strings.Index(text, "worse: 1"), strings.Index(text, "better: 1")
	if worse < 0 || better < worse || !strings.Contains(text, "A broke") || strings.Contains(text, "at line 7") ||
		!strings.Contains(text, "passed → failed") {
		t.Errorf("the comparison:\n%s", text)
	}
	dir := t.TempDir()
	if err := WriteDiff(dir, d); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"diff.json", "diff.txt"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
}

// A requirement that now fails only because of another says so instead of repeating its failure.
func TestDiffNamesTheCause(t *testing.T) {
	older := wrongOTPRun(false)
	newer := wrongOTPRun(true)
	text := Compare(older, newer).Text()
	if !strings.Contains(text, "PSG-DUP-001      MUST   paysage: passed → failed\n                          probably because of PSG-CONFIRM-003") {
		t.Errorf("the comparison:\n%s", text)
	}
}

// wrongOTPRun is a PaySage run in which, when failing, a wrong OTP is accepted: PSG-CONFIRM-003
// fails, and PSG-DUP-001 fails in the step that relies on it.
func wrongOTPRun(failing bool) *Report {
	state := "passed"
	if failing {
		state = "failed"
	}
	r := &Report{RunID: "r", Requirements: []Requirement{
		{Suite: "paysage", Requirement: requirements.Requirement{ID: "PSG-CONFIRM-003", Level: requirements.Must, Flow: "wrong-otp"}},
		{Suite: "paysage", Requirement: requirements.Requirement{ID: "PSG-DUP-001", Level: requirements.Must, Flow: "otp"}},
	}, Specs: []Spec{
		{ID: "a", Suite: "paysage", State: state, Requirements: []string{"PSG-CONFIRM-003"}, Failure: "accepted"},
		{ID: "b", Suite: "paysage", State: state, Requirements: []string{"PSG-DUP-001"}, Failure: "accepted", Because: "PSG-CONFIRM-003"},
	}}
	r.Judge()
	return r
}
