package replay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/report"
)

// recording is one request the harness sent, with its answer, as a replay matches it.
type recording struct {
	spec    report.Spec
	x       record.Exchange
	method  string
	path    string // relative to the provider's prefix
	query   url.Values
	header  http.Header
	body    body
	hasBody bool
	used    bool
}

// request is an incoming request, read for matching.
type request struct {
	method  string
	path    string
	query   url.Values
	header  http.Header
	body    body
	hasBody bool
}

// newRecording reads the recorded request of x, sent in spec to a target whose base paths are
// bases (the path of its URL, which the replay's provider prefix stands for).
func newRecording(spec report.Spec, x record.Exchange, bases []string) (*recording, error) {
	u, err := url.Parse(x.Request.URL)
	if err != nil {
		return nil, fmt.Errorf("recording %s#%d: the URL %q: %w", spec.ID, x.Seq, x.Request.URL, err)
	}
	rec := &recording{spec: spec, x: x, method: x.Request.Method, path: relative(u.Path, bases), query: u.Query(),
		header: x.Request.Header, hasBody: x.Request.Body != ""}
	rec.body = readBody(x.Request.Header.Get("Content-Type"), x.Request.Body, true)
	return rec, nil
}

// relative is p without the longest of bases it starts with (at a segment boundary).
func relative(p string, bases []string) string {
	best := ""
	for _, b := range bases {
		if b != "" && (p == b || strings.HasPrefix(p, b+"/")) && len(b) > len(best) {
			best = b
		}
	}
	rel := strings.TrimPrefix(p, best)
	if rel == "" {
		return "/"
	}
	return rel
}

func newRequest(method, path string, query url.Values, header http.Header, data []byte) *request {
	b := readBody(header.Get("Content-Type"), string(data), false)
	b.size = len(data)
	return &request{method: method, path: path, query: query, header: header, hasBody: len(data) > 0, body: b}
}

// source names the recording: "<spec ID>#<seq>".
func (rec *recording) source() string { return fmt.Sprintf("%s#%d", rec.spec.ID, rec.x.Seq) }

func (rec *recording) describe() *Nearest {
	return &Nearest{Spec: rec.spec.ID, SpecName: rec.spec.Name, Seq: rec.x.Seq, Operation: rec.x.Operation, Request: rec.method + " " + rec.path}
}

// matchedHeaders are the request headers a recording must agree on besides Content-Type: bePaid
// answers in another shape for another X-API-Version.
var matchedHeaders = []string{"X-Api-Version"}

// differs lists what of req does not agree with the recorded request: "method", "path",
// "?name" for a query parameter, a header's name, "body" for a body that could not be read as
// fields, or the path of a body field ("request.amount", "pg_amount"). Empty means req matches.
func (rec *recording) differs(req *request) []string {
	var out []string
	if req.method != rec.method {
		out = append(out, "method")
	}
	if !samePath(rec.path, req.path) {
		out = append(out, "path")
	}
	out = append(out, diffValues("?", rec.query, req.query)...)
	if (rec.hasBody || req.hasBody) && mediaType(rec.header.Get("Content-Type")) != mediaType(req.header.Get("Content-Type")) {
		out = append(out, "Content-Type")
	}
	for _, h := range matchedHeaders {
		if rec.header.Get(h) != req.header.Get(h) {
			out = append(out, h)
		}
	}
	return append(out, rec.body.differs(req.body)...)
}

// samePath compares paths segment by segment: a segment after one named for a volatile value
// ("/tracking_id/{id}") is any, and a masked segment matches as a masked value does.
func samePath(recorded, got string) bool {
	rs, gs := strings.Split(recorded, "/"), strings.Split(got, "/")
	if len(rs) != len(gs) {
		return false
	}
	for i := range rs {
		switch {
		case rs[i] == gs[i]:
		case i > 0 && Volatile(rs[i-1]):
		case strings.ContainsAny(rs[i], "[*") && sameLeaf(leaf{text: rs[i], str: true}, leaf{text: gs[i], str: true}):
		default:
			return false
		}
	}
	return true
}

func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(ct))
	}
	return mt
}

// diffValues compares parameters by name (prefixed with prefix in the result), volatile ones
// left out.
func diffValues(prefix string, recorded, got url.Values) []string {
	var out []string
	for _, name := range unionKeys(recorded, got) {
		if Volatile(name) {
			continue
		}
		rv, gv := recorded[name], got[name]
		same := len(rv) == len(gv)
		for i := 0; same && i < len(rv); i++ {
			same = sameLeaf(leaf{text: rv[i], str: true}, leaf{text: gv[i], str: true})
		}
		if !same {
			out = append(out, prefix+name)
		}
	}
	return out
}

