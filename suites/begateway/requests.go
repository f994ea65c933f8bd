package begateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	bgw "github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/jsondoc"
)

// OversizedBody is the size of the far too large body (BGW-REQ-003, errata ERR-BGW-010): no
// documented field is longer than 255 characters.
const OversizedBody = 4 << 20

const jsonType = "application/json"

// Unreadable is a body that is no request of the API, made from a valid JSON request: Body turns
// the valid bytes into what is sent, with the Content-Type header ContentType.
type Unreadable struct {
	Body        func(valid []byte) []byte
	ContentType string
}

// UnreadableEntries are the table entries of the bodies that are no request, each labelled with
// the requirement it tests (req is the suite handle's Req); the entry's parameter is an
// Unreadable. Every operation that takes a body runs them all.
func UnreadableEntries(req func(ids ...string) Labels) []TableEntry {
	same := func(b []byte) []byte { return b }
	return []TableEntry{
		Entry("a body that is not JSON", req("BGW-REQ-001", "BGW-ERR-001"),
			Unreadable{func([]byte) []byte { return []byte("amount=100&currency=KZT") }, jsonType}),
		Entry("JSON cut short", req("BGW-REQ-001", "BGW-ERR-001"),
			Unreadable{func(b []byte) []byte { return b[:len(b)/2] }, jsonType}),
		Entry("a JSON object followed by other data", req("BGW-REQ-001", "BGW-ERR-001"),
			Unreadable{func(b []byte) []byte { return append(bytes.Clone(b), '}') }, jsonType}),
		Entry("a JSON array holding the request", req("BGW-REQ-001", "BGW-ERR-001"),
			Unreadable{func(b []byte) []byte { return append(append([]byte("["), b...), ']') }, jsonType}),
		Entry("an empty body", req("BGW-REQ-001", "BGW-ERR-001"),
			Unreadable{func([]byte) []byte { return []byte{} }, jsonType}),
		Entry("the JSON request sent as text/plain", req("BGW-REQ-002", "BGW-ERR-001"),
			Unreadable{same, "text/plain"}),
		Entry("the JSON request sent as a form", req("BGW-REQ-002", "BGW-ERR-001"),
			Unreadable{same, "application/x-www-form-urlencoded"}),
		Entry(fmt.Sprintf("the request padded to %d MiB", OversizedBody>>20), req("BGW-REQ-003", "BGW-ERR-001"),
			Unreadable{Oversized, jsonType}),
	}
}

// Oversized is the valid JSON object valid with a key of its own padding it to OversizedBody
// bytes: still a valid request, only far too large.
func Oversized(valid []byte) []byte {
	trimmed := bytes.TrimRight(valid, " \n")
	out := make([]byte, 0, OversizedBody+len(valid)+32)
	out = append(out, trimmed[:len(trimmed)-1]...)
	out = append(out, `,"paycert_padding":"`...)
	out = append(out, bytes.Repeat([]byte("x"), OversizedBody)...)
	return append(out, `"}`...)
}

// SendUnreadable sends call with the valid request valid broken as u says, and asserts that it is
// refused with a 4xx status and the error body.
func SendUnreadable(ctx context.Context, cl *bgw.Client, call bgw.Call, valid jsondoc.Doc, u Unreadable) *exchange.Result {
	GinkgoHelper()
	raw, err := json.Marshal(valid)
	Expect(err).NotTo(HaveOccurred())
	call.RawBody = u.Body(raw)
	call.Header = call.Header.Clone()
	if call.Header == nil {
		call.Header = http.Header{}
	}
	call.Header.Set("Content-Type", u.ContentType)
	res := conformance.Must(cl.Call(ctx, call))
	conformance.Refused(res)
	return res
}

// WrongCredentials are the shop's ID with a secret key that is not the shop's.
func WrongCredentials(t *conformance.T) *bgw.Credentials {
	return &bgw.Credentials{ShopID: t.Provider.AccountID, SecretKey: "wrong-" + t.Provider.SecretKey[:min(4, len(t.Provider.SecretKey))]}
}

// Credentials say how a request that must be refused authenticates: not at all, or wrongly.
type Credentials int

// The two ways of authenticating that must be refused.
const (
	NoCredentials Credentials = iota
	WrongSecret
)

// Unauthenticated sends call without credentials or with wrong ones, and asserts that it is
// refused with 401 and the error body (BGW-AUTH-001, BGW-AUTH-002).
func Unauthenticated(ctx context.Context, t *conformance.T, cl *bgw.Client, call bgw.Call, how Credentials) *exchange.Result {
	GinkgoHelper()
	call.NoAuth, call.Auth = how == NoCredentials, nil
	if how == WrongSecret {
		call.Auth = WrongCredentials(t)
	}
	res := conformance.Must(cl.Call(ctx, call))
	conformance.Refused(res)
	Expect(res.Status).To(Equal(http.StatusUnauthorized), "want 401 for a request %s\n%s", how, res.Describe())
	return res
}

// String says how the request authenticated, for messages.
func (c Credentials) String() string {
	if c == NoCredentials {
		return "without credentials"
	}
	return "with wrong credentials"
}

// ExpectEcho asserts that the transaction at path of an answer carries the values of the payment
// request body that the documents say it echoes (document 003, Payment > Response): amount,
// currency, description, tracking_id, test and language.
func ExpectEcho(res *exchange.Result, path string, body jsondoc.Doc) {
	GinkgoHelper()
	for _, k := range []string{"currency", "description", "tracking_id", "language"} {
		Expect(res.String(path+"."+k)).To(Equal(jsondoc.String(body, "request."+k)), "%s.%s does not echo the request\n%s", path, k, res.Describe())
	}
	amount, _ := jsondoc.Int(body, "request.amount")
	got, ok := res.Int(path + ".amount")
	Expect(ok && got == amount).To(BeTrue(), "%s.amount %d does not echo the request's %d\n%s", path, got, amount, res.Describe())
	want, _ := jsondoc.Get(body, "request.test")
	res.LookedAt(path + ".test")
	test, _ := jsondoc.Get(res.Value, path+".test")
	Expect(test).To(Equal(want), "%s.test does not echo the request\n%s", path, res.Describe())
}
