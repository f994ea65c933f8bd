package fields

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"strings"
)

// Media types of forms.
const (
	URLEncoded = "application/x-www-form-urlencoded"
	Multipart  = "multipart/form-data"
)

// MaxParts is the most parts a multipart form may have; more is an error, not a slow read.
const MaxParts = 1000

// IsForm reports whether a Content-Type value names a form.
func IsForm(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == URLEncoded || mt == Multipart
}

// ParseForm reads a form body of the given Content-Type (URL-encoded or multipart), keeping the
// fields' order and nesting PHP-style names (a[b][c]).
func ParseForm(contentType string, body []byte) (List, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, fmt.Errorf("content type %q: %w", contentType, err)
	}
	switch mt {
	case URLEncoded:
		return ParseQuery(string(body))
	case Multipart:
		if params["boundary"] == "" {
			return nil, fmt.Errorf("content type %q has no boundary", contentType)
		}
		return parseMultipart(params["boundary"], body)
	default:
		return nil, fmt.Errorf("content type %q is not a form (want %s or %s)", contentType, URLEncoded, Multipart)
	}
}

// ParseQuery reads URL-encoded fields ("a=1&b[c]=2"), keeping their order.
func ParseQuery(raw string) (List, error) {
	var out List
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			return nil, fmt.Errorf("field name %q: %w", k, err)
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			return nil, fmt.Errorf("value of %q: %w", name, err)
		}
		out = out.add(splitName(name), value)
	}
	return out, nil
}

func parseMultipart(boundary string, body []byte) (List, error) {
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	var out List
	for n := 0; ; n++ {
		if n == MaxParts {
			return nil, fmt.Errorf("the form has more than %d parts", MaxParts)
		}
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("multipart form, part %d: %w", n+1, err)
		}
		name := p.FormName()
		if name == "" {
			return nil, fmt.Errorf("multipart form, part %d has no field name", n+1)
		}
		value, err := io.ReadAll(p)
		if err != nil {
			return nil, fmt.Errorf("multipart form, field %q: %w", name, err)
		}
		out = out.add(splitName(name), string(value))
	}
}

// Encode writes l URL-encoded, in order, with nested names written PHP-style.
func (l List) Encode() string {
	var b strings.Builder
	for i, f := range l.flat("") {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(f.Name))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(f.Value))
	}
	return b.String()
}

// EncodeMultipart writes l as a multipart form with the given boundary (random when empty) and
// returns the Content-Type that names it; a name with a control character is an error.
func (l List) EncodeMultipart(boundary string) (contentType string, body []byte, err error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if boundary != "" {
		if err := w.SetBoundary(boundary); err != nil {
			return "", nil, fmt.Errorf("multipart boundary: %w", err)
		}
	}
	for _, f := range l.flat("") {
		if strings.ContainsFunc(f.Name, isControl) {
			return "", nil, fmt.Errorf("multipart field %q: a control character in a name cannot be written in a part's header", f.Name)
		}
		if err := w.WriteField(f.Name, f.Value); err != nil {
			return "", nil, fmt.Errorf("multipart field %q: %w", f.Name, err)
		}
	}
	if err := w.Close(); err != nil {
		return "", nil, fmt.Errorf("multipart form: %w", err)
	}
	return w.FormDataContentType(), buf.Bytes(), nil
}

// isControl reports whether c is an ASCII control character (DEL included), which a MIME header
// cannot carry.
func isControl(c rune) bool { return c < 0x20 || c == 0x7f }

// Readable writes l one field a line, "name=value", nested names PHP-style, values as they are:
// how a form is shown to a person (transcripts, failure messages).
func (l List) Readable() string {
	var b strings.Builder
	for i, f := range l.flat("") {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(f.Name)
		b.WriteByte('=')
		b.WriteString(f.Value)
	}
	return b.String()
}
