package report

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/jsondoc"
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
	"dur":   func(d time.Duration) string { return d.Round(time.Millisecond).String() },
	"stamp": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"anchor": func(suite, id string) string {
		return "req-" + suite + "-" + id
	},
	"cellText":  cellText,
	"cellShort": cellShort,
}).Parse(pageTemplate))

// RepositoryURL is where paycert's source is: a spec's location in a report links there.
const RepositoryURL = "https://github.com/paycert/paycert"

// pageData is what the page template renders.
type pageData struct {
	*Report
	Matrix   []Row
	Columns  []Column
	Failures []failureView
	Duration time.Duration
	Order    []string
	SpecByID map[string]Spec
}

// failureView is a failed requirement with the evidence of its failed specs, and the
// requirements that failed because of it.
type failureView struct {
	Failure
	Specs []specView
	Also  []alsoView
}

type alsoView struct {
	Requirement
	Specs []specView
}

// specView is a failed spec as the page shows it: its failure without the exchanges (each is
// shown once, below it), where in the suite it failed, and its exchanges folded.
type specView struct {
	Spec
	Message   string
	SourceURL string
	Exchanges []exchangeView
}

// exchangeView is one exchange with its bodies folded to the fields that matter: those the
// spec's expectations read, and masked OTPs (which show whether the code sent was the one
// issued).
type exchangeView struct {
	record.Exchange
	Title          string
	RequestFields  []field
	ResponseFields []field
}

type field struct{ Name, Value string }

// HTML renders the report as one self-contained page: no external script, style or font. Its
// first screen is the verdict and the provider × flow matrix; below it the failed requirements,
// root cause first, with their evidence. Transcripts are read from fsys when the report was
// loaded from disk.
func HTML(r *Report, fsys fs.FS) ([]byte, error) {
	d := pageData{Report: r, Matrix: r.Matrix(), Columns: Columns(), Duration: r.Finished.Sub(r.Started),
		Order: []string{Passed, Failed, NotRun, NotApplicable, NotCovered}, SpecByID: map[string]Spec{}}
	for _, s := range r.Specs {
		d.SpecByID[s.ID] = s
	}
	// A failed spec is shown under each of its failed requirements; it is read and folded once.
	views := map[string]specView{}
	specsOf := func(req Requirement) []specView {
		var out []specView
		for _, s := range r.Specs {
			if s.Suite != req.Suite || !s.Failed() || !slices.Contains(s.Requirements, req.ID) {
				continue
			}
			v, ok := views[s.ID]
			if !ok {
				v = viewSpec(s, fsys)
				views[s.ID] = v
			}
			out = append(out, v)
		}
		return out
	}
	for _, f := range r.Failures() {
		v := failureView{Failure: f, Specs: specsOf(f.Requirement)}
		for _, a := range f.Also {
			v.Also = append(v.Also, alsoView{Requirement: a, Specs: specsOf(a)})
		}
		d.Failures = append(d.Failures, v)
	}
	var buf bytes.Buffer
	if err := page.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("render html: %w", err)
	}
	return buf.Bytes(), nil
}

// viewSpec folds a failed spec for the page.
func viewSpec(s Spec, fsys fs.FS) specView {
	xs := s.Exchanges
	if fsys != nil {
		// A transcript that cannot be read leaves the spec shown without its exchanges.
		if read, err := Transcript(fsys, s); err == nil {
			xs = read
		}
	}
	v := specView{Spec: s, SourceURL: SourceURL(s.Location)}
	v.Location = RepoPath(s.Location)
	msg := s.Failure
	// The requirement is the heading the spec is shown under; the failure says it again.
	if i := strings.Index(msg, "\n\nRequirement "); i >= 0 {
		msg = msg[:i]
	}
	for _, x := range xs {
		if text := exchange.Describe(x); strings.Contains(msg, text) {
			msg = strings.ReplaceAll(msg, text, fmt.Sprintf("[exchange #%d, shown below]", x.Seq))
		}
		v.Exchanges = append(v.Exchanges, viewExchange(x))
	}
	v.Message = strings.TrimSpace(msg)
	return v
}

func viewExchange(x record.Exchange) exchangeView {
	v := exchangeView{Exchange: x, Title: fmt.Sprintf("#%d %s: %s %s", x.Seq, x.Operation, x.Request.Method, x.Request.URL)}
	if x.Direction == record.Inbound {
		v.Title = fmt.Sprintf("#%d %s (from the target): %s %s", x.Seq, x.Operation, x.Request.Method, x.Request.URL)
	}
	v.RequestFields = fold(x.Request.Body, x.LookedAt)
	if x.Response != nil {
		v.ResponseFields = fold(x.Response.Body, x.LookedAt)
	}
	return v
}

