package contracts

import (
	"bufio"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Outcomes of a verification, with the exit code paycert gives each (as paycert run does).
const (
	Verified = "verified" // every interaction verified: exit 0
	Failed   = "failed"   // at least one interaction did not: exit 1
	Broken   = "error"    // the verification could not run, or did not finish: exit 2
)

// Verification is what a pact verification found: the Pact verifier's report, read.
type Verification struct {
	Provider string `json:"provider"`
	// Target is where the provider was reached: "the embedded simulator" or a base URL.
	Target string `json:"target"`
	// Sources are the pact files, folders and Pact Broker URL verified.
	Sources []string `json:"sources"`
	Outcome string   `json:"outcome"`
	// Error says why the verification could not run, for the outcome error.
	Error        string        `json:"error,omitempty"`
	Interactions []Interaction `json:"interactions"`
	// Problems are the report's failures that are no interaction's (ParseReport).
	Problems []string `json:"problems,omitempty"`
}

// Interaction is one interaction's verification.
type Interaction struct {
	// Pact names the pact: "Verifying a pact between CONSUMER and PROVIDER".
	Pact        string `json:"pact"`
	Description string `json:"description"`
	// Given is the interaction's provider states as the verifier writes them.
	Given    string `json:"given,omitempty"`
	Verified bool   `json:"verified"`
	// Failures are the verifier's lines on what differed, for one that did not verify.
	Failures []string `json:"failures,omitempty"`
}

var (
	ansiEscape   = regexp.MustCompile("\x1b\\[[0-9;]*m")
	pactLine     = regexp.MustCompile(`^Verifying a pact between (.+) and (.+)$`)
	verifiedLine = regexp.MustCompile(`^  (\S.*) \([0-9.]+[a-zµ]* loading, [0-9.]+[a-zµ]* verification\)$`)
	givenLine    = regexp.MustCompile(`^\s+Given (.+)$`)
	failureLine  = regexp.MustCompile(`^\d+\) Verifying a pact between (.+?) and (.+?)(?: Given (.+))? - (.+)$`)
	failedCheck  = regexp.MustCompile(`\(FAILED\)\s*$`)
	endOfReport  = regexp.MustCompile(`^There (were|was) \d+ pact failures?`)
	numberedLine = regexp.MustCompile(`^\d+\) (.+)$`)
)

// PlainText is the verifier's report without its colours.
func PlainText(report string) string { return ansiEscape.ReplaceAllString(report, "") }

// ParseReport reads the Pact verifier's report: each interaction it verified, and for those in
// its list of failures, what differed. An interaction the verifier names in its failures but not
// in its progress (a failure before it ran) is added as it is named there. problems are the
// failures it lists that are no interaction's: a pact it could not load, a broker it could not
// reach.
func ParseReport(report string) (out []Interaction, problems []string) {
	index := map[string]int{}
	key := func(pact, description string) string { return pact + "\x00" + description }
	pact, inFailures := "", false
	var failing *Interaction
	sc := bufio.NewScanner(strings.NewReader(PlainText(report)))
	sc.Buffer(make([]byte, 0, 64*1024), 4<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \r")
		switch {
		case line == "Failures:":
			inFailures, failing = true, nil
		case endOfReport.MatchString(line):
			inFailures, failing = false, nil
		case inFailures:
			if m := failureLine.FindStringSubmatch(line); m != nil {
				p := "Verifying a pact between " + m[1] + " and " + m[2]
				i, ok := index[key(p, m[4])]
				if !ok {
					out = append(out, Interaction{Pact: p, Description: m[4], Given: m[3]})
					i = len(out) - 1
					index[key(p, m[4])] = i
				}
				out[i].Verified = false
				failing = &out[i]
				continue
			}
			if m := numberedLine.FindStringSubmatch(line); m != nil {
				problems, failing = append(problems, m[1]), nil
				continue
			}
			if failing != nil && strings.TrimSpace(line) != "" {
				failing.Failures = append(failing.Failures, strings.TrimSpace(line))
			}
		default:
			if m := pactLine.FindStringSubmatch(line); m != nil {
				pact = line
				continue
			}
			if m := verifiedLine.FindStringSubmatch(line); m != nil && pact != "" {
				out = append(out, Interaction{Pact: pact, Description: m[1], Verified: true})
				index[key(pact, m[1])] = len(out) - 1
				continue
			}
			if len(out) == 0 || out[len(out)-1].Pact != pact {
				continue
			}
			last := &out[len(out)-1]
			if m := givenLine.FindStringSubmatch(line); m != nil && last.Given == "" {
				last.Given = m[1]
			}
			if failedCheck.MatchString(line) {
				last.Verified = false
			}
		}
	}
	return out, problems
}

// Summarise sets the outcome from the interactions and the verifier's exit: failed when one did
// not verify, error when the verifier failed with none that did not (it could not run them all)
// or verified none, else verified.
func (v *Verification) Summarise(verifierFailed bool) {
	failed := v.Failed()
	switch {
	case v.Error != "":
		v.Outcome = Broken
	case failed > 0:
		v.Outcome = Failed
	case verifierFailed:
		v.Outcome, v.Error = Broken, "the verifier failed without naming an interaction that did not verify: see its report"
		if p := v.Problems; len(p) > 0 {
			v.Error = strings.Join(p, "; ")
		}
	case len(v.Interactions) == 0:
		v.Outcome, v.Error = Broken, "no interaction was verified: the sources hold none for this provider"
	default:
		v.Outcome = Verified
	}
}

// Failed counts the interactions that did not verify.
func (v *Verification) Failed() int {
	n := 0
	for _, in := range v.Interactions {
		if !in.Verified {
			n++
		}
	}
	return n
}

// ExitCode is the exit code of the outcome.
func (v *Verification) ExitCode() int {
	switch v.Outcome {
	case Verified:
		return 0
	case Failed:
		return 1
	}
	return 2
}

// Files are the names of the files Write writes for a provider, in the report bundle.
func Files(provider string) (summary, junit, report string) {
	base := "pact-verification-" + provider
	return base + ".json", base + ".junit.xml", base + ".txt"
}

// Write writes the verification into the report bundle dir: the summary as JSON, a JUnit file
// with one test case per interaction, and the verifier's report without its colours.
func (v *Verification) Write(dir, report string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("report directory: %w", err)
	}
	summary, junit, text := Files(v.Provider)
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, summary), append(data, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, text), []byte(PlainText(report)), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, junit), v.junit(), 0o644)
}

