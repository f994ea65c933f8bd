package pactfile

import (
	"errors"
	"fmt"

	"github.com/paycert/paycert/harness/validate"
)

// Result is what Check says of one interaction.
type Result struct {
	// Description names the interaction, as its pact does.
	Description string
	// Operation is the spec's operation the interaction was checked against: the one that serves
	// its method and path, or for a message the callback it was judged as; "" when there is none.
	Operation string
	// Findings are the ways the interaction departs from the document; none means it expects only
	// what the document promises. A request's findings are "request ...", an answer's "response
	// ...", a message's "message ...".
	Findings validate.Findings
	// Refusal says that the interaction expects the provider to refuse its request (validate's
	// Spec.Refuses): its request may break the document on purpose, and only its answer is checked.
	Refusal bool
	// Err is set when the interaction could not be checked (a kind paycert does not check, a schema
	// the checker could not use); its findings may then be incomplete.
	Err error
}

// Check checks every interaction of the pact against the provider's spec, each on its own: what
// one cannot be checked for does not stop the others.
//
// An HTTP interaction is matched to the operation that serves its method and path; its request
// body is checked in full (a required field it leaves out, a field the schema does not describe,
// a wrong type are findings), and its answer as what the consumer reads: the status must be one the
// operation documents, a field must be one the schema describes and of its type, but a required
// field the pact does not name is not a finding. An interaction that expects the provider to
// refuse its request (an error status, or the document's refusal answer) tests that refusal: its
// request is not held to the document, only its answer. A message is checked likewise against the
// callback its metadata names (operationId), or else against every callback of the spec: it
// passes when one takes it without findings, and otherwise carries the findings of the callback
// closest to it.
func Check(spec *validate.Spec, p *Pact) []Result {
	out := make([]Result, 0, len(p.Interactions))
	for _, in := range p.Interactions {
		var r Result
		switch in.Kind {
		case HTTP:
			r = checkHTTP(spec, in)
		case Message:
			r = checkMessage(spec, in)
		default:
			r.Err = fmt.Errorf("a %s interaction: paycert checks HTTP interactions and asynchronous messages", in.Kind)
		}
		r.Description = in.Description
		out = append(out, r)
	}
	return out
}

func checkHTTP(spec *validate.Spec, in Interaction) Result {
	q, a := in.Request, in.Response
	opID, _, err := spec.FindOperation(q.Method, q.Path)
	if err != nil {
		return Result{Findings: validate.Findings{{Where: "request", Message: fmt.Sprintf("the document has no operation %s %s", q.Method, q.Path), Rule: spec.File()}}}
	}
	r := Result{Operation: opID, Refusal: spec.Refuses(a.Status, a.Body.ContentType, a.Body.Content)}
	var reqErr error
	if !r.Refusal {
		var f validate.Findings
		f, reqErr = spec.CheckContract(opID, 0, q.Headers, q.Body.ContentType, q.Body.Content, false)
		r.Findings = append(r.Findings, within("request", f)...)
	}
	f, respErr := spec.CheckContract(opID, a.Status, q.Headers, a.Body.ContentType, a.Body.Content, true)
	r.Findings = append(r.Findings, within("response", f)...)
	r.Err = errors.Join(wrap("request", reqErr), wrap("response", respErr))
	return r
}

func checkMessage(spec *validate.Spec, in Interaction) Result {
	if opID := in.MetadataString("operationId"); opID != "" {
		callback, _, err := spec.Shape(opID)
		switch {
		case err != nil:
			return Result{Findings: validate.Findings{{Where: "metadata operationId", Message: fmt.Sprintf("the document has no operation %q", opID), Rule: spec.File()}}}
		case !callback:
			return Result{Operation: opID, Findings: validate.Findings{{Where: "metadata operationId", Message: fmt.Sprintf("%s is not a callback the provider sends", opID), Rule: spec.File()}}}
		}
		f, err := spec.CheckContract(opID, 0, nil, in.Contents.ContentType, in.Contents.Content, true)
		return Result{Operation: opID, Findings: within("message", f), Err: err}
	}
	var best *Result
	var errs []error
	for _, opID := range spec.Operations() {
		callback, requestBody, err := spec.Shape(opID)
		if err != nil || !callback || !requestBody {
			continue
		}
		f, err := spec.CheckContract(opID, 0, nil, in.Contents.ContentType, in.Contents.Content, true)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", opID, err))
			continue
		}
		if best == nil || len(f) < len(best.Findings) {
			best = &Result{Operation: opID, Findings: within("message", f)}
		}
		if len(f) == 0 {
			return *best
		}
	}
	if best == nil {
		if len(errs) == 0 {
			errs = append(errs, fmt.Errorf("%s documents no callback with a body to check the message against", spec.File()))
		}
		return Result{Err: errors.Join(errs...)}
	}
	best.Err = errors.Join(errs...) // a callback that could not be checked might have taken it
	return *best
}

// within names the part of the interaction (request, response, message) a finding is about.
func within(part string, f validate.Findings) validate.Findings {
	out := make(validate.Findings, len(f))
	for i, x := range f {
		x.Where = part + " " + x.Where
		out[i] = x
	}
	return out
}

func wrap(part string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", part, err)
}
