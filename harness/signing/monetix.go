package signing

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strconv"
	"strings"
)

// Order is how a Monetix variant orders the flattened "path:value" lines before joining them.
type Order int

// The orders the published SDKs use (providers-facts.md 2.2).
const (
	// OrderNaturalKeys sorts by the full path key in natural order, so that "x:2" comes before
	// "x:10" (the PHP SDK's ksort with SORT_NATURAL).
	OrderNaturalKeys Order = iota
	// OrderKeys sorts by the full path key byte by byte (the Python SDK).
	OrderKeys
	// OrderLines sorts the whole "path:value" lines byte by byte (the Go and Java SDKs).
	OrderLines
	// OrderLevels sorts the keys of each object on its own, integer-like keys first in numeric
	// order and the others byte by byte, as JavaScript orders an object's properties (the JS SDK).
	OrderLevels
)

// Escape is where a variant writes a ':' inside a key as "::".
type Escape int

// The escapings of ':' in keys the SDKs use.
const (
	EscapeAll  Escape = iota // every key (PHP, Python, Java)
	EscapeTop                // top-level keys only (Go)
	EscapeNone               // never (JS)
)

// MonetixVariant is one way of building the string a Monetix signature is computed over. The
// SDKs agree on every message without keys that contain ':' or arrays of ten or more elements or
// keys that are a prefix of another; where they do not, a certification run names the variant its
// target uses (errata ERR-MTX in specs/monetix.errata.yaml).
type MonetixVariant struct {
	Name   string
	Order  Order
	Escape Escape
}

// DefaultMonetixVariant is the variant paycert signs and verifies with unless told otherwise: the
// PHP SDK's (natural order of full path keys, ':' escaped at every depth).
const DefaultMonetixVariant = "php"

// MonetixVariants lists the variants by name, the default first.
func MonetixVariants() []MonetixVariant {
	return []MonetixVariant{
		{Name: "php", Order: OrderNaturalKeys, Escape: EscapeAll},
		{Name: "python", Order: OrderKeys, Escape: EscapeAll},
		{Name: "go", Order: OrderLines, Escape: EscapeTop},
		{Name: "java", Order: OrderLines, Escape: EscapeAll},
		{Name: "js", Order: OrderLevels, Escape: EscapeNone},
	}
}

// MonetixVariantNamed returns the variant called name ("" is the default).
func MonetixVariantNamed(name string) (MonetixVariant, error) {
	if name == "" {
		name = DefaultMonetixVariant
	}
	var names []string
	for _, v := range MonetixVariants() {
		if v.Name == name {
			return v, nil
		}
		names = append(names, v.Name)
	}
	return MonetixVariant{}, fmt.Errorf("unknown Monetix signature variant %q (have %s)", name, strings.Join(names, ", "))
}

// Monetix signs and verifies Monetix (ECommPay Gate v2) messages: Base64 of HMAC-SHA512, keyed
// with the project's secret, over the message flattened to sorted "path:value" lines joined with
// ';' (providers-facts.md 2.2).
type Monetix struct {
	Secret  string
	Variant MonetixVariant
}

// NewMonetix returns a signer with the secret and the named variant ("" for the default).
func NewMonetix(secret, variant string) (Monetix, error) {
	v, err := MonetixVariantNamed(variant)
	if err != nil {
		return Monetix{}, err
	}
	return Monetix{Secret: secret, Variant: v}, nil
}

// ErrNoSignature is returned by the Verify methods for a message that carries no signature.
var ErrNoSignature = errors.New("the message carries no signature")

// StringToSign is the string a request's signature is computed over: the message without its
// signature (at the top or in general), flattened and sorted. v is a decoded JSON value or
// anything encoding/json marshals.
func (m Monetix) StringToSign(v any) (string, error) {
	doc, err := normalize(v)
	if err != nil {
		return "", err
	}
	return m.join(withoutSignature(doc, false)), nil
}

// CallbackStringToSign is StringToSign for a callback: every key named signature is left out, at
// any depth.
func (m Monetix) CallbackStringToSign(v any) (string, error) {
	doc, err := normalize(v)
	if err != nil {
		return "", err
	}
	return m.join(withoutSignature(doc, true)), nil
}

