package record_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/record"
)

func TestBodyMasksPhonesAndOTPs(t *testing.T) {
	r := record.NewRedactor("sk_s3cr3t_9f8e")
	got := r.Body([]byte(`{"request":{"password":"5576","method":{"account_number":"77012345678"},"customer":{"phone":375295222222},"note":"key sk_s3cr3t_9f8e"}}`))
	for _, gone := range []string{"5576", "77012345678", "375295222222", "sk_s3cr3t_9f8e"} {
		if strings.Contains(got, gone) {
			t.Errorf("%q left in %s", gone, got)
		}
	}
	for _, kept := range []string{`"password": "[OTP]"`, `"account_number": "*******5678"`, `"phone": "********2222"`, "key [REDACTED]"} {
		if !strings.Contains(got, kept) {
			t.Errorf("%q not in %s", kept, got)
		}
	}
}

func TestNotJSONLosesOnlySecrets(t *testing.T) {
	r := record.NewRedactor("sk_s3cr3t_9f8e")
	if got := r.Body([]byte("<html>sk_s3cr3t_9f8e</html>")); got != "<html>[REDACTED]</html>" {
		t.Errorf("got %q", got)
	}
}

func TestHeaders(t *testing.T) {
	r := record.NewRedactor()
	h := r.Header(http.Header{"Authorization": {"Basic c2hvcDprZXk="}, "Content-Signature": {"abc"}, "Cookie": {"a=b"}})
	if h.Get("Authorization") != "Basic [REDACTED]" || h.Get("Cookie") != "[REDACTED]" {
		t.Errorf("credentials kept: %v", h)
	}
	if h.Get("Content-Signature") != "abc" {
		t.Errorf("a signature is not a secret: %v", h)
	}
}

func TestLearntSecrets(t *testing.T) {
	r := record.NewRedactor()
	r.AddOTP("048213")
	r.AddPhone("77012345678")
	got := r.String("otp 048213 sent to 77012345678")
	if got != "otp [OTP] sent to *******5678" {
		t.Errorf("got %q", got)
	}
}

