package freedompay

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/fields"
	fp "github.com/paycert/paycert/harness/freedompay"
)

func (s specs) init() bool {
	return Describe("Init (init_payment.php, pg_payment_method mobile_commerce)", func() {
		var t *conformance.T
		var cl *fp.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		It("answers ok with the payment's pg_payment_id", s.Req("FPY-INIT-001"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			p.init(ctx)
			p.status(ctx) // the platform knows the payment by the ID it gave
		})

		DescribeTable("refuses an init without a required parameter", s.Req("FPY-INIT-002"),
			func(ctx SpecContext, name string) {
				p := newPayment(t, cl, "77071234567")
				c := fp.Call{Op: fp.OpInit, Fields: fp.InitFields(p.p).Without(name)}
				if name == "pg_merchant_id" {
					// The client always puts the merchant first: send the form without it, signed.
					l := cl.Prepare(fp.Call{Op: fp.OpInit, Fields: fp.InitFields(p.p), Unsigned: true}).Without(name)
					ct, body, err := cl.Signer().Signed(cl.Script(fp.OpInit), l).EncodeMultipart("")
					Expect(err).NotTo(HaveOccurred())
					c = fp.Call{Op: fp.OpInit, ContentType: ct, Body: body}
				}
				a := p.send(ctx, c)
				if name == "pg_merchant_id" {
					// A merchant that cannot be told gets an error the platform cannot sign.
					conformance.Conforms(a.Result, 200)
					Expect(a.Value("pg_status")).To(Equal(fp.StatusError), "want an error answer\n%s", a.Describe())
					return
				}
				refused(a)
			},
			Entry("pg_amount", "pg_amount"),
			Entry("pg_description", "pg_description"),
			Entry("pg_merchant_id", "pg_merchant_id"),
		)

		DescribeTable("refuses an amount or a lifetime out of range", s.Req("FPY-INIT-003"),
			func(ctx SpecContext, name, value string) {
				p := newPayment(t, cl, "77071234567")
				refused(p.send(ctx, fp.Call{Op: fp.OpInit, Fields: fp.InitFields(p.p).Set(name, value)}))
			},
			Entry("pg_amount 0", "pg_amount", "0"),
			Entry("pg_amount 100000000", "pg_amount", "100000000"),
			Entry("pg_lifetime 299", "pg_lifetime", "299"),
			Entry("pg_lifetime 604801", "pg_lifetime", "604801"),
		)

		It("answers in XML with the documented root element, also to a URL-encoded or malformed request", s.Req("FPY-FMT-001"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			a := p.send(ctx, fp.Call{Op: fp.OpInit, Fields: fp.InitFields(p.p), URLEncoded: true})
			ok(a, fp.StatusOK)
			Expect(a.Root).To(Equal("response"), "init_payment.php answers <response>\n%s", a.Describe())
			bad := p.send(ctx, fp.Call{Op: fp.OpInit, ContentType: "multipart/form-data; boundary=cut", Body: []byte("--cut\r\nContent-Disposition: form-data; name=\"pg_amount\"\r\n\r\n15")})
			ok(bad, fp.StatusError)
			notForm := p.send(ctx, fp.Call{Op: fp.OpInit, ContentType: "application/json", Body: []byte(`{"pg_amount":150}`)})
			ok(notForm, fp.StatusError)
			Expect(strings.TrimSpace(notForm.Value("pg_error_description"))).NotTo(BeEmpty(), "say what was wrong\n%s", notForm.Describe())
		})

		It("serves a message sent as XML in pg_xml as the same form, and refuses broken XML there", s.Req("FPY-FMT-002"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77071234567")
			a := p.send(ctx, fp.Call{Op: fp.OpInit, Fields: fp.InitFields(p.p), InXML: true})
			ok(a, fp.StatusOK)
			p.id = a.Value("pg_payment_id")
			Expect(p.id).NotTo(BeEmpty(), "the init answer has no pg_payment_id\n%s", a.Describe())
			pay := p.send(ctx, fp.Call{Op: fp.OpPay, Fields: fp.PayFields(p.id, p.phone, ""), InXML: true, URLEncoded: true})
			ok(pay, fp.StatusNeedApprove, fp.StatusOK)
			Expect(pay.Value("pg_payment_id")).To(Equal(p.id), "the pay answer names another payment\n%s", pay.Describe())
			broken := fields.Of(fp.XMLField, "<request><pg_payment_id>"+p.id+"</pg_payment_id>")
			refused(p.send(ctx, fp.Call{Op: fp.OpStatus, ContentType: fields.URLEncoded, Body: []byte(broken.Encode())}))
		})
	})
}
