package exchange_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/validate"
)

func doer(t *testing.T, h http.HandlerFunc) *exchange.Doer {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	spec, err := validate.Load(paycert.Assets(""), "specs/paysage.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return &exchange.Doer{Provider: "paysage", BaseURL: srv.URL + "/", HTTP: srv.Client(), Spec: spec, Recorder: record.NewRecorder(record.NewRedactor())}
}

func TestPathAndRecord(t *testing.T) {
	var path string
	d := doer(t, func(w http.ResponseWriter, r *http.Request) {
		path = r.URL.EscapedPath()
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"message":"Record not found","errors":{"uid":["not found"]}}`)
	})
	res, err := d.Do(context.Background(), exchange.Request{Op: "getTransaction", PathParams: map[string]string{"uid": "a b/c"}})
	if err != nil {
		t.Fatal(err)
	}
	if path != "/beyag/transactions/a%20b%2Fc" {
		t.Errorf("path %s", path)
	}
	// 200 with an error body is not the documented transaction answer.
	if len(res.Findings) == 0 || res.Exchange.Seq != 1 || res.Exchange.Response.Status != 200 {
		t.Errorf("findings %v, exchange %+v", res.Findings, res.Exchange)
	}
	if !strings.Contains(res.Describe(), "GET "+d.BaseURL) {
		t.Errorf("Describe: %s", res.Describe())
	}
	if _, err := d.Do(context.Background(), exchange.Request{Op: "nope"}); err == nil {
		t.Error("an unknown operation is a harness error")
	}
}

func TestCutAndOversizedBodies(t *testing.T) {
	d := doer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/beyag/transactions/big" {
			_, _ = io.WriteString(w, strings.Repeat(" ", exchange.MaxBody+10))
			return
		}
		w.Header().Set("Content-Length", "100")
		_, _ = io.WriteString(w, `{"transaction":`)
	})
	res, err := d.Do(context.Background(), exchange.Request{Op: "getTransaction", PathParams: map[string]string{"uid": "cut"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Err == nil || !strings.Contains(res.Exchange.Error, "unexpected EOF") {
		t.Errorf("a cut body: %v", res.Err)
	}
	res, _ = d.Do(context.Background(), exchange.Request{Op: "getTransaction", PathParams: map[string]string{"uid": "big"}})
	if res.Err == nil || len(res.Body) != exchange.MaxBody {
		t.Errorf("an oversized body: %v, %d bytes kept", res.Err, len(res.Body))
	}
}
