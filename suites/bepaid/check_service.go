package bepaid

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	bgw "github.com/paycert/paycert/harness/begateway"
	"github.com/paycert/paycert/harness/bepaid"
	"github.com/paycert/paycert/harness/conformance"
	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/suites/begateway"
)

// checkResult is what document 004 says a service check finds: v2's service_activated and
// validation.operator (nil for JSON null), and v3's status.
type checkResult struct {
	activated any
	operator  any
	v3Status  string
}

var (
	activated = checkResult{activated: true, operator: "mts", v3Status: "successful"}
	inactive  = checkResult{activated: false, operator: "mts", v3Status: "failed"}
	invalid   = checkResult{activated: nil, operator: nil, v3Status: "failed"}
)

// expectCheck asserts that a service check answered in the shape of version, with the result
// want.
func expectCheck(res *exchange.Result, version string, want checkResult) {
	GinkgoHelper()
	conformance.Conforms(res, http.StatusOK)
	if version == bepaid.V3 {
		Expect(res.String("status")).To(Equal(want.v3Status), "v3 status\n%s", res.Describe())
		return
	}
	got, present := jsondoc.Get(res.Value, "service_activated")
	Expect(present).To(BeTrue(), "v2 answer without service_activated\n%s", res.Describe())
	Expect(got).To(equalOrNull(want.activated), "v2 service_activated\n%s", res.Describe())
	op, _ := jsondoc.Get(res.Value, "validation.operator")
	Expect(op).To(equalOrNull(want.operator), "v2 validation.operator\n%s", res.Describe())
}

// v2Processed are the messages of a v2 check of an MTS number (document 004, the first two v2
// examples).
var v2Processed = map[string]string{"message": "Request successfully processed", "validation.message": "Request successfully processed"}

// checkCall is a service check of the activated test number in API version version, with the
// shop's credentials.
func checkCall(version string) bgw.Call {
	return bgw.Call{Op: bepaid.OpCheckService, Body: bepaid.CheckRequest(bepaid.PhoneActivated, true), Header: http.Header{"X-Api-Version": {version}}}
}

// equalOrNull matches v, or JSON null when v is nil.
func equalOrNull(v any) OmegaMatcher {
	if v == nil {
		return BeNil()
	}
	return Equal(v)
}

