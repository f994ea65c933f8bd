// Package replay serves the recorded exchanges of a report bundle as a target: a certification
// run against a provider's sandbox can be reproduced and debugged without the sandbox.
//
// Each provider is served under the prefix the simulator uses ("/paysage", "/bepaid", ...), so
// the lines that point the suites at a simulator point them at a replay. A request is answered
// with the recorded answer of a recording that has the same method, path and query, and a body
// that agrees with the recorded one on every field that is not volatile (see Match); among those,
// the first not yet used answers, in recorded order, so that a flow replays in order; when all
// are used the last answers again. A request no recording matches is refused with HTTP 501 and a
// JSON body naming the nearest recording and what differs: never an invented answer.
//
// Answers are replayed as they were recorded, that is redacted: secrets masked, OTPs and phone
// numbers masked, bodies re-indented. Signatures in them are the recorded ones, made with the
// sandbox's key (or masked, as FreedomPay's pg_sig is), so a client that checks them with its
// own key finds them wrong. Callbacks the harness received are listed (ServeHTTP at
// CallbacksPath), not sent again.
package replay

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/report"
)

// RefusalStatus is the status of the answer to a request no recording matches. It is not 404,
// which a provider gives for a transaction it does not know (beGateway), so that a refusal is
// never taken for a recorded answer.
const RefusalStatus = http.StatusNotImplemented

// CallbacksPath lists the recorded callbacks as JSON.
const CallbacksPath = "/replay/callbacks"

// SourceHeader, on every replayed answer, names the recording it came from: "<spec ID>#<seq>".
const SourceHeader = "X-Paycert-Replay"

// ErrNoRecordings is returned for a bundle whose transcripts hold no request the harness sent
// with its answer.
var ErrNoRecordings = errors.New("the bundle holds no recorded request")

// Server answers requests with a bundle's recordings. It is safe for concurrent use.
type Server struct {
	log       io.Writer
	providers map[string][]*recording
	callbacks []Callback

	mu sync.Mutex // guards recording.used
}

// Callback is a callback or webhook the target sent the harness, as recorded.
type Callback struct {
	Provider  string `json:"provider"`
	Spec      string `json:"spec"`
	Seq       int    `json:"seq"`
	Operation string `json:"operation"`
	Method    string `json:"method"`
	URL       string `json:"url"`
	Body      string `json:"body,omitempty"`
}

// Options configure a Server.
type Options struct {
	// Log gets one line for every request: what answered it, or why none did. Nil discards them.
	Log io.Writer
}

// Load opens the bundle at path (a folder, or a zip or tar.gz of one) and serves its recordings.
func Load(path string, opts Options) (*Server, error) {
	b, err := report.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := b.Report()
	if err != nil {
		return nil, fmt.Errorf("%s is not a report bundle: %w", path, err)
	}
	s, err := New(r, b.FS, opts)
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", path, err)
	}
	return s, nil
}

// New serves the recordings of report r, whose transcripts are read from fsys (the bundle's
// files; a spec that carries its exchanges needs none).
func New(r *report.Report, fsys fs.FS, opts Options) (*Server, error) {
	s := &Server{log: opts.Log, providers: map[string][]*recording{}}
	if s.log == nil {
		s.log = io.Discard
	}
	bases := map[string][]string{}
	for _, t := range r.Targets {
		bases[t.Suite] = append(bases[t.Suite], basePath(t.URL))
	}
	for _, spec := range r.Specs {
		xs, err := report.Transcript(fsys, spec)
		if err != nil {
			return nil, err
		}
		for _, x := range xs {
			if x.Request.Method == "" || x.Request.URL == "" {
				continue // not a request (a harness error recorded in its place)
			}
			if x.Direction == record.Inbound {
				s.callbacks = append(s.callbacks, Callback{Provider: x.Provider, Spec: spec.ID, Seq: x.Seq, Operation: x.Operation,
					Method: x.Request.Method, URL: x.Request.URL, Body: x.Request.Body})
				continue
			}
			rec, err := newRecording(spec, x, bases[spec.Suite])
			if err != nil {
				return nil, err
			}
			s.providers[x.Provider] = append(s.providers[x.Provider], rec)
		}
	}
	if len(s.providers) == 0 {
		return nil, ErrNoRecordings
	}
	return s, nil
}

// basePath is the path of a target's URL as a report gives it ("(in-process) http://...").
func basePath(target string) string {
	if i := strings.Index(target, "://"); i >= 0 {
		if j := strings.LastIndex(target[:i], " "); j >= 0 {
			target = target[j+1:]
		}
	}
	u, err := url.Parse(strings.TrimSpace(target))
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(u.Path, "/")
}

