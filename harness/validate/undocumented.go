package validate

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v5"
)

// reading says how a body is judged against its schema. The zero value judges a message as it
// was sent: by every rule of its schema.
type reading struct {
	// atLeast reads the body as naming at least what the message carries, as a consumer's
	// expectation of an answer does: a required field it leaves out is not a finding.
	atLeast bool
	// undocumented makes a finding of every field that no schema describes, even where the schema
	// does not forbid other fields.
	undocumented bool
}

// CheckContract checks a body that a contract (a consumer's Pact file) names for operation opID:
// its request when status is 0, else its answer with that status to a request with the header
// reqHeader (nil when unknown). A field that no schema of the body describes is a finding, even
// where the schema allows other fields: the consumer would send, or count on, what the document
// never mentions. With atLeast (an answer, or a callback the consumer receives) the body is what
// the consumer reads of the message, not all of it, so a required field it leaves out is not a
// finding; without it (a request the consumer sends) it is. An answer's status must be one the
// operation documents. contentType is read as CheckCaptured reads it; an empty body is no body.
func (s *Spec) CheckContract(opID string, status int, reqHeader http.Header, contentType string, body []byte, atLeast bool) (Findings, error) {
	op, err := s.op(opID)
	if err != nil {
		return nil, err
	}
	empty := len(bytes.TrimSpace(body)) == 0
	var content openapi3.Content
	var rule, none string
	if status == 0 {
		rule, none = s.file+" "+opID+" requestBody", "the operation documents no request body, the contract sends one"
		if rb := op.route.Operation.RequestBody; rb != nil && rb.Value != nil {
			content = rb.Value.Content
			if empty && rb.Value.Required && !atLeast {
				return Findings{{Where: "body", Message: "the request body is required but empty", Rule: rule}}, nil
			}
		}
	} else {
		resp, f := documentedResponse(op, status, s.file+" "+opID+" responses")
		if resp == nil {
			return f, nil
		}
		content = resp.Value.Content
		rule = fmt.Sprintf("%s %s responses %d", s.file, opID, status)
		none = fmt.Sprintf("status %d documents no body, the contract expects one", status)
	}
	switch {
	case empty:
		return nil, nil
	case len(content) == 0:
		return Findings{{Where: "body", Message: none + ": " + strconv.Quote(prefix(body, 80)), Rule: rule}}, nil
	case contentType == "":
		contentType = capturedType(content, body)
	}
	return s.checkContent(content, reqHeader, contentType, body, rule, reading{atLeast: atLeast, undocumented: true})
}

// withoutRequired is ve less its statements that a required property is missing, or nil when
// nothing else is wrong. An anyOf or oneOf holds when one of its branches then holds, so that an
// answer the consumer names in part is judged by the branch it is part of.
func withoutRequired(ve *jsonschema.ValidationError) *jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		if isRequiredKeyword(ve.KeywordLocation) {
			return nil
		}
		return ve
	}
	_, keyword := cutLast(ve.KeywordLocation)
	branches := keyword == "anyOf" || keyword == "oneOf"
	var kept []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		k := withoutRequired(c)
		switch {
		case k != nil:
			kept = append(kept, k)
		case branches:
			return nil
		}
	}
	if len(kept) == 0 {
		return nil
	}
	out := *ve
	out.Causes = kept
	return &out
}

// isRequiredKeyword says whether a keyword location (".../required",
// ".../dependentRequired/amount/0") is that of a property that must be there.
func isRequiredKeyword(loc string) bool {
	parent, last := cutLast(loc)
	_, above := cutLast(parent)
	if last == "required" {
		// Not a property (or a definition) that happens to be named "required".
		return above != "properties" && above != "$defs"
	}
	segs := strings.Split(loc, "/")
	return len(segs) >= 3 && segs[len(segs)-3] == "dependentRequired"
}

// cutLast splits a JSON pointer before its last segment.
func cutLast(ptr string) (string, string) {
	i := strings.LastIndexByte(ptr, '/')
	return ptr[:max(i, 0)], ptr[i+1:]
}

// undocumented returns a finding for every object member of v (at the JSON pointer where) that the
// schemas, which apply to v, do not describe: no property, pattern property or additional
// properties schema of theirs, through $ref, allOf, anyOf, oneOf and if/then/else, names it. An
// object whose schemas describe no members (a free-form object), and one whose schemas decide
// about other members themselves (additionalProperties or unevaluatedProperties true or false,
// which validation judges), is left alone.
func undocumented(schemas []*jsonschema.Schema, v any, where string) Findings {
	var out Findings
	switch v := v.(type) {
	case map[string]any:
		all := expand(schemas)
		described, open := describedMembers(all)
		for _, name := range sortedKeys(v) {
			at := where + "/" + escapePointer(name)
			members := propertySchemas(schemas, name)
			if len(members) == 0 && !open && len(described) > 0 {
				out = append(out, Finding{Where: at,
					Message: fmt.Sprintf("%q is not a field the schema describes (it describes %s)", name, strings.Join(described, ", ")),
					Rule:    membersLocation(all)})
				continue
			}
			out = append(out, undocumented(members, v[name], at)...)
		}
	case []any:
		items := itemSchemas(schemas)
		for i, item := range v {
			of := items
			for _, s := range expand(schemas) {
				if i < len(s.PrefixItems) {
					of = append(of[:len(of):len(of)], s.PrefixItems[i])
				}
			}
			out = append(out, undocumented(of, item, where+"/"+strconv.Itoa(i))...)
		}
	}
	return out
}

// describedMembers lists the property names and patterns the schemas describe, and says whether
// they decide about other members themselves (additionalProperties true or false,
// unevaluatedProperties).
func describedMembers(all []*jsonschema.Schema) (described []string, open bool) {
	seen := map[string]bool{}
	for _, s := range all {
		if _, ok := s.AdditionalProperties.(bool); ok || s.UnevaluatedProperties != nil {
			open = true
		}
		names := sortedKeys(s.Properties)
		for re := range s.PatternProperties {
			names = append(names, "/"+re.String()+"/")
		}
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				described = append(described, n)
			}
		}
	}
	sort.Strings(described)
	return described, open
}

// membersLocation is where the schemas describe an object's members: the properties (else the
// patternProperties) of the first of them that has any, as a path inside the assets and a pointer.
func membersLocation(all []*jsonschema.Schema) string {
	for _, s := range all {
		loc := strings.TrimPrefix(s.Location, assetScheme)
		switch {
		case len(s.Properties) > 0:
			return loc + "/properties"
		case len(s.PatternProperties) > 0:
			return loc + "/patternProperties"
		}
	}
	return ""
}

// escapePointer escapes a name as a JSON pointer segment.
func escapePointer(name string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(name)
}