// Document 004, Service activation check, and Testing (check request result).
func (s specs) serviceCheck() bool {
	return Describe("bePaid MTS Money service activation check", func() {
		var (
			t  *conformance.T
			cl *bgw.Client
		)
		conformance.Each(s.Handle, &t, &cl, begateway.Client)

		DescribeTable("answers the test phone numbers as the Testing table says",
			func(ctx SpecContext, version, phone string, want checkResult) {
				res := conformance.Must(bepaid.CheckService(ctx, cl, version, bepaid.CheckRequest(phone, true)))
				expectCheck(res, version, want)
			},
			Entry("v2, 375295222222: service activated", s.Req("BPD-TEST-001", "BPD-CHECK-001"), bepaid.V2, bepaid.PhoneActivated, activated),
			Entry("v3, 375295222222: service activated", s.Req("BPD-TEST-001", "BPD-CHECK-002"), bepaid.V3, bepaid.PhoneActivated, activated),
			Entry("v2, 375295111111: service inactive", s.Req("BPD-TEST-002", "BPD-CHECK-001"), bepaid.V2, bepaid.PhoneInactive, inactive),
			Entry("v3, 375295111111: service inactive", s.Req("BPD-TEST-002", "BPD-CHECK-002"), bepaid.V3, bepaid.PhoneInactive, inactive),
			Entry("v2, 375444111111: invalid phone number", s.Req("BPD-TEST-003", "BPD-CHECK-001"), bepaid.V2, bepaid.PhoneInvalid, invalid),
			Entry("v3, 375444111111: invalid phone number", s.Req("BPD-TEST-003", "BPD-CHECK-002"), bepaid.V3, bepaid.PhoneInvalid, invalid),
			Entry("v2, 375290000000: MTS, service activated", s.Req("BPD-TEST-004", "BPD-CHECK-001"), bepaid.V2, bepaid.PhoneInsufficientFunds, activated),
			Entry("v3, 375290000000: MTS, service activated", s.Req("BPD-TEST-004", "BPD-CHECK-002"), bepaid.V3, bepaid.PhoneInsufficientFunds, activated),
		)

		DescribeTable("answers the documented v3 code of every test number",
			func(ctx SpecContext, phone, code string) {
				res := conformance.Must(bepaid.CheckService(ctx, cl, bepaid.V3, bepaid.CheckRequest(phone, true)))
				conformance.Conforms(res, http.StatusOK)
				Expect(res.String("code")).To(Equal(code), "v3 code of %s\n%s", phone, res.Describe())
			},
			Entry("375295222222: S.0000, service activated", s.Req("BPD-CHECK-005"), bepaid.PhoneActivated, "S.0000"),
			Entry("375290000000: S.0000, service activated", s.Req("BPD-CHECK-005"), bepaid.PhoneInsufficientFunds, "S.0000"),
			Entry("375295111111: F.0202, an MTS number without the service", s.Req("BPD-CHECK-007"), bepaid.PhoneInactive, "F.0202"),
			Entry("375444111111: F.0213, not a valid MTS number", s.Req("BPD-CHECK-008"), bepaid.PhoneInvalid, "F.0213"),
		)

		DescribeTable("answers the documented messages of the test numbers",
			func(ctx SpecContext, version, phone string, want map[string]string) {
				res := conformance.Must(bepaid.CheckService(ctx, cl, version, bepaid.CheckRequest(phone, true)))
				conformance.Conforms(res, http.StatusOK)
				for path, msg := range want {
					Expect(res.String(path)).To(Equal(msg), "v%s %s of %s\n%s", version, path, phone, res.Describe())
				}
			},
			Entry("v2, 375295222222", s.Req("BPD-CHECK-009"), bepaid.V2, bepaid.PhoneActivated, v2Processed),
			Entry("v2, 375295111111", s.Req("BPD-CHECK-009"), bepaid.V2, bepaid.PhoneInactive, v2Processed),
			Entry("v3, 375295222222: S.0000", s.Req("BPD-CHECK-009"), bepaid.V3, bepaid.PhoneActivated, map[string]string{
				"message": "The operation was successfully processed", "friendly_message": "Successfully processed"}),
			Entry("v3, 375295111111: F.0202", s.Req("BPD-CHECK-009"), bepaid.V3, bepaid.PhoneInactive, map[string]string{
				"message":          "Account ID not found: Failed to complete the transaction. Check the request parameters.",
				"friendly_message": "Account ID not found: Failed to complete the transaction. Contact the payment method provider for details."}),
			// The document's message has a Cyrillic С in "Сontact" (errata ERR-BPD-014).
			Entry("v3, 375444111111: F.0213", s.Req("BPD-CHECK-009"), bepaid.V3, bepaid.PhoneInvalid, map[string]string{
				"message":          "Not allowed: Contact the payment service provider for details.",
				"friendly_message": "Not allowed: Failed to complete the transaction. Contact the merchant for details or use another payment method."}),
		)

		DescribeTable("answers a phone number of invalid format as a check result",
			func(ctx SpecContext, version string) {
				res := conformance.Must(bepaid.CheckService(ctx, cl, version, bepaid.CheckRequest("+375 (29) 522-22-22", true)))
				expectCheck(res, version, invalid)
			},
			Entry("v2: service_activated and operator null", s.Req("BPD-CHECK-004", "BPD-CHECK-001"), bepaid.V2),
			Entry("v3: status failed", s.Req("BPD-CHECK-004", "BPD-CHECK-002"), bepaid.V3),
		)

		DescribeTable("refuses a check without customer.phone",
			func(ctx SpecContext, version string) {
				body := bepaid.CheckRequest(bepaid.PhoneActivated, true)
				jsondoc.Delete(body, "request.customer.phone")
				res := conformance.Must(bepaid.CheckService(ctx, cl, version, body))
				conformance.Refused(res)
			},
			Entry("v2", s.Req("BPD-CHECK-003", "BGW-ERR-001"), bepaid.V2),
			Entry("v3", s.Req("BPD-CHECK-003", "BGW-ERR-001"), bepaid.V3),
		)

		DescribeTable("refuses a check without the shop's credentials",
			func(ctx SpecContext, version string, how begateway.Credentials) {
				begateway.Unauthenticated(ctx, t, cl, checkCall(version), how)
			},
			Entry("v2 without credentials", s.Req("BPD-CHECK-006", "BGW-ERR-001"), bepaid.V2, begateway.NoCredentials),
			Entry("v2 with wrong credentials", s.Req("BPD-CHECK-006", "BGW-ERR-001"), bepaid.V2, begateway.WrongSecret),
			Entry("v3 without credentials", s.Req("BPD-CHECK-006", "BGW-ERR-001"), bepaid.V3, begateway.NoCredentials),
			Entry("v3 with wrong credentials", s.Req("BPD-CHECK-006", "BGW-ERR-001"), bepaid.V3, begateway.WrongSecret),
		)

		DescribeTable("refuses a check that is no request",
			func(ctx SpecContext, u begateway.Unreadable) {
				begateway.SendUnreadable(ctx, cl, checkCall(bepaid.V2), bepaid.CheckRequest(bepaid.PhoneActivated, true), u)
			},
			begateway.UnreadableEntries(s.Req),
		)

		It("refuses a number outside the test table in test mode", s.Req("BPD-TEST-006"), func(ctx SpecContext) {
			res := conformance.Must(bepaid.CheckService(ctx, cl, bepaid.V2, bepaid.CheckRequest("375291234567", true)))
			conformance.Refused(res)
			_, named := jsondoc.Get(res.Value, "errors.request.customer.phone")
			Expect(named).To(BeTrue(), "the refusal does not name customer.phone\n%s", res.Describe())
		})
	})
}
