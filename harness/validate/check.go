package validate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// CheckRequest checks a request sent to operation opID: its path parameters, its security, its
// content type and its body. pathParams are the values of the path template's variables.
func (s *Spec) CheckRequest(ctx context.Context, opID string, req *http.Request, pathParams map[string]string, body []byte) (Findings, error) {
	op, err := s.op(opID)
	if err != nil {
		return nil, err
	}
	var out Findings
	in := &openapi3filter.RequestValidationInput{
		Request:    cloneWithBody(req, body),
		PathParams: pathParams,
		Route:      op.route,
		Options: &openapi3filter.Options{
			ExcludeRequestBody: true,
			MultiError:         true,
			AuthenticationFunc: checkSecurity,
		},
	}
	if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
		out = append(out, envelopeFindings(err, s.file+" "+opID)...)
	}
	rb := op.route.Operation.RequestBody
	if rb == nil || rb.Value == nil {
		return out, nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if rb.Value.Required {
			out = append(out, Finding{Where: "body", Message: "the request body is required but empty", Rule: s.file + " " + opID + " requestBody"})
		}
		return out, nil
	}
	f, err := s.checkContent(rb.Value.Content, nil, req.Header.Get("Content-Type"), body, s.file+" "+opID+" requestBody", reading{})
	return append(out, f...), err
}

// CheckResponse checks the answer to a request for operation opID: that its status is one the
// operation documents, and that its body has a documented content type and matches the schema.
// reqHeader is the request's header (nil when unknown): where the spec picks the answer's schema
// by a request header (x-paycert-schema-by-request-header), it decides which.
func (s *Spec) CheckResponse(opID string, reqHeader http.Header, status int, header http.Header, body []byte) (Findings, error) {
	op, err := s.op(opID)
	if err != nil {
		return nil, err
	}
	rule := s.file + " " + opID + " responses"
	resp, f := documentedResponse(op, status, rule)
	if resp == nil {
		return f, nil
	}
	if len(resp.Value.Content) == 0 {
		return nil, nil
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return Findings{{Where: "body", Message: fmt.Sprintf("status %d must carry a body, got none", status), Rule: rule}}, nil
	}
	return s.checkContent(resp.Value.Content, reqHeader, header.Get("Content-Type"), body, fmt.Sprintf("%s %d", rule, status), reading{})
}

// CheckBody checks a JSON message body against the schema at schemaFile (a path inside the assets,
// such as "schemas/paysage/payment-request.json"). A body that is not JSON is one finding.
func (s *Spec) CheckBody(schemaFile string, body []byte) (Findings, error) {
	return s.bodies.Check(schemaFile, body)
}

// CheckCaptured checks a body captured without its exchange (from a log, a proxy, a support
// ticket) against operation opID: its request body when status is 0, else its answer with that
// status to a request with the header reqHeader (nil when unknown). contentType is the body's
// Content-Type as captured; when it is "", the body is read as the documented media type Sniff
// names or, when the operation documents none of that kind, as its JSON (else its first) one.
func (s *Spec) CheckCaptured(opID string, status int, reqHeader http.Header, contentType string, body []byte) (Findings, error) {
	content, rule, err := s.bodyContent(opID, status)
	if err != nil {
		return nil, err
	}
	if len(content) == 0 {
		return nil, fmt.Errorf("operation %q documents no body for %s", opID, map[bool]string{true: "its request", false: fmt.Sprintf("status %d", status)}[status == 0])
	}
	if contentType == "" {
		contentType = capturedType(content, body)
	}
	return s.checkContent(content, reqHeader, contentType, body, rule, reading{})
}

// Documents says whether operation opID documents a body of contentType's media type for its
// request (status 0) or for its answer with the given status.
func (s *Spec) Documents(opID string, status int, contentType string) bool {
	content, _, err := s.bodyContent(opID, status)
	mediaType, _, perr := mime.ParseMediaType(contentType)
	return err == nil && perr == nil && content[mediaType] != nil
}