func unionKeys[V any](a, b map[string]V) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// body is a message body read for matching: its fields when it could be read as JSON, a form or
// XML, else its text.
type body struct {
	fields map[string]leaf
	raw    string
	// cut: the recorded body was cut to record.MaxKept. Its fields are those it kept whole (of a
	// form; none of JSON or XML): an incoming body must have them, and more than half of
	// record.MaxKept bytes (redaction changes the length a little).
	cut bool
	// size is an incoming body's length.
	size int
}

// leaf is one value of a body: its text, and whether it was a JSON string (1000 and "1000"
// differ).
type leaf struct {
	text string
	str  bool
}

// readBody reads a body of the given Content-Type. A recorded form is the transcript's
// "name=value" lines; an incoming one is read, and written in the same lines, so that both
// name nested fields alike.
func readBody(contentType, data string, recorded bool) body {
	if kept, cut := record.Cut(data); recorded && cut {
		return readCut(contentType, kept)
	}
	switch {
	case strings.TrimSpace(data) == "":
		return body{fields: map[string]leaf{}}
	case fields.IsForm(contentType):
		if recorded {
			if m, ok := readLines(data); ok {
				return body{fields: m}
			}
			break
		}
		if l, err := fields.ParseForm(contentType, []byte(data)); err == nil {
			if m, ok := readLines(l.Readable()); ok {
				return body{fields: m}
			}
		}
	case fields.IsXML(contentType):
		if root, l, err := fields.ParseXML([]byte(data)); err == nil {
			if m, ok := readLines(l.Readable()); ok {
				m["<"+root+">"] = leaf{str: true}
				return body{fields: m}
			}
		}
	default:
		var v any
		dec := json.NewDecoder(strings.NewReader(data))
		dec.UseNumber()
		if err := dec.Decode(&v); err == nil && !dec.More() {
			m := map[string]leaf{}
			flatten(v, "", m)
			return body{fields: m}
		}
	}
	return body{raw: strings.TrimSpace(data)}
}

// readCut reads the part of a recorded body the transcript kept: of a form, the fields before the
// one it was cut in.
func readCut(contentType, kept string) body {
	b := body{cut: true}
	if !fields.IsForm(contentType) {
		return b
	}
	lines := strings.Split(kept, "\n")
	if m, ok := readLines(strings.Join(lines[:len(lines)-1], "\n")); ok && len(lines) > 1 {
		b.fields = m
	}
	return b
}

// readLines reads "name=value" lines (fields.List.Readable); a line with no "=" continues the
// value before it. A repeated name gets "#2", "#3" after it.
func readLines(text string) (map[string]leaf, bool) {
	m := map[string]leaf{}
	last := ""
	for _, line := range strings.Split(text, "\n") {
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			if last == "" {
				return nil, false
			}
			l := m[last]
			l.text += "\n" + line
			m[last] = l
			continue
		}
		key := name
		for n := 2; ; n++ {
			if _, taken := m[key]; !taken {
				break
			}
			key = fmt.Sprintf("%s#%d", name, n)
		}
		m[key] = leaf{text: value, str: true}
		last = key
	}
	return m, true
}

// flatten puts the leaves of a decoded JSON value into m by dotted path (array elements by
// index); an empty object or array is a leaf of its own.
func flatten(v any, path string, m map[string]leaf) {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			m[path] = leaf{text: "{}"}
		}
		for k, e := range x {
			flatten(e, join(k), m)
		}
	case []any:
		if len(x) == 0 {
			m[path] = leaf{text: "[]"}
		}
		for i, e := range x {
			flatten(e, join(fmt.Sprint(i)), m)
		}
	case string:
		m[path] = leaf{text: x, str: true}
	case nil:
		m[path] = leaf{text: "null"}
	default:
		m[path] = leaf{text: fmt.Sprint(x)}
	}
}

// differs lists the fields of got that do not agree with the recorded body b.
func (b body) differs(got body) []string {
	switch {
	case b.cut:
		return b.differsCut(got)
	case b.fields == nil || got.fields == nil:
		if b.fields == nil && got.fields == nil && sameLeaf(leaf{text: b.raw, str: true}, leaf{text: got.raw, str: true}) {
			return nil
		}
		return []string{"body"}
	}
	var out []string
	for _, name := range unionKeys(b.fields, got.fields) {
		if Volatile(name) {
			continue
		}
		rv, inRec := b.fields[name]
		gv, inGot := got.fields[name]
		if !inRec || !inGot || !sameLeaf(rv, gv) {
			out = append(out, shortName(name))
		}
	}
	return out
}

