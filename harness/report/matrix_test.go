package report_test

import (
	"bytes"
	"go/build"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/requirements"
)

// Every flow a catalogue may name has a column of the matrix.
func TestEveryFlowHasAColumn(t *testing.T) {
	in := map[string]bool{}
	for _, c := range report.Columns() {
		for _, f := range c.Flows {
			if in[f] {
				t.Errorf("flow %s is in two columns", f)
			}
			in[f] = true
		}
	}
	for _, f := range requirements.Flows {
		if !in[f] {
			t.Errorf("flow %s has no column of the matrix", f)
		}
	}
}

// A cell takes the worst result of its requirements: a failed MUST over a failed SHOULD over
// one not run over one not applicable over passed; an empty flow is none.
func TestMatrixCells(t *testing.T) {
	r := bigReport(true, false)
	cell := func(suite, column string) report.Cell {
		t.Helper()
		for _, row := range r.Matrix() {
			if row.Suite != suite {
				continue
			}
			for _, c := range row.Cells {
				if c.Column == column {
					return c
				}
			}
		}
		t.Fatalf("no cell %s/%s", suite, column)
		return report.Cell{}
	}
	if c := cell("paysage", "wrong OTP"); c.Result != report.CellFailedMust || c.First != "PSG-CONFIRM-003" || c.Counts[report.Failed] != 1 {
		t.Errorf("wrong OTP: %+v", c)
	}
	if c := cell("paysage", "OTP"); c.Result != report.CellFailedMust || c.Counts[report.Failed] != 4 || c.Counts[report.Passed] != 4 {
		t.Errorf("OTP: %+v", c)
	}
	if c := cell("bepaid", "OTP"); c.Result != report.CellPassed || c.Total != 4 {
		t.Errorf("bepaid OTP: %+v", c)
	}
	levels := []struct {
		statuses []string
		level    requirements.Level
		want     string
	}{
		{[]string{report.Passed, report.NotApplicable}, requirements.Must, report.CellNotApplicable},
		{[]string{report.Passed, report.NotCovered}, requirements.Must, report.CellNotRun},
		{[]string{report.Failed, report.NotRun}, requirements.Should, report.CellFailedShould},
		{[]string{report.Failed, report.Passed}, requirements.May, report.CellFailedMay},
	}
	for _, l := range levels {
		r := &report.Report{}
		for i, st := range l.statuses {
			r.Requirements = append(r.Requirements, report.Requirement{Suite: "s", Status: st,
				Requirement: requirements.Requirement{ID: "S-X-00" + string(rune('1'+i)), Level: l.level, Flow: "refund"}})
		}
		if got := r.Matrix()[0].Cells[6]; got.Column != "refund" || got.Result != l.want {
			t.Errorf("%v %s: cell %+v, want %s", l.statuses, l.level, got, l.want)
		}
	}
}

// The requirement the fault breaks comes first, with those that failed in a step relying on it
// under it; a MUST comes before a SHOULD whatever the catalogue's order; a requirement whose
// failed specs did not all fail because of another stays a root.
func TestFailuresRootCauseFirst(t *testing.T) {
	r := bigReport(true, false)
	f := r.Failures()
	if len(f) != 1 || f[0].ID != "PSG-CONFIRM-003" || len(f[0].Also) != 4 || f[0].Also[0].ID != "PSG-DUP-001" {
		t.Fatalf("failures: %+v", f)
	}
	// One duplicate-window spec fails on its own as well: that requirement is a root of its own.
	r.Specs = append(r.Specs, report.Spec{ID: "own", Suite: "paysage", State: "failed", Requirements: []string{"PSG-DUP-002"}, Failure: "its own"})
	// A SHOULD failing early in the catalogue.
	r.Requirements[0].Level = requirements.Should
	r.Specs[0].State, r.Specs[0].Failure = "failed", "a SHOULD failure"
	r.Judge()
	var ids []string
	for _, x := range r.Failures() {
		ids = append(ids, x.ID)
	}
	if got := strings.Join(ids, " "); got != "PSG-CONFIRM-003 PSG-DUP-002 BEP-REQ-001" {
		t.Errorf("failures in order %s, want PSG-CONFIRM-003 (3 caused) PSG-DUP-002 (MUST) BEP-REQ-001 (SHOULD)", got)
	}
}

func TestSummaryMatrix(t *testing.T) {
	var out bytes.Buffer
	report.PrintSummary(&out, bigReport(true, false), "")
	text := out.String()
	for _, want := range []string{
		"signature init OTP      wrong OTP",
		"paysage    ok 3      ok 4 FAIL 4/8 FAIL 1/5",
		"FAILED PSG-CONFIRM-003 (MUST)",
		"    also failed, probably because of PSG-CONFIRM-003: PSG-DUP-001 (MUST)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("%q not in the summary:\n%s", want, text)
		}
	}
	if strings.Contains(text, "\x1b[") {
		t.Error("colours written to a writer that is not a terminal")
	}
	if strings.Index(text, "FAILED PSG-CONFIRM-003") > strings.Index(text, "PSG-DUP-001") {
		t.Error("a caused failure is listed before its cause")
	}
}

func TestRepoPath(t *testing.T) {
	for in, want := range map[string]string{
		checkoutPath("suites/paysage/confirm.go") + ":50":                                  "suites/paysage/confirm.go:50",
		"github.com/paycert/paycert/harness/begateway/x.go:7":                              "harness/begateway/x.go:7",
		`C:\paycert\suites\monetix\otp.go:12`:                                              "suites/monetix/otp.go:12",
		filepath.Join(build.Default.GOPATH, "pkg/mod/github.com/onsi/gomega@v1/gomega.go"): "gomega.go",
	} {
		if got := report.RepoPath(in); got != want {
			t.Errorf("RepoPath(%q) = %q, want %q", in, got, want)
		}
	}
	if got := report.SourceURL("suites/paysage/confirm.go:50"); got != report.RepositoryURL+"/blob/main/suites/paysage/confirm.go#L50" {
		t.Errorf("SourceURL: %s", got)
	}
}

// The page shows each exchange once (the failure message refers to it), folds its bodies to the
// fields the spec read and the masked OTPs, and keeps the whole body a click away; it holds no
// absolute path of the machine that ran it.
func TestPageEvidence(t *testing.T) {
	r := bigReport(true, false)
	x := r.Specs[len(r.Specs)-1].Exchanges[0]
	x.Response.Body = "{\n  \"transaction\": {\n    \"status\": \"successful\",\n    \"uid\": \"u1\",\n    \"long\": \"" + strings.Repeat("z", 300) + "\"\n  }\n}"
	r.Specs[len(r.Specs)-1].Exchanges[0] = x
	r.Specs[len(r.Specs)-1].Failure = "want declined\n" + exchange.Describe(x) + "\n\nRequirement PSG-CONFIRM-003 (MUST): ..."
	page, err := report.HTML(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	for _, want := range []string{
		"[exchange #1, shown below]",
		"<td>answer transaction.status</td><td>&#34;successful&#34;</td>",
		"<td>request request.password</td><td>[OTP#1 altered]</td>",
		"<summary>whole exchange</summary>",
		`href="` + report.RepositoryURL + `/blob/main/suites/paysage/confirm.go#L50"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("%s not in the page", want)
		}
	}
	if n := strings.Count(html, strings.Repeat("z", 300)); n != 1 {
		t.Errorf("the whole body appears %d times, want once: in the whole exchange, not in the message", n)
	}
	if strings.Contains(html, checkoutPath(".")) {
		t.Error("an absolute path of the machine is in the page")
	}
}
