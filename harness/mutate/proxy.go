package mutate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/paycert/paycert/harness/validate"
)

// Options configure a Proxy.
type Options struct {
	// Provider is the provider whose paths (/<provider>/...) the proxy mutates.
	Provider string
	// Spec is the provider's document: it names the operation of each request.
	Spec *validate.Spec
	// Keys sign mutated messages again.
	Keys Keys
	// Mutation is the one mutation applied; nil applies none (a baseline run).
	Mutation *Mutation
	// Probe are mutations tried on a copy of every message, to learn which of them a run
	// exercises (Applicable); none of them changes what is sent.
	Probe []Mutation
	// CallbackOp names the operation of a callback; nil means the document's only callback.
	CallbackOp func(Message) string
	// Transport sends callbacks on; nil means http.DefaultTransport.
	Transport http.RoundTripper
}

// Proxy stands in front of a simulator: Handler serves its answers, Transport carries its
// callbacks, and both apply the one mutation to the messages it matches. The control API and
// other providers' paths pass through unchanged. It is safe for concurrent use.
type Proxy struct {
	opts    Options
	hookOps []string

	applied atomic.Int64
	mu      sync.Mutex
	seen    map[string]bool
	errs    []error
}

// New returns a proxy for the provider of opts.
func New(opts Options) (*Proxy, error) {
	if opts.Spec == nil || opts.Provider == "" {
		return nil, errors.New("mutation proxy: a provider and its spec are needed")
	}
	p := &Proxy{opts: opts, seen: map[string]bool{}}
	for _, op := range opts.Spec.Operations() {
		if hook, _, err := opts.Spec.Shape(op); err == nil && hook {
			p.hookOps = append(p.hookOps, op)
		}
	}
	if opts.CallbackOp == nil && len(p.hookOps) > 1 {
		return nil, fmt.Errorf("mutation proxy: %s has callbacks %s; say which a callback is (Options.CallbackOp)", opts.Provider, strings.Join(p.hookOps, ", "))
	}
	if p.opts.Transport == nil {
		p.opts.Transport = http.DefaultTransport
	}
	return p, nil
}

// Applied is how many messages the mutation changed (a dropped or duplicated callback counts
// once per delivery).
func (p *Proxy) Applied() int64 { return p.applied.Load() }

// Applicable lists the IDs of the Probe mutations that would have changed a message of the run.
func (p *Proxy) Applicable() map[string]bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[string]bool, len(p.seen))
	for id := range p.seen {
		out[id] = true
	}
	return out
}

// Err is what went wrong applying mutations (a message that could not be signed again), nil
// when nothing did.
func (p *Proxy) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return errors.Join(p.errs...)
}

func (p *Proxy) fail(err error) {
	p.mu.Lock()
	p.errs = append(p.errs, err)
	p.mu.Unlock()
}

// Handler serves next (the simulator's handler) with the mutation applied to the provider's
// answers it matches.
func (p *Proxy) Handler(next http.Handler) http.Handler {
	prefix := "/" + p.opts.Provider
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rel, ok := strings.CutPrefix(r.URL.Path, prefix)
		if !ok || !strings.HasPrefix(rel, "/") {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		status, msg := rec.Code, Message{URL: rel, Header: rec.Header().Clone(), Body: rec.Body.Bytes()}
		if op, _, err := p.opts.Spec.FindOperation(r.Method, rel); err == nil {
			status = p.answer(op, status, &msg)
		}
		msg.Header.Del("Content-Length")
		for k, vs := range msg.Header {
			w.Header()[k] = vs
		}
		w.WriteHeader(status)
		_, _ = w.Write(msg.Body)
	})
}

// answer applies the mutation to an answer of op and returns the status to answer with.
func (p *Proxy) answer(op string, status int, msg *Message) int {
	p.probe(op, status, *msg)
	m := p.opts.Mutation
	if m == nil || m.Callback() || m.Op != op || m.Status != status {
		return status
	}
	if m.Kind == Status {
		p.applied.Add(1)
		to, _ := m.To.(int)
		return to
	}
	changed, err := m.Apply(msg, p.opts.Keys)
	if err != nil {
		p.fail(fmt.Errorf("%s: %w", m.ID, err))
	}
	if changed {
		p.applied.Add(1)
	}
	return status
}

// probe tries every Probe mutation of the message on a copy of it.
func (p *Proxy) probe(op string, status int, msg Message) {
	for _, m := range p.opts.Probe {
		if m.Op != op || m.Status != status {
			continue
		}
		p.mu.Lock()
		done := p.seen[m.ID]
		p.mu.Unlock()
		if done {
			continue
		}
		would := false
		switch m.Kind {
		case Status, DropCallback, DuplicateCallback:
			would = true
		default:
			c := Message{URL: msg.URL, Method: msg.Method, Header: msg.Header.Clone(), Body: bytes.Clone(msg.Body)}
			would, _ = m.Apply(&c, p.opts.Keys)
		}
		if would {
			p.mu.Lock()
			p.seen[m.ID] = true
			p.mu.Unlock()
		}
	}
}

// Transport carries the simulator's callbacks (sim.Options.CallbackTransport), applying the
// mutation to those it matches: changed, never delivered (answered 200 in the merchant's place),
// or delivered twice.
func (p *Proxy) Transport() http.RoundTripper { return callbacks{p} }

type callbacks struct{ p *Proxy }

func (c callbacks) RoundTrip(req *http.Request) (*http.Response, error) {
	p := c.p
	var data []byte
	if req.Body != nil {
		var err error
		data, err = io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("mutation proxy: read callback: %w", err)
		}
	}
	msg := Message{URL: req.URL.String(), Method: req.Method, Header: req.Header.Clone(), Body: data}
	op := p.callbackOp(msg)
	p.probe(op, 0, msg)
	send := func(msg Message) (*http.Response, error) {
		out, err := http.NewRequestWithContext(req.Context(), msg.Method, msg.URL, bytes.NewReader(msg.Body))
		if err != nil {
			return nil, fmt.Errorf("mutation proxy: callback: %w", err)
		}
		out.Header = msg.Header
		return p.opts.Transport.RoundTrip(out)
	}
	m := p.opts.Mutation
	if m == nil || !m.Callback() || m.Op != op {
		return send(msg)
	}
	switch m.Kind {
	case DropCallback:
		p.applied.Add(1)
		return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: req}, nil
	case DuplicateCallback:
		p.applied.Add(1)
		first, err := send(msg)
		if err != nil {
			return nil, err
		}
		_, _ = io.Copy(io.Discard, first.Body)
		first.Body.Close()
		return send(msg)
	}
	changed, err := m.Apply(&msg, p.opts.Keys)
	if err != nil {
		p.fail(fmt.Errorf("%s: %w", m.ID, err))
	}
	if changed {
		p.applied.Add(1)
	}
	return send(msg)
}

func (p *Proxy) callbackOp(msg Message) string {
	if p.opts.CallbackOp != nil {
		return p.opts.CallbackOp(msg)
	}
	if len(p.hookOps) == 1 {
		return p.hookOps[0]
	}
	return ""
}