// bodyContent is the documented content of opID's request body (status 0) or of its answer with
// the given status (nil when it has none), and the rule findings about it name.
func (s *Spec) bodyContent(opID string, status int) (openapi3.Content, string, error) {
	op, err := s.op(opID)
	if err != nil {
		return nil, "", err
	}
	if status == 0 {
		if rb := op.route.Operation.RequestBody; rb != nil && rb.Value != nil {
			return rb.Value.Content, s.file + " " + opID + " requestBody", nil
		}
		return nil, "", nil
	}
	rule := fmt.Sprintf("%s %s responses %d", s.file, opID, status)
	if r := op.route.Operation.Responses.Status(status); r != nil && r.Value != nil {
		return r.Value.Content, rule, nil
	}
	return nil, rule, nil
}

// capturedType is the Content-Type a body captured without one is read as (see CheckCaptured).
func capturedType(content openapi3.Content, body []byte) string {
	sniffed := Sniff(body)
	if mediaType, _, err := mime.ParseMediaType(sniffed); err == nil && content[mediaType] != nil {
		return sniffed
	}
	if content["application/json"] != nil {
		return "application/json"
	}
	return sortedKeys(content)[0]
}

// BodySchema returns the schema file (a path inside the assets) of the request body of opID, or of
// its response with the given status when status is not 0.
func (s *Spec) BodySchema(opID string, status int) (string, error) {
	if status != 0 {
		return s.ResponseSchema(opID, status, nil)
	}
	op, err := s.op(opID)
	if err != nil {
		return "", err
	}
	if op.route.Operation.RequestBody == nil || op.route.Operation.RequestBody.Value == nil {
		return "", fmt.Errorf("operation %q has no request body", opID)
	}
	return s.contentSchemaFile(op.route.Operation.RequestBody.Value.Content, nil, opID, status)
}

// ResponseSchema returns the schema file of opID's response with the given status, for a request
// with the header reqHeader (nil when unknown; see SchemaByHeader).
func (s *Spec) ResponseSchema(opID string, status int, reqHeader http.Header) (string, error) {
	op, err := s.op(opID)
	if err != nil {
		return "", err
	}
	r := op.route.Operation.Responses.Status(status)
	if r == nil || r.Value == nil {
		return "", fmt.Errorf("operation %q documents no status %d", opID, status)
	}
	return s.contentSchemaFile(r.Value.Content, reqHeader, opID, status)
}

// contentSchemaFile is the schema of a body: its JSON media type's, or else that of the first
// documented media type (by name) that has one; every media type of a body has the same schema.
func (s *Spec) contentSchemaFile(content openapi3.Content, reqHeader http.Header, opID string, status int) (string, error) {
	mt := content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		for _, name := range sortedKeys(content) {
			if m := content[name]; m != nil && m.Schema != nil {
				mt = m
				break
			}
		}
	}
	if mt == nil || mt.Schema == nil {
		return "", fmt.Errorf("operation %q has no body schema for status %d", opID, status)
	}
	return s.mediaSchemaFile(mt, reqHeader)
}

func (s *Spec) checkContent(content openapi3.Content, reqHeader http.Header, contentType string, body []byte, rule string, how reading) (Findings, error) {
	mediaType, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mediaType = ""
	}
	mt := content.Get(mediaType)
	if mt == nil {
		got := contentType
		if got == "" {
			got = "none"
		}
		f := Finding{Where: "header Content-Type", Message: fmt.Sprintf("want %s, got %s", strings.Join(sortedKeys(content), " or "), got), Rule: rule}
		// Still check the body, read as what it says it is, against the documented schema, so that
		// a wrong header does not hide a wrong body.
		file, err := s.contentSchemaFile(content, reqHeader, "", 0)
		if err != nil {
			return Findings{f}, nil
		}
		xmlField := ""
		for _, m := range content {
			if v, ok := m.Extensions[XMLField].(string); ok {
				xmlField = v
			}
		}
		more, err := s.bodies.checkMessage(file, contentType, body, xmlField, how)
		return append(Findings{f}, more...), err
	}
	if mt.Schema == nil {
		return nil, nil
	}
	file, err := s.mediaSchemaFile(mt, reqHeader)
	if err != nil {
		return nil, err
	}
	xmlField, _ := mt.Extensions[XMLField].(string)
	return s.bodies.checkMessage(file, contentType, body, xmlField, how)
}

