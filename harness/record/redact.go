// Package record keeps every exchange between the harness and a target as evidence, redacted
// before it is stored: secrets and credentials are removed, phone numbers and one-time passwords
// masked. Nothing unredacted is ever kept, so nothing unredacted can be written.
//
// A secret is removed where it stands, whatever its length: a credential header, the password of
// a URL, a URL parameter or a JSON or form field named for a secret, and any header value, JSON
// string or URL parameter that is the secret whole. It is searched for in free text (an error
// message, a body that is not JSON) only when it is distinctive enough that it cannot be part of
// ordinary words: a short or one-kind secret ("x", "test", "password") would otherwise turn
// "Unexpected" into "Une[REDACTED]pected" and a JSON key "test" into "[REDACTED]".
package record

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/paycert/paycert/harness/fields"
)

// Redactor removes secrets from text, headers and JSON bodies. It is safe for concurrent use;
// secrets learnt during a run (an OTP that was issued) are added with AddSecret.
//
// A run has one Redactor; each spec redacts through its own Scope of it, which numbers the OTPs
// issued in the spec so that masks keep their relations: the OTP the target issued is
// "[OTP#1]" wherever it appears, and a code sent in its place that is not it is
// "[OTP#1 altered]", so that a reader sees a wrong code was sent without seeing either code.
type Redactor struct {
	// parent is the run's redactor, for a spec's scope; secrets and phones are the run's.
	parent *Redactor

	mu      sync.RWMutex
	secrets []secret
	// public are phone numbers shown as they are: the test numbers the documents publish.
	public map[string]bool
	// otps are the OTPs issued in this scope, in order: OTP#1 is otps[0].
	otps []string
}

// secret is a string to remove and what replaces it. A bounded one (an OTP, a phone number) is
// replaced only as a whole token: "2025" the OTP, not the year in a timestamp. One that is not
// searched (a secret key that is not distinctive) is replaced only where it stands whole.
type secret struct {
	value, mask string
	bounded     bool
	searched    bool
}

// Masks that replace what is removed.
const (
	SecretMask = "[REDACTED]"
	OTPMask    = "[OTP]"
)

// phoneKeys and otpKeys name the JSON fields that carry a customer's phone number and a one-time
// password, in every provider's messages.
var (
	phoneKeys = map[string]bool{"account_number": true, "phone": true, "pg_abonent_phone": true, "pg_user_phone": true, "number": true}
	otpKeys   = map[string]bool{"password": true, "approval_code": true, "pg_approval_code": true, "otp": true}
	// secretKeys name the JSON fields, form fields and URL parameters whose values are secrets.
	// pg_sig is FreedomPay's signature: an MD5 over the message and the secret key, kept out so that
	// no report holds material to guess a short key from.
	secretKeys = map[string]bool{"secret_key": true, "secret": true, "api_key": true, "apikey": true, "pg_sig": true}
	// credentialHeaders carry credentials whole; their values are never kept.
	credentialHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"}
)

// Distinctive reports whether a secret can be searched for in free text without matching
// ordinary words and numbers: at least 8 characters of at least two kinds (lower case, upper
// case, digits, others), or at least 16 of any.
func Distinctive(s string) bool {
	if len(s) >= 16 {
		return true
	}
	if len(s) < 8 {
		return false
	}
	var lower, upper, digit, other int
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z':
			lower = 1
		case c >= 'A' && c <= 'Z':
			upper = 1
		case c >= '0' && c <= '9':
			digit = 1
		default:
			other = 1
		}
	}
	return lower+upper+digit+other >= 2
}

// NewRedactor returns a redactor that removes the given secrets (empty strings are ignored).
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		r.AddSecret(s)
	}
	return r
}

// Scope returns a redactor for one spec: it removes all that r removes, adds what it is given to
// r as well, and numbers the OTPs issued within it (AddOTP) to mask them by their relations.
func (r *Redactor) Scope() *Redactor {
	return &Redactor{parent: r.run()}
}