var (
	formLine = regexp.MustCompile(`(?m)^([A-Za-z0-9_.\[\]-]+)=(.*)$`)
	xmlField = regexp.MustCompile(`<([A-Za-z0-9_]+)>([^<]*)</([A-Za-z0-9_]+)>`)
)

// fold picks from a redacted body (JSON, form lines or XML) the fields at the given paths and
// those holding a masked OTP, in the order of paths, then of the body.
func fold(body string, paths []string) []field {
	if strings.TrimSpace(body) == "" {
		return nil
	}
	var out []field
	seen := map[string]bool{}
	addField := func(name, value string) {
		if !seen[name] {
			seen[name] = true
			out = append(out, field{name, value})
		}
	}
	var doc any
	if err := json.Unmarshal([]byte(body), &doc); err == nil {
		for _, p := range paths {
			if v, ok := jsondoc.Get(doc, p); ok {
				addField(p, shortJSON(v))
			}
		}
		walkStrings(doc, "", func(path, s string) {
			if strings.HasPrefix(s, "[OTP") {
				addField(path, s)
			}
		})
		return out
	}
	pairs := map[string]string{}
	var order []string
	for _, m := range formLine.FindAllStringSubmatch(body, -1) {
		pairs[m[1]] = m[2]
		order = append(order, m[1])
	}
	for _, m := range xmlField.FindAllStringSubmatch(body, -1) {
		if m[1] == m[3] {
			pairs[m[1]] = m[2]
			order = append(order, m[1])
		}
	}
	for _, p := range paths {
		name := p[strings.LastIndex(p, ".")+1:]
		if v, ok := pairs[name]; ok {
			addField(name, v)
		}
	}
	for _, name := range order {
		if strings.HasPrefix(pairs[name], "[OTP") {
			addField(name, pairs[name])
		}
	}
	return out
}

func walkStrings(v any, path string, visit func(path, s string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			walkStrings(e, p, visit)
		}
	case []any:
		for i, e := range x {
			walkStrings(e, fmt.Sprintf("%s.%d", path, i), visit)
		}
	case string:
		visit(path, x)
	}
}

func shortJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(data) > 200 {
		return string(data[:200]) + "…"
	}
	return string(data)
}

// cellText is what a matrix cell says: its result and its counts.
func cellText(c Cell) string {
	if c.Result == CellEmpty {
		return "—"
	}
	failed := c.Counts[Failed]
	switch c.Result {
	case CellFailedMust, CellFailedShould, CellFailedMay:
		return fmt.Sprintf("%d of %d failed", failed, c.Total)
	case CellPassed:
		return fmt.Sprintf("%d passed", c.Total)
	case CellNotApplicable:
		return withPassed(fmt.Sprintf("%d n/a", c.Counts[NotApplicable]), c)
	}
	return withPassed(fmt.Sprintf("%d not run", c.NotRun()), c)
}

// withPassed adds to a cell's text how many of its requirements passed, when any did.
func withPassed(text string, c Cell) string {
	if c.Counts[Passed] == 0 {
		return text
	}
	return fmt.Sprintf("%s, %d ok", text, c.Counts[Passed])
}

// cellShort is a cell's result on a narrow screen: a mark and the count.
func cellShort(c Cell) string {
	switch c.Result {
	case CellEmpty:
		return "—"
	case CellFailedMust, CellFailedShould, CellFailedMay:
		return fmt.Sprintf("✗%d", c.Counts[Failed])
	case CellPassed:
		return fmt.Sprintf("✓%d", c.Total)
	case CellNotApplicable:
		return "n/a"
	}
	return "?" + fmt.Sprint(c.NotRun())
}

// locationPattern finds where paycert's own source starts in a file path: after the module
// path (a build with -trimpath) or at one of the repository's top folders.
var locationPattern = regexp.MustCompile(`(?:^|/)(?:github\.com/paycert/paycert/)?((?:suites|harness|contracts|cmd)/.+)$`)

// RepoPath turns the location of a spec in a suite's source (a path of the machine that ran it,
// ":line" after it) into its path in paycert's repository ("suites/paysage/confirm.go:92"); a
// location outside the repository is cut to its file name.
func RepoPath(location string) string {
	loc := strings.ReplaceAll(location, `\`, "/")
	if m := locationPattern.FindStringSubmatch(loc); m != nil {
		return m[1]
	}
	return loc[strings.LastIndex(loc, "/")+1:]
}

// SourceURL links a repository location ("suites/paysage/confirm.go:92") to the file in the
// repository, or is "" for a location outside it.
func SourceURL(location string) string {
	loc := RepoPath(location)
	if loc == "" || !locationPattern.MatchString(loc) {
		return ""
	}
	file, line, ok := strings.Cut(loc, ":")
	u := RepositoryURL + "/blob/main/" + file
	if ok {
		u += "#L" + line
	}
	return u
}
