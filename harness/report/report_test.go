package report_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/requirements"
)

func req(id string, level requirements.Level) report.Requirement {
	return report.Requirement{Requirement: requirements.Requirement{ID: id, Level: level, Flow: "otp", Text: "text of " + id, Source: "000, section"}, Suite: "paysage"}
}

func spec(name, state, failure string, reqs ...string) report.Spec {
	return report.Spec{ID: "paysage-" + strings.ReplaceAll(name, " ", "-"), Suite: "paysage", Name: name, State: state, Failure: failure, Requirements: reqs}
}

func sample() *report.Report {
	start := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	r := &report.Report{
		Tool: "paycert", RunID: "test-run", Started: start, Finished: start.Add(2 * time.Second),
		Targets: []report.Target{{Suite: "paysage", Provider: "paysage", Kind: "embedded simulator", Clock: report.ClockMoved}},
		Requirements: []report.Requirement{
			req("PSG-A-001", requirements.Must), req("PSG-B-001", requirements.Must), req("PSG-C-001", requirements.Must),
			req("PSG-D-001", requirements.Should), req("PSG-E-001", requirements.Must),
		},
		Specs: []report.Spec{
			spec("a passes", "passed", "", "PSG-A-001"),
			spec("b passes", "passed", "", "PSG-B-001"),
			spec("b fails", "failed", "want successful\nRequirement PSG-B-001", "PSG-B-001"),
			spec("c needs otp", "skipped", report.NotApplicablePrefix+"no OTP source", "PSG-C-001"),
			spec("d skipped", "skipped", "interrupted by user", "PSG-D-001"),
		},
	}
	r.Specs[2].Exchanges = []record.Exchange{{Seq: 1, Operation: "confirmPayment", Provider: "paysage", Request: record.Message{Method: "POST", URL: "http://x/confirm", Body: `{"request":{"password":"[OTP]"}}`}, Response: &record.Message{Status: 200, Body: `{"transaction":{"status":"failed"}}`}}}
	r.Judge()
	return r
}

func TestJudge(t *testing.T) {
	r := sample()
	want := map[string]string{
		"PSG-A-001": report.Passed, "PSG-B-001": report.Failed, "PSG-C-001": report.NotApplicable,
		"PSG-D-001": report.NotRun, "PSG-E-001": report.NotCovered,
	}
	for _, q := range r.Requirements {
		if q.Status != want[q.ID] {
			t.Errorf("%s: %s, want %s", q.ID, q.Status, want[q.ID])
		}
	}
	if r.Verdict != report.NonConformant || r.Summary.MustNotRun != 2 {
		t.Errorf("verdict %s, MUST not run %d", r.Verdict, r.Summary.MustNotRun)
	}

	// Without the failure: nothing failed, but MUST requirements did not run.
	r.Specs[2].State, r.Specs[2].Failure = "passed", ""
	r.Judge()
	if r.Verdict != report.Incomplete {
		t.Errorf("verdict %s, want incomplete", r.Verdict)
	}
	r.Errors = []string{"BeforeSuite: configuration"}
	r.Judge()
	if r.Verdict != report.HarnessError {
		t.Errorf("verdict %s, want error", r.Verdict)
	}
}

// TestFailedMayDoesNotDecide checks that a failed MAY requirement (a decision of paycert's where
// the documents are silent) is reported failed without making the run non-conformant, while a
// spec that also tests a MUST still does.
func TestFailedMayDoesNotDecide(t *testing.T) {
	r := &report.Report{
		Requirements: []report.Requirement{req("BPD-A-001", requirements.Must), req("BPD-M-001", requirements.May)},
		Specs: []report.Spec{
			spec("a passes", "passed", "", "BPD-A-001"),
			spec("decision differs", "failed", "want 422", "BPD-M-001"),
		},
	}
	r.Judge()
	if r.Requirements[1].Status != report.Failed {
		t.Errorf("MAY requirement: %s, want failed", r.Requirements[1].Status)
	}
	if r.Verdict != report.Conformant {
		t.Errorf("verdict %s, want conformant: only a MAY failed", r.Verdict)
	}
	r.Specs[1].Requirements = []string{"BPD-M-001", "BPD-A-001"}
	r.Judge()
	if r.Verdict != report.NonConformant {
		t.Errorf("verdict %s, want non-conformant: the failed spec tests a MUST too", r.Verdict)
	}
}

