package contracts_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paycert/paycert/contracts"
)

// report is a verifier's report of two pacts, in its layout: one interaction that failed on its
// body, one whose status differed (with colour codes), and three that verified.
const report = `
Verifying a pact between acme-shop and paysage

  a mobile commerce payment (1ms loading, 15ms verification)
    returns a response which
      has status code 200 (OK)
      has a matching body (OK)

  the status of a successful payment (0s loading, 12ms verification)
     Given a successful payment
    returns a response which
      has status code 200 (OK)
      has a matching body (FAILED)

Verifying a pact between billing and paysage

  a refund (1ms loading, 9ms verification)
     Given a successful payment
    returns a response which
      has status code ` + "\x1b[31m200\x1b[0m" + ` (FAILED)

  the notification of a successful payment (2ms loading, 320ms verification)
     Given a successful payment
    generates a message which
      has a matching body (OK)

Failures:

1) Verifying a pact between acme-shop and paysage Given a successful payment - the status of a successful payment
    1.1) has a matching body
           $.transaction.status -> Expected 'successful' (String) to be equal to 'completed' (String)

2) Verifying a pact between billing and paysage Given a successful payment - a refund
    2.1) has status code 202
           expected 202 but was 200

There were 2 pact failures
`

func TestParseReport(t *testing.T) {
	got, problems := contracts.ParseReport(report)
	if len(problems) > 0 {
		t.Errorf("problems %q in a report without", problems)
	}
	want := []contracts.Interaction{
		{Pact: "Verifying a pact between acme-shop and paysage", Description: "a mobile commerce payment", Verified: true},
		{Pact: "Verifying a pact between acme-shop and paysage", Description: "the status of a successful payment", Given: "a successful payment",
			Failures: []string{"1.1) has a matching body", "$.transaction.status -> Expected 'successful' (String) to be equal to 'completed' (String)"}},
		{Pact: "Verifying a pact between billing and paysage", Description: "a refund", Given: "a successful payment",
			Failures: []string{"2.1) has status code 202", "expected 202 but was 200"}},
		{Pact: "Verifying a pact between billing and paysage", Description: "the notification of a successful payment", Given: "a successful payment", Verified: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseReport:\n got %+v\nwant %+v", got, want)
	}
}

// TestParseReportFailureOnly: an interaction the verifier names only among its failures (it
// failed before it ran) is in the result, not verified; a failure that is no interaction's is a
// problem.
func TestParseReportFailureOnly(t *testing.T) {
	got, problems := contracts.ParseReport("Failures:\n\n1) Verifying a pact between a and b - the status\n    1.1) provider state failed\n\n2) Failed to load pact - bad matcher\n\nThere were 2 pact failures\n")
	if !reflect.DeepEqual(problems, []string{"Failed to load pact - bad matcher"}) {
		t.Errorf("problems %q", problems)
	}
	if len(got) != 1 || got[0].Verified || got[0].Description != "the status" || len(got[0].Failures) != 1 {
		t.Errorf("ParseReport: %+v", got)
	}
}

func TestSummarise(t *testing.T) {
	ok := contracts.Interaction{Description: "a", Verified: true}
	bad := contracts.Interaction{Description: "b"}
	cases := []struct {
		name           string
		v              contracts.Verification
		verifierFailed bool
		outcome        string
		exit           int
	}{
		{"all verified", contracts.Verification{Interactions: []contracts.Interaction{ok, ok}}, false, contracts.Verified, 0},
		{"one failed", contracts.Verification{Interactions: []contracts.Interaction{ok, bad}}, true, contracts.Failed, 1},
		{"failed without a failing interaction", contracts.Verification{Interactions: []contracts.Interaction{ok}}, true, contracts.Broken, 2},
		{"nothing verified", contracts.Verification{}, false, contracts.Broken, 2},
		{"a pact not loaded", contracts.Verification{Problems: []string{"Failed to load pact - bad matcher"}}, true, contracts.Broken, 2},
		{"could not run", contracts.Verification{Error: "no control API", Interactions: []contracts.Interaction{bad}}, true, contracts.Broken, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.v.Summarise(c.verifierFailed)
			if len(c.v.Problems) > 0 && c.v.Error != strings.Join(c.v.Problems, "; ") {
				t.Errorf("error %q, want the report's problems %q", c.v.Error, c.v.Problems)
			}
			if c.v.Outcome != c.outcome || c.v.ExitCode() != c.exit || (c.outcome == contracts.Broken) != (c.v.Error != "") {
				t.Errorf("outcome %q exit %d error %q, want %q exit %d", c.v.Outcome, c.v.ExitCode(), c.v.Error, c.outcome, c.exit)
			}
		})
	}
}

// TestWrite: the result is written as a summary, a JUnit file with a failed test case per
// interaction that did not verify, and the report without its colours.
func TestWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reports")
	interactions, _ := contracts.ParseReport(report)
	v := contracts.Verification{Provider: "paysage", Interactions: interactions}
	v.Summarise(true)
	if err := v.Write(dir, report); err != nil {
		t.Fatal(err)
	}
	summary, junit, text := contracts.Files("paysage")
	for _, f := range []string{summary, junit, text} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, junit))
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Text string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	}
	if err := xml.Unmarshal(data, &suite); err != nil {
		t.Fatal(err)
	}
	if suite.Tests != 4 || suite.Failures != 2 || suite.Cases[1].Failure == nil || !strings.Contains(suite.Cases[1].Failure.Text, "'completed'") ||
		suite.Cases[1].Name != "Given a successful payment - the status of a successful payment" {
		t.Errorf("JUnit: %s", data)
	}
	plain, err := os.ReadFile(filepath.Join(dir, text))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(plain), "\x1b[") || !strings.Contains(string(plain), "has status code 200 (FAILED)") {
		t.Errorf("the report as written:\n%s", plain)
	}
}
