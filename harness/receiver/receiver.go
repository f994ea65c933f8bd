// Package receiver is the harness's end of callbacks and webhooks: a local HTTP server that keeps
// every delivery it gets (duplicates and out-of-order ones too) in per-spec inboxes, which a spec
// awaits with a deadline.
package receiver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/paycert/paycert/harness/fields"
)

// Delivery is one request the target sent to an inbox.
type Delivery struct {
	Received time.Time
	Method   string
	Path     string
	// Query is the URL's raw query (a callback sent by GET carries its fields there).
	Query  string
	Header http.Header
	Body   []byte
	// Answer is what the receiver answered.
	Answer Answer
}

// Message is the message a delivery carries, as a body of a Content-Type: its body, or for a GET
// without one, its query, a URL-encoded form.
func (d Delivery) Message() (contentType string, body []byte) {
	if d.Method == http.MethodGet && len(d.Body) == 0 {
		return fields.URLEncoded, []byte(d.Query)
	}
	return d.Header.Get("Content-Type"), d.Body
}

// Answer is how an inbox answers a delivery: the merchant's side of a callback.
type Answer struct {
	Status      int
	ContentType string
	Body        []byte
}

// OK is the answer of an inbox nobody told otherwise: 200 with the text "OK".
var OK = Answer{Status: http.StatusOK, ContentType: "text/plain", Body: []byte("OK")}

// Receiver is the HTTP server that inboxes live on.
type Receiver struct {
	srv    *http.Server
	ln     net.Listener
	public string

	mu      sync.Mutex
	inboxes map[string]*Inbox
	strays  []Delivery
}

// Start listens on addr ("127.0.0.1:0" for any free port). publicURL is the URL the target reaches
// the server at; empty means the listening address itself.
func Start(addr, publicURL string) (*Receiver, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("callback receiver: listen on %s: %w", addr, err)
	}
	if publicURL == "" {
		publicURL = "http://" + ln.Addr().String()
	}
	r := &Receiver{ln: ln, public: strings.TrimRight(publicURL, "/"), inboxes: map[string]*Inbox{}}
	r.srv = &http.Server{Handler: http.HandlerFunc(r.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

// URL is the base URL the target reaches the receiver at.
func (r *Receiver) URL() string { return r.public }

// Addr is the address the receiver listens on (host:port): where a relay in front of it, a
// tunnel or a reverse proxy serving the public URL, forwards to.
func (r *Receiver) Addr() string { return r.ln.Addr().String() }

// Close stops the server.
func (r *Receiver) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return r.srv.Shutdown(ctx)
}

// NewInbox makes an inbox with a URL of its own; name goes into the URL to make it readable.
func (r *Receiver) NewInbox(name string) *Inbox {
	var b [8]byte
	_, _ = rand.Read(b[:])
	token := sanitize(name) + "-" + hex.EncodeToString(b[:])
	in := &Inbox{url: r.public + "/hooks/" + token, notify: make(chan struct{})}
	r.mu.Lock()
	r.inboxes[token] = in
	r.mu.Unlock()
	return in
}

// Strays are deliveries to URLs no inbox owns.
func (r *Receiver) Strays() []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Delivery(nil), r.strays...)
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 4<<20))
	if err != nil {
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	d := Delivery{Received: time.Now(), Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, Header: req.Header.Clone(), Body: body}
	// A proxy in front may keep a path prefix (/prefix/hooks/…): the token follows the last /hooks/.
	// What follows the token is the inbox's too (/hooks/<token>/result.php: a protocol that signs
	// with the script name of the URL it calls wants one).
	token := req.URL.Path
	if i := strings.LastIndex(token, "/hooks/"); i >= 0 {
		token = token[i+len("/hooks/"):]
	}
	token, _, _ = strings.Cut(token, "/")
	r.mu.Lock()
	in, ok := r.inboxes[token]
	if !ok {
		d.Answer = OK
		r.strays = append(r.strays, d)
	}
	r.mu.Unlock()
	if ok {
		d.Answer = in.answer(d)
		in.add(d)
	}
	w.Header().Set("Content-Type", d.Answer.ContentType)
	w.WriteHeader(d.Answer.Status)
	_, _ = w.Write(d.Answer.Body)
}

// Inbox holds the deliveries to one URL.
type Inbox struct {
	url string

	mu         sync.Mutex
	deliveries []Delivery
	notify     chan struct{} // closed and replaced on every delivery
	answerer   func(Delivery) Answer
}

// Answering sets how the inbox answers the deliveries that come from now on; nil restores OK.
// The merchant's answer is part of some protocols (FreedomPay's result URL wants signed XML).
func (in *Inbox) Answering(fn func(Delivery) Answer) {
	in.mu.Lock()
	in.answerer = fn
	in.mu.Unlock()
}

func (in *Inbox) answer(d Delivery) Answer {
	in.mu.Lock()
	fn := in.answerer
	in.mu.Unlock()
	if fn == nil {
		return OK
	}
	a := fn(d)
	if a.Status == 0 {
		a.Status = http.StatusOK
	}
	return a
}

// URL is where the target should send.
func (in *Inbox) URL() string { return in.url }

func (in *Inbox) add(d Delivery) {
	in.mu.Lock()
	in.deliveries = append(in.deliveries, d)
	close(in.notify)
	in.notify = make(chan struct{})
	in.mu.Unlock()
}

// All returns every delivery so far, in arrival order.
func (in *Inbox) All() []Delivery {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]Delivery(nil), in.deliveries...)
}

// ErrNoDelivery is returned by Await when the context ends before a matching delivery arrives.
var ErrNoDelivery = errors.New("no matching delivery arrived")

// Await returns the first delivery (in arrival order, earlier ones included) for which match is
// true, waiting until one arrives or ctx ends.
func (in *Inbox) Await(ctx context.Context, match func(Delivery) bool) (Delivery, error) {
	seen := 0
	for {
		in.mu.Lock()
		ds := in.deliveries[seen:]
		wake := in.notify
		in.mu.Unlock()
		for _, d := range ds {
			if match(d) {
				return d, nil
			}
		}
		seen += len(ds)
		select {
		case <-ctx.Done():
			return Delivery{}, fmt.Errorf("%w at %s after %d deliveries: %v", ErrNoDelivery, in.url, seen, ctx.Err())
		case <-wake:
		}
	}
}

func sanitize(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
		if b.Len() >= 40 {
			break
		}
	}
	return strings.Trim(b.String(), "-")
}