// A spec's scope masks OTPs by their relations: the code issued and the same code sent read
// alike, a code sent in its place reads as altered, whatever the body's format; the run's
// redactor, and another spec's scope, still mask the code.
func TestScopeMasksOTPsByRelation(t *testing.T) {
	run := record.NewRedactor()
	spec := run.Scope()
	spec.AddOTP("5576")
	spec.AddOTP("8812")
	cases := []struct{ name, in, want string }{
		{"the code issued, in text", "otp 5576 then 8812", "otp [OTP#1] then [OTP#2]"},
		{"the code sent, JSON", `{"password":"8812"}`, `{` + "\n" + `  "password": "[OTP#2]"` + "\n}"},
		{"another code sent, JSON", `{"password":"9923"}`, `{` + "\n" + `  "password": "[OTP#2 altered]"` + "\n}"},
		{"another code sent, a form in text", "pg_approval_code=0000&x=1", "pg_approval_code=[OTP#2 altered]&x=1"},
		{"a number that only contains the code", "amount 15576", "amount 15576"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := spec.String(c.in)
			if strings.HasPrefix(c.in, "{") {
				got = spec.Body([]byte(c.in))
			}
			if got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
	if got := run.String("otp 5576"); got != "otp [OTP]" {
		t.Errorf("the run's redactor shows %q", got)
	}
	if got := run.Scope().String(`password=5576 and password=1234`); got != "password=[OTP] and password=[OTP]" {
		t.Errorf("a scope without OTPs of its own shows %q", got)
	}
}

// The test numbers the documents publish stay readable; every other phone keeps its last four
// digits, in every form.
func TestPublicPhones(t *testing.T) {
	run := record.NewRedactor()
	run.AllowPhones("375295222222")
	spec := run.Scope()
	spec.AddPhone("375295222222")
	spec.AddPhone("77012345678")
	got := spec.Body([]byte(`{"customer":{"phone":"375295222222"},"method":{"account_number":"77012345678"},"other":{"phone":"375291234567"}}`))
	for _, want := range []string{`"phone": "375295222222"`, `"account_number": "*******5678"`, `"phone": "********4567"`} {
		if !strings.Contains(got, want) {
			t.Errorf("%s not in %s", want, got)
		}
	}
	if got := run.String("from 375295222222 and 77012345678, phone=375291234567"); got != "from 375295222222 and *******5678, phone=********4567" {
		t.Errorf("got %q", got)
	}
}

func TestRecorderRedactsBeforeKeeping(t *testing.T) {
	rec := record.NewRecorder(record.NewRedactor("sk_s3cr3t_9f8e"))
	x := rec.Add(record.Raw{
		Method: "POST", URL: "https://x/?key=sk_s3cr3t_9f8e",
		RequestHeader: http.Header{"Authorization": {"Basic abc"}},
		RequestBody:   []byte(`{"request":{"password":"1234"}}`),
		Status:        500, ResponseBody: []byte(`sk_s3cr3t_9f8e`), Err: errors.New("reset by sk_s3cr3t_9f8e"),
	})
	all := x.Request.URL + x.Request.Header.Get("Authorization") + x.Request.Body + x.Response.Body + x.Error
	if strings.Contains(all, "sk_s3cr3t_9f8e") || strings.Contains(all, "1234") || strings.Contains(all, "abc") {
		t.Errorf("kept unredacted: %s", all)
	}
	if x.Seq != 1 || len(rec.Exchanges()) != 1 {
		t.Errorf("seq %d, %d kept", x.Seq, len(rec.Exchanges()))
	}
}

// TestOTPsAreMaskedAsTokens: a 4-digit OTP does not mangle amounts, years and uids.
func TestOTPsAreMaskedAsTokens(t *testing.T) {
	r := record.NewRedactor()
	r.AddOTP("2025")
	got := r.String(`otp 2025; amount 12025; created 2025-04-26; uid ab2025cd; "x":"2025"`)
	want := `otp [OTP]; amount 12025; created [OTP]-04-26; uid ab2025cd; "x":"[OTP]"`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestPairsInTextThatIsNotJSON: a cut JSON body, a form and XML keep no OTP or phone.
func TestPairsInTextThatIsNotJSON(t *testing.T) {
	r := record.NewRedactor()
	cases := map[string]string{
		`{"request":{"password":"5576","method":{"account_number":"77012345678"`: `{"request":{"password":"[OTP]","method":{"account_number":"*******5678"`,
		`pg_approval_code=077587&pg_abonent_phone=77077777777`:                   `pg_approval_code=[OTP]&pg_abonent_phone=*******7777`,
		`<pg_approval_code>077587</pg_approval_code>`:                            `<pg_approval_code>[OTP]</pg_approval_code>`,
		`body starts "{\"password\":\"1234\"`:                                    `body starts "{\"password\":\"[OTP]\"`,
	}
	for in, want := range cases {
		if got := r.Body([]byte(in)); got != want {
			t.Errorf("%s\n got  %s\n want %s", in, got, want)
		}
	}
}

// TestShortSecretsAreMaskedWhereTheyStand: a one-letter and a four-letter secret are removed
// where they stand whole (a secret field, a value that is the secret, a header, a URL's password
// and parameters), and are not searched for in free text, which they would wreck.
func TestShortSecretsAreMaskedWhereTheyStand(t *testing.T) {
	for _, secret := range []string{"x", "test"} {
		t.Run(secret, func(t *testing.T) {
			r := record.NewRedactor(secret)
			body := r.Body([]byte(`{"test":false,"secret_key":"` + secret + `","shop":"` + secret + `","message":"Unexpected error in text"}`))
			for _, want := range []string{`"test": false`, `"secret_key": "[REDACTED]"`, `"shop": "[REDACTED]"`, `"message": "Unexpected error in text"`} {
				if !strings.Contains(body, want) {
					t.Errorf("body %s lacks %s", body, want)
				}
			}
			if got := r.String("Unexpected text: secret=" + secret + " next"); got != "Unexpected text: secret=[REDACTED] next" {
				t.Errorf("text: %q", got)
			}
			h := r.Header(http.Header{"X-Api-Key": {secret}, "Content-Type": {"text/plain"}})
			if h.Get("X-Api-Key") != record.SecretMask || h.Get("Content-Type") != "text/plain" {
				t.Errorf("headers: %v", h)
			}
			u := r.URL("https://shop:" + secret + "@api.example/beyag/x?secret_key=" + secret + "&v=" + secret + "&q=text")
			if u != "https://shop:[REDACTED]@api.example/beyag/x?secret_key=[REDACTED]&v=[REDACTED]&q=text" {
				t.Errorf("URL: %s", u)
			}
		})
	}
}

func TestDistinctive(t *testing.T) {
	for s, want := range map[string]bool{
		"x": false, "test": false, "password": false, "12345678": false, "Password": true, "pass-word": true,
		"s3cr3t": false, "sk_s3cr3t_9f8e": true, "abcdefghijklmnop": true, "paycert-paysage-secret": true,
	} {
		if got := record.Distinctive(s); got != want {
			t.Errorf("Distinctive(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestFormsAndXMLAreShownReadablyAndMasked(t *testing.T) {
	r := record.NewRedactor("Fp5ecretKey77")
	form := fields.Of("pg_merchant_id", "552211", "pg_abonent_phone", "77000000002", "pg_approval_code", "077587",
		"pg_salt", "x1", "pg_sig", "0123456789abcdef0123456789abcdef", "pg_description", "key Fp5ecretKey77")
	ct, body, err := form.EncodeMultipart("")
	if err != nil {
		t.Fatal(err)
	}
	xml := fields.Of("pg_status", "ok", "pg_user_phone", "77000000002", "pg_sig", "fedcba9876543210fedcba9876543210").XML("response")
	for name, c := range map[string]struct {
		ct   string
		body []byte
		kept []string
	}{
		"multipart":           {ct, body, []string{"pg_merchant_id=552211\n", "pg_abonent_phone=*******0002\n", "pg_approval_code=[OTP]\n", "pg_sig=[REDACTED]\n", "pg_description=key [REDACTED]"}},
		"URL-encoded":         {fields.URLEncoded, []byte(form.Encode()), []string{"pg_abonent_phone=*******0002\n", "pg_approval_code=[OTP]\n", "pg_sig=[REDACTED]\n"}},
		"XML":                 {"application/xml", xml, []string{"<response>\n  <pg_status>ok</pg_status>\n", "<pg_user_phone>*******0002</pg_user_phone>", "<pg_sig>[REDACTED]</pg_sig>"}},
		"XML in a form field": {fields.URLEncoded, []byte(fields.Of("pg_xml", string(xml)).Encode()), []string{"<pg_user_phone>*******0002<", "<pg_sig>[REDACTED]<"}},
		"XML labelled JSON":   {"application/json", xml, []string{"<pg_user_phone>*******0002<", "<pg_sig>[REDACTED]<"}},
	} {
		got := r.Message(c.ct, c.body)
		for _, gone := range []string{"77000000002", "077587", "0123456789abcdef", "fedcba9876543210", "Fp5ecretKey77"} {
			if strings.Contains(got, gone) {
				t.Errorf("%s: %q left in\n%s", name, gone, got)
			}
		}
		for _, k := range c.kept {
			if !strings.Contains(got, k) {
				t.Errorf("%s: %q not in\n%s", name, k, got)
			}
		}
	}
}

func TestRecorderKeepsAtMostMaxKeptOfABody(t *testing.T) {
	secret := "sk_s3cr3t_9f8e"
	for _, tc := range []struct {
		name     string
		body     string
		wantCut  bool
		wantKept int
	}{
		{"short", "plain words", false, len("plain words")},
		{"exactly the limit", strings.Repeat("x", record.MaxKept), false, record.MaxKept},
		{"over the limit", strings.Repeat("x", 2<<20), true, record.MaxKept},
		// A secret across the cut is masked before the body is cut, so no part of it is kept.
		{"a secret at the cut", strings.Repeat("x", record.MaxKept-4) + secret + "tail", true, record.MaxKept},
		// A character across the cut is left out whole.
		{"a character at the cut", strings.Repeat("x", record.MaxKept-1) + "é", true, record.MaxKept - 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := record.NewRecorder(record.NewRedactor(secret))
			x := rec.Add(record.Raw{Method: "POST", URL: "http://127.0.0.1/x", RequestHeader: http.Header{"Content-Type": {"text/plain"}}, RequestBody: []byte(tc.body)})
			body, note, cut := strings.Cut(x.Request.Body, "\n… (")
			if cut != tc.wantCut {
				t.Fatalf("cut %v, want %v (%d bytes kept)", cut, tc.wantCut, len(x.Request.Body))
			}
			if len(body) != tc.wantKept {
				t.Errorf("kept %d bytes, want %d", len(body), tc.wantKept)
			}
			if cut && !strings.HasSuffix(note, "more bytes not kept)") {
				t.Errorf("the cut is not said: %q", note)
			}
			if strings.Contains(x.Request.Body, secret[:5]) {
				t.Errorf("part of the secret was kept")
			}
		})
	}
}

// TestCut: a body the recorder cut is known as cut; one kept whole, even one that quotes the
// note's start, is not.
func TestCut(t *testing.T) {
	kept := func(body string) string {
		t.Helper()
		rec := record.NewRecorder(record.NewRedactor())
		return rec.Add(record.Raw{Method: "POST", RequestHeader: http.Header{"Content-Type": {"text/plain"}}, RequestBody: []byte(body)}).Request.Body
	}
	long := strings.Repeat("x", record.MaxKept+10)
	cases := []struct {
		name string
		body string
		kept string
		cut  bool
	}{
		{"cut by the recorder", kept(long), long[:record.MaxKept], true},
		{"kept whole", kept("short"), "short", false},
		{"at the limit", kept(long[:record.MaxKept]), long[:record.MaxKept], false},
		{"the note's start, quoted", kept("text\n… (see below)"), "text\n… (see below)", false},
		{"the note, followed by more", kept(long) + "\nmore", kept(long) + "\nmore", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, cut := record.Cut(c.body)
			if cut != c.cut || k != c.kept {
				t.Errorf("Cut = %d bytes, %v; want %d bytes, %v", len(k), cut, len(c.kept), c.cut)
			}
		})
	}
}
