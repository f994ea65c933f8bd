package conformance

import (
	"fmt"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/paycert/paycert/harness/exchange"
)

// Must stops the spec when the harness itself failed to send a request (an error, not a
// finding about the target).
func Must(res *exchange.Result, err error) *exchange.Result {
	ginkgo.GinkgoHelper()
	if err != nil {
		ginkgo.Fail(fmt.Sprintf("harness error: %v", err))
	}
	stopOnHarnessError(res.Err)
	return res
}

// Answered asserts that an answer came: no connection error, timeout, reset or cut body.
func Answered(res *exchange.Result) {
	ginkgo.GinkgoHelper()
	stopOnHarnessError(res.Err)
	gomega.Expect(res.Err).NotTo(gomega.HaveOccurred(), "the target did not answer\n%s", res.Describe())
}

// Conforms asserts that the target answered with the wanted status and an answer that matches
// the spec (the request may be wrong on purpose; only the answer is judged).
func Conforms(res *exchange.Result, status int) {
	ginkgo.GinkgoHelper()
	Answered(res)
	gomega.Expect(res.Status).To(gomega.Equal(status), "want status %d\n%s", status, res.Describe())
	gomega.Expect(answerFindings(res)).To(gomega.BeEmpty(), "the answer does not match the spec\n%s", res.Describe())
}

// Refused asserts that the target refused the request with a 4xx status and the documented error
// body.
func Refused(res *exchange.Result) {
	ginkgo.GinkgoHelper()
	Answered(res)
	gomega.Expect(res.Status).To(gomega.SatisfyAll(gomega.BeNumerically(">=", 400), gomega.BeNumerically("<", 500)),
		"want the request refused with a 4xx status and the error body\n%s", res.Describe())
	gomega.Expect(answerFindings(res)).To(gomega.BeEmpty(), "the refusal does not match the spec's error body\n%s", res.Describe())
}

// answerFindings are the findings about the answer (those about a deliberately bad request are
// left out).
func answerFindings(res *exchange.Result) []string {
	var out []string
	req := map[string]bool{}
	for _, f := range res.RequestFindings {
		req["request "+f.Where+f.Message] = true
	}
	for _, f := range res.Findings {
		if req[f.Where+f.Message] {
			continue
		}
		out = append(out, f.String())
	}
	return out
}

// Declined asserts that a request was not carried out: refused with a 4xx status and the error
// body, or answered 200 with a transaction whose status (at statusPath) says so, failed or error.
// The documents do not say which of the two a provider uses (errata ERR-PSG-002, ERR-PSG-004); a
// pending answer has decided nothing yet and is not a decline.
func Declined(res *exchange.Result, statusPath string) {
	ginkgo.GinkgoHelper()
	Answered(res)
	if res.Status >= 400 {
		Refused(res)
		return
	}
	Conforms(res, 200)
	gomega.Expect(res.String(statusPath)).To(gomega.BeElementOf("failed", "error"), "want the request declined (status failed or error, or a 4xx error body), got %s %q\n%s", statusPath, res.String(statusPath), res.Describe())
}