// junit is the verification as a JUnit document: one test suite, a test case per interaction,
// and for a verification that could not run, one test case that failed with the reason.
func (v *Verification) junit() []byte {
	type failure struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
	type testCase struct {
		Name      string   `xml:"name,attr"`
		ClassName string   `xml:"classname,attr"`
		Failure   *failure `xml:"failure,omitempty"`
	}
	type suite struct {
		XMLName  xml.Name   `xml:"testsuite"`
		Name     string     `xml:"name,attr"`
		Tests    int        `xml:"tests,attr"`
		Failures int        `xml:"failures,attr"`
		Cases    []testCase `xml:"testcase"`
	}
	s := suite{Name: "pact verification: " + v.Provider}
	for _, in := range v.Interactions {
		c := testCase{Name: in.Description, ClassName: in.Pact}
		if in.Given != "" {
			c.Name = "Given " + in.Given + " - " + in.Description
		}
		if !in.Verified {
			c.Failure = &failure{Message: "the interaction did not verify", Text: strings.Join(in.Failures, "\n")}
			s.Failures++
		}
		s.Cases = append(s.Cases, c)
	}
	if v.Error != "" {
		s.Cases = append(s.Cases, testCase{Name: "verification", ClassName: v.Provider, Failure: &failure{Message: v.Error}})
		s.Failures++
	}
	s.Tests = len(s.Cases)
	// Marshalling these types cannot fail: they hold strings and ints only.
	out, _ := xml.MarshalIndent(s, "", "  ")
	return append([]byte(xml.Header), append(out, '\n')...)
}
