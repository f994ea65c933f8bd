package validate

import "fmt"

// Refusal is the document extension that says how the provider answers a request it refuses
// without an error status: {"field": "pg_status", "value": "error"} means that an answer whose
// top-level field pg_status is "error" is a refusal, whatever its status.
const Refusal = "x-paycert-refusal"

// Refuses says whether an answer with the given status, Content-Type ("" to read the body's first
// bytes) and body is the provider's refusal of the request: a status of 400 or more, or a body the
// document's Refusal extension names.
func (s *Spec) Refuses(status int, contentType string, body []byte) bool {
	if status >= 400 {
		return true
	}
	ext, _ := s.doc.Extensions[Refusal].(map[string]any)
	field, _ := ext["field"].(string)
	if field == "" || len(body) == 0 {
		return false
	}
	if contentType == "" {
		contentType = Sniff(body)
	}
	v, err := DecodeBody(contentType, body)
	m, _ := v.(map[string]any)
	got, ok := m[field]
	return err == nil && ok && fmt.Sprint(got) == fmt.Sprint(ext["value"])
}
