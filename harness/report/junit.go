package report

import (
	"encoding/xml"
	"fmt"
	"strings"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     float64      `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       float64         `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name       string          `xml:"name,attr"`
	Classname  string          `xml:"classname,attr"`
	Time       float64         `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Failure    *junitFailure   `xml:"failure,omitempty"`
	Skipped    *junitSkipped   `xml:"skipped,omitempty"`
	SystemOut  string          `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// JUnit renders the report as JUnit XML: one testsuite per suite, one testcase per spec, named
// with its requirement IDs so that a CI page shows which requirement failed; then, per provider,
// the matrix: a testsuite "<suite> requirements" with one testcase per requirement, classed by
// its matrix column ("paysage.wrong OTP"), and the cells' results as the suite's properties.
func JUnit(r *Report) ([]byte, error) {
	out := junitSuites{Name: "paycert " + r.RunID}
	index := map[string]int{}
	for _, s := range r.Specs {
		i, ok := index[s.Suite]
		if !ok {
			i = len(out.Suites)
			index[s.Suite] = i
			out.Suites = append(out.Suites, junitSuite{Name: s.Suite, Properties: []junitProperty{{"verdict", r.Verdict}}})
		}
		js := &out.Suites[i]
		name := s.Name
		if len(s.Requirements) > 0 {
			name = "[" + strings.Join(s.Requirements, ",") + "] " + name
		}
		c := junitCase{Name: name, Classname: s.Suite, Time: s.Duration.Seconds()}
		if s.OutcomeBy != "" {
			c.Properties = []junitProperty{{"outcome_by", s.OutcomeBy}}
		}
		if s.Transcript != "" {
			c.SystemOut = "transcript: " + s.Transcript
		}
		switch {
		case s.Failed():
			first, _, _ := strings.Cut(s.Failure, "\n")
			c.Failure = &junitFailure{Message: first, Type: s.State, Text: s.Failure + "\n" + s.Location}
			js.Failures++
			out.Failures++
		case s.State != "passed":
			c.Skipped = &junitSkipped{Message: s.Failure}
			js.Skipped++
			out.Skipped++
		}
		js.Tests++
		js.Time += c.Time
		out.Tests++
		out.Time += c.Time
		js.Cases = append(js.Cases, c)
	}
	for _, row := range r.Matrix() {
		out.Suites = append(out.Suites, requirementSuite(r, row))
		last := out.Suites[len(out.Suites)-1]
		out.Tests += last.Tests
		out.Failures += last.Failures
		out.Skipped += last.Skipped
	}
	data, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("render junit: %w", err)
	}
	return append([]byte(xml.Header), append(data, '\n')...), nil
}

// requirementSuite is one provider's row of the matrix as a JUnit testsuite: a failed MUST or
// SHOULD requirement is a failure, a failed MAY a failure typed so, one not run, not applicable
// or not covered is skipped with the reason.
func requirementSuite(r *Report, row Row) junitSuite {
	js := junitSuite{Name: row.Suite + " requirements", Properties: []junitProperty{{"provider", row.Provider}, {"result", row.Result}}}
	for _, c := range row.Cells {
		js.Properties = append(js.Properties, junitProperty{"flow " + c.Column, c.Result})
	}
	cols := Columns()
	for _, req := range r.Requirements {
		if req.Suite != row.Suite {
			continue
		}
		class := row.Suite
		if i := columnOf(req.Flow); i < len(cols) {
			class += "." + cols[i].Name
		}
		c := junitCase{Name: fmt.Sprintf("%s (%s) %s", req.ID, req.Level, req.Text), Classname: class}
		switch req.Status {
		case Passed:
		case Failed:
			msg := firstFailure(r, req)
			if len(req.CausedBy) > 0 {
				msg = "probably because of " + strings.Join(req.CausedBy, ", ") + ": " + msg
			}
			c.Failure = &junitFailure{Message: msg, Type: string(req.Level), Text: req.Source}
			js.Failures++
		default:
			c.Skipped = &junitSkipped{Message: strings.TrimSpace(req.Status + ": " + req.Reason)}
			js.Skipped++
		}
		js.Tests++
		js.Cases = append(js.Cases, c)
	}
	return js
}
