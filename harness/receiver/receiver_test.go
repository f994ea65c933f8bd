package receiver_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/receiver"
)

func post(t *testing.T, url, body string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

func TestInboxesKeepEveryDelivery(t *testing.T) {
	r, err := receiver.Start("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	a, b := r.NewInbox("spec a"), r.NewInbox("spec b")
	if a.URL() == b.URL() || !strings.HasPrefix(a.URL(), r.URL()+"/hooks/spec-a-") {
		t.Fatalf("inbox URLs %s %s", a.URL(), b.URL())
	}
	post(t, a.URL(), `{"n":1}`)
	post(t, a.URL(), `{"n":1}`) // a duplicate is kept
	post(t, b.URL(), `{"n":2}`)
	post(t, r.URL()+"/hooks/unknown", `{}`)
	post(t, strings.Replace(b.URL(), "/hooks/", "/proxy-prefix/hooks/", 1), `{"n":3}`) // behind a proxy

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if _, err := a.Await(ctx, func(d receiver.Delivery) bool { return string(d.Body) == `{"n":1}` }); err != nil {
		t.Fatal(err)
	}
	if n := len(a.All()); n != 2 {
		t.Errorf("inbox a has %d deliveries, want 2", n)
	}
	if n := len(b.All()); n != 2 {
		t.Errorf("inbox b has %d deliveries, want 2", n)
	}
	if n := len(r.Strays()); n != 1 {
		t.Errorf("%d strays, want 1", n)
	}
}

func TestAwaitWaitsAndGivesUp(t *testing.T) {
	r, err := receiver.Start("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	in := r.NewInbox("x")
	go func() {
		time.Sleep(20 * time.Millisecond)
		resp, err := http.Post(in.URL(), "text/plain", strings.NewReader("late"))
		if err == nil {
			resp.Body.Close()
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	d, err := in.Await(ctx, func(d receiver.Delivery) bool { return string(d.Body) == "late" })
	if err != nil || d.Method != "POST" {
		t.Fatalf("%v %+v", err, d)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, err := in.Await(short, func(receiver.Delivery) bool { return false }); !errors.Is(err, receiver.ErrNoDelivery) {
		t.Errorf("want ErrNoDelivery, got %v", err)
	}
}

func TestInboxAnswersAsTold(t *testing.T) {
	r, err := receiver.Start("127.0.0.1:0", "")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	in := r.NewInbox("answers")
	in.Answering(func(d receiver.Delivery) receiver.Answer {
		if strings.Contains(string(d.Body), "fail") {
			return receiver.Answer{Status: http.StatusServiceUnavailable, ContentType: "text/plain", Body: []byte("busy")}
		}
		return receiver.Answer{ContentType: "application/xml", Body: []byte("<response/>")}
	})
	for _, want := range []struct {
		body   string
		status int
		ct     string
	}{{"fail", 503, "text/plain"}, {"ok", 200, "application/xml"}} {
		body := want.body
		resp, err := http.Post(in.URL(), "text/plain", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want.status || resp.Header.Get("Content-Type") != want.ct {
			t.Errorf("%s: answered %d %q, want %d %q", body, resp.StatusCode, resp.Header.Get("Content-Type"), want.status, want.ct)
		}
	}
	all := in.All()
	if len(all) != 2 || all[0].Answer.Status != 503 || string(all[1].Answer.Body) != "<response/>" {
		t.Errorf("the deliveries do not keep their answers: %+v", all)
	}
	in.Answering(nil)
	post(t, in.URL(), "again")
	if got := in.All()[2].Answer; got.Status != 200 || string(got.Body) != "OK" {
		t.Errorf("after Answering(nil): %+v", got)
	}
}

// TestDeliveryMessage: a delivery's message is its body with its Content-Type, or, for a GET
// without a body, its query as a URL-encoded form.
func TestDeliveryMessage(t *testing.T) {
	cases := []struct {
		d        receiver.Delivery
		ct, body string
	}{
		{receiver.Delivery{Method: http.MethodGet, Query: "a=1&b=2"}, "application/x-www-form-urlencoded", "a=1&b=2"},
		{receiver.Delivery{Method: http.MethodPost, Query: "a=1", Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{}`)}, "application/json", `{}`},
		{receiver.Delivery{Method: http.MethodGet, Query: "a=1", Header: http.Header{"Content-Type": {"text/plain"}}, Body: []byte("x")}, "text/plain", "x"},
	}
	for _, c := range cases {
		if ct, body := c.d.Message(); ct != c.ct || string(body) != c.body {
			t.Errorf("%s ?%s %q: got %q %q, want %q %q", c.d.Method, c.d.Query, c.d.Body, ct, body, c.ct, c.body)
		}
	}
}

// TestRelay runs the receiver behind a reverse proxy that forwards the path prefix /paycert/ of
// its public URL (PAYCERT_CALLBACK_PUBLIC_URL=<proxy>/paycert/), as a tunnel or an ingress does,
// both when the proxy strips the prefix and when it keeps it: a delivery to an inbox's URL reaches
// that inbox with its path after the token (a script name FreedomPay signs with), and the
// inbox's answer reaches the sender.
func TestRelay(t *testing.T) {
	tests := []struct {
		name string
		// path is what the proxy makes of the path it was sent.
		path     func(string) string
		wantPath string
	}{
		{name: "prefix stripped", path: func(p string) string { return strings.TrimPrefix(p, "/paycert") }, wantPath: "/hooks/"},
		{name: "prefix kept", path: func(p string) string { return p }, wantPath: "/paycert/hooks/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var proxy http.Handler
			front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { proxy.ServeHTTP(w, r) }))
			defer front.Close()
			r, err := receiver.Start("127.0.0.1:0", front.URL+"/paycert/")
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			listen := &url.URL{Scheme: "http", Host: r.Addr()}
			proxy = &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
				pr.SetURL(listen)
				pr.Out.URL.Path = tt.path(pr.In.URL.Path)
				pr.Out.URL.RawPath = ""
			}}

			in := r.NewInbox("relay")
			if want := front.URL + "/paycert/hooks/relay-"; !strings.HasPrefix(in.URL(), want) {
				t.Fatalf("inbox URL %s, want it under the public URL: %s…", in.URL(), want)
			}
			in.Answering(func(receiver.Delivery) receiver.Answer {
				return receiver.Answer{Status: http.StatusOK, ContentType: "application/xml", Body: []byte("<response/>")}
			})
			resp, err := http.Post(in.URL()+"/result.php", "application/x-www-form-urlencoded", strings.NewReader("pg_result=1"))
			if err != nil {
				t.Fatal(err)
			}
			answer, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || string(answer) != "<response/>" {
				t.Errorf("the sender got %d %q through the proxy, want the inbox's answer", resp.StatusCode, answer)
			}
			got := in.All()
			if len(got) != 1 {
				t.Fatalf("the inbox got %d deliveries through the proxy, want 1 (strays: %d)", len(got), len(r.Strays()))
			}
			if d := got[0]; !strings.HasPrefix(d.Path, tt.wantPath) || !strings.HasSuffix(d.Path, "/result.php") || string(d.Body) != "pg_result=1" {
				t.Errorf("delivery %s %q, want a path %s<token>/result.php and the body sent", d.Path, d.Body, tt.wantPath)
			}
			if n := len(r.Strays()); n != 0 {
				t.Errorf("%d strays", n)
			}
		})
	}
}