// HMAC returns Base64(HMAC-SHA512(secret, s)).
func (m Monetix) HMAC(s string) string {
	mac := hmac.New(sha512.New, []byte(m.Secret))
	mac.Write([]byte(s))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Sign returns the signature of a request.
func (m Monetix) Sign(v any) (string, error) {
	s, err := m.StringToSign(v)
	if err != nil {
		return "", err
	}
	return m.HMAC(s), nil
}

// SignCallback returns the signature of a callback.
func (m Monetix) SignCallback(v any) (string, error) {
	s, err := m.CallbackStringToSign(v)
	if err != nil {
		return "", err
	}
	return m.HMAC(s), nil
}

// SignRequest returns the request's JSON body with its signature set in general.signature (the
// Gate's place for it) and no other: a signature doc carries at the top level is left out, as
// Verify would read it first. doc must be a JSON object with a general object.
func (m Monetix) SignRequest(doc map[string]any) ([]byte, error) {
	sig, err := m.Sign(doc)
	if err != nil {
		return nil, err
	}
	general, ok := doc["general"].(map[string]any)
	if !ok {
		return nil, errors.New("the request has no general object to put the signature in")
	}
	out, g := maps.Clone(doc), maps.Clone(general)
	delete(out, "signature")
	g["signature"] = sig
	out["general"] = g
	return marshal(out)
}

// Verify checks the signature a request body carries (general.signature, or signature at the
// top level, as Payment Page parameters carry it).
func (m Monetix) Verify(body []byte) error { return m.verify(body, false) }

// VerifyCallback checks the signature a callback body carries (signature at the top level, or in
// general), computed over the body without any signature key.
func (m Monetix) VerifyCallback(body []byte) error { return m.verify(body, true) }

func (m Monetix) verify(body []byte, callback bool) error {
	v, err := decode(body)
	if err != nil {
		return err
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return errors.New("the message is not a JSON object")
	}
	return m.verifyDoc(doc, callback)
}

// VerifyDoc is Verify of a request already decoded (with json.Number for numbers, or strings as
// Payment Page parameters arrive).
func (m Monetix) VerifyDoc(doc map[string]any) error { return m.verifyDoc(doc, false) }

func (m Monetix) verifyDoc(doc map[string]any, callback bool) error {
	got, ok := carriedSignature(doc)
	if !ok {
		return ErrNoSignature
	}
	norm, err := normalize(doc)
	if err != nil {
		return err
	}
	want := m.HMAC(m.join(withoutSignature(norm, callback)))
	if !hmac.Equal([]byte(got), []byte(want)) {
		return fmt.Errorf("the signature does not verify with the project's secret key (variant %s)", m.Variant.Name)
	}
	return nil
}

// carriedSignature finds a message's signature: at the top level or in general.
func carriedSignature(doc map[string]any) (string, bool) {
	if s, ok := doc["signature"].(string); ok && s != "" {
		return s, true
	}
	if g, ok := doc["general"].(map[string]any); ok {
		if s, ok := g["signature"].(string); ok && s != "" {
			return s, true
		}
	}
	return "", false
}

// withoutSignature returns doc without its signature: the top-level one and general.signature,
// or, for a callback, every key named signature at any depth.
func withoutSignature(v any, everywhere bool) any {
	if everywhere {
		return stripAll(v)
	}
	doc, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := without(doc, "signature")
	if g, ok := doc["general"].(map[string]any); ok {
		out["general"] = without(g, "signature")
	}
	return out
}

func without(m map[string]any, key string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

func stripAll(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, c := range x {
			if k != "signature" {
				out[k] = stripAll(c)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = stripAll(c)
		}
		return out
	default:
		return v
	}
}

// line is one flattened leaf: its path key and its "path:value" text.
type line struct{ key, text string }

// join flattens doc and joins its lines in the variant's order.
func (m Monetix) join(doc any) string {
	var lines []line
	m.flatten(doc, "", 0, &lines)
	switch m.Variant.Order {
	case OrderNaturalKeys:
		// Keys equal in natural order ("0" and "00") go byte by byte, so that the order, and the
		// signature, never depend on the order a map was walked in.
		sort.SliceStable(lines, func(i, j int) bool {
			a, b := lines[i].key, lines[j].key
			return naturalLess(a, b) || !naturalLess(b, a) && a < b
		})
	case OrderKeys:
		sort.SliceStable(lines, func(i, j int) bool { return lines[i].key < lines[j].key })
	case OrderLines:
		sort.SliceStable(lines, func(i, j int) bool { return lines[i].text < lines[j].text })
	case OrderLevels:
		// flatten already walked every level in order
	}
	size := len(lines)
	for _, l := range lines {
		size += len(l.text)
	}
	var b strings.Builder
	b.Grow(size)
	for i, l := range lines {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(l.text)
	}
	return b.String()
}

// flatten appends a line per scalar leaf of v, whose path key is key at depth (the number of its
// path's parts). Objects and arrays (keyed by index) contribute their leaves, empty ones nothing;
// frame_mode is left out wherever it is.
func (m Monetix) flatten(v any, key string, depth int, out *[]line) {
	child := func(part string) string {
		if depth == 0 {
			return part
		}
		return key + ":" + part
	}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			if k != "frame_mode" {
				keys = append(keys, k)
			}
		}
		if m.Variant.Order == OrderLevels {
			sort.Slice(keys, func(i, j int) bool { return jsPropertyLess(keys[i], keys[j]) })
		}
		for _, k := range keys {
			m.flatten(x[k], child(m.escape(k, depth)), depth+1, out)
		}
	case []any:
		for i, c := range x {
			m.flatten(c, child(strconv.Itoa(i)), depth+1, out)
		}
	default:
		*out = append(*out, line{key: key, text: key + ":" + scalar(x)})
	}
}

