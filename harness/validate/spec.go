package validate

import (
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// Spec is one provider's OpenAPI document, loaded and resolved, with the JSON Schemas of its
// message bodies compiled on first use. It is safe for concurrent use.
type Spec struct {
	file   string
	doc    *openapi3.T
	ops    map[string]*operation
	bodies *Schemas
}

// operation is an OpenAPI operation (or a callback operation) with where it lives.
type operation struct {
	id     string
	route  *routers.Route
	vars   []string // path template variables, in order
	isHook bool
}

// Load reads the OpenAPI document at file (a path inside fsys, such as "specs/paysage.yaml"),
// resolves its references to schemas inside fsys, and checks that the document is valid.
func Load(fsys fs.FS, file string) (*Spec, error) {
	data, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, fmt.Errorf("load spec %q: %w", file, err)
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
		return fs.ReadFile(fsys, fsPath(u.Path))
	}
	doc, err := loader.LoadFromDataWithPath(data, &url.URL{Path: file})
	if err != nil {
		return nil, fmt.Errorf("load spec %q: %w", file, err)
	}
	if err := doc.Validate(context.Background(), openapi3.DisableExamplesValidation(), openapi3.EnableSchemaFormatValidation()); err != nil {
		return nil, fmt.Errorf("spec %q is not a valid OpenAPI document: %w", file, err)
	}
	s := &Spec{file: file, doc: doc, ops: map[string]*operation{}, bodies: NewSchemas(fsys)}
	for p, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if err := s.addOperation(p, item, method, op, false); err != nil {
				return nil, fmt.Errorf("spec %q: %w", file, err)
			}
			for _, cbRef := range op.Callbacks {
				if cbRef.Value == nil {
					continue
				}
				for expr, cbItem := range cbRef.Value.Map() {
					for cbMethod, cbOp := range cbItem.Operations() {
						if err := s.addOperation(expr, cbItem, cbMethod, cbOp, true); err != nil {
							return nil, fmt.Errorf("spec %q: %w", file, err)
						}
					}
				}
			}
		}
	}
	return s, nil
}

func (s *Spec) addOperation(p string, item *openapi3.PathItem, method string, op *openapi3.Operation, hook bool) error {
	if op.OperationID == "" {
		return fmt.Errorf("%s %s has no operationId", method, p)
	}
	if _, dup := s.ops[op.OperationID]; dup {
		return fmt.Errorf("operationId %q is used twice", op.OperationID)
	}
	s.ops[op.OperationID] = &operation{
		id:     op.OperationID,
		route:  &routers.Route{Spec: s.doc, Path: p, PathItem: item, Method: method, Operation: op},
		vars:   pathVars(p),
		isHook: hook,
	}
	return nil
}

// File is the path of the OpenAPI document inside the assets.
func (s *Spec) File() string { return s.file }

// Operations lists the operation IDs of the document, callbacks included, sorted.
func (s *Spec) Operations() []string {
	ids := make([]string, 0, len(s.ops))
	for id := range s.ops {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Endpoint is a documented operation the target serves (a callback is not one).
type Endpoint struct {
	Op, Method, Path string
}

// Endpoints lists the operations the target serves, sorted by operation ID.
func (s *Spec) Endpoints() []Endpoint {
	var out []Endpoint
	for _, id := range s.Operations() {
		if op := s.ops[id]; !op.isHook {
			out = append(out, Endpoint{Op: id, Method: op.route.Method, Path: op.route.Path})
		}
	}
	return out
}

// Shape says what an operation's messages are: whether it is a callback (a request the target
// sends, such as a webhook) and whether it documents a request body.
func (s *Spec) Shape(opID string) (callback, requestBody bool, err error) {
	op, err := s.op(opID)
	if err != nil {
		return false, false, err
	}
	rb := op.route.Operation.RequestBody
	return op.isHook, rb != nil && rb.Value != nil, nil
}

// Schemas is the checker of the document's message bodies, over the same assets.
func (s *Spec) Schemas() *Schemas { return s.bodies }

// Statuses lists the answer statuses an operation documents one by one ("200", "422"), sorted;
// ranges ("2XX") and the default answer are left out.
func (s *Spec) Statuses(opID string) ([]int, error) {
	op, err := s.op(opID)
	if err != nil {
		return nil, err
	}
	var out []int
	for code := range op.route.Operation.Responses.Map() {
		if n, err := strconv.Atoi(code); err == nil {
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out, nil
}

// PathOf returns the method and the path template of an operation (for a callback, the runtime
// expression that names its URL).
func (s *Spec) PathOf(opID string) (method, template string, err error) {
	op, err := s.op(opID)
	if err != nil {
		return "", "", err
	}
	return op.route.Method, op.route.Path, nil
}

// FindOperation returns the ID of the operation that serves method and a request path relative to
// the provider's base URL (such as "/beyag/transactions/abc/confirm"), with its path parameters.
func (s *Spec) FindOperation(method, reqPath string) (string, map[string]string, error) {
	reqSegs := strings.Split(strings.Trim(reqPath, "/"), "/")
	var best *operation
	var bestParams map[string]string
	bestLiteral := -1
	for _, op := range s.ops {
		if op.isHook || !strings.EqualFold(op.route.Method, method) {
			continue
		}
		params, literal, ok := matchPath(op.route.Path, reqSegs)
		if ok && literal > bestLiteral {
			best, bestParams, bestLiteral = op, params, literal
		}
	}
	if best == nil {
		return "", nil, fmt.Errorf("no operation of %s serves %s %s", s.file, method, reqPath)
	}
	return best.id, bestParams, nil
}

func (s *Spec) op(id string) (*operation, error) {
	op, ok := s.ops[id]
	if !ok {
		return nil, fmt.Errorf("operation %q is not in %s (have %s)", id, s.file, strings.Join(s.Operations(), ", "))
	}
	return op, nil
}

// matchPath matches path template segments against request segments; literal counts the
// template's literal segments, so that /transactions/tracking_id/{id} wins over /transactions/{uid}.
func matchPath(template string, req []string) (map[string]string, int, bool) {
	tsegs := strings.Split(strings.Trim(template, "/"), "/")
	if len(tsegs) != len(req) {
		return nil, 0, false
	}
	params := map[string]string{}
	literal := 0
	for i, t := range tsegs {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			v, err := url.PathUnescape(req[i])
			if err != nil || v == "" {
				return nil, 0, false
			}
			params[t[1:len(t)-1]] = v
			continue
		}
		if t != req[i] {
			return nil, 0, false
		}
		literal++
	}
	return params, literal, true
}

func pathVars(template string) []string {
	var vars []string
	for _, seg := range strings.Split(template, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			vars = append(vars, seg[1:len(seg)-1])
		}
	}
	return vars
}

// fsPath turns a URL path produced while resolving references into a path inside the assets.
func fsPath(p string) string {
	return strings.TrimPrefix(path.Clean("/"+p), "/")
}
