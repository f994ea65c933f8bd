// Package validate checks HTTP exchanges and message bodies against a provider's OpenAPI document
// and the JSON Schemas it references.
//
// A target's mistakes are data: every check returns the list of Findings. An error is returned
// only when the checker itself could not run (an unknown operation, a schema that does not
// compile); the two are never mixed.
package validate

import (
	"fmt"
	"strings"
)

// Finding is one way in which a message departs from the specification.
type Finding struct {
	// Where names the part of the message: "status", "header Content-Type", "path uid", or a JSON
	// pointer into the body such as "body/request/method/account_number".
	Where string `json:"where"`
	// Message says what was expected and what came instead.
	Message string `json:"message"`
	// Rule locates the rule broken: a schema file and keyword ("schemas/paysage/payment-request.json#/…")
	// or the OpenAPI operation ("specs/paysage.yaml createPayment responses").
	Rule string `json:"rule,omitempty"`
}

func (f Finding) String() string {
	s := f.Where + ": " + f.Message
	if f.Rule != "" {
		s += " (" + f.Rule + ")"
	}
	return s
}

// Findings is the list a check returns; empty means conformant.
type Findings []Finding

// String lists the findings one per line.
func (fs Findings) String() string {
	var b strings.Builder
	for i, f := range fs {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "- %s", f)
	}
	return b.String()
}