// run is the run's redactor: r itself, or the one r is a scope of.
func (r *Redactor) run() *Redactor {
	if r.parent != nil {
		return r.parent
	}
	return r
}

// AddSecret makes s one of the secrets removed from everything redacted from now on: where it
// stands whole, and, when it is Distinctive, wherever it appears, as it is or in the forms a
// message writes it in (JSON-escaped, URL-encoded, XML-escaped).
func (r *Redactor) AddSecret(s string) {
	if !Distinctive(s) {
		r.run().add(s, SecretMask, false, false)
		return
	}
	for _, form := range encodings(s) {
		r.run().add(form, SecretMask, false, true)
	}
}

// encodings are s and the forms it takes written into a message: inside a JSON string (with and
// without HTML characters escaped), a URL's query or path, and XML text.
func encodings(s string) []string {
	out := []string{s, url.QueryEscape(s), url.PathEscape(s)}
	for _, escapeHTML := range []bool{false, true} {
		var js bytes.Buffer
		enc := json.NewEncoder(&js)
		enc.SetEscapeHTML(escapeHTML)
		_ = enc.Encode(s) // a string always encodes
		quoted := strings.TrimSuffix(strings.TrimSpace(js.String()), "\"")
		out = append(out, strings.TrimPrefix(quoted, "\""))
	}
	var x bytes.Buffer
	_ = xml.EscapeText(&x, []byte(s)) // cannot fail writing to a bytes.Buffer
	return append(out, x.String())
}

// AddOTP masks a one-time password wherever it appears as a token of its own from now on: in
// the run as "[OTP]", in a scope by its number there ("[OTP#2]").
func (r *Redactor) AddOTP(s string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	r.run().add(s, OTPMask, true, true)
	if r.parent == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, have := range r.otps {
		if have == s {
			return
		}
	}
	r.otps = append(r.otps, s)
}

// AddPhone masks a phone number, but for its last four digits, wherever it appears as a token of
// its own from now on; a public test number (AllowPhones) stays as it is.
func (r *Redactor) AddPhone(s string) {
	run := r.run()
	if run.isPublic(s) {
		return
	}
	run.add(s, MaskPhone(s), true, true)
}

// AllowPhones makes the given phone numbers public: the test numbers a provider's documents
// publish are evidence a reader must see as they are ("375295222222: service activated").
func (r *Redactor) AllowPhones(numbers ...string) {
	run := r.run()
	run.mu.Lock()
	defer run.mu.Unlock()
	if run.public == nil {
		run.public = map[string]bool{}
	}
	for _, n := range numbers {
		run.public[n] = true
	}
}

func (r *Redactor) isPublic(phone string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.public[phone]
}

// maskPhone is MaskPhone, but for a public test number, which stays as it is.
func (r *Redactor) maskPhone(s string) string {
	if r.run().isPublic(s) {
		return s
	}
	return MaskPhone(s)
}

// otpMask is the mask of a value sent or answered as an OTP: the number of the scope's OTP it is,
// or, for another code, "altered" with the number of the last OTP issued (the one it stands in
// for); "[OTP]" where no OTP was issued in the scope.
func (r *Redactor) otpMask(v string) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for i, o := range r.otps {
		if o == v {
			return fmt.Sprintf("[OTP#%d]", i+1)
		}
	}
	if n := len(r.otps); n > 0 {
		return fmt.Sprintf("[OTP#%d altered]", n)
	}
	return OTPMask
}

func (r *Redactor) add(s, mask string, bounded, searched bool) {
	if strings.TrimSpace(s) == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, have := range r.secrets {
		if have.value == s {
			return
		}
	}
	r.secrets = append(r.secrets, secret{s, mask, bounded, searched})
	// Longest first, so that a secret containing another is removed whole.
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i].value) > len(r.secrets[j].value) })
}

