// Package probe tells whether a target can be tested at all, before the first spec and again
// whenever a request gets no answer: it must answer at its address, speak HTTP, pass TLS, and
// serve the documented paths under the base URL it was given. A target that cannot be tested
// stops the run with what was seen and the likely fix, instead of failing every requirement.
package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Timeout bounds one probe request: a target that has not answered by then is taken as not
// answering. Callers use the smaller of it and the configured request timeout.
const Timeout = 8 * time.Second

// Endpoint is one documented request a probe sends, without credentials and without a body.
type Endpoint struct {
	Method string
	// Path is the documented path with its parameters filled in, relative to the base URL.
	Path string
}

// placeholder fills the path parameters of a probe request (an unknown transaction).
const placeholder = "paycert-probe"

// EndpointOf is the probe request of a documented operation: its method, and its path template
// ("/beyag/transactions/{uid}") with every parameter filled in.
func EndpointOf(method, template string) Endpoint {
	segs := strings.Split(template, "/")
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			segs[i] = placeholder
		}
	}
	return Endpoint{Method: method, Path: strings.Join(segs, "/")}
}

// Target is a base URL to probe.
type Target struct {
	// Setting names where the URL was configured (PAYCERT_TARGET, PAYCERT_PAYSAGE_URL).
	Setting string
	URL     string
	// Provider is the provider's name, which the reference simulator serves it under (/paysage).
	Provider  string
	Endpoints []Endpoint
}

// Problem is a target that cannot be tested: what was seen, and the likely fix.
type Problem struct {
	Setting string
	URL     string
	What    string
	Fix     string
}

func (p *Problem) Error() string {
	return fmt.Sprintf("%s (%s): %s; %s", p.Setting, p.URL, p.What, p.Fix)
}

// answer is what came of one probe request.
type answer struct {
	endpoint Endpoint
	status   int
	body     string
	err      error
	// connected says whether a connection was made (an answer that never came is then the
	// target's silence, not the network's).
	connected bool
}

// Check sends each endpoint of t once, side by side, with hc (whose Timeout bounds each), and
// returns nil when the target can be tested: something answered HTTP on a documented path. When
// nothing did, the Problem says what was seen and how to fix it.
func Check(ctx context.Context, hc *http.Client, t Target) *Problem {
	answers := sendAll(ctx, hc, t.URL, t.Endpoints)
	var answered, notFound int
	var httpsToHTTP int
	for _, a := range answers {
		if a.err != nil {
			continue
		}
		answered++
		switch {
		case a.status == http.StatusNotFound:
			notFound++
		case a.status == http.StatusBadRequest && strings.Contains(a.body, "HTTP request to an HTTPS server"):
			httpsToHTTP++
		}
	}
	switch {
	case answered == 0:
		p := Unanswered(t.URL, answers[0].err, answers[0].connected)
		if said, ok := notHTTP(ctx, t.URL, hc.Timeout); ok {
			p.What = fmt.Sprintf("it does not speak HTTP (it says %q)", said)
			p.Fix = "check the port: another service listens there"
		}
		p.Setting = t.Setting
		return p
	case httpsToHTTP == answered:
		return &Problem{Setting: t.Setting, URL: t.URL, What: "it speaks HTTPS, and was asked in plain HTTP",
			Fix: "write the URL with https://"}
	case notFound == answered && answered == len(answers):
		return notFoundProblem(ctx, hc, t, answers)
	}
	return nil
}

// notFoundProblem explains a target that answered 404 on every documented path, trying the likely
// fixes: the provider's prefix (the simulator's root given instead of …/paysage), or a documented
// path segment given as part of the base URL.
func notFoundProblem(ctx context.Context, hc *http.Client, t Target, answers []answer) *Problem {
	var paths []string
	for i, a := range answers {
		if i == 3 {
			paths = append(paths, "…")
			break
		}
		paths = append(paths, a.endpoint.Method+" "+a.endpoint.Path)
	}
	p := &Problem{Setting: t.Setting, URL: t.URL,
		What: fmt.Sprintf("it answers 404 Not Found on every documented path (%s)", strings.Join(paths, ", "))}
	base := strings.TrimRight(t.URL, "/")
	if t.Provider != "" && !strings.HasSuffix(base, "/"+t.Provider) {
		// The provider's prefix below the URL given, or beside its last segment (…/control).
		candidates := []string{base + "/" + t.Provider}
		if u, err := url.Parse(base); err == nil && strings.Trim(u.Path, "/") != "" {
			u.Path = path.Join(path.Dir(u.Path), t.Provider)
			candidates = append(candidates, u.String())
		}
		for _, c := range candidates {
			for _, a := range sendAll(ctx, hc, c, t.Endpoints) {
				if a.err == nil && a.status != http.StatusNotFound {
					p.Fix = fmt.Sprintf("it serves them under /%s: set %s to %s", t.Provider, t.Setting, c)
					return p
				}
			}
		}
	}
	if u, err := url.Parse(base); err == nil && u.Path != "" && len(t.Endpoints) > 0 {
		first := "/" + strings.SplitN(strings.TrimLeft(t.Endpoints[0].Path, "/"), "/", 2)[0]
		if strings.HasSuffix(u.Path, first) {
			p.Fix = fmt.Sprintf("%s is the base URL the documented paths are appended to, and those start with %s already: set it to %s",
				t.Setting, first, strings.TrimSuffix(base, first))
			return p
		}
	}
	example := ""
	if len(t.Endpoints) > 0 {
		e := t.Endpoints[0]
		for _, c := range t.Endpoints {
			if !strings.Contains(c.Path, placeholder) {
				e = c
				break
			}
		}
		example = fmt.Sprintf(" (for %s %s it is the URL in front of %s)", e.Method, e.Path, e.Path)
	}
	p.Fix = fmt.Sprintf("%s must be the base URL the documented paths are appended to%s", t.Setting, example)
	return p
}

