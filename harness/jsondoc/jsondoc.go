// Package jsondoc reads and edits decoded JSON documents (map[string]any trees) by dotted path,
// such as "transaction.payment.status". Suites use it to read answers without trusting their shape
// and to break a valid request in one place for a negative spec.
package jsondoc

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Doc is a decoded JSON object.
type Doc = map[string]any

// Get returns the value at path, and whether it is there. Array elements are addressed by index
// ("transactions.0.uid").
func Get(v any, path string) (any, bool) {
	cur := v
	for _, key := range split(path) {
		switch node := cur.(type) {
		case map[string]any:
			next, ok := node[key]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(node) {
				return nil, false
			}
			cur = node[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// String returns the string at path, or "" when it is absent or not a string.
func String(v any, path string) string {
	s, _ := Get(v, path)
	str, _ := s.(string)
	return str
}

// Int returns the integer at path, and whether there is one (a JSON number with no fraction).
func Int(v any, path string) (int64, bool) {
	x, ok := Get(v, path)
	if !ok {
		return 0, false
	}
	switch n := x.(type) {
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case float64:
		return int64(n), n == float64(int64(n))
	case int:
		return int64(n), true
	case int64:
		return n, true
	}
	return 0, false
}

// Set puts value at path, making the objects on the way.
func Set(doc Doc, path string, value any) error {
	keys := split(path)
	cur := doc
	for _, key := range keys[:len(keys)-1] {
		next, ok := cur[key].(map[string]any)
		if !ok {
			if _, exists := cur[key]; exists {
				return fmt.Errorf("set %q: %q is not an object", path, key)
			}
			next = map[string]any{}
			cur[key] = next
		}
		cur = next
	}
	cur[keys[len(keys)-1]] = value
	return nil
}

// Delete removes the value at path; it is not an error when it is not there.
func Delete(doc Doc, path string) {
	keys := split(path)
	cur := doc
	for _, key := range keys[:len(keys)-1] {
		next, ok := cur[key].(map[string]any)
		if !ok {
			return
		}
		cur = next
	}
	delete(cur, keys[len(keys)-1])
}

// Clone returns a deep copy of doc, so that a request can be broken without touching the original.
func Clone(doc Doc) Doc {
	c, _ := cloneValue(doc).(map[string]any)
	return c
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = cloneValue(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = cloneValue(e)
		}
		return s
	default:
		return v
	}
}

func split(path string) []string {
	if path == "" {
		return nil
	}
	return strings.Split(path, ".")
}
