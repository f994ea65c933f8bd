// Package fields reads and writes messages made of named text fields: HTML forms (URL-encoded or
// multipart, with PHP-style nested names such as a[b][0]) and XML documents of elements without
// attributes. FreedomPay's Merchant API is such an API: its requests are forms, its answers XML,
// and its signature depends on the fields' names, values and order, so a List keeps all three.
//
// A message is a List of Fields; a Field is a value or a group of fields (a nested form name, an
// XML element with children). Reading never loses a field: repeated names are kept in order.
package fields

import (
	"strconv"
	"strings"
)

// Field is one named value, or a group of fields when Fields is not nil.
type Field struct {
	Name   string
	Value  string
	Fields List
}

// IsGroup reports whether f holds fields rather than a value.
func (f Field) IsGroup() bool { return f.Fields != nil }

// List is the fields of a message or of a group, in the order they were written.
type List []Field

// Get returns the value of the first field named name that is not a group.
func (l List) Get(name string) (string, bool) {
	for _, f := range l {
		if f.Name == name && !f.IsGroup() {
			return f.Value, true
		}
	}
	return "", false
}

// Value returns the value of the field named name, or "".
func (l List) Value(name string) string {
	v, _ := l.Get(name)
	return v
}

// Has reports whether a field (a value or a group) named name is there.
func (l List) Has(name string) bool {
	for _, f := range l {
		if f.Name == name {
			return true
		}
	}
	return false
}

// Set returns a copy of l where the field named name has value v: the first one replaced in place,
// or a new one appended.
func (l List) Set(name, v string) List {
	out := l.Clone()
	for i, f := range out {
		if f.Name == name {
			out[i] = Field{Name: name, Value: v}
			return out
		}
	}
	return append(out, Field{Name: name, Value: v})
}

// Without returns a copy of l without the fields of the given names (at the top level).
func (l List) Without(names ...string) List {
	drop := map[string]bool{}
	for _, n := range names {
		drop[n] = true
	}
	out := make(List, 0, len(l))
	for _, f := range l {
		if !drop[f.Name] {
			out = append(out, f.clone())
		}
	}
	return out
}

// Clone returns a deep copy of l.
func (l List) Clone() List {
	if l == nil {
		return nil
	}
	out := make(List, len(l))
	for i, f := range l {
		out[i] = f.clone()
	}
	return out
}

func (f Field) clone() Field {
	f.Fields = f.Fields.Clone()
	return f
}

// LastWins returns l as PHP reads a form into an array: of a name given more than once, the field
// stays where it first stood and takes the last value.
func (l List) LastWins() List {
	out := make(List, 0, len(l))
	at := map[string]int{}
	for _, f := range l {
		if i, ok := at[f.Name]; ok {
			out[i] = f.clone()
			continue
		}
		at[f.Name] = len(out)
		out = append(out, f.clone())
	}
	return out
}

// Map returns the fields as a tree of map[string]any whose leaves are strings; of repeated names
// the last wins, as in a PHP array. It is how a message is read without a schema.
func (l List) Map() map[string]any {
	out := make(map[string]any, len(l))
	for _, f := range l {
		if f.IsGroup() {
			out[f.Name] = f.Fields.Map()
		} else {
			out[f.Name] = f.Value
		}
	}
	return out
}

// Of returns a List of plain fields from name, value pairs, in that order; it panics on an odd
// number of arguments, a programming error.
func Of(pairs ...string) List {
	if len(pairs)%2 != 0 {
		panic("fields.Of: odd number of arguments")
	}
	out := make(List, 0, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, Field{Name: pairs[i], Value: pairs[i+1]})
	}
	return out
}

// add puts value under the nested name path (["a", "b"] for a[b]) into l, merging groups of the
// same name; an empty key ("a[]") takes the next position of its group.
func (l List) add(path []string, value string) List {
	name := path[0]
	if len(path) == 1 {
		return append(l, Field{Name: name, Value: value})
	}
	for i, f := range l {
		if f.Name == name && f.IsGroup() {
			l[i].Fields = f.Fields.add(nextKey(f.Fields, path[1:]), value)
			return l
		}
	}
	return append(l, Field{Name: name, Fields: List{}.add(nextKey(nil, path[1:]), value)})
}

func nextKey(group List, path []string) []string {
	if path[0] != "" {
		return path
	}
	p := append([]string{strconv.Itoa(len(group))}, path[1:]...)
	return p
}

// splitName splits a PHP-style form name "a[b][c]" into its keys ["a", "b", "c"]; a name that is
// not well formed is one key, kept whole.
func splitName(name string) []string {
	i := strings.IndexByte(name, '[')
	if i <= 0 || !strings.HasSuffix(name, "]") {
		return []string{name}
	}
	keys := []string{name[:i]}
	rest := name[i:]
	for rest != "" {
		if rest[0] != '[' {
			return []string{name}
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return []string{name}
		}
		keys = append(keys, rest[1:end])
		rest = rest[end+1:]
	}
	return keys
}

// flat returns the leaves of l with their PHP-style names (a[b][c]), depth first.
func (l List) flat(prefix string) []Field {
	var out []Field
	for _, f := range l {
		name := f.Name
		if prefix != "" {
			name = prefix + "[" + f.Name + "]"
		}
		if f.IsGroup() {
			out = append(out, f.Fields.flat(name)...)
			continue
		}
		out = append(out, Field{Name: name, Value: f.Value})
	}
	return out
}
