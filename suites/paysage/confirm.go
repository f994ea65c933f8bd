package paysage

import (
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	bgw "github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/otp"
	"github.com/paycert/paycert/harness/paysage"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/suites/begateway"
)

// Document 000, Transaction confirmation: the OTP, a wrong OTP, and the 30-second duplicate window.
func (s specs) confirmation() bool {
	return Describe("PaySage transaction confirmation", func() {
		var (
			t   *conformance.T
			cl  *bgw.Client
			p   paysage.Payment
			uid string
		)
		conformance.Each(s.Handle, &t, &cl, begateway.Client)
		BeforeEach(func(ctx SpecContext) {
			p = newPayment(t)
			uid = pending(ctx, t, cl, p)
		})

		It("confirms the payment with the OTP the customer received", s.Req("PSG-CONFIRM-002", "PSG-CONFIRM-004"), func(ctx SpecContext) {
			code := t.OTPFor(ctx, uid, p.AccountNumber)
			res := conformance.Must(cl.Confirm(ctx, uid, paysage.Confirm(code, nil)))
			conformance.Conforms(res, http.StatusOK)
			Expect(res.String("transaction.status")).To(Equal("successful"), "the right OTP did not confirm the payment\n%s", res.Describe())
			Expect(res.String("transaction.type")).To(Equal("confirm"), "%s", res.Describe())
			Expect(res.String("transaction.parent_uid")).To(Equal(uid), "parent_uid is not the payment's uid\n%s", res.Describe())
			Expect(res.String("transaction.currency")).To(Equal(p.Currency), "%s", res.Describe())
			amount, _ := res.Int("transaction.amount")
			Expect(amount).To(Equal(p.Amount), "the confirmation's amount is not the payment's\n%s", res.Describe())
			Expect(statusOf(ctx, cl, uid)).To(Equal("successful"), "the payment is not successful after the right OTP")
		})

		It("never makes the payment successful with a wrong OTP", s.Req("PSG-CONFIRM-003"), func(ctx SpecContext) {
			wrong := otp.Wrong(t.OTPFor(ctx, uid, p.AccountNumber))
			res := conformance.Must(cl.Confirm(ctx, uid, paysage.Confirm(wrong, nil)))
			conformance.Declined(res, "transaction.status")
			Expect(statusOf(ctx, cl, uid)).NotTo(Equal("successful"), "a wrong OTP made the payment successful")
		})

		It("refuses a confirmation without password and leaves the payment pending", s.Req("PSG-CONFIRM-001", "BGW-ERR-001"), func(ctx SpecContext) {
			body := paysage.Confirm("x", nil)
			jsondoc.Delete(body, "request.password")
			res := conformance.Must(cl.Confirm(ctx, uid, body))
			conformance.Refused(res)
			Expect(statusOf(ctx, cl, uid)).To(Equal("pending"), "a confirmation without password changed the payment")
		})

		It("answers 404 with the error body for an unknown uid", s.Req("PSG-CONFIRM-005", "BGW-ERR-001"), func(ctx SpecContext) {
			res := conformance.Must(cl.Confirm(ctx, "00000000-0000-4000-8000-000000000000", paysage.Confirm("1234", nil)))
			conformance.Refused(res)
			Expect(res.Status).To(Equal(http.StatusNotFound), "%s", res.Describe())
		})

		DescribeTable("refuses a confirmation that is no request, and the payment stays pending",
			func(ctx SpecContext, u begateway.Unreadable) {
				code := t.OTPFor(ctx, uid, p.AccountNumber)
				begateway.SendUnreadable(ctx, cl, bgw.Call{Op: bgw.OpConfirm, PathParams: map[string]string{"uid": uid}}, paysage.Confirm(code, nil), u)
				Expect(statusOf(ctx, cl, uid)).To(Equal("pending"), "a refused confirmation changed the payment")
			},
			begateway.UnreadableEntries(s.Req),
		)

		DescribeTable("refuses a confirmation with the right OTP but without the shop's credentials, and the payment stays pending",
			func(ctx SpecContext, how begateway.Credentials) {
				code := t.OTPFor(ctx, uid, p.AccountNumber)
				call := bgw.Call{Op: bgw.OpConfirm, PathParams: map[string]string{"uid": uid}, Body: paysage.Confirm(code, nil)}
				begateway.Unauthenticated(ctx, t, cl, call, how)
				Expect(statusOf(ctx, cl, uid)).To(Equal("pending"), "a confirmation %s changed the payment", how)
			},
			Entry("without credentials", s.Req("BGW-AUTH-002", "BGW-ERR-001"), begateway.NoCredentials),
			Entry("with wrong credentials", s.Req("BGW-AUTH-002", "BGW-ERR-001"), begateway.WrongSecret),
		)

		DescribeTable("answers a declined confirmation with the confirm transaction of the payment",
			func(ctx SpecContext, second bool) {
				code := t.OTPFor(ctx, uid, p.AccountNumber)
				send := otp.Wrong(code)
				if second {
					// A wrong OTP first, then the right one within 30 s: a duplicate.
					t.Relies("PSG-CONFIRM-003", func() {
						conformance.Declined(conformance.Must(cl.Confirm(ctx, uid, paysage.Confirm(send, nil))), "transaction.status")
					})
					send = code
				}
				res := conformance.Must(cl.Confirm(ctx, uid, paysage.Confirm(send, nil)))
				if res.Status >= 400 {
					conformance.Refused(res)
					Skip(report.NotApplicablePrefix + "the target declines a confirmation with a 4xx error body (errata ERR-PSG-002), not with a confirm transaction")
				}
				conformance.Declined(res, "transaction.status")
				Expect(res.String("transaction.type")).To(Equal("confirm"), "%s", res.Describe())
				Expect(res.String("transaction.parent_uid")).To(Equal(uid), "a declined confirmation's parent_uid is not the payment's uid\n%s", res.Describe())
				Expect(res.String("transaction.currency")).To(Equal(p.Currency), "%s", res.Describe())
				amount, _ := res.Int("transaction.amount")
				Expect(amount).To(Equal(p.Amount), "a declined confirmation's amount is not the payment's\n%s", res.Describe())
			},
			Entry("a wrong OTP", s.Req("PSG-CONFIRM-006"), false),
			Entry("the right OTP a second time within 30 s", s.Req("PSG-CONFIRM-006"), true),
		)

		Context("duplicate window of 30 seconds", func() {
			no, yes := false, true
			// afterWrong sends a wrong OTP first, so that the right one comes as a second request.
			// The window can only be observed on a payment that is still pending after it: a target
			// that ends the payment at the first wrong OTP makes these specs not applicable.
			afterWrong := func(ctx SpecContext) string {
				GinkgoHelper()
				code := t.OTPFor(ctx, uid, p.AccountNumber)
				t.Relies("PSG-CONFIRM-003", func() {
					res := conformance.Must(cl.Confirm(ctx, uid, paysage.Confirm(otp.Wrong(code), nil)))
					conformance.Declined(res, "transaction.status")
				})
				if status := statusOf(ctx, cl, uid); status != "pending" {
					Skip(report.NotApplicablePrefix + "the target ends the payment (" + status + ") at the first wrong OTP, so a second confirmation of it cannot show the 30-second window")
				}
				return code
			}

			It("declines a second confirmation within 30 s when skip_duplicate_check is false", s.Req("PSG-DUP-001"), func(ctx SpecContext) {
				code := afterWrong(ctx)
				res := conformance.Must(cl.Confirm(ctx, uid, paysage.Confirm(code, &no)))
				conformance.Declined(res, "transaction.status")
				Expect(statusOf(ctx, cl, uid)).NotTo(Equal("successful"), "a duplicate confirmation within 30 s made the payment successful")
			})

			It("declines a second confirmation within 30 s by default (skip_duplicate_check absent)", s.Req("PSG-DUP-002"), func(ctx SpecContext) {
				code := afterWrong(ctx)
				res := conformance.Must(cl.Confirm(ctx, uid, paysage.Confirm(code, nil)))
				conformance.Declined(res, "transaction.status")
				Expect(statusOf(ctx, cl, uid)).NotTo(Equal("successful"), "a duplicate confirmation within 30 s made the payment successful")
			})

			It("processes a second confirmation within 30 s when skip_duplicate_check is true", s.Req("PSG-DUP-003"), func(ctx SpecContext) {
				code := afterWrong(ctx)
				res := conformance.Must(cl.Confirm(ctx, uid, paysage.Confirm(code, &yes)))
				conformance.Conforms(res, http.StatusOK)
				Expect(res.String("transaction.status")).To(Equal("successful"), "skip_duplicate_check: true did not let the right OTP through\n%s", res.Describe())
				Expect(statusOf(ctx, cl, uid)).To(Equal("successful"))
			})

			It("processes a confirmation sent 30 s or more after the previous one", s.Req("PSG-DUP-004"), Label("slow"), func(ctx SpecContext) {
				code := afterWrong(ctx)
				Expect(t.Clock.Advance(ctx, 31*time.Second)).To(Succeed())
				res := conformance.Must(cl.Confirm(ctx, uid, paysage.Confirm(code, nil)))
				conformance.Conforms(res, http.StatusOK)
				Expect(res.String("transaction.status")).To(Equal("successful"), "a confirmation after the 30 s window was declined\n%s", res.Describe())
				Expect(statusOf(ctx, cl, uid)).To(Equal("successful"))
			})
		})
	})
}
