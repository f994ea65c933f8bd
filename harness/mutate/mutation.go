// Package mutate measures how strong a provider's suite is: from the provider's OpenAPI document
// and the JSON Schemas it references it derives deliberate departures from the documents — a
// required field dropped, a field of another type, an enum value replaced, a broken signature, a
// wrong status, a callback dropped or sent twice — for every answer of every operation and every
// callback, and a Proxy serves a simulator with exactly one of them applied. A suite that stays
// green against a mutant misses a spec.
package mutate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/paycert/paycert/harness/validate"
)

// Kind is what a mutation does to a message.
type Kind string

// The kinds of mutation.
const (
	// Drop leaves a required field out (a nested one only where its parent is present).
	Drop Kind = "drop"
	// Type gives a field a value of a type its schema does not allow.
	Type Kind = "type"
	// Enum replaces one value of an enum by the next value of the same enum.
	Enum Kind = "enum"
	// OutOfEnum replaces the value of an enum or const field by one outside it.
	OutOfEnum Kind = "enum-out"
	// Signature breaks the message's signature (a Monetix signature, a FreedomPay pg_sig, a
	// beGateway Content-Signature header); every other kind re-signs what it changed.
	Signature Kind = "signature"
	// Status answers with another status code, the body unchanged.
	Status Kind = "status"
	// DropCallback never delivers the callback (the simulator is told it was).
	DropCallback Kind = "drop-callback"
	// DuplicateCallback delivers the callback twice.
	DuplicateCallback Kind = "duplicate-callback"
)

// Kinds lists every kind, in the order reports show them.
func Kinds() []Kind {
	return []Kind{Drop, Type, Enum, OutOfEnum, Signature, Status, DropCallback, DuplicateCallback}
}

// Mutation is one deliberate departure from a provider's documents, applied to every message of
// one kind: the answers of an operation with one status, or a callback.
type Mutation struct {
	// ID is stable across runs: provider/operation/status-or-"callback"/kind[:field[:from->to]],
	// such as paysage/createPayment/200/drop:transaction.status.
	ID       string
	Provider string
	// Op is the operation ID of the answer, or of the callback.
	Op string
	// Status is the answer's status; 0 for a callback.
	Status int
	Kind   Kind
	// Path is the field: property names from the body's root, "[]" for every item of an array.
	Path []string
	// Types are the JSON types the schema allows the field (for Type).
	Types []string
	// From is the enum value replaced (Enum); To the value put in its place (Enum, OutOfEnum),
	// or the status answered (Status).
	From, To any
}

// Callback reports whether the mutation changes a callback rather than an answer.
func (m Mutation) Callback() bool { return m.Status == 0 }

// Field is the mutated field's dotted path ("transaction.status"), "" for a whole message.
func (m Mutation) Field() string { return strings.Join(m.Path, ".") }

func (m Mutation) withID() Mutation {
	where := "callback"
	if m.Status != 0 {
		where = fmt.Sprint(m.Status)
	}
	id := fmt.Sprintf("%s/%s/%s/%s", m.Provider, m.Op, where, m.Kind)
	switch m.Kind {
	case Drop, Type, OutOfEnum:
		id += ":" + m.Field()
	case Enum:
		id += fmt.Sprintf(":%s:%v->%v", m.Field(), m.From, m.To)
	case Status:
		id += fmt.Sprintf(":%v", m.To)
	}
	m.ID = id
	return m
}

