package freedompay

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/conformance"
	fp "github.com/paycert/paycert/harness/freedompay"
)

func (s specs) testPhones() bool {
	return Describe("Test phones (pg_testing_mode 1; paycert's table)", func() {
		var t *conformance.T
		var cl *fp.Client
		conformance.Each(s.Handle, &t, &cl, newClient)

		It("77000000001 is paid without an approval code", s.Req("FPY-TEST-001"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77000000001")
			p.init(ctx)
			ok(p.pay(ctx, ""), fp.StatusOK)
			p.settles(ctx, fp.PaymentSuccess)
		})

		It("77000000002 needs its approval code, then is paid", s.Req("FPY-TEST-002"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77000000002")
			p.awaitCode(ctx)
			ok(p.approve(ctx, p.code(ctx)), fp.StatusOK)
			p.settles(ctx, fp.PaymentSuccess)
		})

		It("77000000003 is processing after its code, then paid", s.Req("FPY-TEST-003"), Label("slow"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77000000003")
			p.awaitCode(ctx)
			ok(p.approve(ctx, p.code(ctx)), fp.StatusProcess)
			st := p.status(ctx)
			Expect(st.Value("pg_payment_status")).To(Equal(fp.PaymentPending), "processing\n%s", st.Describe())
			Expect(t.Clock.Advance(ctx, pastProcessing)).To(Succeed())
			p.settles(ctx, fp.PaymentSuccess)
		})

		It("77000000004 is refused for insufficient funds", s.Req("FPY-TEST-004"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77000000004")
			p.init(ctx)
			refused(p.pay(ctx, ""))
			st := p.settles(ctx, fp.PaymentFailed)
			Expect(st.Value("pg_failure_description")).To(MatchRegexp(`(?i)insufficient funds`), "the failure names the insufficient funds\n%s", st.Describe())
		})

		It("77000000005 is refused as a blocked number", s.Req("FPY-TEST-005"), func(ctx SpecContext) {
			p := newPayment(t, cl, "77000000005")
			p.init(ctx)
			refused(p.pay(ctx, ""))
			st := p.settles(ctx, fp.PaymentFailed)
			Expect(st.Value("pg_failure_description")).To(MatchRegexp(`(?i)blocked`), "the failure names the blocked number\n%s", st.Describe())
		})
	})
}