// String removes the searched secrets from free text s, and masks the values of secret, OTP and
// phone fields written as key and value (JSON, a form, XML) in text that could not be read as
// JSON.
func (r *Redactor) String(s string) string {
	if r.parent != nil {
		r.mu.RLock()
		for i, o := range r.otps {
			s = replaceToken(s, o, fmt.Sprintf("[OTP#%d]", i+1))
		}
		r.mu.RUnlock()
	}
	run := r.run()
	run.mu.RLock()
	for _, sec := range run.secrets {
		switch {
		case !sec.searched:
		case sec.bounded:
			s = replaceToken(s, sec.value, sec.mask)
		default:
			s = strings.ReplaceAll(s, sec.value, sec.mask)
		}
	}
	run.mu.RUnlock()
	return r.maskPairs(s)
}

// whole returns the mask of a value that is a secret whole (any secret, searched or not), and
// whether it is one.
func (r *Redactor) whole(v string) (string, bool) {
	run := r.run()
	run.mu.RLock()
	defer run.mu.RUnlock()
	for _, sec := range run.secrets {
		if !sec.bounded && sec.value == v {
			return sec.mask, true
		}
	}
	return "", false
}

// URL redacts a URL: the password of its user information, and the values of parameters that are
// named for a secret or are one whole; then what String removes from free text.
func (r *Redactor) URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return r.String(raw)
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), SecretMask)
		}
	}
	if u.RawQuery != "" {
		pairs := strings.Split(u.RawQuery, "&")
		for i, pair := range pairs {
			k, v, ok := strings.Cut(pair, "=")
			if !ok {
				continue
			}
			key, _ := url.QueryUnescape(k)
			value, err := url.QueryUnescape(v)
			if _, isSecret := r.whole(value); isSecret || secretKeys[strings.ToLower(key)] {
				pairs[i] = k + "=" + SecretMask
				continue
			}
			// A value is redacted decoded: encoded, an OTP or a phone number after an escaped
			// "+" ("%2B7701...") would not stand as a token of its own.
			if redacted := r.String(value); err == nil && redacted != value {
				pairs[i] = k + "=" + maskEscapes.Replace(url.QueryEscape(redacted))
			}
		}
		u.RawQuery = strings.Join(pairs, "&")
	}
	// The password's mask is escaped as user information; it reads better as it is.
	return r.String(strings.Replace(u.String(), url.QueryEscape(SecretMask)+"@", SecretMask+"@", 1))
}

// maskEscapes turns the characters of masks back from their URL encoding: a URL is shown, not
// followed.
var maskEscapes = strings.NewReplacer("%5B", "[", "%5D", "]", "%23", "#", "%2A", "*")

// replaceToken replaces value in s where it is not part of a longer word or number.
func replaceToken(s, value, mask string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, value)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		end := i + len(value)
		if (i > 0 && isWordByte(s[i-1])) || (end < len(s) && isWordByte(s[end])) {
			b.WriteString(s[:end])
		} else {
			b.WriteString(s[:i])
			b.WriteString(mask)
		}
		s = s[end:]
	}
}

func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

var (
	// otpPair and phonePair find a field's value written as "key": "value", key=value or
	// <key>value<, with JSON quotes possibly escaped (in a message quoting a body).
	otpPair    = regexp.MustCompile(`(?i)\b(password|approval_code|pg_approval_code|otp)(\\?"?\s*[:=]\s*\\?"?|>)([^"\\&,;\s}<\[]+)`)
	secretPair = regexp.MustCompile(`(?i)\b(secret_key|secret|api_key|apikey|pg_sig)(\\?"?\s*[:=]\s*\\?"?|>)([^"\\&,;\s}<\[]+)`)
	phonePair  = regexp.MustCompile(`(?i)\b(account_number|phone|pg_abonent_phone|pg_user_phone|number)(\\?"?\s*[:=]\s*\\?"?|>)(\+?[0-9]{5,})`)
)

