package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/money"
	"github.com/paycert/paycert/harness/otp"
	"github.com/paycert/paycert/harness/receiver"
	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/requirements"
	"github.com/paycert/paycert/harness/validate"
)

// TranscriptEntry names the report entry that carries a spec's recorded exchanges to
// ReportAfterSuite, across parallel processes.
const TranscriptEntry = "paycert-transcript"

// RelianceEntry names the report entry that marks a step of a spec relying on another
// requirement's behaviour (T.Relies): its value is the requirement's ID while the step runs and
// "" after it.
const RelianceEntry = "paycert-relies-on"

// T is one spec's view of the session: its own recorder, redaction scope and webhook inbox.
type T struct {
	*Session
	// Redactor is the spec's scope of the run's redactor: the OTPs issued in the spec are
	// numbered in it, so that its transcript shows which code was sent.
	Redactor *record.Redactor
	Rec      *record.Recorder
	inbox    *receiver.Inbox
}

// Begin starts a spec: it skips the spec, as not applicable and with the reason, when the target
// lacks a capability its requirements need, and arranges for the spec's exchanges to reach the
// report.
func (s *Session) Begin() *T {
	ginkgo.GinkgoHelper()
	if s == nil {
		ginkgo.Fail("the suite did not set up (see the BeforeSuite failure)")
	}
	s.skipUnlessCapable(ginkgo.CurrentSpecReport().Labels())
	scope := s.Redactor.Scope()
	t := &T{Session: s, Redactor: scope, Rec: record.NewRecorder(scope)}
	s.specRedactor = scope
	ginkgo.DeferCleanup(func() {
		s.specRedactor = nil
		xs := t.Rec.Exchanges()
		if len(xs) == 0 {
			return
		}
		data, err := json.Marshal(xs)
		if err != nil {
			ginkgo.Fail(fmt.Sprintf("encode transcript: %v", err))
		}
		ginkgo.AddReportEntry(TranscriptEntry, string(data), ginkgo.ReportEntryVisibilityNever)
	})
	return t
}

func (s *Session) skipUnlessCapable(labels []string) {
	var reasons []string
	seen := map[string]bool{}
	for _, l := range labels {
		r, ok := s.Catalogue.Get(l)
		if !ok {
			continue
		}
		for _, need := range r.Needs {
			if why := s.missing[need]; why != "" && !seen[need] {
				seen[need] = true
				reasons = append(reasons, why)
			}
		}
	}
	if len(reasons) > 0 {
		sort.Strings(reasons)
		ginkgo.Skip(report.NotApplicablePrefix + strings.Join(reasons, "; "))
	}
}

// SkipUnlessLiveMoney skips the spec as not applicable when the money guard lets only payments in
// test mode reach the target: the spec sends a payment without test mode on purpose.
func (t *T) SkipUnlessLiveMoney() {
	ginkgo.GinkgoHelper()
	if t.MoneyRule == money.TestMode {
		ginkgo.Skip(report.NotApplicablePrefix + "the spec sends a payment without test mode, and the money guard lets only payments in test mode reach " +
			t.Provider.URL + " (" + money.AllowLiveSetting + " and " + money.MaxAmountSetting + " allow live payments)")
	}
}

// Inbox is the spec's own webhook inbox (made on first use).
func (t *T) Inbox() *receiver.Inbox {
	ginkgo.GinkgoHelper()
	if t.Receiver == nil {
		ginkgo.Skip(report.NotApplicablePrefix + t.missing[CapCallbacks])
	}
	if t.inbox == nil {
		t.inbox = t.Receiver.NewInbox(t.Suite.Name)
	}
	return t.inbox
}

// OTPFor returns the OTP sent for a transaction and makes it a secret of the run, so that it is
// masked wherever it would be written.
func (t *T) OTPFor(ctx context.Context, transaction, phone string) string {
	ginkgo.GinkgoHelper()
	if t.OTP == nil {
		ginkgo.Skip(report.NotApplicablePrefix + t.missing[CapOTP])
	}
	code, err := t.OTP.OTP(ctx, otp.Request{Provider: t.Suite.Provider, Transaction: transaction, Phone: phone})
	if err != nil {
		stopOnHarnessError(err)
		ginkgo.Fail(fmt.Sprintf("no OTP for transaction %s from the %s: %v", transaction, t.OTP.Describe(), t.Redactor.String(err.Error())))
	}
	t.Redactor.AddOTP(code)
	return code
}

// Relies runs a step of the spec that relies on the behaviour another requirement states (a
// payment that is pending after its creation, a wrong OTP that is declined) to set up what the
// spec is about. A spec that fails inside the step is reported as failing because of that
// requirement: its own requirements are listed under that one, "also failed, probably because
// of", instead of above it.
func (t *T) Relies(id string, step func()) {
	ginkgo.GinkgoHelper()
	if _, ok := t.Catalogue.Get(id); !ok {
		ginkgo.Fail(fmt.Sprintf("harness error: Relies names %s, which is not in the catalogue %s", id, t.Catalogue.Name))
	}
	ginkgo.AddReportEntry(RelianceEntry, id, ginkgo.ReportEntryVisibilityNever)
	step()
	ginkgo.AddReportEntry(RelianceEntry, "", ginkgo.ReportEntryVisibilityNever)
}

