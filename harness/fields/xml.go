package fields

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
)

// XML media types.
const (
	ApplicationXML = "application/xml"
	TextXML        = "text/xml"
)

// MaxDepth is how deep XML elements may nest; deeper is an error, not a deep recursion.
const MaxDepth = 32

// IsXML reports whether a Content-Type value names XML.
func IsXML(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == ApplicationXML || mt == TextXML || strings.HasSuffix(mt, "+xml")
}

// ParseXML reads an XML document: the name of its root element and its children as fields. An
// element with child elements is a group (its text between them is ignored); one without is a
// value, its text as written (an empty element is an empty value). Attributes are not fields.
func ParseXML(body []byte) (root string, l List, err error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	// Only the declared encoding utf-8 is read; the platform writes nothing else.
	dec.CharsetReader = func(charset string, input io.Reader) (io.Reader, error) {
		if strings.EqualFold(charset, "utf-8") || strings.EqualFold(charset, "utf8") {
			return input, nil
		}
		return nil, fmt.Errorf("encoding %q is not supported (only utf-8)", charset)
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if root == "" {
				return "", nil, errors.New("not XML: no root element")
			}
			return root, l, nil
		}
		if err != nil {
			return "", nil, fmt.Errorf("not well-formed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != "" {
				return "", nil, fmt.Errorf("not well-formed XML: a second root element <%s>", t.Name.Local)
			}
			root = t.Name.Local
			f, err := readElement(dec, t, 1)
			if err != nil {
				return "", nil, err
			}
			l = f.Fields
			if l == nil {
				l = List{}
			}
		case xml.CharData:
			if len(bytes.TrimSpace(t)) == 0 {
				continue
			}
			if root == "" {
				return "", nil, errors.New("not XML: the body does not start with an element")
			}
			return "", nil, errors.New("not well-formed XML: text after the root element")
		}
	}
}

// readElement reads the element start opened, up to its end.
func readElement(dec *xml.Decoder, start xml.StartElement, depth int) (Field, error) {
	if depth > MaxDepth {
		return Field{}, fmt.Errorf("XML nested deeper than %d elements", MaxDepth)
	}
	f := Field{Name: start.Name.Local}
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err != nil {
			return Field{}, fmt.Errorf("not well-formed XML in <%s>: %w", start.Name.Local, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			child, err := readElement(dec, t, depth+1)
			if err != nil {
				return Field{}, err
			}
			f.Fields = append(f.Fields, child)
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if !f.IsGroup() {
				f.Value = text.String()
			}
			return f, nil
		}
	}
}

// Unwrap returns the fields of the XML document a form carries in its one field xmlField (FreedomPay's
// pg_xml), or l itself when the form is not that (xmlField "" never unwraps).
func (l List) Unwrap(xmlField string) (List, error) {
	if xmlField == "" || len(l) != 1 || l[0].Name != xmlField || l[0].IsGroup() {
		return l, nil
	}
	_, inner, err := ParseXML([]byte(l[0].Value))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", xmlField, err)
	}
	return inner, nil
}

// XML writes l as an XML document with the given root element, the declaration first, one
// element a line, children indented.
func (l List) XML(root string) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	writeElement(&b, Field{Name: root, Fields: l}, "")
	return b.Bytes()
}

func writeElement(b *bytes.Buffer, f Field, pad string) {
	b.WriteString(pad + "<" + f.Name + ">")
	if f.IsGroup() {
		b.WriteByte('\n')
		for _, c := range f.Fields {
			writeElement(b, c, pad+"  ")
		}
		b.WriteString(pad)
	} else {
		// EscapeText cannot fail writing to a bytes.Buffer.
		_ = xml.EscapeText(b, []byte(f.Value))
	}
	b.WriteString("</" + f.Name + ">\n")
}