// maxName is the most of a field's name a refusal shows: a body that is no form, read as one,
// has a name as long as itself.
const maxName = 80

func shortName(name string) string {
	if len(name) <= maxName {
		return name
	}
	return strings.ToValidUTF8(name[:maxName], "") + "…"
}

// differsCut compares got with a recorded body that was cut.
func (b body) differsCut(got body) []string {
	var out []string
	if got.size <= record.MaxKept/2 {
		out = append(out, "body")
	}
	for name, rv := range b.fields {
		if gv, ok := got.fields[name]; !Volatile(name) && (!ok || !sameLeaf(rv, gv)) {
			out = append(out, shortName(name))
		}
	}
	sort.Strings(out)
	return out
}

// volatileNames name the values that differ from run to run whatever the client does: the IDs
// the harness draws at random for each payment, salts and signatures over them, and the
// receiver's callback URLs (a port and a path of the run's).
var volatileNames = map[string]bool{
	"tracking_id": true, "order_id": true, "pg_order_id": true, "payment_id": true, "customer_id": true, "request_id": true,
	"signature": true, "pg_sig": true, "salt": true, "pg_salt": true, "nonce": true, "timestamp": true, "pg_timestamp": true,
	"notification_url": true, "merchant_callback_url": true, "callback_url": true, "pg_result_url": true, "pg_check_url": true,
}

// volatilePaths are volatile fields whose own name is too common to be volatile everywhere.
var volatilePaths = []string{"customer.id"}

// Volatile reports whether the field at path (dotted, or a form's "a[b]") is one a replay does
// not compare: a random ID of the harness (tracking_id, order_id, payment_id, ...), a salt, a
// signature, a timestamp (a name ending in "_at", such as expired_at) or a callback URL.
func Volatile(path string) bool {
	p := strings.ReplaceAll(strings.ReplaceAll(path, "]", ""), "[", ".")
	p, _, _ = strings.Cut(p, "#")
	name := p[strings.LastIndex(p, ".")+1:]
	if volatileNames[strings.ToLower(name)] || strings.HasSuffix(name, "_at") {
		return true
	}
	for _, v := range volatilePaths {
		if p == v || strings.HasSuffix(p, "."+v) {
			return true
		}
	}
	return false
}

// maskToken finds what the recorder's redactor writes for a value it removed: a secret
// ("[REDACTED]"), an OTP ("[OTP]", "[OTP#2]", "[OTP#1 altered]") or a phone number, starred but
// for its last four characters.
var maskToken = regexp.MustCompile(`\[REDACTED\]|\[OTP(?:#[0-9]+(?: altered)?)?\]|\*{3,}[0-9]{0,4}`)

// phoneMask is a whole value masked as a phone number.
var phoneMask = regexp.MustCompile(`^\*+([^*]{0,4})$`)

// sameLeaf reports whether got agrees with the recorded value rec. A masked value is a wildcard:
// a secret or an OTP stands for any value, a masked phone number for any of its length that
// ends in the digits it kept; a string with masks inside matches with each mask standing so.
func sameLeaf(rec, got leaf) bool {
	if rec == got {
		return true
	}
	if !rec.str {
		return false
	}
	if m := phoneMask.FindStringSubmatch(rec.text); m != nil {
		return len(got.text) == len(rec.text) && strings.HasSuffix(got.text, m[1])
	}
	if !maskToken.MatchString(rec.text) {
		return false
	}
	var pattern bytes.Buffer
	pattern.WriteString("^")
	last := 0
	for _, loc := range maskToken.FindAllStringIndex(rec.text, -1) {
		pattern.WriteString(regexp.QuoteMeta(rec.text[last:loc[0]]))
		token := rec.text[loc[0]:loc[1]]
		if strings.HasPrefix(token, "*") {
			digits := strings.TrimLeft(token, "*")
			fmt.Fprintf(&pattern, `\S{%d}%s`, len(token)-len(digits), digits)
		} else {
			pattern.WriteString(`(?s:.*?)`)
		}
		last = loc[1]
	}
	pattern.WriteString(regexp.QuoteMeta(rec.text[last:]) + "$")
	re, err := regexp.Compile(pattern.String())
	return err == nil && re.MatchString(got.text)
}