// SchemaByHeader is the media-type extension that picks a body's schema by a request header:
// {"header": "X-API-Version", "schemas": {"2": "../schemas/bepaid/check-service-v2.json", ...}}.
// The media type's own schema stays the one for readers and for requests without the header.
const SchemaByHeader = "x-paycert-schema-by-request-header"

// mediaSchemaFile is the schema file a body of media type mt is checked against.
func (s *Spec) mediaSchemaFile(mt *openapi3.MediaType, reqHeader http.Header) (string, error) {
	ext, ok := mt.Extensions[SchemaByHeader]
	if !ok || reqHeader == nil {
		return s.schemaFile(mt.Schema)
	}
	m, _ := ext.(map[string]any)
	name, _ := m["header"].(string)
	schemas, _ := m["schemas"].(map[string]any)
	if name == "" || schemas == nil {
		return "", fmt.Errorf("%s: %s needs a header and schemas", s.file, SchemaByHeader)
	}
	rel, ok := schemas[reqHeader.Get(name)].(string)
	if !ok {
		return s.schemaFile(mt.Schema)
	}
	return fsPath(path.Join(path.Dir(s.file), rel)), nil
}

// schemaFile resolves a media type's schema reference to a path inside the assets. Every body
// in the specs is a reference to a file under schemas/, so that one JSON Schema serves all.
func (s *Spec) schemaFile(ref *openapi3.SchemaRef) (string, error) {
	if ref.Ref == "" {
		return "", fmt.Errorf("%s: a body schema is inline; bodies must reference a file under schemas/", s.file)
	}
	r := ref.Ref
	if i := strings.IndexByte(r, '#'); i >= 0 {
		r = r[:i]
	}
	return fsPath(path.Join(path.Dir(s.file), r)), nil
}

// documentedResponse is op's answer with the given status (its default answer where it documents
// none with that status) or, when it documents neither, nil and the finding that says so.
func documentedResponse(op *operation, status int, rule string) (*openapi3.ResponseRef, Findings) {
	resp := op.route.Operation.Responses.Status(status)
	if resp == nil {
		resp = op.route.Operation.Responses.Default()
	}
	if resp == nil || resp.Value == nil {
		return nil, Findings{{Where: "status", Message: fmt.Sprintf("status %d is not one the operation documents (%s)", status, strings.Join(documentedStatuses(op.route.Operation), ", ")), Rule: rule}}
	}
	return resp, nil
}

func documentedStatuses(op *openapi3.Operation) []string {
	return sortedKeys(op.Responses.Map())
}

// checkSecurity is the authentication hook of the envelope check: it only looks at the shape of
// the credentials (a Basic header with a user and a password); whether they are right is the
// target's business, and a spec tests it.
func checkSecurity(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme := in.SecurityScheme
	if scheme == nil || scheme.Type != "http" || !strings.EqualFold(scheme.Scheme, "basic") {
		return nil
	}
	user, pass, ok := in.RequestValidationInput.Request.BasicAuth()
	if !ok || user == "" || pass == "" {
		return errors.New("HTTP Basic credentials (shop ID and secret key) are missing")
	}
	return nil
}

func cloneWithBody(req *http.Request, body []byte) *http.Request {
	r := req.Clone(context.Background())
	r.Body = io.NopCloser(bytes.NewReader(body))
	return r
}

// envelopeFindings turns kin-openapi's errors into findings.
func envelopeFindings(err error, rule string) Findings {
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		var out Findings
		for _, e := range multi {
			out = append(out, envelopeFindings(e, rule)...)
		}
		return out
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) && re.Parameter != nil {
		return Findings{{Where: re.Parameter.In + " " + re.Parameter.Name, Message: re.Error(), Rule: rule}}
	}
	var se *openapi3filter.SecurityRequirementsError
	if errors.As(err, &se) {
		msgs := make([]string, 0, len(se.Errors))
		for _, e := range se.Errors {
			msgs = append(msgs, e.Error())
		}
		return Findings{{Where: "header Authorization", Message: strings.Join(msgs, "; "), Rule: rule + " security"}}
	}
	return Findings{{Where: "request", Message: err.Error(), Rule: rule}}
}