func (r *Redactor) maskPairs(s string) string {
	s = secretPair.ReplaceAllString(s, "${1}${2}"+SecretMask)
	s = otpPair.ReplaceAllStringFunc(s, func(m string) string {
		sub := otpPair.FindStringSubmatch(m)
		return sub[1] + sub[2] + r.otpMask(sub[3])
	})
	return phonePair.ReplaceAllStringFunc(s, func(m string) string {
		sub := phonePair.FindStringSubmatch(m)
		return sub[1] + sub[2] + r.maskPhone(sub[3])
	})
}

// Header returns a copy of h with credential headers masked, values that are a secret whole
// masked, and secrets removed from the rest.
func (r *Redactor) Header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		cp := make([]string, len(vs))
		for i, v := range vs {
			if mask, ok := r.whole(strings.TrimSpace(v)); ok {
				cp[i] = mask
				continue
			}
			cp[i] = r.String(v)
		}
		out[k] = cp
	}
	for _, k := range credentialHeaders {
		if vs := out.Values(k); len(vs) > 0 {
			masked := make([]string, len(vs))
			for i, v := range vs {
				masked[i] = SecretMask
				// An Authorization value keeps its scheme ("Basic"), which says what was sent.
				if scheme, _, ok := strings.Cut(v, " "); ok && strings.HasSuffix(k, "Authorization") {
					masked[i] = scheme + " " + SecretMask
				}
			}
			out[http.CanonicalHeaderKey(k)] = masked
		}
	}
	return out
}

// Body redacts a message body: in JSON, secret fields and values that are a secret whole are
// removed, phone numbers keep their last four digits and OTPs are masked whole, wherever they are
// nested; then what String removes from free text. A body that is not JSON gets String alone.
func (r *Redactor) Body(body []byte) string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err == nil && !dec.More() {
		masked := r.maskValue(v, "")
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(masked); err == nil {
			return r.String(strings.TrimRight(buf.String(), "\n"))
		}
	}
	return r.String(string(body))
}

// Message redacts a body of the given Content-Type: a form is shown one field a line
// ("name=value") and an XML document re-indented, each with its secret, OTP and phone fields
// masked as in a JSON body; anything else is redacted as Body does. A form or XML body that
// cannot be read is redacted as free text.
func (r *Redactor) Message(contentType string, body []byte) string {
	switch {
	case fields.IsForm(contentType):
		if l, err := fields.ParseForm(contentType, body); err == nil {
			return r.String(r.maskFields(l).Readable())
		}
	case fields.IsXML(contentType):
		if root, l, err := fields.ParseXML(body); err == nil {
			return r.String(strings.TrimRight(string(r.maskFields(l).XML(root)), "\n"))
		}
	default:
		return r.Body(body)
	}
	return r.String(string(body))
}

func (r *Redactor) maskFields(l fields.List) fields.List {
	out := l.Clone()
	for i, f := range out {
		if f.IsGroup() {
			out[i].Fields = r.maskFields(f.Fields)
			continue
		}
		if v, ok := r.maskValue(f.Value, f.Name).(string); ok {
			out[i].Value = v
		}
	}
	return out
}

func (r *Redactor) maskValue(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = r.maskValue(e, k)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = r.maskValue(e, key)
		}
		return out
	case string:
		if mask, ok := r.whole(x); ok {
			return mask
		}
		if secretKeys[strings.ToLower(key)] && x != "" {
			return SecretMask
		}
		return r.maskScalar(key, x)
	case json.Number:
		if otpKeys[key] || phoneKeys[key] {
			return r.maskScalar(key, x.String())
		}
		return x
	default:
		return v
	}
}

func (r *Redactor) maskScalar(key, s string) string {
	switch {
	case otpKeys[key] && s != "":
		return r.otpMask(s)
	case phoneKeys[key]:
		return r.maskPhone(s)
	default:
		return s
	}
}

// MaskPhone keeps the last four characters of a phone number and stars the rest.
func MaskPhone(s string) string {
	if len(s) <= 4 {
		return strings.Repeat("*", len(s))
	}
	return strings.Repeat("*", len(s)-4) + s[len(s)-4:]
}
