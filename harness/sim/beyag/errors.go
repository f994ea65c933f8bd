package beyag

import (
	"net/http"
	"sort"
	"strings"

	"github.com/paycert/paycert/harness/sim"
)

// FieldErrors collects what is wrong with a request, by dotted field path, and renders the
// documented error body: {"message": "...", "errors": {"request": {"amount": ["is missing"]}}}.
type FieldErrors struct {
	paths []string
	msgs  map[string][]string
}

// Add records that the field at the dotted path ("request.method.account_number") msg.
func (e *FieldErrors) Add(path, msg string) {
	if e.msgs == nil {
		e.msgs = map[string][]string{}
	}
	if _, ok := e.msgs[path]; !ok {
		e.paths = append(e.paths, path)
	}
	e.msgs[path] = append(e.msgs[path], msg)
}

// Empty reports whether nothing was added.
func (e *FieldErrors) Empty() bool { return len(e.paths) == 0 }

func (e *FieldErrors) body() map[string]any {
	tree := map[string]any{}
	var sentences []string
	paths := append([]string(nil), e.paths...)
	sort.Strings(paths)
	for _, p := range paths {
		keys := strings.Split(p, ".")
		node := tree
		for _, k := range keys[:len(keys)-1] {
			next, ok := node[k].(map[string]any)
			if !ok {
				next = map[string]any{}
				node[k] = next
			}
			node = next
		}
		msgs := e.msgs[p]
		node[keys[len(keys)-1]] = msgs
		name := strings.TrimPrefix(p, "request.")
		for _, m := range msgs {
			sentences = append(sentences, strings.ToUpper(name[:1])+name[1:]+" "+m+".")
		}
	}
	return map[string]any{"message": strings.Join(sentences, " "), "errors": tree}
}

// WriteFieldErrors answers 422 with the error body of e.
func WriteFieldErrors(w http.ResponseWriter, e *FieldErrors) {
	sim.WriteJSON(w, http.StatusUnprocessableEntity, e.body())
}

func writeError(w http.ResponseWriter, status int, message, key, detail string) {
	sim.WriteJSON(w, status, map[string]any{"message": message, "errors": map[string]any{key: []string{detail}}})
}

func writeUnauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Basic realm="shop"`)
	writeError(w, http.StatusUnauthorized, "Invalid shop_id/secret_key.", "system", "System error.")
}

func writeNotFound(w http.ResponseWriter, what string) {
	writeError(w, http.StatusNotFound, "Record not found", what, "not found")
}
