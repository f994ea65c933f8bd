package bepaid

import (
	"fmt"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	bgw "github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/bepaid"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/suites/begateway"
)

// Document 004, Payment, and Testing (payment request result).
func (s specs) payment() bool {
	return Describe("bePaid MTS Money payment", func() {
		var (
			t  *conformance.T
			cl *bgw.Client
		)
		conformance.Each(s.Handle, &t, &cl, begateway.Client)

		DescribeTable("answers pending, with the mts_money section copied from the request, as do both status queries",
			func(ctx SpecContext, agreement string) {
				p := bepaid.NewPayment(bepaid.PhoneActivated, agreement)
				res := conformance.Must(cl.CreatePayment(ctx, p.Body()))
				if agreement == bepaid.Decline && res.Status != http.StatusOK {
					return // a declined agreement may be refused at once (BPD-PAY-006)
				}
				conformance.Conforms(res, http.StatusOK)
				begateway.ExpectStatus(res, "transaction", "pending", "a new payment must be pending")
				uid := res.String("transaction.uid")
				byUID := conformance.Must(cl.Transaction(ctx, uid))
				conformance.Conforms(byUID, http.StatusOK)
				byTracking := conformance.Must(cl.ByTrackingID(ctx, p.TrackingID))
				conformance.Conforms(byTracking, http.StatusOK)
				for _, a := range []struct {
					res  *exchange.Result
					path string
				}{{res, "transaction"}, {byUID, "transaction"}, {byTracking, "transactions.0"}} {
					Expect(a.res.String(a.path+".method_type")).To(Equal("mts_money"), "%s.method_type\n%s", a.path, a.res.Describe())
					Expect(a.res.String(a.path+".mts_money.type")).To(Equal("mts_money"), "%s.mts_money.type\n%s", a.path, a.res.Describe())
					Expect(a.res.String(a.path+".mts_money.confirm_agreement")).To(Equal(agreement), "%s.mts_money.confirm_agreement does not copy the request\n%s", a.path, a.res.Describe())
				}
			},
			Entry("accept", s.Req("BPD-PAY-003"), bepaid.Accept),
			Entry("already_accepted", s.Req("BPD-PAY-003"), bepaid.AlreadyAccepted),
			Entry("decline, when it is not refused at once", s.Req("BPD-PAY-003"), bepaid.Decline),
		)

		It("echoes the customer in the answer", s.Req("BPD-PAY-004"), func(ctx SpecContext) {
			p := bepaid.NewPayment(bepaid.PhoneActivated, bepaid.AlreadyAccepted)
			res := conformance.Must(cl.CreatePayment(ctx, p.Body()))
			conformance.Conforms(res, http.StatusOK)
			for k, want := range map[string]string{"phone": p.Phone, "first_name": p.FirstName, "last_name": p.LastName} {
				Expect(res.String("transaction.customer."+k)).To(Equal(want), "transaction.customer.%s does not echo the request\n%s", k, res.Describe())
			}
		})

		DescribeTable("refuses a payment that breaks an MTS Money rule",
			func(ctx SpecContext, breakIt begateway.Edit) {
				body := bepaid.NewPayment(bepaid.PhoneActivated, bepaid.Accept).Body()
				breakIt(body)
				res := conformance.Must(cl.CreatePayment(ctx, body))
				conformance.Refused(res)
			},
			Entry("confirm_agreement missing", s.Req("BPD-PAY-001", "BGW-ERR-001"), begateway.Delete("request.method.confirm_agreement")),
			Entry("confirm_agreement not one of the three values", s.Req("BPD-PAY-001", "BGW-ERR-001"), begateway.Set("request.method.confirm_agreement", "agreed")),
			Entry("customer.phone missing", s.Req("BPD-PAY-002", "BGW-ERR-001"), begateway.Delete("request.customer.phone")),
			Entry("customer missing", s.Req("BPD-PAY-002", "BGW-ERR-001"), begateway.Delete("request.customer")),
		)

		DescribeTable("ends the payments of the test phone numbers as the Testing table says",
			func(ctx SpecContext, phone, want string) {
				body := bepaid.NewPayment(phone, bepaid.AlreadyAccepted).Body()
				res := conformance.Must(cl.CreatePayment(ctx, body))
				if phone == bepaid.PhoneInvalid && res.Status >= 400 {
					// An invalid number may be refused at once (errata ERR-BPD-007).
					conformance.Refused(res)
					return
				}
				conformance.Conforms(res, http.StatusOK)
				begateway.ExpectStatus(res, "transaction", "pending", "a new payment must be pending")
				final := processed(ctx, t, cl, res.String("transaction.uid"))
				begateway.ExpectStatus(final, "transaction", want, fmt.Sprintf("the payment of %s", phone))
			},
			Entry("375295222222: successful payment", s.Req("BPD-TEST-001"), bepaid.PhoneActivated, "successful"),
			Entry("375295111111: failed payment", s.Req("BPD-TEST-002"), bepaid.PhoneInactive, "failed"),
			Entry("375444111111: invalid phone number", s.Req("BPD-TEST-003"), bepaid.PhoneInvalid, "failed"),
			Entry("375290000000: insufficient funds", s.Req("BPD-TEST-004"), bepaid.PhoneInsufficientFunds, "failed"),
		)

		It("says insufficient funds when 375290000000 fails", s.Req("BPD-TEST-005"), func(ctx SpecContext) {
			uid := pending(ctx, t, cl, bepaid.NewPayment(bepaid.PhoneInsufficientFunds, bepaid.AlreadyAccepted).Body())
			res := processed(ctx, t, cl, uid)
			Expect(strings.ToLower(res.String("transaction.message"))).To(ContainSubstring("insufficient funds"), "%s", res.Describe())
		})

		It("goes on when accept is sent for a number whose service is activated", s.Req("BPD-PAY-005"), func(ctx SpecContext) {
			uid := pending(ctx, t, cl, bepaid.NewPayment(bepaid.PhoneActivated, bepaid.Accept).Body())
			res := processed(ctx, t, cl, uid)
			begateway.ExpectStatus(res, "transaction", "successful", "the payment's status")
		})

		DescribeTable("never completes a payment whose customer declines the Terms of Service",
			func(ctx SpecContext, phone string) {
				body := bepaid.NewPayment(phone, bepaid.Decline).Body()
				res := conformance.Must(cl.CreatePayment(ctx, body))
				if res.Status >= 400 {
					conformance.Refused(res)
					return
				}
				conformance.Conforms(res, http.StatusOK)
				Expect(res.String("transaction.status")).NotTo(Equal("successful"), "a declined payment was answered successful\n%s", res.Describe())
				final := processed(ctx, t, cl, res.String("transaction.uid"))
				begateway.ExpectStatus(final, "transaction", "failed", "a payment the customer declined must end failed, not complete")
			},
			Entry("375295222222, whose payments succeed", s.Req("BPD-PAY-006"), bepaid.PhoneActivated),
			Entry("375295111111, whose service is not activated", s.Req("BPD-PAY-006"), bepaid.PhoneInactive),
		)

		It("says the phone number is invalid when 375444111111 pays", s.Req("BPD-TEST-007"), func(ctx SpecContext) {
			res := conformance.Must(cl.CreatePayment(ctx, bepaid.NewPayment(bepaid.PhoneInvalid, bepaid.AlreadyAccepted).Body()))
			if res.Status >= 400 {
				// Refused at once (errata ERR-BPD-007): the refusal names the phone number.
				conformance.Refused(res)
				Expect(res.Has("errors.request.customer.phone")).To(BeTrue(), "the refusal does not name customer.phone\n%s", res.Describe())
				return
			}
			conformance.Conforms(res, http.StatusOK)
			final := processed(ctx, t, cl, res.String("transaction.uid"))
			begateway.ExpectStatus(final, "transaction", "failed", "the payment's status")
			Expect(strings.ToLower(final.String("transaction.message"))).To(ContainSubstring("invalid phone number"), "%s", final.Describe())
		})

		It("refuses a number outside the test table in test mode", s.Req("BPD-TEST-006"), func(ctx SpecContext) {
			res := conformance.Must(cl.CreatePayment(ctx, bepaid.NewPayment("375291234567", bepaid.Accept).Body()))
			conformance.Refused(res)
			Expect(res.Status).To(Equal(http.StatusUnprocessableEntity), "%s", res.Describe())
			_, named := jsondoc.Get(res.Value, "errors.request.customer.phone")
			Expect(named).To(BeTrue(), "the refusal does not name customer.phone\n%s", res.Describe())
		})
	})
}
