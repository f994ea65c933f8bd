package record_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/paycert/paycert/harness/record"
)

// TestRecorderKeepsTheStartOfAHugeBody pins that a body far too large (a spec sends one on
// purpose) is kept cut to its start and its size, with secrets masked before the cut, and that a
// body of ordinary size is kept whole.
func TestRecorderKeepsTheStartOfAHugeBody(t *testing.T) {
	huge := "sk_s3cr3t_9f8e " + strings.Repeat("x", 4<<20)
	cases := []struct {
		name     string
		body     string
		wantLen  int // at most this long
		contains []string
		lacks    []string
	}{
		{"ordinary", "key sk_s3cr3t_9f8e", 100, []string{"key [REDACTED]"}, []string{"sk_s3cr3t", "bytes in all"}},
		{"huge", huge, record.MaxKept + 100, []string{"[REDACTED] xxx", fmt.Sprintf("(%d bytes in all; the rest is not kept)", len(huge)-len("sk_s3cr3t_9f8e")+len("[REDACTED]"))}, []string{"sk_s3cr3t"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := record.NewRecorder(record.NewRedactor("sk_s3cr3t_9f8e"))
			x := rec.Add(record.Raw{Operation: "op", Method: "POST", URL: "http://127.0.0.1/x", RequestBody: []byte(c.body), Status: 422, ResponseBody: []byte(c.body)})
			for _, got := range []string{x.Request.Body, x.Response.Body} {
				if len(got) > c.wantLen {
					t.Errorf("kept %d bytes, want at most %d", len(got), c.wantLen)
				}
				for _, s := range c.contains {
					if !strings.Contains(got, s) {
						t.Errorf("%q not in the kept body (%.80q...)", s, got)
					}
				}
				for _, s := range c.lacks {
					if strings.Contains(got, s) {
						t.Errorf("%q in the kept body", s)
					}
				}
			}
		})
	}
}