func (m Monetix) escape(key string, depth int) string {
	switch {
	case m.Variant.Escape == EscapeAll, m.Variant.Escape == EscapeTop && depth == 0:
		return strings.ReplaceAll(key, ":", "::")
	default:
		return key
	}
}

// scalar is a leaf's text: true and false as 1 and 0, null as nothing, numbers as written.
func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "1"
		}
		return "0"
	case string:
		return x
	case json.Number:
		return x.String()
	default:
		return fmt.Sprint(x)
	}
}

// normalize turns v into decoded JSON (objects, arrays, strings, json.Number, bools, nil).
func normalize(v any) (any, error) {
	if plainJSON(v) {
		return v, nil
	}
	data, err := marshal(v)
	if err != nil {
		return nil, err
	}
	return decode(data)
}

// plainJSON reports whether v holds decoded JSON only.
func plainJSON(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		for _, c := range x {
			if !plainJSON(c) {
				return false
			}
		}
		return true
	case []any:
		for _, c := range x {
			if !plainJSON(c) {
				return false
			}
		}
		return true
	case string, json.Number, bool, nil:
		return true
	default:
		return false
	}
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode the message: %w", err)
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func decode(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("the message is not JSON: %w", err)
	}
	return v, nil
}

// naturalLess orders strings as PHP's natural order does: runs of digits compare as numbers,
// everything else byte by byte.
func naturalLess(a, b string) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if isDigit(a[i]) && isDigit(b[j]) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na, nb := strings.TrimLeft(a[si:i], "0"), strings.TrimLeft(b[sj:j], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			continue
		}
		if a[i] != b[j] {
			return a[i] < b[j]
		}
		i++
		j++
	}
	return len(a)-i < len(b)-j
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// jsPropertyLess orders object keys as JavaScript enumerates a sorted object: keys that are
// array indices (canonical non-negative integers) first, numerically, then the others byte by
// byte.
func jsPropertyLess(a, b string) bool {
	ia, aInt := arrayIndex(a)
	ib, bInt := arrayIndex(b)
	switch {
	case aInt && bInt:
		return ia < ib
	case aInt != bInt:
		return aInt
	default:
		return a < b
	}
}

func arrayIndex(s string) (uint64, bool) {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n == 1<<32-1 {
		return 0, false
	}
	return n, true
}
