package record

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/paycert/paycert/harness/validate"
)

// Direction says who started an exchange.
type Direction string

// The two directions of an exchange.
const (
	// Outbound is a request the harness sent to the target.
	Outbound Direction = "outbound"
	// Inbound is a callback or webhook the target sent to the harness.
	Inbound Direction = "inbound"
)

// Message is one side of an exchange, already redacted.
type Message struct {
	Method string      `json:"method,omitempty"`
	URL    string      `json:"url,omitempty"`
	Status int         `json:"status,omitempty"`
	Header http.Header `json:"header,omitempty"`
	Body   string      `json:"body,omitempty"`
}

// Exchange is one request and its answer (or the error that took its place), with what the
// validator found in it.
type Exchange struct {
	Seq       int               `json:"seq"`
	Provider  string            `json:"provider"`
	Operation string            `json:"operation"`
	Direction Direction         `json:"direction"`
	Started   time.Time         `json:"started"`
	Duration  time.Duration     `json:"duration_ns"`
	Request   Message           `json:"request"`
	Response  *Message          `json:"response,omitempty"`
	Error     string            `json:"error,omitempty"`
	Findings  validate.Findings `json:"findings,omitempty"`
	// LookedAt are the fields of the answer (dotted paths, or field names of a form or XML
	// answer) the spec read: what its expectations were about. A report folds bodies to them.
	LookedAt []string `json:"looked_at,omitempty"`
}

// Recorder keeps the exchanges of one spec, redacting each as it is added. It is safe for
// concurrent use (a webhook arrives while a request is under way).
type Recorder struct {
	redact *Redactor

	mu        sync.Mutex
	exchanges []Exchange
}

// NewRecorder returns a recorder that redacts with r.
func NewRecorder(r *Redactor) *Recorder {
	return &Recorder{redact: r}
}

// Raw is an exchange as it happened, before redaction.
type Raw struct {
	Provider, Operation string
	Direction           Direction
	Started             time.Time
	Duration            time.Duration
	Method, URL         string
	RequestHeader       http.Header
	RequestBody         []byte
	// Status is 0 when no answer came.
	Status         int
	ResponseHeader http.Header
	ResponseBody   []byte
	Err            error
	Findings       validate.Findings
}

// MaxKept is the most of a message body, redacted, that a transcript keeps; of a longer one (a
// suite sends bodies far over any sane size on purpose) the rest is counted, not kept.
const MaxKept = 64 << 10

// keep cuts a redacted body to MaxKept bytes, on a character boundary, saying how much was left
// out.
func keep(body string) string {
	if len(body) <= MaxKept {
		return body
	}
	kept := strings.ToValidUTF8(body[:MaxKept], "")
	return kept + fmt.Sprintf(cutNote, len(body)-len(kept))
}

// cutNote ends a body that keep cut.
const cutNote = "\n… (%d more bytes not kept)"

// Cut reports whether a kept body was cut to MaxKept (it ends with the note keep adds), and
// returns what of it was kept, without the note.
func Cut(body string) (kept string, cut bool) {
	i := strings.LastIndex(body, "\n… (")
	if i < 0 {
		return body, false
	}
	var n int
	if _, err := fmt.Sscanf(body[i:], cutNote, &n); err != nil || fmt.Sprintf(cutNote, n) != body[i:] {
		return body, false
	}
	return body[:i], true
}

// Add redacts raw and keeps it; it returns the redacted exchange.
func (rec *Recorder) Add(raw Raw) Exchange {
	r := rec.redact
	x := Exchange{
		Provider:  raw.Provider,
		Operation: raw.Operation,
		Direction: raw.Direction,
		Started:   raw.Started,
		Duration:  raw.Duration,
		Request: Message{
			Method: raw.Method,
			URL:    r.URL(raw.URL),
			Header: r.Header(raw.RequestHeader),
			Body:   keep(r.Message(raw.RequestHeader.Get("Content-Type"), raw.RequestBody)),
		},
	}
	if raw.Status != 0 || raw.ResponseBody != nil {
		x.Response = &Message{Status: raw.Status, Header: r.Header(raw.ResponseHeader), Body: keep(r.Message(raw.ResponseHeader.Get("Content-Type"), raw.ResponseBody))}
	}
	if raw.Err != nil {
		x.Error = r.String(raw.Err.Error())
	}
	for _, f := range raw.Findings {
		f.Message = r.String(f.Message)
		x.Findings = append(x.Findings, f)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	x.Seq = len(rec.exchanges) + 1
	rec.exchanges = append(rec.exchanges, x)
	return x
}

// LookedAt notes that the spec read the field at path of exchange seq's answer.
func (rec *Recorder) LookedAt(seq int, path string) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if seq < 1 || seq > len(rec.exchanges) {
		return
	}
	x := &rec.exchanges[seq-1]
	for _, p := range x.LookedAt {
		if p == path {
			return
		}
	}
	x.LookedAt = append(x.LookedAt, path)
}

// Exchanges returns a copy of what was recorded, in order.
func (rec *Recorder) Exchanges() []Exchange {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]Exchange(nil), rec.exchanges...)
}
