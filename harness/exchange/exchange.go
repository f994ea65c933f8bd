// Package exchange sends one request for a documented operation, reads the answer within limits,
// checks both against the provider's spec and records them. Every provider's reference client is
// built on it, so no client can hide a non-conformant answer: the Result carries the raw answer,
// the findings and the transport error, and the caller decides.
package exchange

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/validate"
)

// MaxBody is the most of an answer that is read; the rest is cut and said so.
const MaxBody = 4 << 20

// Doer sends requests for one provider at one base URL.
type Doer struct {
	Provider string
	BaseURL  string
	HTTP     *http.Client
	Spec     *validate.Spec
	Recorder *record.Recorder
}

// Request is one call of a documented operation. Body is sent as it is: a suite may send
// something the spec forbids, on purpose.
type Request struct {
	Op         string
	PathParams map[string]string
	// Path, when set, is called instead of the operation's path template: a target that serves an
	// operation the documents do not place (FreedomPay's resend) is told where by its settings.
	Path string
	// Query is added to the URL (parameters of a GET such as a payment page's).
	Query  url.Values
	Header http.Header
	Body   []byte
}

// Result is what came of a Request.
type Result struct {
	Op      string
	Request *http.Request
	// Status is 0 when no answer came (Err says why).
	Status int
	Header http.Header
	Body   []byte
	// Err is a transport failure: no connection, a reset, a timeout, a cut body.
	Err error
	// Findings are the spec's objections to the request and the answer.
	Findings validate.Findings
	// RequestFindings are those of the request alone (a negative spec sends a bad one on purpose).
	RequestFindings validate.Findings
	// Value is the answer decoded as what its Content-Type says (JSON; a form or XML as a tree of
	// strings), or nil when it cannot be.
	Value any
	// Exchange is the redacted record, for messages and reports.
	Exchange record.Exchange
	// rec is where the exchange was recorded, told which fields the spec reads.
	rec *record.Recorder
}

// Do sends r and returns what happened. The error is for a broken harness only (an operation the
// spec does not have); a target's failure is in the Result.
func (d *Doer) Do(ctx context.Context, r Request) (*Result, error) {
	method, template, err := d.Spec.PathOf(r.Op)
	if err != nil {
		return nil, err
	}
	p := expand(template, r.PathParams)
	if r.Path != "" {
		p = "/" + strings.TrimLeft(r.Path, "/")
	}
	target := strings.TrimRight(d.BaseURL, "/") + p
	if len(r.Query) > 0 {
		target += "?" + r.Query.Encode()
	}
	req, err := http.NewRequestWithContext(WithOperation(ctx, r.Op), method, target, bytes.NewReader(r.Body))
	if err != nil {
		return nil, fmt.Errorf("%s: build request: %w", r.Op, err)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	res := &Result{Op: r.Op, Request: req}
	reqFindings, err := d.Spec.CheckRequest(ctx, r.Op, req, r.PathParams, r.Body)
	if err != nil {
		return nil, err
	}
	res.RequestFindings = reqFindings
	started := time.Now()
	resp, err := d.HTTP.Do(req)
	if err != nil {
		res.Err = err
	} else {
		res.Status = resp.StatusCode
		res.Header = resp.Header
		res.Body, res.Err = readBody(resp)
	}
	elapsed := time.Since(started)
	if res.Status != 0 && res.Err == nil {
		respFindings, err := d.Spec.CheckResponse(r.Op, req.Header, res.Status, res.Header, res.Body)
		if err != nil {
			return nil, err
		}
		res.Findings = append(res.Findings, respFindings...)
		if v, err := validate.DecodeBody(res.Header.Get("Content-Type"), res.Body); err == nil {
			res.Value = v
		}
	}
	for _, f := range reqFindings {
		f.Where = "request " + f.Where
		res.Findings = append(res.Findings, f)
	}
	res.rec = d.Recorder
	res.Exchange = d.Recorder.Add(record.Raw{
		Provider: d.Provider, Operation: r.Op, Direction: record.Outbound,
		Started: started, Duration: elapsed,
		Method: method, URL: target, RequestHeader: req.Header, RequestBody: r.Body,
		Status: res.Status, ResponseHeader: res.Header, ResponseBody: res.Body,
		Err: res.Err, Findings: res.Findings,
	})
	return res, nil
}

// operationKey keys the operation of a request in its context.
type operationKey struct{}

// WithOperation returns ctx saying that its request is a call of the operation op, for the
// transports between the Doer and the target (the money guard).
func WithOperation(ctx context.Context, op string) context.Context {
	return context.WithValue(ctx, operationKey{}, op)
}

// OperationOf returns the operation a request made by a Doer calls ("" for another request).
func OperationOf(req *http.Request) string {
	op, _ := req.Context().Value(operationKey{}).(string)
	return op
}

func readBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return body, fmt.Errorf("reading the answer failed after %d bytes: %w", len(body), err)
	}
	if len(body) > MaxBody {
		return body[:MaxBody], fmt.Errorf("the answer is longer than %d bytes", MaxBody)
	}
	return body, nil
}

func expand(template string, params map[string]string) string {
	out := template
	for k, v := range params {
		out = strings.ReplaceAll(out, "{"+k+"}", url.PathEscape(v))
	}
	return out
}

// String returns the string at a dotted path of the answer ("transaction.status"), or "".
func (r *Result) String(path string) string {
	r.LookedAt(path)
	return jsondoc.String(r.Value, path)
}

// Int returns the integer at a dotted path of the answer.
func (r *Result) Int(path string) (int64, bool) {
	r.LookedAt(path)
	return jsondoc.Int(r.Value, path)
}

// Has reports whether the answer has a value at path.
func (r *Result) Has(path string) bool {
	r.LookedAt(path)
	_, ok := jsondoc.Get(r.Value, path)
	return ok
}

// LookedAt notes, in the transcript, that the spec reads the answer's field at path: the
// report shows the fields a failing expectation was about first.
func (r *Result) LookedAt(path string) {
	if r.rec != nil {
		r.rec.LookedAt(r.Exchange.Seq, path)
	}
}

// Describe is the redacted exchange as a person reads it in a failure message.
func (r *Result) Describe() string {
	return Describe(r.Exchange)
}

// Describe renders a recorded exchange for a failure message.
func Describe(x record.Exchange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "exchange #%d %s (%s):\n  %s %s\n", x.Seq, x.Operation, x.Provider, x.Request.Method, x.Request.URL)
	if x.Request.Body != "" {
		fmt.Fprintf(&b, "  request body:\n%s\n", indent(x.Request.Body, "    "))
	}
	switch {
	case x.Response != nil:
		fmt.Fprintf(&b, "  answer: status %d, Content-Type %q\n", x.Response.Status, x.Response.Header.Get("Content-Type"))
		if x.Response.Body != "" {
			fmt.Fprintf(&b, "  answer body:\n%s\n", indent(clip(x.Response.Body, 3000), "    "))
		}
	default:
		b.WriteString("  answer: none\n")
	}
	if x.Error != "" {
		fmt.Fprintf(&b, "  transport error: %s\n", x.Error)
	}
	if len(x.Findings) > 0 {
		fmt.Fprintf(&b, "  spec findings:\n%s\n", indent(x.Findings.String(), "    "))
	}
	return strings.TrimRight(b.String(), "\n")
}

func indent(s, pad string) string {
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + fmt.Sprintf("\n… (%d more bytes)", len(s)-n)
}
