package fields

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseQueryKeepsOrderAndNests(t *testing.T) {
	l, err := ParseQuery("pg_b=2&pg_a=1&pos[0][name]=pad&pos[0][count]=2&pos[1][name]=mouse&tags[]=x&tags[]=y&pg_a=3&e=&s=a%3Bb+c")
	if err != nil {
		t.Fatal(err)
	}
	want := List{
		{Name: "pg_b", Value: "2"},
		{Name: "pg_a", Value: "1"},
		{Name: "pos", Fields: List{
			{Name: "0", Fields: List{{Name: "name", Value: "pad"}, {Name: "count", Value: "2"}}},
			{Name: "1", Fields: List{{Name: "name", Value: "mouse"}}},
		}},
		{Name: "tags", Fields: List{{Name: "0", Value: "x"}, {Name: "1", Value: "y"}}},
		{Name: "pg_a", Value: "3"},
		{Name: "e", Value: ""},
		{Name: "s", Value: "a;b c"},
	}
	if !reflect.DeepEqual(l, want) {
		t.Fatalf("got  %#v\nwant %#v", l, want)
	}
	if got := l.Encode(); got != "pg_b=2&pg_a=1&pos%5B0%5D%5Bname%5D=pad&pos%5B0%5D%5Bcount%5D=2&pos%5B1%5D%5Bname%5D=mouse&tags%5B0%5D=x&tags%5B1%5D=y&pg_a=3&e=&s=a%3Bb+c" {
		t.Errorf("Encode = %s", got)
	}
	if v := l.Value("pg_a"); v != "1" {
		t.Errorf("Value(pg_a) = %q, want the first, 1", v)
	}
	if m := l.Map(); m["pg_a"] != "3" || m["pos"].(map[string]any)["0"].(map[string]any)["count"] != "2" {
		t.Errorf("Map = %v", m)
	}
}

func TestParseQueryRefusesBadEscapes(t *testing.T) {
	for _, raw := range []string{"a=%zz", "%zz=1"} {
		if _, err := ParseQuery(raw); err == nil {
			t.Errorf("ParseQuery(%q) accepted a bad escape", raw)
		}
	}
}

func TestMultipartRoundTrip(t *testing.T) {
	in := List{
		{Name: "pg_merchant_id", Value: "552211"},
		{Name: "pg_description", Value: "Заказ №1; \"quoted\"\r\nline"},
		{Name: "nested", Fields: List{{Name: "k", Value: "v"}}},
		{Name: "empty", Value: ""},
	}
	ct, body, err := in.EncodeMultipart("")
	if err != nil {
		t.Fatal(err)
	}
	if !IsForm(ct) || !strings.HasPrefix(ct, Multipart) {
		t.Fatalf("content type %q", ct)
	}
	out, err := ParseForm(ct, body)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Fatalf("round trip changed the form:\n in  %#v\n out %#v", in, out)
	}
}

func TestParseFormRefusals(t *testing.T) {
	cases := map[string]struct{ ct, body string }{
		"not a form":          {"application/json", `{}`},
		"no boundary":         {"multipart/form-data", "--x\r\n"},
		"bad content type":    {"multipart/form-data; boundary", ""},
		"cut multipart":       {"multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1"},
		"part without a name": {"multipart/form-data; boundary=xyz", "--xyz\r\nContent-Type: text/plain\r\n\r\n1\r\n--xyz--\r\n"},
	}
	for name, c := range cases {
		if l, err := ParseForm(c.ct, []byte(c.body)); err == nil {
			t.Errorf("%s: accepted, got %v", name, l)
		}
	}
}

func TestParseXML(t *testing.T) {
	body := `<?xml version="1.0" encoding="UTF-8"?>
<root>
  <pg_status>ok</pg_status>
  <pg_payment_id>0</pg_payment_id>
  <pg_empty/>
  <pg_refunds>
    <pg_refund><pg_amount>-10</pg_amount></pg_refund>
  </pg_refunds>
  <pg_text>a &amp; b;  c </pg_text>
</root>
`
	root, l, err := ParseXML([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	want := List{
		{Name: "pg_status", Value: "ok"},
		{Name: "pg_payment_id", Value: "0"},
		{Name: "pg_empty", Value: ""},
		{Name: "pg_refunds", Fields: List{{Name: "pg_refund", Fields: List{{Name: "pg_amount", Value: "-10"}}}}},
		{Name: "pg_text", Value: "a & b;  c "},
	}
	if root != "root" || !reflect.DeepEqual(l, want) {
		t.Fatalf("got %s %#v", root, l)
	}
	root2, l2, err := ParseXML(l.XML("response"))
	if err != nil || root2 != "response" || !reflect.DeepEqual(l2, want) {
		t.Fatalf("XML round trip: %s %#v %v\n%s", root2, l2, err, l.XML("response"))
	}
}

func TestParseXMLRefusals(t *testing.T) {
	deep := strings.Repeat("<a>", MaxDepth+1) + strings.Repeat("</a>", MaxDepth+1)
	for name, body := range map[string]string{
		"JSON":         `{"pg_status":"ok"}`,
		"empty":        ``,
		"unclosed":     `<root><pg_status>ok</root>`,
		"two roots":    `<root/><root/>`,
		"text outside": `<root/>trailing`,
		"latin1":       `<?xml version="1.0" encoding="ISO-8859-1"?><root/>`,
		"too deep":     deep,
	} {
		if _, _, err := ParseXML([]byte(body)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestListEditsCopy(t *testing.T) {
	l := Of("a", "1", "b", "2")
	set := l.Set("a", "9").Set("c", "3")
	if l.Value("a") != "1" || set.Value("a") != "9" || set.Value("c") != "3" || len(set) != 3 {
		t.Errorf("Set: l=%v set=%v", l, set)
	}
	w := set.Without("a", "c")
	if !reflect.DeepEqual(w, Of("b", "2")) {
		t.Errorf("Without = %v", w)
	}
	if got := Of("a", "1", "b", "2", "a", "3").LastWins(); !reflect.DeepEqual(got, Of("a", "3", "b", "2")) {
		t.Errorf("LastWins = %v", got)
	}
	if got := Of("a", "1", "b", "x y").Readable(); got != "a=1\nb=x y" {
		t.Errorf("Readable = %q", got)
	}
}

func TestUnwrap(t *testing.T) {
	inner := Of("pg_status", "ok", "pg_payment_id", "7")
	wrapped := Of("pg_xml", string(inner.XML("request")))
	if got, err := wrapped.Unwrap("pg_xml"); err != nil || !reflect.DeepEqual(got, inner) {
		t.Errorf("Unwrap = %v, %v", got, err)
	}
	for name, l := range map[string]List{
		"another field":      Of("pg_data", "<a/>"),
		"more than one":      append(wrapped.Clone(), Field{Name: "pg_salt", Value: "x"}),
		"no field to unwrap": inner,
	} {
		if got, err := l.Unwrap("pg_xml"); err != nil || !reflect.DeepEqual(got, l) {
			t.Errorf("%s: Unwrap changed the form: %v, %v", name, got, err)
		}
	}
	if got, _ := wrapped.Unwrap(""); !reflect.DeepEqual(got, wrapped) {
		t.Errorf(`Unwrap("") unwrapped: %v`, got)
	}
	if _, err := Of("pg_xml", "<request>").Unwrap("pg_xml"); err == nil || !strings.Contains(err.Error(), "pg_xml") {
		t.Errorf("broken XML: %v", err)
	}
}