// Derive lists the mutations of every answer and callback the provider's document spec describes,
// sorted by ID. Each documented status of an operation gets a wrong status; each body with a
// schema gets, for each of its fields, a drop (when required), a change of type and, for enums and
// consts, a value replaced; each callback is also dropped, duplicated and has its signature
// broken (all four providers sign theirs), as has every answer whose schema has a signature field.
func Derive(spec *validate.Spec, provider string) ([]Mutation, error) {
	var out []Mutation
	for _, op := range spec.Operations() {
		callback, _, err := spec.Shape(op)
		if err != nil {
			return nil, err
		}
		if callback {
			base := Mutation{Provider: provider, Op: op}
			file, err := spec.BodySchema(op, 0)
			if err != nil {
				return nil, fmt.Errorf("derive mutations of %s %s: %w", provider, op, err)
			}
			ms, _, err := bodyMutations(spec, file, base)
			if err != nil {
				return nil, err
			}
			out = append(out, ms...)
			for _, k := range []Kind{Signature, DropCallback, DuplicateCallback} {
				m := base
				m.Kind = k
				out = append(out, m)
			}
			continue
		}
		statuses, err := spec.Statuses(op)
		if err != nil {
			return nil, err
		}
		for _, status := range statuses {
			base := Mutation{Provider: provider, Op: op, Status: status}
			wrong := base
			wrong.Kind, wrong.To = Status, wrongStatus(status, statuses)
			out = append(out, wrong)
			file, err := spec.ResponseSchema(op, status, nil)
			if err != nil {
				continue // an answer without a body schema (a page, no content)
			}
			ms, signed, err := bodyMutations(spec, file, base)
			if err != nil {
				return nil, err
			}
			out = append(out, ms...)
			if signed {
				m := base
				m.Kind = Signature
				out = append(out, m)
			}
		}
	}
	for i := range out {
		out[i] = out[i].withID()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	for i := 1; i < len(out); i++ {
		if out[i].ID == out[i-1].ID {
			return nil, fmt.Errorf("mutation %s derived twice", out[i].ID)
		}
	}
	return out, nil
}

// wrongStatus is the status a Status mutation answers instead of status: a success that the
// operation does not document for an answer of success, 200 for a refusal (when the operation
// documents 200, else 201).
func wrongStatus(status int, documented []int) int {
	has := map[int]bool{}
	for _, s := range documented {
		has[s] = true
	}
	if status/100 == 2 {
		for _, s := range []int{201, 202, 203} {
			if !has[s] {
				return s
			}
		}
		return 500
	}
	if has[200] {
		return 200
	}
	return 201
}

// isSignatureField reports whether a body field carries a message's signature (Monetix
// signature, FreedomPay pg_sig).
func isSignatureField(name string) bool { return name == "signature" || name == "pg_sig" }

// bodyMutations are the field mutations of a body with the schema file, and whether the body is
// signed in a field of its own.
func bodyMutations(spec *validate.Spec, file string, base Mutation) ([]Mutation, bool, error) {
	sch, err := spec.Schemas().Compiled(file)
	if err != nil {
		return nil, false, fmt.Errorf("derive mutations of %s %s: %w", base.Provider, base.Op, err)
	}
	fs := fieldSet{}
	collect(sch, nil, fs, 0)
	var out []Mutation
	signed := false
	for _, key := range fs.keys() {
		f := fs[key]
		if len(f.path) == 0 {
			continue
		}
		if len(f.path) <= 2 && isSignatureField(f.path[len(f.path)-1]) {
			signed = true
		}
		at := func(k Kind) Mutation {
			m := base
			m.Kind, m.Path = k, f.path
			return m
		}
		if f.required {
			out = append(out, at(Drop))
		}
		m := at(Type)
		m.Types = f.typeList()
		out = append(out, m)
		values := f.enumValues()
		if len(values) > 1 {
			for i, v := range values {
				m := at(Enum)
				m.From, m.To = v, values[(i+1)%len(values)]
				out = append(out, m)
			}
		}
		if len(values) > 0 {
			m := at(OutOfEnum)
			m.To = outside(values)
			out = append(out, m)
		}
	}
	return out, signed, nil
}

// outside is a value of the same JSON type as values that is none of them.
func outside(values []any) any {
	if _, ok := values[0].(string); ok {
		return "paycert-mutant"
	}
	if _, ok := values[0].(bool); ok {
		return "paycert-mutant"
	}
	return 987654
}

// field is what the schemas say about one field.
type field struct {
	path     []string
	required bool
	types    map[string]bool
	enum     []any
}

func (f *field) typeList() []string {
	out := make([]string, 0, len(f.types))
	for t := range f.types {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// enumValues are the distinct scalar values of the field's enums and consts, in their order.
func (f *field) enumValues() []any {
	var out []any
	seen := map[string]bool{}
	for _, v := range f.enum {
		switch v.(type) {
		case map[string]any, []any, nil:
			continue
		}
		k := fmt.Sprintf("%T %v", v, v)
		if !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

// fieldSet is the fields of a body by dotted path.
type fieldSet map[string]*field

func (fs fieldSet) at(path []string) *field {
	k := strings.Join(path, ".")
	f, ok := fs[k]
	if !ok {
		f = &field{path: append([]string(nil), path...), types: map[string]bool{}}
		fs[k] = f
	}
	return f
}

func (fs fieldSet) keys() []string {
	out := make([]string, 0, len(fs))
	for k := range fs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// maxDepth bounds the walk through references, so that a recursive schema ends.
const maxDepth = 16

// collect records what s says about the value at path, through its references and its allOf,
// anyOf and oneOf branches (a field a branch requires is taken as required: a message that has
// it is of that branch).
func collect(s *jsonschema.Schema, path []string, fs fieldSet, depth int) {
	if s == nil || depth > maxDepth {
		return
	}
	for _, sub := range [][]*jsonschema.Schema{{s.Ref, s.DynamicRef}, s.AllOf, s.AnyOf, s.OneOf} {
		for _, b := range sub {
			collect(b, path, fs, depth+1)
		}
	}
	f := fs.at(path)
	for _, t := range s.Types {
		f.types[t] = true
	}
	f.enum = append(f.enum, s.Enum...)
	if len(s.Constant) > 0 {
		f.enum = append(f.enum, s.Constant[0])
	}
	for _, r := range s.Required {
		fs.at(append(path[:len(path):len(path)], r)).required = true
	}
	for name, p := range s.Properties {
		collect(p, append(path[:len(path):len(path)], name), fs, depth+1)
	}
	items := s.Items2020
	if items == nil {
		items, _ = s.Items.(*jsonschema.Schema)
	}
	if items != nil {
		collect(items, append(path[:len(path):len(path)], "[]"), fs, depth+1)
	}
}