func TestBundle(t *testing.T) {
	dir := t.TempDir()
	r := sample()
	if err := report.Write(dir, r); err != nil {
		t.Fatal(err)
	}
	back, err := report.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if back.Verdict != r.Verdict || len(back.Specs) != 5 || back.Specs[2].Transcript == "" {
		t.Fatalf("report.json round trip: %+v", back)
	}

	// JUnit: well-formed; one case per spec, the failure and the skips counted; then the
	// provider's matrix row, one case per requirement classed by its column, the cells' results
	// as properties.
	var j struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Skipped  int    `xml:"skipped,attr"`
			Props    []struct {
				Name  string `xml:"name,attr"`
				Value string `xml:"value,attr"`
			} `xml:"properties>property"`
			Cases []struct {
				Name      string    `xml:"name,attr"`
				Classname string    `xml:"classname,attr"`
				Failure   *struct{} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	data, _ := os.ReadFile(filepath.Join(dir, report.JUnitFile))
	if err := xml.Unmarshal(data, &j); err != nil {
		t.Fatal(err)
	}
	if len(j.Suites) != 2 || j.Tests != 10 || j.Failures != 2 || j.Skipped != 5 {
		t.Fatalf("junit: %+v", j)
	}
	if specs := j.Suites[0]; specs.Tests != 5 || specs.Failures != 1 || specs.Skipped != 2 || !strings.HasPrefix(specs.Cases[0].Name, "[PSG-A-001]") {
		t.Errorf("junit specs suite: %+v", specs)
	}
	reqs := j.Suites[1]
	if reqs.Name != "paysage requirements" || reqs.Tests != 5 || reqs.Failures != 1 || reqs.Skipped != 3 {
		t.Errorf("junit requirements suite: %+v", reqs)
	}
	if c := reqs.Cases[1]; !strings.HasPrefix(c.Name, "PSG-B-001 (MUST)") || c.Classname != "paysage.OTP" || c.Failure == nil {
		t.Errorf("the failed requirement's case: %+v", c)
	}
	props := map[string]string{}
	for _, p := range reqs.Props {
		props[p.Name] = p.Value
	}
	if props["flow OTP"] != report.CellFailedMust || props["flow refund"] != report.CellEmpty || props["result"] != report.CellFailedMust {
		t.Errorf("the matrix row's properties: %v", props)
	}

	// Manifest: every file but itself, with the right hash.
	manifest, _ := os.ReadFile(filepath.Join(dir, report.ManifestFile))
	lines := strings.Split(strings.TrimSpace(string(manifest)), "\n")
	if len(lines) != 4 {
		t.Errorf("manifest has %d lines:\n%s", len(lines), manifest)
	}
	for _, l := range lines {
		sum, file, _ := strings.Cut(l, "  ")
		content, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		got := sha256.Sum256(content)
		if hex.EncodeToString(got[:]) != sum {
			t.Errorf("manifest hash of %s is wrong", file)
		}
	}

	// The page is self-contained and shows the failing exchange.
	page, _ := os.ReadFile(filepath.Join(dir, report.HTMLFile))
	if external := regexp.MustCompile(`(?i)(<link|src=|@import|url\(|https?://[^"<\s]*\.(js|css))`).Find(page); external != nil {
		t.Errorf("the page loads something from outside: %s", external)
	}
	for _, want := range []string{`data-verdict="non-conformant"`, "PSG-B-001", "confirmPayment", "want successful", report.NotApplicablePrefix + "no OTP source"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the page does not show %q", want)
		}
	}
}

func TestMerge(t *testing.T) {
	a, b := sample(), sample()
	for i := range b.Requirements {
		b.Requirements[i].Suite = "bepaid"
	}
	for i := range b.Specs {
		b.Specs[i].Suite = "bepaid"
		b.Specs[i].State, b.Specs[i].Failure = "passed", ""
	}
	m := report.Merge("merged", a, b)
	if len(m.Requirements) != 10 || len(m.Specs) != 10 || m.Verdict != report.NonConformant {
		t.Fatalf("merge: %d requirements, %d specs, %s", len(m.Requirements), len(m.Specs), m.Verdict)
	}
	for _, q := range m.Requirements {
		if q.ID == "PSG-B-001" && q.Suite == "bepaid" && q.Status != report.Passed {
			t.Errorf("a suite's result leaked into another's: %+v", q)
		}
	}
}

