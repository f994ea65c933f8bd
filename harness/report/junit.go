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
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      float64       `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
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
// with its requirement IDs so that a CI page shows which requirement failed.
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
	data, err := xml.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("render junit: %w", err)
	}
	return append([]byte(xml.Header), append(data, '\n')...), nil
}
