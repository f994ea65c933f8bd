package freedompay

import (
	"context"
	"encoding/json"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/fields"
	fp "github.com/paycert/paycert/harness/freedompay"
	"github.com/paycert/paycert/harness/signing"
)

// oversized is the size of a body far over any sane request (errata ERR-FPY-026).
const oversized = 2 << 20

// merchantOp is an operation of the Merchant API as the bad-input table sends it: ready brings a
// payment into the state in which the operation's request is served and returns that request;
// after (nil for none) checks that the refused request did nothing.
type merchantOp struct {
	name  string
	ready func(ctx context.Context, p *payment) fp.Call
	after func(ctx context.Context, p *payment, refused *fp.Answer)
}

// merchantOps are the five operations of the mobile balance method, each with a request the
// target serves.
func merchantOps() []merchantOp {
	return []merchantOp{
		{name: "Init", ready: func(_ context.Context, p *payment) fp.Call {
			return fp.Call{Op: fp.OpInit, Fields: fp.InitFields(p.p)}
		}, after: func(_ context.Context, _ *payment, refused *fp.Answer) {
			Expect(refused.Fields.Has("pg_payment_id")).To(BeFalse(), "a refused init names a payment\n%s", refused.Describe())
		}},
		{name: "Pay", ready: func(ctx context.Context, p *payment) fp.Call {
			p.init(ctx)
			return fp.Call{Op: fp.OpPay, Fields: fp.PayFields(p.id, p.phone, "")}
		}, after: func(ctx context.Context, p *payment, _ *fp.Answer) {
			// The refused pay debited nothing: the payment can still be paid.
			ok(p.pay(ctx, ""), fp.StatusNeedApprove, fp.StatusOK)
		}},
		{name: "Approve", ready: func(ctx context.Context, p *payment) fp.Call {
			p.awaitCode(ctx)
			return fp.Call{Op: fp.OpApprove, Fields: fp.ApproveFields(p.id, p.code(ctx))}
		}, after: func(ctx context.Context, p *payment, _ *fp.Answer) {
			st := p.status(ctx)
			Expect(st.Value("pg_payment_status")).NotTo(Equal(fp.PaymentSuccess), "a refused approval completed the payment\n%s", st.Describe())
		}},
		{name: "Resend code", ready: func(ctx context.Context, p *payment) fp.Call {
			p.awaitCode(ctx)
			Expect(p.t.Clock.Advance(ctx, pastResendCooldown)).To(Succeed())
			return fp.Call{Op: fp.OpResend, Fields: fp.IDFields(p.id)}
		}},
		{name: "Status", ready: func(ctx context.Context, p *payment) fp.Call {
			p.init(ctx)
			return fp.Call{Op: fp.OpStatus, Fields: fp.IDFields(p.id)}
		}},
	}
}

// badRequest breaks a valid call in one way; req is the requirement a target that serves it
// fails; unknown says the request names no merchant of the platform, whose answer has the
// platform's code 9998 (providers-facts.md 3.3).
type badRequest struct {
	name    string
	req     string
	unknown bool
	apply   func(cl *fp.Client, c fp.Call) fp.Call
}

// raw sends the call's fields, merchant first, salted and signed as the client prepares them,
// encoded by encode and declared as contentType.
func raw(cl *fp.Client, c fp.Call, contentType string, encode func(fields.List) []byte) fp.Call {
	return fp.Call{Op: c.Op, ContentType: contentType, Body: encode(cl.Prepare(c))}
}

// badRequests are the ways a request is broken: without pg_sig or pg_salt, signed with another
// key, from another merchant or none, in a body that is not a form, declared as text, or far too
// long.
func badRequests() []badRequest {
	urlEncoded := func(l fields.List) []byte { return []byte(l.Encode()) }
	return []badRequest{
		{name: "without pg_sig", req: "FPY-SIG-002", apply: func(_ *fp.Client, c fp.Call) fp.Call {
			c.Unsigned = true
			return c
		}},
		{name: "without pg_salt", req: "FPY-SIG-002", apply: func(_ *fp.Client, c fp.Call) fp.Call {
			c.Unsalted = true
			return c
		}},
		{name: "signed with another key", req: "FPY-SIG-001", apply: func(cl *fp.Client, c fp.Call) fp.Call {
			c.Signer = &signing.FreedomPay{Secret: "not the merchant's secret key", Variant: cl.Signer().Variant}
			return c
		}},
		{name: "from another merchant", req: "FPY-SIG-005", unknown: true, apply: func(cl *fp.Client, c fp.Call) fp.Call {
			c.Fields = append(fields.Of("pg_merchant_id", cl.Merchant()+"1"), c.Fields...)
			return c
		}},
		{name: "without pg_merchant_id", req: "FPY-SIG-005", unknown: true, apply: func(cl *fp.Client, c fp.Call) fp.Call {
			l := cl.Prepare(fp.Call{Op: c.Op, Fields: c.Fields, Unsigned: true}).Without("pg_merchant_id")
			return fp.Call{Op: c.Op, ContentType: fields.URLEncoded, Body: []byte(cl.Signer().Signed(cl.Script(c.Op), l).Encode())}
		}},
		{name: "as a signed JSON object", req: "FPY-FMT-003", apply: func(cl *fp.Client, c fp.Call) fp.Call {
			return raw(cl, c, "application/json", func(l fields.List) []byte {
				b, _ := json.Marshal(l.Map()) // a map of strings always encodes
				return b
			})
		}},
		{name: "with an empty body", req: "FPY-FMT-003", apply: func(_ *fp.Client, c fp.Call) fp.Call {
			return fp.Call{Op: c.Op, ContentType: fields.URLEncoded, Body: []byte{}}
		}},
		{name: "declared as text/plain", req: "FPY-FMT-004", apply: func(cl *fp.Client, c fp.Call) fp.Call {
			return raw(cl, c, "text/plain", urlEncoded)
		}},
		{name: "with a body of 2 MiB", req: "FPY-FMT-005", apply: func(_ *fp.Client, c fp.Call) fp.Call {
			c.Fields = c.Fields.Clone().Set("pg_padding", strings.Repeat("x", oversized))
			return c
		}},
	}
}

func (s specs) requests() bool {
	return Describe("Every request, sent without credentials or in a body that is no form (providers-facts.md 3.1, 3.3)", func() {
		var t *conformance.T
		var cl *fp.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		var entries []TableEntry
		for _, op := range merchantOps() {
			for _, bad := range badRequests() {
				entries = append(entries, Entry(op.name+" "+bad.name, s.Req(bad.req), op, bad))
			}
		}
		DescribeTable("is answered with the error answer, and does nothing",
			func(ctx SpecContext, op merchantOp, bad badRequest) {
				p := newPayment(t, cl, "77071234567")
				a := p.send(ctx, bad.apply(cl, op.ready(ctx, p)))
				refused(a)
				if bad.unknown {
					// The answer to a request whose merchant cannot be told (providers-facts.md 3.3).
					Expect(a.Value("pg_error_code")).To(Equal(fp.ErrorMerchantUnknown), "want pg_error_code %s, the merchant cannot be told\n%s", fp.ErrorMerchantUnknown, a.Describe())
				}
				if op.after != nil {
					op.after(ctx, p, a)
				}
			},
			entries,
		)
	})
}
