package begateway

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	bgw "github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/jsondoc"
)

// Provider is what the shared specs need from a beGateway provider suite.
type Provider struct {
	// Handle is the declared suite; its catalogue must hold the BGW requirements.
	Handle *conformance.Handle
	// NewPayment returns a valid payment request of the provider's method for the spec t, with
	// notification_url when it is not empty.
	NewPayment func(t *conformance.T, notificationURL string) jsondoc.Doc
	// Complete makes a pending payment successful the way the provider does it (PaySage: confirm
	// with the OTP; bePaid: wait for MTS Money to process it).
	Complete func(ctx context.Context, t *conformance.T, cl *bgw.Client, uid string, payment jsondoc.Doc)
	// PendingFor is how long a new payment stays pending by itself before the provider finishes
	// it (bePaid MTS Money); 0 means until the customer completes it. The expiry spec sets
	// expired_at within it.
	PendingFor time.Duration
}

// Client is the spec's beGateway client, with the shop's credentials.
func Client(t *conformance.T) *bgw.Client {
	return bgw.New(t.Doer(), bgw.Credentials{ShopID: t.Provider.AccountID, SecretKey: t.Provider.SecretKey})
}

// final statuses of a beGateway payment.
var final = map[string]bool{"successful": true, "failed": true, "expired": true, "error": true}

