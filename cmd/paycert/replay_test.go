package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/replay"
	"github.com/paycert/paycert/harness/report"
)

// TestReplayOfARealRun: the bundle of a run of the PaySage (JSON) and FreedomPay (forms, XML)
// suites against the embedded simulator, replayed: every request the harness sent, sent again in
// recorded order, is answered by its own recording, with the recorded status and body.
func TestReplayOfARealRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two suites")
	}
	dir := filepath.Join(t.TempDir(), "run")
	if code, out, errOut := runCmd(t, "run", "-suites", "paysage,freedompay", "-report-dir", dir); code != exitConformant {
		t.Fatalf("the run: exit %d\n%s%s", code, out, errOut)
	}
	var log bytes.Buffer
	srv, err := replay.Load(dir, replay.Options{Log: &log})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	b, err := report.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := b.Report()
	if err != nil {
		t.Fatal(err)
	}
	sent := map[string]int{}
	for _, spec := range r.Specs {
		xs, err := report.Transcript(b.FS, spec)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range xs {
			if x.Direction != record.Outbound || x.Response == nil {
				continue
			}
			sent[x.Provider]++
			req := resend(t, hs.URL, targetPath(r, spec.Suite), x)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("%s#%d: %v", spec.ID, x.Seq, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			want := spec.ID + "#" + strconv.Itoa(x.Seq)
			if got := resp.Header.Get(replay.SourceHeader); got != want {
				t.Errorf("%s %s (%s): answered by %q (%d), want %s\n%.2000s", x.Request.Method, x.Request.URL, x.Operation, got, resp.StatusCode, want, body)
				continue
			}
			if resp.StatusCode != x.Response.Status || string(body) != x.Response.Body {
				t.Errorf("%s: %d %.500s, want the recorded %d %.500s", want, resp.StatusCode, body, x.Response.Status, x.Response.Body)
			}
		}
	}
	if sent["paysage"] < 50 || sent["freedompay"] < 50 {
		t.Errorf("sent %v: the run recorded too little to show anything", sent)
	}
	if strings.Contains(log.String(), "no recording") {
		t.Errorf("the replay refused requests:\n%s", log.String())
	}
}

// targetPath is the path of the URL the suite's target had.
func targetPath(r *report.Report, suite string) string {
	for _, tg := range r.Targets {
		if tg.Suite == suite {
			u, err := url.Parse(tg.URL[strings.Index(tg.URL, "http"):])
			if err == nil {
				return u.Path
			}
		}
	}
	return ""
}

// resend rebuilds the recorded request x to be sent to the replay at base: the same method, path
// under the provider's prefix, query and body as the transcript has them (a form from its
// "name=value" lines, as a multipart form), its Content-Type and X-API-Version.
func resend(t *testing.T, base, targetPath string, x record.Exchange) *http.Request {
	t.Helper()
	u, err := url.Parse(x.Request.URL)
	if err != nil {
		t.Fatal(err)
	}
	ct := x.Request.Header.Get("Content-Type")
	body := x.Request.Body
	if kept, cut := record.Cut(body); cut {
		// What was cut off was the end of the last field the transcript shows.
		body = kept + strings.Repeat("x", record.MaxKept)
	}
	if fields.IsForm(ct) && strings.HasPrefix(ct, "multipart/") {
		var l fields.List
		for _, line := range strings.Split(body, "\n") {
			name, value, ok := strings.Cut(line, "=")
			if !ok && len(l) > 0 {
				l[len(l)-1].Value += "\n" + line
				continue
			}
			l = append(l, fields.Field{Name: name, Value: value})
		}
		// A body the recorder could not read as a form (the suite sent a broken one on purpose) is
		// in the transcript as it was, and is sent so.
		if mct, data, err := l.EncodeMultipart(""); err == nil {
			ct, body = mct, string(data)
		}
	}
	path := strings.TrimPrefix(u.Path, targetPath)
	req, err := http.NewRequest(x.Request.Method, base+"/"+x.Provider+path+"?"+u.RawQuery, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if v := x.Request.Header.Get("X-Api-Version"); v != "" {
		req.Header.Set("X-Api-Version", v)
	}
	return req
}

// TestSimReplayRefusesBadInput: paycert sim -replay names what it cannot take, with exit 2,
// before it listens anywhere.
func TestSimReplayRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	r := &report.Report{Tool: "paycert", RunID: "empty", Specs: []report.Spec{{ID: "s", Suite: "paysage", State: "passed"}}}
	r.Judge()
	if err := report.Write(empty, r); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-replay", empty, "-fault", "paysage.accept-wrong-otp"}, "-fault cannot go with it"},
		{[]string{"-replay", empty, "-clock", "virtual", "-seed", "2"}, "-clock, -seed cannot go with it"},
		{[]string{"-replay", dir}, "-replay: " + dir + " is not a report bundle"},
		{[]string{"-replay", filepath.Join(dir, "missing")}, "-replay: open bundle"},
		{[]string{"-replay", empty}, "-replay: replay " + empty + ": " + replay.ErrNoRecordings.Error()},
		{[]string{"-replay", empty, "extra"}, `unexpected argument "extra"`},
	} {
		code, out, errOut := runCmd(t, append(append([]string{"sim"}, c.args...), "-listen", "127.0.0.1:0")...)
		if code != exitError || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d naming %q", c.args, code, errOut, exitError, c.want)
		}
		if strings.Contains(out, "http://") {
			t.Errorf("%v: something was served:\n%s", c.args, out)
		}
	}
}
