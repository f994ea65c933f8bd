package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"time"

	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/record"
)

//go:embed report.html.tmpl
var pageTemplate string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"statusClass": func(s string) string { return strings.ReplaceAll(s, " ", "-") },
	"stateClass": func(s Spec) string {
		switch {
		case s.Failed():
			return Failed
		case s.State == "passed":
			return Passed
		}
		return "not-run"
	},
	"describe": exchange.Describe,
	"dur":      func(d time.Duration) string { return d.Round(time.Millisecond).String() },
	"stamp":    func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
}).Parse(pageTemplate))

type failing struct {
	Spec
	Shown []record.Exchange
}

type pageData struct {
	*Report
	Failing  []failing
	Duration time.Duration
	Order    []string
	SpecByID map[string]Spec
}

// HTML renders the report as one self-contained page: no external script, style or font. The
// exchanges of failing specs are shown inline; transcripts are read from fsys when the report
// was loaded from disk.
func HTML(r *Report, fsys fs.FS) ([]byte, error) {
	d := pageData{Report: r, Duration: r.Finished.Sub(r.Started), Order: []string{Passed, Failed, NotRun, NotApplicable, NotCovered}, SpecByID: map[string]Spec{}}
	for _, s := range r.Specs {
		d.SpecByID[s.ID] = s
	}
	for _, s := range r.Specs {
		if !s.Failed() {
			continue
		}
		xs := s.Exchanges
		if len(xs) == 0 && s.Transcript != "" && fsys != nil {
			if data, err := fs.ReadFile(fsys, s.Transcript); err == nil {
				_ = json.Unmarshal(data, &xs)
			}
		}
		d.Failing = append(d.Failing, failing{Spec: s, Shown: xs})
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("render html: %w", err)
	}
	return buf.Bytes(), nil
}