// TestSummaryOfAHarnessError: a suite that could not set up is said so in one readable line, and
// an error that two parts of a merged run share is printed once.
func TestSummaryOfAHarnessError(t *testing.T) {
	part := func() *report.Report {
		r := &report.Report{Tool: "paycert", RunID: "r",
			Targets:      []report.Target{{Suite: "paysage", Provider: "paysage", Kind: report.NotSetUp}},
			Requirements: []report.Requirement{req("PSG-A-001", requirements.Must)},
			Errors:       []string{"paysage BeforeSuite: the run stopped before any request: PAYCERT_CLOCK: \"fast\" is not auto\nmore"},
		}
		r.Judge()
		return r
	}
	merged := report.Merge("r", part(), part())
	var b bytes.Buffer
	report.PrintSummary(&b, merged, "")
	out := b.String()
	if !strings.Contains(out, "ERROR") || strings.Count(out, "ERROR paysage BeforeSuite") != 1 {
		t.Errorf("the error is not printed exactly once:\n%s", out)
	}
	if strings.Contains(out, "against not set up") || strings.Contains(out, "(clock , OTP )") {
		t.Errorf("a suite that did not set up reads as a target:\n%s", out)
	}
	if !strings.Contains(out, "paysage: not set up") {
		t.Errorf("the summary does not say the suite did not set up:\n%s", out)
	}
}

// TestOutcomeByPolling checks that a spec whose outcome came by polling says so in every part of
// the bundle: report.json, its line on the page (passed, and failed with its evidence), and a
// property of its JUnit test case; a spec whose outcome came otherwise says nothing of it.
func TestOutcomeByPolling(t *testing.T) {
	dir := t.TempDir()
	r := sample()
	r.Specs[0].OutcomeBy = report.OutcomeByPolling
	r.Specs[2].OutcomeBy = report.OutcomeByPolling
	if err := report.Write(dir, r); err != nil {
		t.Fatal(err)
	}
	back, err := report.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range back.Specs {
		want := ""
		if i == 0 || i == 2 {
			want = report.OutcomeByPolling
		}
		if s.OutcomeBy != want {
			t.Errorf("report.json spec %q: outcome_by %q, want %q", s.Name, s.OutcomeBy, want)
		}
	}

	page, _ := os.ReadFile(filepath.Join(dir, report.HTMLFile))
	// The passed spec's line and the failed spec's, in the list of specs and in its evidence.
	if n := bytes.Count(page, []byte("outcome by polling")); n != 3 {
		t.Errorf("the page says \"outcome by polling\" %d times, want 3 (two lines of specs, one failed spec's evidence)", n)
	}
	line := regexp.MustCompile(`(?s)<tr id="spec-paysage-a-passes"><td>a passes<div class="muted">outcome by polling</div>`)
	if !line.Match(page) {
		t.Errorf("the line of the spec %q does not say its outcome came by polling", r.Specs[0].Name)
	}
	if bytes.Contains(page, []byte(`<tr id="spec-paysage-b-passes"><td>b passes<div class="muted">outcome by`)) {
		t.Errorf("a spec whose outcome did not come by polling is said to")
	}

	var j struct {
		Suites []struct {
			Cases []struct {
				Name  string `xml:"name,attr"`
				Props []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:"value,attr"`
				} `xml:"properties>property"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	data, _ := os.ReadFile(filepath.Join(dir, report.JUnitFile))
	if err := xml.Unmarshal(data, &j); err != nil {
		t.Fatal(err)
	}
	for i, c := range j.Suites[0].Cases {
		got := ""
		for _, p := range c.Props {
			if p.Name == "outcome_by" {
				got = p.Value
			}
		}
		want := ""
		if i == 0 || i == 2 {
			want = report.OutcomeByPolling
		}
		if got != want {
			t.Errorf("junit case %q: outcome_by %q, want %q", c.Name, got, want)
		}
	}
}
