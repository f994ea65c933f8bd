package signing

import (
	"crypto/md5"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/paycert/paycert/harness/fields"
)

// The MD5 sums below were computed with md5sum(1) over the strings spelled out beside them.
func TestFreedomPayVectors(t *testing.T) {
	nested, err := fields.ParseQuery("pg_merchant_id=1&pg_receipt_positions[0][name]=pad&pg_receipt_positions[0][count]=2&pg_receipt_positions[1][count]=1&pg_receipt_positions[1][name]=mouse&pg_salt=s")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, script, secret string
		fields               fields.List
		want, sum            string
	}{{
		// providers-facts.md 3.3: the documents' worked string for init_payment.php, with a
		// merchant ID of 123 and the secret "secret" in place of the placeholders.
		name: "document, init_payment.php", script: "init_payment.php", secret: "secret",
		fields: fields.Of("pg_order_id", "23", "pg_merchant_id", "123", "pg_amount", "25", "pg_salt", "molbulak", "pg_description", "test"),
		want:   "init_payment.php;25;test;123;23;molbulak;secret",
		sum:    "cf337fcc2ed27eae26ba148cdfa1747c",
	}, {
		// providers-facts.md 3.3: the status worked string (names get_status.php, the URL called is
		// get_status3.php; errata: the script name is the segment called).
		name: "document, get_status3.php", script: "get_status3.php", secret: "s3cr3t",
		fields: fields.Of("pg_merchant_id", "552211", "pg_payment_id", "123456789", "pg_order_id", "00102", "pg_salt", "some random string"),
		want:   "get_status3.php;552211;00102;123456789;some random string;s3cr3t",
		sum:    "9098e2fce3466dd3929fee64c110dded",
	}, {
		name: "values with ';' are joined as they are", script: "pay", secret: "s3cr3t",
		fields: fields.Of("pg_salt", "salt", "pg_abonent_phone", "77000000002", "pg_payment_id", "12345", "pg_merchant_id", "552211", "pg_payment_system_code", "a;b;c"),
		want:   "pay;77000000002;552211;12345;a;b;c;salt;s3cr3t",
		sum:    "17ecf5ab7f4d6912ac47d71699a69ba9",
	}, {
		name: "unicode and empty values", script: "approve", secret: "k",
		fields: fields.Of("b", "Заказ ünïcödé", "a", "", "c", "", "d", "x", "e", ""),
		want:   "approve;;Заказ ünïcödé;;x;;k",
		sum:    "ebdd09c17bc67894558826ab9e11be72",
	}, {
		name: "nested arrays: positions inside their group, groups by position", script: "pay", secret: "secret",
		fields: nested,
		want:   "pay;1;2;pad;1;mouse;s;secret",
		sum:    "7aef8553feb5af3f95bc47bc4188441b",
	}, {
		name: "pg_sig is left out wherever it stands", script: "pay", secret: "secret",
		fields: fields.Of("pg_b", "2", "pg_sig", "0123456789abcdef0123456789abcdef", "pg_a", "1", "pg_salt", "s"),
		want:   "pay;1;2;s;secret",
		sum:    "80b3d4ee7ce7376fa175e81d9ff00c69",
	}}
	for _, c := range cases {
		for _, variant := range FreedomPayVariants() {
			s, err := NewFreedomPay(c.secret, variant)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.StringToSign(c.script, c.fields); got != c.want {
				t.Errorf("%s (%s): string to sign\n got %q\nwant %q", c.name, variant, got, c.want)
			}
			if got := s.Sign(c.script, c.fields); got != c.sum {
				t.Errorf("%s (%s): Sign = %s, want %s", c.name, variant, got, c.sum)
			}
		}
	}
}

func TestFreedomPayVariantsDifferOnPrefixNames(t *testing.T) {
	// "pg_x-y002" sorts before "pg_x001" ('-' is below '0'), "pg_x" before "pg_x-y".
	l := fields.Of("pg_x", "1", "pg_x-y", "2")
	pos, _ := NewFreedomPay("k", FreedomPayPositional)
	rec, _ := NewFreedomPay("k", FreedomPayRecursive)
	if got := pos.StringToSign("pay", l); got != "pay;2;1;k" {
		t.Errorf("positional: %q", got)
	}
	if got := rec.StringToSign("pay", l); got != "pay;1;2;k" {
		t.Errorf("recursive: %q", got)
	}
	// The position decides between "a" and "a0": "a0002" sorts before "a001".
	if got := pos.StringToSign("pay", fields.Of("a", "1", "a0", "2")); got != "pay;2;1;k" {
		t.Errorf("positional, a and a0: %q", got)
	}
	if _, err := NewFreedomPay("k", "natural"); err == nil || !strings.Contains(err.Error(), "positional, recursive") {
		t.Errorf("an unknown variant: %v", err)
	}
	if def, _ := NewFreedomPay("k", ""); def.Variant != FreedomPayPositional {
		t.Errorf("the default variant is %q", def.Variant)
	}
}