// sendAll sends every endpoint at once and returns the answers in the endpoints' order.
func sendAll(ctx context.Context, hc *http.Client, base string, endpoints []Endpoint) []answer {
	if len(endpoints) == 0 {
		endpoints = []Endpoint{{Method: http.MethodGet, Path: "/"}}
	}
	out := make([]answer, len(endpoints))
	var wg sync.WaitGroup
	for i, e := range endpoints {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = send(ctx, hc, strings.TrimRight(base, "/")+e.Path, e.Method)
			out[i].endpoint = e
		}()
	}
	wg.Wait()
	return out
}

// send makes one request without credentials and reads a little of the answer.
func send(ctx context.Context, hc *http.Client, target, method string) (a answer) {
	var connected atomic.Bool
	defer func() { a.connected = connected.Load() }()
	// The callbacks may run after Do gave up: they only set the flag.
	trace := &httptrace.ClientTrace{
		ConnectDone: func(_, _ string, err error) {
			if err == nil {
				connected.Store(true)
			}
		},
		GotConn: func(httptrace.GotConnInfo) { connected.Store(true) },
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), method, target, nil)
	if err != nil {
		a.err = err
		return a
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "paycert-probe")
	resp, err := hc.Do(req)
	if err != nil {
		a.err = err
		return a
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	a.status, a.body = resp.StatusCode, string(body)
	return a
}

// Unanswered explains a request to target that got no HTTP answer: what happened, and the likely
// fix. connected says whether a connection was made.
func Unanswered(target string, err error, connected bool) *Problem {
	p := &Problem{URL: target}
	host := target
	if u, perr := url.Parse(target); perr == nil {
		host = u.Host
	}
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	msg := err.Error()
	switch {
	case errors.As(err, &dnsErr):
		p.What = fmt.Sprintf("the host %s is not found (%s)", dnsErr.Name, dnsErr.Err)
		p.Fix = "check the host name"
	case errors.Is(err, syscall.ECONNREFUSED):
		p.What = fmt.Sprintf("nothing listens at %s (connection refused)", host)
		p.Fix = "start the target, or correct the host and port"
	case errors.As(err, &hostErr):
		p.What = "its TLS certificate is for other names (" + hostErr.Error() + ")"
		p.Fix = "use a host name the certificate names"
	case errors.As(err, &unknownCA):
		p.What = "its TLS certificate is signed by an authority this machine does not trust"
		p.Fix = "add that authority to the system's trust store (or point SSL_CERT_FILE at it)"
	case errors.As(err, &certErr):
		p.What = "its TLS certificate does not verify (" + certErr.Err.Error() + ")"
		p.Fix = "give the target a certificate this machine trusts"
	case errors.As(err, &recordErr) || strings.Contains(msg, "server gave HTTP response to HTTPS client"):
		p.What = "it speaks plain HTTP, and was asked in HTTPS"
		p.Fix = "write the URL with http://"
	case strings.Contains(msg, "malformed HTTP"):
		p.What = "it does not speak HTTP (" + lastPart(msg) + ")"
		p.Fix = "check the port: another service listens there"
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		if connected {
			p.What = fmt.Sprintf("it accepted the connection at %s but sent no HTTP answer", host)
			p.Fix = "check that the target is up and not stuck, and that the port is its HTTP port"
		} else {
			p.What = fmt.Sprintf("no connection to %s could be made (timed out)", host)
			p.Fix = "check the address, and that no firewall drops the traffic"
		}
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		strings.Contains(msg, "transport connection broken"):
		p.What = fmt.Sprintf("it closed the connection at %s without an answer", host)
		p.Fix = "check the target's logs, and that the port is its HTTP port (https:// for a TLS port)"
	case strings.Contains(msg, "tls:"):
		p.What = "the TLS handshake failed (" + lastPart(msg) + ")"
		p.Fix = "check the scheme (http:// or https://) and the target's TLS set-up"
	default:
		p.What = "it did not answer (" + lastPart(msg) + ")"
		p.Fix = "check that the target is up at that URL"
	}
	return p
}

// notHTTP connects to the host of an http:// target without HTTP's client, and reads what the
// service there says first (SSH and mail servers speak first) or answers a bare request line.
// It returns those first bytes when they are not an HTTP answer.
func notHTTP(ctx context.Context, target string, timeout time.Duration) (string, bool) {
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "http" {
		return "", false
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}
	if timeout <= 0 || timeout > 2*time.Second {
		timeout = 2 * time.Second
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return "", false
	}
	defer conn.Close()
	buf := make([]byte, 64)
	_ = conn.SetReadDeadline(time.Now().Add(timeout / 4))
	n, _ := conn.Read(buf)
	if n == 0 {
		_ = conn.SetDeadline(time.Now().Add(timeout))
		_, _ = io.WriteString(conn, "GET / HTTP/1.0\r\nHost: "+u.Host+"\r\n\r\n")
		n, _ = io.ReadAtLeast(conn, buf, 5)
	}
	said := strings.TrimSpace(strings.ToValidUTF8(string(buf[:n]), "?"))
	if n == 0 || strings.HasPrefix(said, "HTTP/") {
		return "", false
	}
	return said, true
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// lastPart is the innermost part of a wrapped error message.
func lastPart(msg string) string {
	if i := strings.LastIndex(msg, ": "); i >= 0 && i+2 < len(msg) {
		return msg[i+2:]
	}
	return msg
}