// Providers names the providers that have recordings, sorted.
func (s *Server) Providers() []string {
	names := make([]string, 0, len(s.providers))
	for name := range s.providers {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Recordings counts the recorded requests of a provider.
func (s *Server) Recordings(provider string) int { return len(s.providers[provider]) }

// Callbacks returns the recorded callbacks, in recorded order.
func (s *Server) Callbacks() []Callback { return append([]Callback(nil), s.callbacks...) }

// ServeHTTP answers a request with its recording, or refuses it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == CallbacksPath {
		writeJSON(w, http.StatusOK, s.callbacks)
		return
	}
	provider, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	rest = "/" + rest
	recs, ok := s.providers[provider]
	if !ok {
		s.refuse(w, refusal{Error: fmt.Sprintf("paycert replay: no recording for %s %s: the bundle has recordings of %s only, under /<provider>/",
			r.Method, r.URL.Path, strings.Join(s.Providers(), ", "))})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		s.refuse(w, refusal{Error: fmt.Sprintf("paycert replay: the body of %s %s could not be read: %v", r.Method, rest, err), Provider: provider})
		return
	}
	req := newRequest(r.Method, rest, r.URL.Query(), r.Header, body)
	rec, nearest, differs := s.pick(recs, req)
	if rec == nil {
		ref := refusal{Error: fmt.Sprintf("paycert replay: no recording for %s %s", r.Method, rest), Provider: provider, Differs: differs}
		if nearest != nil {
			ref.Nearest = nearest.describe()
		}
		s.refuse(w, ref)
		return
	}
	s.answer(w, provider, rec)
}

// maxBody is the most of a request body that is read; a recorded body was kept to
// record.MaxKept, and a longer one is compared by what was kept.
const maxBody = 64 << 20

// pick finds the recording that answers req: the first unused match, else the last match. With
// none, it returns the nearest recording and what differs from it.
func (s *Server) pick(recs []*recording, req *request) (answer, nearest *recording, differs []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var last *recording
	for _, rec := range recs {
		d := rec.differs(req)
		if len(d) == 0 {
			if !rec.used {
				rec.used = true
				return rec, nil, nil
			}
			last = rec
			continue
		}
		if nearest == nil || len(d) < len(differs) {
			nearest, differs = rec, d
		}
	}
	if last != nil {
		return last, nil, nil
	}
	return nil, nearest, differs
}

// answer writes rec's recorded answer; a recording that got none closes the connection, as the
// target did not answer.
func (s *Server) answer(w http.ResponseWriter, provider string, rec *recording) {
	x := rec.x
	if x.Response == nil {
		fmt.Fprintf(s.log, "paycert replay: %s %s: %s got no answer when recorded (%s); the connection is closed\n",
			rec.method, rec.path, rec.source(), x.Error)
		panic(http.ErrAbortHandler)
	}
	status := x.Response.Status
	if status == 0 {
		status = http.StatusOK
	}
	if ct := x.Response.Header.Get("Content-Type"); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set(SourceHeader, rec.source())
	w.WriteHeader(status)
	_, _ = io.WriteString(w, x.Response.Body)
	fmt.Fprintf(s.log, "paycert replay: %s /%s%s: %d from %s (%s)\n", rec.method, provider, rec.path, status, rec.source(), x.Operation)
}

// refusal is the body of the answer to a request no recording matches.
type refusal struct {
	Error    string   `json:"error"`
	Provider string   `json:"provider,omitempty"`
	Nearest  *Nearest `json:"nearest"`
	Differs  []string `json:"differs"`
}

// Nearest is the recording a refused request came closest to.
type Nearest struct {
	Spec      string `json:"spec"`
	SpecName  string `json:"spec_name"`
	Seq       int    `json:"seq"`
	Operation string `json:"operation"`
	Request   string `json:"request"`
}

func (s *Server) refuse(w http.ResponseWriter, ref refusal) {
	line := ref.Error
	if ref.Nearest != nil {
		line += fmt.Sprintf("; nearest: %s#%d (%s, %s), differs: %s", ref.Nearest.Spec, ref.Nearest.Seq, ref.Nearest.Operation,
			ref.Nearest.Request, strings.Join(ref.Differs, ", "))
	}
	fmt.Fprintln(s.log, line)
	if ref.Differs == nil {
		ref.Differs = []string{}
	}
	writeJSON(w, RefusalStatus, ref)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
