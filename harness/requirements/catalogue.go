// Package requirements loads the requirement catalogues (specs/<name>.requirements.yaml): every
// testable statement of a provider document, with an ID, a level, a paraphrase and its source.
// Suites label their specs with these IDs; reports say per requirement whether it passed.
package requirements

import (
	"bytes"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Level is how strongly a document states a requirement.
type Level string

// The levels, as in RFC 2119.
const (
	Must   Level = "MUST"
	Should Level = "SHOULD"
	May    Level = "MAY"
)

// Flows are the flow labels a requirement may belong to (DESIGN.md, conventions).
var Flows = []string{"init", "pay", "otp", "wrong-otp", "resend", "refund", "status", "callback", "validation", "test-phones", "signature", "operators", "payment-page"}

// Requirement is one testable statement.
type Requirement struct {
	ID    string `yaml:"id" json:"id"`
	Level Level  `yaml:"level" json:"level"`
	Flow  string `yaml:"flow" json:"flow"`
	Text  string `yaml:"text" json:"text"`
	// Source names the document and section ("000_20642134d9b4e40d.txt, Transaction confirmation").
	Source string `yaml:"source" json:"source"`
	// Quote is the document's own words, where a short quote helps.
	Quote string `yaml:"quote,omitempty" json:"quote,omitempty"`
	// Capabilities the target needs for the requirement to be testable ("control-otp", "callbacks",
	// "virtual-clock", "webhook-key"); a target without one reports it not applicable.
	Needs []string `yaml:"needs,omitempty" json:"needs,omitempty"`
}

// Catalogue is a set of requirements, in document order.
type Catalogue struct {
	Name  string        `yaml:"catalogue"`
	Title string        `yaml:"title"`
	Items []Requirement `yaml:"requirements"`
	byID  map[string]int
}

var idPattern = regexp.MustCompile(`^[A-Z]{3}-[A-Z]+-[0-9]{3}$`)

// Load reads and checks the catalogues at the given paths of fsys and merges them into one.
func Load(fsys fs.FS, paths ...string) (*Catalogue, error) {
	merged := &Catalogue{byID: map[string]int{}}
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("load requirements %q: %w", p, err)
		}
		var c Catalogue
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("load requirements %q: %w", p, err)
		}
		if merged.Name == "" {
			merged.Name, merged.Title = c.Name, c.Title
		}
		for _, r := range c.Items {
			if err := check(r); err != nil {
				return nil, fmt.Errorf("requirements %q: %w", p, err)
			}
			if _, dup := merged.byID[r.ID]; dup {
				return nil, fmt.Errorf("requirements %q: %s is defined twice", p, r.ID)
			}
			merged.byID[r.ID] = len(merged.Items)
			merged.Items = append(merged.Items, r)
		}
	}
	return merged, nil
}

func check(r Requirement) error {
	if !idPattern.MatchString(r.ID) {
		return fmt.Errorf("id %q is not of the form ABC-FLOW-001", r.ID)
	}
	switch r.Level {
	case Must, Should, May:
	default:
		return fmt.Errorf("%s: level %q is not MUST, SHOULD or MAY", r.ID, r.Level)
	}
	if !contains(Flows, r.Flow) {
		return fmt.Errorf("%s: flow %q is not one of %s", r.ID, r.Flow, strings.Join(Flows, ", "))
	}
	if strings.TrimSpace(r.Text) == "" || strings.TrimSpace(r.Source) == "" {
		return fmt.Errorf("%s: text and source are required", r.ID)
	}
	return nil
}

// Get returns the requirement with the given ID.
func (c *Catalogue) Get(id string) (Requirement, bool) {
	i, ok := c.byID[id]
	if !ok {
		return Requirement{}, false
	}
	return c.Items[i], true
}

// IDs returns every ID, in catalogue order.
func (c *Catalogue) IDs() []string {
	ids := make([]string, len(c.Items))
	for i, r := range c.Items {
		ids[i] = r.ID
	}
	return ids
}

// IsID reports whether s has the shape of a requirement ID (so a label can be told from a flow).
func IsID(s string) bool { return idPattern.MatchString(s) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
