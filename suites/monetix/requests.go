package monetix

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/jsondoc"
	mtx "github.com/paycert/paycert/harness/monetix"
	"github.com/paycert/paycert/harness/signing"
)

// oversized is the size of a body far over any sane request (errata ERR-MTX-023).
const oversized = 2 << 20

// gateOp is a Gate operation as the bad-input table sends it: ready brings a payment into the
// state in which the operation's request is accepted and returns that request; after (nil for
// none) checks that the refused request did nothing, by sending the valid one.
type gateOp struct {
	name  string
	ready func(ctx context.Context, t *conformance.T, cl *mtx.Client) (*flow, mtx.Call)
	after func(ctx context.Context, f *flow, valid mtx.Call)
}

// gateOps are the Gate operations of document 001 (Tables 2, 5, 6, 7 and 8), each with a request
// the target accepts.
func gateOps() []gateOp {
	return []gateOp{
		{name: "the list of operators", ready: func(_ context.Context, t *conformance.T, cl *mtx.Client) (*flow, mtx.Call) {
			return newFlow(t, cl), mtx.Call{Op: mtx.OpOperators, PathParams: map[string]string{"operation_type": "sale"}, Body: jsondoc.Doc{"general": cl.General("")}}
		}},
		{name: "a purchase", ready: func(_ context.Context, t *conformance.T, cl *mtx.Client) (*flow, mtx.Call) {
			f := newFlow(t, cl)
			return f, mtx.Call{Op: mtx.OpPurchase, Body: cl.PurchaseBody(f.p)}
		}, after: func(ctx context.Context, f *flow, _ mtx.Call) {
			// The refused purchase made nothing: the same payment_id is still free.
			f.start(ctx)
		}},
		{name: "an OTP", ready: func(ctx context.Context, t *conformance.T, cl *mtx.Client) (*flow, mtx.Call) {
			f := newFlow(t, cl)
			f.start(ctx)
			f.clarification(ctx)
			// Right or wrong, an OTP within the window is acknowledged (MTX-WRONG-001).
			return f, mtx.Call{Op: mtx.OpSubmitOTP, Body: cl.OTPBody(f.p.PaymentID, "000000")}
		}},
		{name: "a resend", ready: func(ctx context.Context, t *conformance.T, cl *mtx.Client) (*flow, mtx.Call) {
			f := newFlow(t, cl)
			f.start(ctx)
			f.clarification(ctx)
			Expect(t.Clock.Advance(ctx, pastOTPLifetime)).To(Succeed())
			return f, mtx.Call{Op: mtx.OpCustomerAction, PathParams: map[string]string{"action_name": "resend"}, Body: cl.ResendBody(f.p.PaymentID, f.p.IP)}
		}},
		{name: "a refund", ready: func(ctx context.Context, t *conformance.T, cl *mtx.Client) (*flow, mtx.Call) {
			f := newFlow(t, cl)
			f.paid(ctx)
			return f, mtx.Call{Op: mtx.OpRefund, Body: cl.RefundBody(f.p.PaymentID, 0, "", "")}
		}, after: func(ctx context.Context, f *flow, valid mtx.Call) {
			// The refused refund refunded nothing: the whole payment can still be refunded.
			res := conformance.Must(f.cl.Call(ctx, valid))
			conformance.Conforms(res, http.StatusOK)
			f.acknowledged(res)
		}},
	}
}

// badInput breaks a valid call in one way; req is the requirement a target that serves it fails.
type badInput struct {
	name  string
	req   string
	apply func(cl *mtx.Client, c mtx.Call) mtx.Call
}

// signedBody is the call's body as the client signs it.
func signedBody(cl *mtx.Client, c mtx.Call) []byte {
	GinkgoHelper()
	raw, err := cl.Signer().SignRequest(c.Body)
	Expect(err).NotTo(HaveOccurred(), "harness error: signing the request")
	return raw
}

// badInputs are the ways a request is broken: without credentials, with wrong ones, with a body
// that is not one JSON object, declared as another type, or far too long.
func badInputs() []badInput {
	return []badInput{
		{"without a signature", "MTX-SIG-001", func(_ *mtx.Client, c mtx.Call) mtx.Call {
			c.Unsigned = true
			return c
		}},
		{"signed with another key", "MTX-SIG-001", func(cl *mtx.Client, c mtx.Call) mtx.Call {
			c.Signer = &signing.Monetix{Secret: "not-the-project-secret", Variant: cl.Signer().Variant}
			return c
		}},
		{"with text after the signed JSON object", "MTX-BODY-001", func(cl *mtx.Client, c mtx.Call) mtx.Call {
			c.Raw = append(signedBody(cl, c), "}"...)
			return c
		}},
		{"with a body that is not JSON", "MTX-BODY-001", func(cl *mtx.Client, c mtx.Call) mtx.Call {
			c.Raw = []byte(url.Values{"general[project_id]": {strconv.FormatInt(cl.Project(), 10)}}.Encode())
			return c
		}},
		{"with an empty body", "MTX-BODY-001", func(_ *mtx.Client, c mtx.Call) mtx.Call {
			c.Raw = []byte{}
			return c
		}},
		{"declared as a form", "MTX-BODY-002", func(_ *mtx.Client, c mtx.Call) mtx.Call {
			c.ContentType = "application/x-www-form-urlencoded"
			return c
		}},
		{"with a body of 2 MiB", "MTX-BODY-003", func(_ *mtx.Client, c mtx.Call) mtx.Call {
			body := jsondoc.Doc{}
			for k, v := range c.Body {
				body[k] = v
			}
			body["paycert_padding"] = strings.Repeat("x", oversized)
			c.Body = body
			return c
		}},
	}
}

func (s specs) requests() bool {
	return Describe("Every Gate request, sent without credentials or with a broken body (document 001, Tables 2 and 5-8)", func() {
		var t *conformance.T
		var cl *mtx.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		var entries []TableEntry
		for _, op := range gateOps() {
			for _, bad := range badInputs() {
				entries = append(entries, Entry(op.name+" "+bad.name, s.Req(bad.req), op, bad))
			}
		}
		DescribeTable("is refused with a 4xx status and the error body, and does nothing",
			func(ctx SpecContext, op gateOp, bad badInput) {
				f, valid := op.ready(ctx, t, cl)
				conformance.Refused(conformance.Must(cl.Call(ctx, bad.apply(cl, valid))))
				if op.after != nil {
					op.after(ctx, f, valid)
				}
			},
			entries,
		)
	})
}