func TestFreedomPayVerify(t *testing.T) {
	s, _ := NewFreedomPay("s3cr3t", "")
	l := s.Signed("pay", fields.Of("pg_merchant_id", "552211", "pg_payment_id", "12345", "pg_salt", "abc"))
	if err := s.Verify("pay", l); err != nil {
		t.Fatalf("a signed message does not verify: %v", err)
	}
	if l[len(l)-1].Name != FreedomPaySig {
		t.Errorf("Signed appends pg_sig: %v", l)
	}
	resigned := s.Signed("pay", l)
	if len(resigned) != len(l) || resigned.Value(FreedomPaySig) != l.Value(FreedomPaySig) {
		t.Errorf("Signed replaces pg_sig in place: %v", resigned)
	}
	upper := l.Set(FreedomPaySig, strings.ToUpper(l.Value(FreedomPaySig)))
	for name, bad := range map[string]struct {
		script string
		l      fields.List
	}{
		"a value changed":      {"pay", l.Set("pg_payment_id", "12346")},
		"a field added":        {"pay", l.Set("pg_extra", "")},
		"another script":       {"approve", l},
		"upper-case hex":       {"pay", upper},
		"signed with another":  {"pay", FreedomPay{Secret: "other", Variant: FreedomPayPositional}.Signed("pay", l)},
		"the salt left out":    {"pay", l.Without(FreedomPaySalt)},
		"an empty salt signed": {"pay", l.Set(FreedomPaySalt, "")},
	} {
		if err := s.Verify(bad.script, bad.l); err == nil || errors.Is(err, ErrNoSignature) {
			t.Errorf("%s: Verify = %v, want a mismatch", name, err)
		}
	}
	for _, unsigned := range []fields.List{l.Without(FreedomPaySig), l.Set(FreedomPaySig, "")} {
		if err := s.Verify("pay", unsigned); !errors.Is(err, ErrNoSignature) {
			t.Errorf("Verify(unsigned) = %v, want ErrNoSignature", err)
		}
	}
}

func TestScriptName(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.freedompay.kz/init_payment.php":    "init_payment.php",
		"https://api.freedompay.kz/mfs/pay":             "pay",
		"http://127.0.0.1:8080/shop/result.php?order=1": "result.php",
		"https://merchant.example/freedompay/result/":   "",
		"/mfs/approve": "approve",
		"https://api.freedompay.kz/g2g/payment#fragment": "payment",
	} {
		if got := ScriptName(in); got != want {
			t.Errorf("ScriptName(%q) = %q, want %q", in, got, want)
		}
	}
}

// phpSign is an independent implementation of the provider's PHP class, written from its
// description rather than from the signer: it reads the URL-encoded wire text, builds the
// flattened names with their positions from the bracketed names, and sorts the (name, value) pairs.
func phpSign(script, query, secret string) string {
	type node struct {
		keys     []string
		children map[string]*node
		value    *string
	}
	newNode := func() *node { return &node{children: map[string]*node{}} }
	root := newNode()
	bracket := regexp.MustCompile(`\[([^\]]*)\]`)
	for _, pair := range strings.Split(query, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		name, _ := url.QueryUnescape(k)
		value, _ := url.QueryUnescape(v)
		path := []string{name}
		if i := strings.IndexByte(name, '['); i > 0 && strings.HasSuffix(name, "]") {
			path = []string{name[:i]}
			for _, m := range bracket.FindAllStringSubmatch(name[i:], -1) {
				path = append(path, m[1])
			}
		}
		cur := root
		for depth, key := range path {
			child, ok := cur.children[key]
			if !ok {
				child = newNode()
				cur.children[key] = child
				cur.keys = append(cur.keys, key)
			}
			if depth == len(path)-1 {
				val := value
				child.value = &val
			}
			cur = child
		}
	}
	type pair struct{ name, value string }
	var pairs []pair
	var walk func(n *node, parent string)
	walk = func(n *node, parent string) {
		for i, key := range n.keys {
			if key == "pg_sig" {
				continue
			}
			c := n.children[key]
			name := parent + key + fmt.Sprintf("%03d", i+1)
			if len(c.keys) > 0 {
				walk(c, name)
			} else {
				pairs = append(pairs, pair{name, *c.value})
			}
		}
	}
	walk(root, "")
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].name < pairs[j].name })
	var b strings.Builder
	b.WriteString(script)
	for _, p := range pairs {
		b.WriteString(";" + p.value)
	}
	b.WriteString(";" + secret)
	return fmt.Sprintf("%x", md5.Sum([]byte(b.String())))
}

// TestFreedomPayAgainstIndependentImplementation signs random forms, nested ones among them,
// both ways and compares.
func TestFreedomPayAgainstIndependentImplementation(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 9))
	alphabet := []rune("ab_-0123xyzЖ; ")
	word := func(n int) string {
		r := make([]rune, n)
		for i := range r {
			r[i] = alphabet[rnd.IntN(len(alphabet))]
		}
		return string(r)
	}
	s, _ := NewFreedomPay("s3cr3t", FreedomPayPositional)
	for i := range 500 {
		var l fields.List
		used := map[string]bool{}
		for range 1 + rnd.IntN(8) {
			name := "pg_" + strings.Trim(word(1+rnd.IntN(4)), "; []")
			if used[name] || name == "pg_" {
				continue
			}
			used[name] = true
			if rnd.IntN(4) == 0 {
				var group fields.List
				for j := range 1 + rnd.IntN(3) {
					group = append(group, fields.Field{Name: fmt.Sprint(j), Fields: fields.Of("count", word(2), "name", word(3))})
				}
				l = append(l, fields.Field{Name: name, Fields: group})
				continue
			}
			l = append(l, fields.Field{Name: name, Value: word(rnd.IntN(6))})
		}
		wire := l.Encode()
		if got, want := s.Sign("pay", l), phpSign("pay", wire, "s3cr3t"); got != want {
			t.Fatalf("form %d %q: Sign = %s, the independent implementation %s\nstring: %q", i, wire, got, want, s.StringToSign("pay", l))
		}
	}
}
