// Package record keeps every exchange between the harness and a target as evidence, redacted
// before it is stored: secrets and credentials are removed, phone numbers and one-time passwords
// masked. Nothing unredacted is ever kept, so nothing unredacted can be written.
package record

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Redactor removes secrets from text, headers and JSON bodies. It is safe for concurrent use;
// secrets learnt during a run (an OTP that was issued) are added with AddSecret.
type Redactor struct {
	mu      sync.RWMutex
	secrets []secret
}

// secret is a string to remove and what replaces it. A bounded one (an OTP, a phone number) is
// replaced only as a whole token: "2025" the OTP, not the year in a timestamp.
type secret struct {
	value, mask string
	bounded     bool
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
	// credentialHeaders carry credentials whole; their values are never kept.
	credentialHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"}
)

// NewRedactor returns a redactor that removes the given secrets (empty strings are ignored).
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		r.AddSecret(s)
	}
	return r
}

// AddSecret makes s one of the strings removed from everything redacted from now on, wherever
// it appears.
func (r *Redactor) AddSecret(s string) { r.add(s, SecretMask, false) }

// AddOTP masks a one-time password wherever it appears as a token of its own from now on.
func (r *Redactor) AddOTP(s string) { r.add(s, OTPMask, true) }

// AddPhone masks a phone number, but for its last four digits, wherever it appears as a token of
// its own from now on.
func (r *Redactor) AddPhone(s string) { r.add(s, MaskPhone(s), true) }

func (r *Redactor) add(s, mask string, bounded bool) {
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
	r.secrets = append(r.secrets, secret{s, mask, bounded})
	// Longest first, so that a secret containing another is removed whole.
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i].value) > len(r.secrets[j].value) })
}

// String removes every secret from s, and masks the values of OTP and phone fields written as
// key and value (JSON, a form, XML) in text that could not be read as JSON.
func (r *Redactor) String(s string) string {
	r.mu.RLock()
	for _, sec := range r.secrets {
		if sec.bounded {
			s = replaceToken(s, sec.value, sec.mask)
		} else {
			s = strings.ReplaceAll(s, sec.value, sec.mask)
		}
	}
	r.mu.RUnlock()
	return maskPairs(s)
}

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
	otpPair   = regexp.MustCompile(`(?i)\b(password|approval_code|pg_approval_code|otp)(\\?"?\s*[:=]\s*\\?"?|>)([^"\\&,;\s}<\[]+)`)
	phonePair = regexp.MustCompile(`(?i)\b(account_number|phone|pg_abonent_phone|pg_user_phone|number)(\\?"?\s*[:=]\s*\\?"?|>)(\+?[0-9]{5,})`)
)

func maskPairs(s string) string {
	s = otpPair.ReplaceAllString(s, "${1}${2}"+OTPMask)
	return phonePair.ReplaceAllStringFunc(s, func(m string) string {
		sub := phonePair.FindStringSubmatch(m)
		return sub[1] + sub[2] + MaskPhone(sub[3])
	})
}

// Header returns a copy of h with credential headers masked and secrets removed from the rest.
func (r *Redactor) Header(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		cp := make([]string, len(vs))
		for i, v := range vs {
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

// Body redacts a message body: in JSON, phone numbers keep their last four digits and OTPs are
// masked whole, wherever they are nested; then every secret is removed from the text. A body that
// is not JSON only loses its secrets.
func (r *Redactor) Body(body []byte) string {
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err == nil && !dec.More() {
		masked := maskValue(v, "")
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

func maskValue(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = maskValue(e, k)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = maskValue(e, key)
		}
		return out
	case string:
		return maskScalar(key, x)
	case json.Number:
		if otpKeys[key] || phoneKeys[key] {
			return maskScalar(key, x.String())
		}
		return x
	default:
		return v
	}
}

func maskScalar(key, s string) string {
	switch {
	case otpKeys[key] && s != "":
		return OTPMask
	case phoneKeys[key]:
		return MaskPhone(s)
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
