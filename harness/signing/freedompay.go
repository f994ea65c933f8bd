package signing

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/paycert/paycert/harness/fields"
)

// Names of FreedomPay's signature fields.
const (
	// FreedomPaySig is the field that carries the signature.
	FreedomPaySig = "pg_sig"
	// FreedomPaySalt is the random string every message carries, so that no two signatures repeat.
	FreedomPaySalt = "pg_salt"
)

// The ways of flattening nested fields (providers-facts.md 3.3). On flat messages they disagree
// only where one name is a prefix of another followed by a byte up to '0' ("pg_x" and "pg_x-y",
// "a" and "a0"): the position suffix then decides the order, by the fields' positions.
const (
	// FreedomPayPositional is the provider's own PHP class (PG_Signature): every name gets its
	// position among its siblings as three digits ("pg_amount001"), nested names are joined to
	// their parent's ("pos002" "0001" "count001"), and the flattened names are sorted byte by byte.
	// It is the default.
	FreedomPayPositional = "positional"
	// FreedomPayRecursive sorts the names of every level byte by byte and takes the values depth
	// first (a variant seen in third-party clients).
	FreedomPayRecursive = "recursive"
)

// FreedomPayVariants lists the variants by name, the default first.
func FreedomPayVariants() []string { return []string{FreedomPayPositional, FreedomPayRecursive} }

// FreedomPay signs and verifies the pg_sig of FreedomPay's Merchant API: the MD5, in lower-case
// hex, of the script name (the last segment of the URL called), the values of every field but
// pg_sig sorted by name, and the secret key, joined with ';' (providers-facts.md 3.3).
type FreedomPay struct {
	Secret  string
	Variant string
}

// NewFreedomPay returns a signer with the secret and the named variant ("" for the default).
func NewFreedomPay(secret, variant string) (FreedomPay, error) {
	if variant == "" {
		variant = FreedomPayPositional
	}
	for _, v := range FreedomPayVariants() {
		if v == variant {
			return FreedomPay{Secret: secret, Variant: variant}, nil
		}
	}
	return FreedomPay{}, fmt.Errorf("unknown FreedomPay signature variant %q (have %s)", variant, strings.Join(FreedomPayVariants(), ", "))
}

// ScriptName is the script name a message to or from rawURL is signed with: the last segment of
// its path ("init_payment.php", "pay"), or "" when the path ends with '/'.
func ScriptName(rawURL string) string {
	p := rawURL
	if u, err := url.Parse(rawURL); err == nil {
		p = u.Path
	}
	if p == "" || strings.HasSuffix(p, "/") {
		return ""
	}
	return path.Base(p)
}

// StringToSign is the string the signature of a message with these fields, sent to or from
// script, is computed over. It contains the secret: it is for tests and for debugging a target
// on a developer's machine, never for a report.
func (s FreedomPay) StringToSign(script string, l fields.List) string {
	var values []string
	if s.Variant == FreedomPayRecursive {
		values = recursiveValues(l)
	} else {
		values = positionalValues(l)
	}
	parts := make([]string, 0, len(values)+2)
	parts = append(parts, script)
	parts = append(parts, values...)
	parts = append(parts, s.Secret)
	return strings.Join(parts, ";")
}

// Sign returns the signature of the fields (their pg_sig left out) sent to or from script.
func (s FreedomPay) Sign(script string, l fields.List) string {
	sum := md5.Sum([]byte(s.StringToSign(script, l)))
	return hex.EncodeToString(sum[:])
}

// Signed returns a copy of l with pg_sig set to its signature: an existing pg_sig is replaced in
// place, a missing one appended.
func (s FreedomPay) Signed(script string, l fields.List) fields.List {
	return l.Set(FreedomPaySig, s.Sign(script, l))
}

// Verify checks the pg_sig the fields carry; ErrNoSignature when they carry none.
func (s FreedomPay) Verify(script string, l fields.List) error {
	got, ok := l.Get(FreedomPaySig)
	if !ok || got == "" {
		return ErrNoSignature
	}
	want := s.Sign(script, l)
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return fmt.Errorf("pg_sig does not match the signature computed with script name %q, the %s variant and the secret key", script, s.Variant)
	}
	return nil
}

// positionalValues flattens as the provider's PHP class does: every field's name gets its position
// among its siblings (pg_sig counted, then left out) as three digits, a group's fields are named
// after it, and the values are ordered by their flattened names byte by byte. Of a name flattened
// twice the first value stays, as PHP's array union keeps it.
func positionalValues(l fields.List) []string {
	flat := map[string]string{}
	var names []string
	var walk func(l fields.List, parent string)
	walk = func(l fields.List, parent string) {
		for i, f := range l {
			if f.Name == FreedomPaySig {
				continue
			}
			name := positionalName(parent, f.Name, i+1)
			if f.IsGroup() {
				walk(f.Fields, name)
				continue
			}
			if _, dup := flat[name]; !dup {
				flat[name] = f.Value
				names = append(names, name)
			}
		}
	}
	walk(l, "")
	sort.Strings(names)
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = flat[n]
	}
	return out
}

// positionalName is parent, name and the position as at least three digits ("pg_amount001"),
// without fmt: it is built for every field of every message.
func positionalName(parent, name string, pos int) string {
	b := make([]byte, 0, len(parent)+len(name)+3)
	b = append(b, parent...)
	b = append(b, name...)
	if pos < 100 {
		b = append(b, '0')
	}
	if pos < 10 {
		b = append(b, '0')
	}
	return string(strconv.AppendInt(b, int64(pos), 10))
}

// recursiveValues sorts the fields of every level by name byte by byte (stably, so repeated
// names keep their order) and takes the values depth first.
func recursiveValues(l fields.List) []string {
	sorted := l.Without(FreedomPaySig)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	var out []string
	for _, f := range sorted {
		if f.IsGroup() {
			out = append(out, recursiveValues(f.Fields)...)
			continue
		}
		out = append(out, f.Value)
	}
	return out
}