// DescribeTransactionAPI declares the shared specs.
func DescribeTransactionAPI(p Provider) bool {
	req := p.Handle.Req

	return Describe("beGateway transaction API", func() {
		var (
			t  *conformance.T
			cl *bgw.Client
		)
		conformance.Each(p.Handle, &t, &cl, Client)

		create := func(ctx context.Context, body jsondoc.Doc) string {
			GinkgoHelper()
			res := conformance.Must(cl.CreatePayment(ctx, body))
			conformance.Conforms(res, http.StatusOK)
			uid := res.String("transaction.uid")
			Expect(uid).NotTo(BeEmpty(), "the payment answer has no transaction.uid\n%s", res.Describe())
			return uid
		}

		// successful makes a payment and completes it; it returns its uid and amount.
		successful := func(ctx context.Context) (string, int64) {
			GinkgoHelper()
			body := p.NewPayment(t, "")
			uid := create(ctx, body)
			p.Complete(ctx, t, cl, uid, body)
			amount, _ := jsondoc.Int(body, "request.amount")
			return uid, amount
		}

		// stillRefundable asserts that a refused request refunded nothing: the full refund of the
		// payment is accepted after it.
		stillRefundable := func(ctx context.Context, uid string, amount int64) {
			GinkgoHelper()
			t.Relies("BGW-REFUND-002", func() {
				res := conformance.Must(cl.Refund(ctx, bgw.RefundRequest(uid, amount, "customer asked")))
				conformance.Conforms(res, http.StatusOK)
				ExpectStatus(res, "transaction", "successful", "after a refused refund request the full refund was not accepted: the refused one refunded the payment")
			})
		}

		Context("authentication", func() {
			It("refuses wrong shop credentials and makes no transaction", req("BGW-AUTH-001", "BGW-ERR-001"), func(ctx SpecContext) {
				body := p.NewPayment(t, "")
				Unauthenticated(ctx, t, cl, bgw.Call{Op: bgw.OpCreatePayment, Body: body}, WrongSecret)

				tracking := jsondoc.String(body, "request.tracking_id")
				list := conformance.Must(cl.ByTrackingID(ctx, tracking))
				conformance.Conforms(list, http.StatusOK)
				_, made := jsondoc.Get(list.Value, "transactions.0")
				Expect(made).To(BeFalse(), "a refused request made a transaction\n%s", list.Describe())
			})

			It("refuses a request without credentials", req("BGW-AUTH-001", "BGW-ERR-001"), func(ctx SpecContext) {
				Unauthenticated(ctx, t, cl, bgw.Call{Op: bgw.OpCreatePayment, Body: p.NewPayment(t, "")}, NoCredentials)
			})
		})

		DescribeTable("refuses a payment with a broken generic field",
			func(ctx SpecContext, breakIt Edit) {
				body := p.NewPayment(t, "")
				breakIt(body)
				res := conformance.Must(cl.CreatePayment(ctx, body))
				conformance.Refused(res)
			},
			Entry("amount missing", req("BGW-PAY-001", "BGW-ERR-001"), Delete("request.amount")),
			Entry("amount as a string", req("BGW-PAY-001", "BGW-ERR-001"), Set("request.amount", "1000")),
			Entry("amount with a fraction", req("BGW-PAY-001", "BGW-ERR-001"), Set("request.amount", 10.5)),
			Entry("currency missing", req("BGW-PAY-002", "BGW-ERR-001"), Delete("request.currency")),
			Entry("description missing", req("BGW-PAY-003", "BGW-ERR-001"), Delete("request.description")),
			Entry("description of 256 characters", req("BGW-PAY-003", "BGW-ERR-001"), Set("request.description", strings.Repeat("d", 256))),
			Entry("method.type missing", req("BGW-PAY-004", "BGW-ERR-001"), Delete("request.method.type")),
		)

		It("accepts a description of 255 characters", req("BGW-PAY-003"), func(ctx SpecContext) {
			body := p.NewPayment(t, "")
			Set("request.description", strings.Repeat("d", 255))(body)
			create(ctx, body)
		})

		// echoing is a payment whose echoed fields are not the defaults: its test flag as given and
		// language ru.
		echoing := func(test bool) jsondoc.Doc {
			if !test {
				t.SkipUnlessLiveMoney()
			}
			body := p.NewPayment(t, "")
			Set("request.test", test)(body)
			Set("request.language", "ru")(body)
			return body
		}
		testFlags := func(ids ...string) []TableEntry {
			return []TableEntry{Entry("test true", req(ids...), true), Entry("test false", req(ids...), false)}
		}

		DescribeTable("answers an accepted payment with the transaction object, echoing the request",
			func(ctx SpecContext, test bool) {
				body := echoing(test)
				res := conformance.Must(cl.CreatePayment(ctx, body))
				conformance.Conforms(res, http.StatusOK)
				ExpectEcho(res, "transaction", body)
			},
			testFlags("BGW-PAY-005", "BGW-PAY-006"),
		)

		DescribeTable("answers the status queries with the values the request gave",
			func(ctx SpecContext, test bool) {
				body := echoing(test)
				uid := create(ctx, body)
				res := conformance.Must(cl.Transaction(ctx, uid))
				conformance.Conforms(res, http.StatusOK)
				ExpectEcho(res, "transaction", body)

				list := conformance.Must(cl.ByTrackingID(ctx, jsondoc.String(body, "request.tracking_id")))
				conformance.Conforms(list, http.StatusOK)
				Expect(list.String("transactions.0.uid")).To(Equal(uid), "the tracking_id's only payment is not listed\n%s", list.Describe())
				ExpectEcho(list, "transactions.0", body)
			},
			testFlags("BGW-PAY-008"),
		)

		Context("requests that are no request of the API", func() {
			// noPayment asserts that no payment carries the tracking_id of body.
			noPayment := func(ctx context.Context, body jsondoc.Doc) {
				GinkgoHelper()
				list := conformance.Must(cl.ByTrackingID(ctx, jsondoc.String(body, "request.tracking_id")))
				conformance.Conforms(list, http.StatusOK)
				Expect(list.Has("transactions.0")).To(BeFalse(), "a refused request made a payment\n%s", list.Describe())
			}

			DescribeTable("refuses a payment body that is no request, and makes no payment",
				func(ctx SpecContext, u Unreadable) {
					body := p.NewPayment(t, "")
					SendUnreadable(ctx, cl, bgw.Call{Op: bgw.OpCreatePayment}, body, u)
					noPayment(ctx, body)
				},
				UnreadableEntries(req),
			)

			DescribeTable("refuses a refund body that is no request, and refunds nothing",
				func(ctx SpecContext, u Unreadable) {
					uid, amount := successful(ctx)
					SendUnreadable(ctx, cl, bgw.Call{Op: bgw.OpRefund}, bgw.RefundRequest(uid, amount, "customer asked"), u)
					stillRefundable(ctx, uid, amount)
				},
				UnreadableEntries(req),
			)
		})

		Context("authentication of every other operation", func() {
			DescribeTable("refuses the operation and does nothing",
				func(ctx SpecContext, op string, how Credentials) {
					body := p.NewPayment(t, "")
					uid := create(ctx, body)
					call := bgw.Call{Op: op}
					switch op {
					case bgw.OpTransaction:
						call.PathParams = map[string]string{"uid": uid}
					case bgw.OpByTrackingID:
						call.PathParams = map[string]string{"tracking_id": jsondoc.String(body, "request.tracking_id")}
					case bgw.OpRefund:
						amount, _ := jsondoc.Int(body, "request.amount")
						call.Body = bgw.RefundRequest(uid, amount, "customer asked")
					}
					res := Unauthenticated(ctx, t, cl, call, how)
					Expect(res.Has("transaction") || res.Has("transactions")).To(BeFalse(), "a refused request was answered with transactions\n%s", res.Describe())
				},
				Entry("status query by uid without credentials", req("BGW-AUTH-002", "BGW-ERR-001"), bgw.OpTransaction, NoCredentials),
				Entry("status query by uid with wrong credentials", req("BGW-AUTH-002", "BGW-ERR-001"), bgw.OpTransaction, WrongSecret),
				Entry("status query by tracking_id without credentials", req("BGW-AUTH-002", "BGW-ERR-001"), bgw.OpByTrackingID, NoCredentials),
				Entry("status query by tracking_id with wrong credentials", req("BGW-AUTH-002", "BGW-ERR-001"), bgw.OpByTrackingID, WrongSecret),
				Entry("refund without credentials", req("BGW-AUTH-002", "BGW-ERR-001"), bgw.OpRefund, NoCredentials),
				Entry("refund with wrong credentials", req("BGW-AUTH-002", "BGW-ERR-001"), bgw.OpRefund, WrongSecret),
			)

			It("refuses a refund of a successful payment without credentials, and refunds nothing", req("BGW-AUTH-002", "BGW-ERR-001"), func(ctx SpecContext) {
				uid, amount := successful(ctx)
				Unauthenticated(ctx, t, cl, bgw.Call{Op: bgw.OpRefund, Body: bgw.RefundRequest(uid, amount, "customer asked")}, NoCredentials)
				stillRefundable(ctx, uid, amount)
			})
		})

		Context("status query", func() {
			It("answers the current status by uid", req("BGW-STATUS-001"), func(ctx SpecContext) {
				uid := create(ctx, p.NewPayment(t, ""))
				res := conformance.Must(cl.Transaction(ctx, uid))
				conformance.Conforms(res, http.StatusOK)
				Expect(res.String("transaction.uid")).To(Equal(uid), "the status query answered another transaction\n%s", res.Describe())
				ExpectStatus(res, "transaction", "pending", "a new payment's status is not pending")
			})

			// twoWithOneTrackingID makes two payments with one tracking_id, a second apart.
			twoWithOneTrackingID := func(ctx context.Context) (tracking, older, newer string) {
				GinkgoHelper()
				first, second := p.NewPayment(t, ""), p.NewPayment(t, "")
				tracking = jsondoc.String(first, "request.tracking_id")
				Set("request.tracking_id", tracking)(second)
				older = create(ctx, first)
				Expect(t.Clock.Advance(ctx, time.Second)).To(Succeed())
				newer = create(ctx, second)
				return tracking, older, newer
			}

			It("answers the payments of a tracking_id", req("BGW-STATUS-002"), func(ctx SpecContext) {
				tracking, older, newer := twoWithOneTrackingID(ctx)
				res := conformance.Must(cl.ByTrackingID(ctx, tracking))
				conformance.Conforms(res, http.StatusOK)
				var uids []string
				for i := 0; res.Has(fmt.Sprintf("transactions.%d", i)); i++ {
					uids = append(uids, res.String(fmt.Sprintf("transactions.%d.uid", i)))
					// Neither is completed: each is listed with its current status, pending.
					ExpectStatus(res, fmt.Sprintf("transactions.%d", i), "pending", "a payment nobody completed, in the tracking_id's list")
				}
				Expect(uids).To(ConsistOf(older, newer), "the answer does not hold exactly the two payments of the tracking_id\n%s", res.Describe())
			})

			It("lists the payments of a tracking_id newest first", req("BGW-STATUS-004"), func(ctx SpecContext) {
				tracking, older, newer := twoWithOneTrackingID(ctx)
				res := conformance.Must(cl.ByTrackingID(ctx, tracking))
				conformance.Conforms(res, http.StatusOK)
				Expect(res.String("transactions.0.uid")).To(Equal(newer), "the newest payment is not first\n%s", res.Describe())
				Expect(res.String("transactions.1.uid")).To(Equal(older), "the older payment is not second\n%s", res.Describe())
			})

			It("answers 404 with the error body for an unknown uid", req("BGW-STATUS-003", "BGW-ERR-001"), func(ctx SpecContext) {
				res := conformance.Must(cl.Transaction(ctx, "00000000-0000-4000-8000-000000000000"))
				conformance.Refused(res)
				Expect(res.Status).To(Equal(http.StatusNotFound), "want 404 for an unknown uid\n%s", res.Describe())
			})

			It("expires a payment that is not completed by expired_at", req("BGW-PAY-007"), Label("slow"), func(ctx SpecContext) {
				now := time.Now()
				if t.Control != nil {
					var err error
					now, err = t.Control.Now(ctx)
					Expect(err).NotTo(HaveOccurred())
				}
				lead := time.Minute
				if p.PendingFor > 0 {
					lead = p.PendingFor / 2
				}
				body := p.NewPayment(t, "")
				Set("request.expired_at", now.Add(lead).Format("2006-01-02T15:04:05-07:00"))(body)
				uid := create(ctx, body)
				Expect(t.Clock.Advance(ctx, lead+time.Second)).To(Succeed())
				// A provider may expire payments in a background job: poll until the wait runs out.
				res := AwaitStatus(ctx, t, cl, uid, Final)
				ExpectStatus(res, "transaction", "expired", "the payment did not expire at expired_at")
			})
		})

		Context("webhooks", func() {
			// finished makes a payment, completes it and awaits its final webhook; completing is
			// when the spec began to complete it.
			finished := func(ctx context.Context) (hook conformance.Webhook, uid string, body jsondoc.Doc, completing time.Time) {
				GinkgoHelper()
				body = p.NewPayment(t, t.Inbox().URL())
				uid = create(ctx, body)
				completing = time.Now()
				p.Complete(ctx, t, cl, uid, body)
				hook = t.AwaitWebhook(ctx, bgw.OpWebhook, "transaction.status", Final)
				return hook, uid, body, completing
			}

			It("sends the finished transaction to notification_url with the shop's Basic credentials", req("BGW-NOTIFY-001", "BGW-NOTIFY-002"), func(ctx SpecContext) {
				d, uid, body, completing := finished(ctx)
				ExpectWebhooks(t, uid, "successful", completing)
				Expect(d.Findings).To(BeEmpty(), "the webhook body is not a transaction answer")
				Expect(jsondoc.String(d.Value, "transaction.uid")).To(Equal(uid), "the webhook is about another transaction")
				for _, k := range []string{"currency", "description", "tracking_id", "language"} {
					Expect(jsondoc.String(d.Value, "transaction."+k)).To(Equal(jsondoc.String(body, "request."+k)), "the webhook's transaction.%s is not the payment's", k)
				}
				check := bgw.VerifyWebhook(d.Header, d.Body, bgw.Credentials{ShopID: t.Provider.AccountID, SecretKey: t.Provider.SecretKey}, t.WebhookKey)
				Expect(check.Basic).To(BeTrue(), "the webhook's Authorization header does not carry the shop ID and secret key")
			})

			It("signs every webhook with the shop's RSA key (Content-Signature)", req("BGW-NOTIFY-003"), func(ctx SpecContext) {
				_, _, _, _ = finished(ctx)
				for i, d := range t.Inbox().All() {
					check := bgw.VerifyWebhook(d.Header, d.Body, bgw.Credentials{ShopID: t.Provider.AccountID, SecretKey: t.Provider.SecretKey}, t.WebhookKey)
					Expect(check.SignatureErr).NotTo(HaveOccurred(), "webhook %d of %d: Content-Signature", i+1, len(t.Inbox().All()))
				}
			})
		})

		Context("refunds", func() {
			It("refuses a refund without a reason", req("BGW-REFUND-001", "BGW-ERR-001"), func(ctx SpecContext) {
				uid, amount := successful(ctx)
				body := bgw.RefundRequest(uid, amount, "x")
				jsondoc.Delete(body, "request.reason")
				res := conformance.Must(cl.Refund(ctx, body))
				conformance.Refused(res)
			})

			It("answers a refund with a refund transaction of the payment", req("BGW-REFUND-002"), func(ctx SpecContext) {
				uid, amount := successful(ctx)
				res := conformance.Must(cl.Refund(ctx, bgw.RefundRequest(uid, amount, "customer asked")))
				conformance.Conforms(res, http.StatusOK)
				Expect(res.String("transaction.type")).To(Equal("refund"), "%s", res.Describe())
				Expect(res.String("transaction.parent_uid")).To(Equal(uid), "%s", res.Describe())
			})
		})
	})
}