// Req labels a spec with requirement IDs and their flows. An ID that is not in the catalogue
// stops the suite at tree construction.
func Req(cat *requirements.Catalogue, ids ...string) ginkgo.Labels {
	var out ginkgo.Labels
	flows := map[string]bool{}
	for _, id := range ids {
		r, ok := cat.Get(id)
		if !ok {
			panic(fmt.Sprintf("requirement %s is not in the catalogue %s", id, cat.Name))
		}
		out = append(out, id)
		if !flows[r.Flow] {
			flows[r.Flow] = true
			out = append(out, r.Flow)
		}
	}
	return out
}

// FailHandler returns a Ginkgo fail handler that adds, to every failure, the requirements the
// failing spec is labelled with: ID, level, paraphrase and the document section. It removes the
// run's secrets, OTPs and phone numbers from the message first (session returns the suite's
// session, nil before it is set up).
func FailHandler(cat *requirements.Catalogue, session func() *Session) func(string, ...int) {
	return func(message string, callerSkip ...int) {
		if s := session(); s != nil {
			message = s.redactor().String(message)
		}
		skip := 1
		if len(callerSkip) > 0 {
			skip += callerSkip[0]
		}
		var b strings.Builder
		b.WriteString(message)
		for _, l := range ginkgo.CurrentSpecReport().Labels() {
			if r, ok := cat.Get(l); ok {
				fmt.Fprintf(&b, "\n\nRequirement %s (%s): %s\n  source: %s", r.ID, r.Level, r.Text, r.Source)
			}
		}
		ginkgo.Fail(b.String(), skip)
	}
}

// Doer sends requests for the suite's provider, recorded in the spec's transcript.
func (t *T) Doer() *exchange.Doer {
	return &exchange.Doer{Provider: t.Suite.Provider, BaseURL: t.Provider.URL, HTTP: t.HTTP, Spec: t.Spec, Recorder: t.Rec}
}

// RecordInbound checks a callback the target sent against the spec's callback operation op and
// keeps it in the transcript; it returns what the check found.
func (t *T) RecordInbound(op string, d receiver.Delivery) validate.Findings {
	ginkgo.GinkgoHelper()
	contentType, body := d.Message()
	findings, err := t.Spec.CheckCaptured(op, 0, nil, contentType, body)
	if err != nil {
		ginkgo.Fail(fmt.Sprintf("harness error: %v", err))
	}
	t.Rec.Add(record.Raw{
		Provider: t.Suite.Provider, Operation: op, Direction: record.Inbound, Started: d.Received,
		Method: d.Method, URL: d.Path + query(d.Query), RequestHeader: d.Header, RequestBody: d.Body, Findings: findings,
		Status: d.Answer.Status, ResponseHeader: http.Header{"Content-Type": {d.Answer.ContentType}}, ResponseBody: d.Answer.Body,
	})
	return findings
}

func query(raw string) string {
	if raw == "" {
		return ""
	}
	return "?" + raw
}

// Webhook is a delivery to the spec's inbox, decoded, with what the spec found in its body.
type Webhook struct {
	receiver.Delivery
	Value    any
	Findings validate.Findings
}

// AwaitWebhook waits, within the wait bound, for a delivery to the spec's inbox whose value at
// path satisfies match. Every delivery that arrived is checked against the callback operation op
// and kept in the transcript, once; when none matches, the spec fails with how many came.
func (t *T) AwaitWebhook(ctx context.Context, op, path string, match func(string) bool) Webhook {
	ginkgo.GinkgoHelper()
	inbox := t.Inbox()
	wctx, cancel := t.WaitContext(ctx, "a webhook with a matching "+path)
	defer cancel()
	d, err := inbox.Await(wctx, func(d receiver.Delivery) bool {
		v, _ := validate.DecodeBody(d.Header.Get("Content-Type"), d.Body)
		return match(jsondoc.String(v, path))
	})
	all := inbox.All()
	var found Webhook
	for _, got := range all {
		findings := t.RecordInbound(op, got)
		if err == nil && found.Body == nil && got.Received.Equal(d.Received) && string(got.Body) == string(d.Body) {
			v, _ := validate.DecodeBody(got.Header.Get("Content-Type"), got.Body)
			found = Webhook{Delivery: got, Value: v, Findings: findings}
		}
	}
	if err != nil {
		ginkgo.Fail(fmt.Sprintf("no webhook with a matching %s reached notification_url (%d deliveries): %v", path, len(all), err))
	}
	return found
}
