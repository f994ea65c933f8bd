package fields_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/paycert/paycert/harness/fields"
)

// depth is how deep the groups of l nest (1 for plain fields).
func depth(l fields.List) int {
	d := 1
	for _, f := range l {
		if f.IsGroup() {
			d = max(d, 1+depth(f.Fields))
		}
	}
	return d
}

// FuzzForm: any URL-encoded or multipart body reads into fields or an error, and fields read
// write back into a body that reads into the same fields, URL-encoded and multipart alike.
func FuzzForm(f *testing.F) {
	f.Add("pg_merchant_id=1&pg_receipt_positions[0][name]=pad&pg_receipt_positions[][count]=2&pg_salt=s", fields.URLEncoded)
	f.Add("pg_xml=%3Croot%3E%3Cpg_status%3Eok%3C%2Fpg_status%3E%3C%2Froot%3E", fields.URLEncoded)
	f.Add("a=1&a[b]=2&a=3&a[c]=4&[x]=5&y[z=6&q[[r]]=7", fields.URLEncoded)
	f.Add("--B\r\nContent-Disposition: form-data; name=\"pg_amount\"\r\n\r\n25\r\n--B--\r\n", "multipart/form-data; boundary=B")
	f.Fuzz(func(t *testing.T, body, contentType string) {
		l, err := fields.ParseForm(contentType, []byte(body))
		if err != nil {
			return
		}
		_ = l.Readable()
		_, _ = l.Unwrap("pg_xml")
		_ = l.LastWins().Map()
		back, err := fields.ParseQuery(l.Encode())
		if err != nil {
			t.Fatalf("what was written does not read: %v\n%s", err, l.Encode())
		}
		if !reflect.DeepEqual(normal(back), normal(l)) {
			t.Fatalf("URL-encoded round trip changed the fields:\n got %#v\nwant %#v\nvia %s", back, l, l.Encode())
		}
		ct, mp, err := l.EncodeMultipart("")
		if err != nil {
			return // a name multipart cannot carry
		}
		back, err = fields.ParseForm(ct, mp)
		if err != nil {
			t.Fatalf("the multipart form written does not read: %v\n%q", err, mp)
		}
		if !reflect.DeepEqual(normal(back), normal(l)) {
			t.Fatalf("multipart round trip changed the fields:\n got %#v\nwant %#v", back, l)
		}
	})
}

// normal makes empty lists nil, so that DeepEqual compares fields, not allocations.
func normal(l fields.List) fields.List {
	if len(l) == 0 {
		return nil
	}
	out := l.Clone()
	for i, f := range out {
		if f.IsGroup() {
			out[i].Fields = normal(f.Fields)
			if out[i].Fields == nil {
				out[i].Fields = fields.List{}
			}
		}
	}
	return out
}

// FuzzXML: any body reads into fields or an error, never nested deeper than MaxDepth; fields read
// write back into a document with the same root and fields.
func FuzzXML(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" encoding="utf-8"?><response><pg_status>ok</pg_status><pg_payment_id>12345</pg_payment_id><pg_sig>abc</pg_sig></response>`))
	f.Add([]byte("<root><a><b>x &amp; y</b><b></b></a><c>\r\n<![CDATA[<z>]]></c></root>"))
	f.Add([]byte(`<?xml version="1.0" encoding="windows-1251"?><r/>`))
	f.Add([]byte(`<a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a>`))
	f.Add([]byte(strings.Repeat("<a>", fields.MaxDepth+1) + "x" + strings.Repeat("</a>", fields.MaxDepth+1)))
	f.Fuzz(func(t *testing.T, body []byte) {
		root, l, err := fields.ParseXML(body)
		if err != nil {
			return
		}
		if d := depth(l); d+1 > fields.MaxDepth {
			t.Fatalf("read %d levels deep, more than MaxDepth %d", d+1, fields.MaxDepth)
		}
		out := l.XML(root)
		root2, back, err := fields.ParseXML(out)
		if err != nil {
			t.Fatalf("what was written does not read: %v\n%s", err, out)
		}
		if root2 != root || !reflect.DeepEqual(normal(back), normal(l)) {
			t.Fatalf("round trip changed the document:\n got <%s> %#v\nwant <%s> %#v\nvia %s", root2, back, root, l, out)
		}
	})
}
