package record_test

import (
	"encoding/json"
	"errors"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/record"
)

// embedding puts a text into a message of one kind, redacts it with r and returns what would be
// written, read back the way a reader of that kind would read it (JSON strings unescaped, URL
// parameters and XML text decoded).
type embedding struct {
	name string
	// structured is false for free text, where a secret that is not distinctive is left alone
	// (it cannot be told from ordinary words).
	structured bool
	redact     func(r *record.Redactor, text string) string
}

var jsonString = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// jsonView replaces every JSON string literal of s by its value.
func jsonView(s string) string {
	return jsonString.ReplaceAllStringFunc(s, func(lit string) string {
		var v string
		if json.Unmarshal([]byte(lit), &v) != nil {
			return lit
		}
		return v
	})
}

func queryView(s string) string {
	if v, err := url.QueryUnescape(s); err == nil {
		return v
	}
	return s
}

func embeddings() []embedding {
	jsonBody := func(r *record.Redactor, text string) string {
		b, _ := json.Marshal(map[string]any{"request": map[string]any{"note": text, "list": []any{"x", text}}})
		return jsonView(r.Message("application/json", b))
	}
	return []embedding{
		{"free text", false, func(r *record.Redactor, text string) string { return r.String(text) }},
		{"error quoting a JSON body", false, func(r *record.Redactor, text string) string {
			b, _ := json.Marshal(map[string]string{"note": text})
			return jsonView(jsonView(r.String(errors.New("bad answer: " + strings.TrimSpace(string(b))).Error())))
		}},
		{"JSON body", true, jsonBody},
		{"JSON body split across fields", true, func(r *record.Redactor, text string) string {
			b, _ := json.Marshal(map[string]any{"a": text, "b": map[string]any{"c": []any{text, 1}}})
			return jsonView(r.Body(b))
		}},
		{"URL-encoded form", true, func(r *record.Redactor, text string) string {
			return r.Message(fields.URLEncoded, []byte("pg_a=1&note="+url.QueryEscape(text)+"&pg_b="+url.QueryEscape(text)))
		}},
		{"multipart form", true, func(r *record.Redactor, text string) string {
			ct, body, err := fields.Of("note", text, "other", "x").EncodeMultipart("fuzzboundary")
			if err != nil {
				return ""
			}
			return r.Message(ct, body)
		}},
		{"XML", true, func(r *record.Redactor, text string) string {
			return html.UnescapeString(r.Message(fields.ApplicationXML, fields.Of("pg_status", "ok", "note", text).XML("response")))
		}},
		{"URL", true, func(r *record.Redactor, text string) string {
			return queryView(r.URL("https://target.example/pay?a=1&note=" + url.QueryEscape(text) + "&b=2"))
		}},
		{"header", true, func(r *record.Redactor, text string) string {
			return strings.Join(r.Header(http.Header{"X-Note": {text}})["X-Note"], "\n")
		}},
	}
}

// masksOut replaces every mask the redactor writes by a byte that secret does not hold, so that a
// mask next to the text around it cannot spell the secret again.
func masksOut(s, secret string) string {
	sep := "\x00"
	for _, c := range []string{"\x00", "\x01", "\x02"} {
		if !strings.Contains(secret, c) {
			sep = c
			break
		}
	}
	s = regexp.MustCompile(`\[(REDACTED|OTP(#[0-9]+( altered)?)?)\]`).ReplaceAllString(s, sep)
	return regexp.MustCompile(`\*+`).ReplaceAllString(s, sep)
}

// hasToken reports whether v stands in s where it is not part of a longer word or number.
func hasToken(s, v string) bool {
	word := func(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
	for i := 0; ; {
		j := strings.Index(s[i:], v)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(v)
		if (start == 0 || !word(s[start-1])) && (end == len(s) || !word(s[end])) {
			return true
		}
		i = start + 1
	}
}

// digits keeps the decimal digits of s.
func digits(s string) string {
	return strings.Map(func(c rune) rune {
		if c >= '0' && c <= '9' {
			return c
		}
		return -1
	}, s)
}

// FuzzRedact: after redaction no secret, OTP or phone number is left in anything written, in
// any of the forms a message takes (free text, an error quoting a body, JSON, forms, XML, a URL, a
// header), however it is embedded: a distinctive secret wherever it stands, JSON-escaped,
// URL-encoded, XML-escaped or in several fields; any secret standing whole as a value; an OTP and
// a phone number that is not public wherever they stand as a token of their own.
func FuzzRedact(f *testing.F) {
	f.Add("sk_s3cr3t_9f8e", "key ", " used", "5576", "77012345678")
	f.Add(`a"b\c<d>&e%f+g h`, "", "", "077587", "+375295222222")
	f.Add("RmRVKviOifpqtexL", "x=", "&y", "123456", "77077777777")
	f.Add("test", "", "", "0000", "12345")
	f.Add("pässwörd-ünïcode", "<", ">", "9999", "7701234567")
	f.Fuzz(func(t *testing.T, secret, before, after, otp, phone string) {
		if !utf8.ValidString(secret) || !utf8.ValidString(before) || !utf8.ValidString(after) || strings.TrimSpace(secret) == "" {
			return
		}
		for _, e := range embeddings() {
			r := record.NewRedactor(secret)
			if record.Distinctive(secret) {
				if out := e.redact(r, before+secret+after); strings.Contains(masksOut(out, secret), secret) {
					t.Errorf("%s: secret %q is left in %q", e.name, secret, out)
				}
			}
			// A short secret may be a word of the message itself ("note"): then there is no telling.
			skeleton := e.redact(record.NewRedactor(), "\x00")
			if !e.structured {
				continue
			}
			if out := e.redact(r, secret); strings.Contains(masksOut(out, secret), secret) && !strings.Contains(skeleton, secret) {
				t.Errorf("%s: secret %q standing whole is left in %q", e.name, secret, out)
			}
		}

		// OTPs and phone numbers are numbers: the fuzzer's digits.
		if otp = digits(otp); len(otp) >= 4 && len(otp) <= 12 {
			for _, e := range embeddings() {
				r := record.NewRedactor().Scope()
				r.AddOTP(otp)
				if out := e.redact(r, before+" "+otp+" "+after); hasToken(masksOut(out, otp), otp) {
					t.Errorf("%s: OTP %q is left in %q", e.name, otp, out)
				}
			}
		}
		if phone = digits(phone); len(phone) >= 10 && len(phone) <= 15 {
			for _, e := range embeddings() {
				r := record.NewRedactor()
				r.AddPhone(phone)
				if out := e.redact(r, before+" +"+phone+" "+after); hasToken(masksOut(out, phone), phone) {
					t.Errorf("%s: phone %q is left in %q", e.name, phone, out)
				}
			}
		}
	})
}
