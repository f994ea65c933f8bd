package selftest_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"text/tabwriter"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/harness/mutate"
	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/bepaid"
	"github.com/paycert/paycert/harness/sim/freedompay"
	"github.com/paycert/paycert/harness/sim/monetix"
	"github.com/paycert/paycert/harness/sim/paysage"
	"github.com/paycert/paycert/harness/sim/simtest"
	"github.com/paycert/paycert/harness/target"
	"github.com/paycert/paycert/harness/validate"
)

// mutationSetting set to "all" runs every mutation (make selftest); otherwise a sample of one
// mutation of each kind per provider runs.
const mutationSetting = "PAYCERT_MUTATION"

// exceptionsFile lists the mutations no spec catches, each with the reason.
const exceptionsFile = "testdata/mutation-exceptions.yaml"

// suiteFactories are the simulators of each suite's provider.
var suiteFactories = map[string]sim.Factory{paysageSuite: paysage.Factory(), bepaidSuite: bepaid.Factory(), monetixSuite: monetix.Factory(), freedompaySuite: freedompay.Factory()}

// callbackOps names the operation of a callback for a provider with more than one kind.
var callbackOps = map[string]func(mutate.Message) string{
	monetixSuite: func(m mutate.Message) string {
		var doc struct {
			Operation struct {
				Type string `json:"type"`
			} `json:"operation"`
		}
		if json.Unmarshal(m.Body, &doc) == nil && doc.Operation.Type == "refund" {
			return "refundCallback"
		}
		return "purchaseCallback"
	},
}

// outcome is what a mutation's run showed.
type outcome string

const (
	caught      outcome = "caught"
	survived    outcome = "survived"
	unexercised outcome = "unexercised" // no message of the suite's run was changed by it
)

// TestMutationsAreCaught runs each provider's suite against its simulator behind a mutation
// proxy, once per mutation derived from the provider's document, and expects a failed spec for
// each; a mutation that no spec catches (or that no spec's exchange exercises) must be listed in
// testdata/mutation-exceptions.yaml with the reason. It prints the score per provider.
func TestMutationsAreCaught(t *testing.T) {
	all := os.Getenv(mutationSetting) == "all"
	exceptions := readExceptions(t)
	var mu sync.Mutex
	results := map[string]map[string]outcome{}
	start := time.Now()
	// The suites side by side: much of a run is waiting for callbacks that a mutation dropped.
	t.Run("suites", func(t *testing.T) {
		for _, suite := range []string{paysageSuite, bepaidSuite, monetixSuite, freedompaySuite} {
			t.Run(suite, func(t *testing.T) {
				t.Parallel()
				res := mutationRun(t, suite, all, exceptions)
				mu.Lock()
				results[suite] = res
				mu.Unlock()
			})
		}
	})
	t.Logf("mutation score (%s, %s):\n%s", map[bool]string{true: "every mutation", false: "a sample: " + mutationSetting + "=all runs every one"}[all],
		time.Since(start).Round(time.Second), scoreTable(results))
	if all {
		for _, e := range exceptions {
			if !e.used.Load() {
				t.Errorf("%s: the exception %q matches no surviving mutation; remove it", exceptionsFile, e.ID)
			}
		}
	}
}

// mutationRun runs the baseline and the mutations of one suite; it returns each mutation's
// outcome (of those run, when not all).
func mutationRun(t *testing.T, suite string, all bool, exceptions []*exception) map[string]outcome {
	spec, err := validate.Load(paycert.Assets(""), "specs/"+suite+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	mutations, err := mutate.Derive(spec, suite)
	if err != nil {
		t.Fatal(err)
	}
	// The baseline: no mutation, every one probed; which specs exchange which messages.
	proxy, env := startMutant(t, suite, spec, nil, mutations)
	base := runSuiteArgs(t, suite, 3*time.Minute, []string{"-seed", "1"}, env...)
	if base.exit != 0 {
		t.Fatalf("the baseline run behind the proxy exited %d\n%s", base.exit, tail(base.output, 4000))
	}
	applicable := proxy.Applicable()
	touching := specsTouching(t, base)

	out := map[string]outcome{}
	var mu sync.Mutex
	picked := map[mutate.Kind]bool{}
	t.Run("mutants", func(t *testing.T) {
		for _, m := range mutations {
			if !applicable[m.ID] {
				if all {
					out[m.ID] = unexercised
					checkException(t, m.ID, unexercised, exceptions)
				}
				continue
			}
			if !all {
				if picked[m.Kind] {
					continue
				}
				picked[m.Kind] = true
			}
			t.Run(m.ID, func(t *testing.T) {
				t.Parallel()
				got := runMutant(t, suite, spec, m, touching[messageKey(m.Op, m.Status)])
				mu.Lock()
				out[m.ID] = got
				mu.Unlock()
				checkException(t, m.ID, got, exceptions)
			})
		}
	})
	return out
}

// runMutant runs the specs whose exchanges include the mutated message against the simulator
// with the mutation applied.
func runMutant(t *testing.T, suite string, spec *validate.Spec, m mutate.Mutation, requirements []string) outcome {
	t.Helper()
	proxy, env := startMutant(t, suite, spec, &m, nil)
	var args []string
	if len(requirements) > 0 {
		args = []string{"-label-filter", strings.Join(requirements, " || ")}
	}
	r := runSuiteArgs(t, suite, 3*time.Minute, append(args, "-seed", "1"), append(env, "PAYCERT_WAIT_TIMEOUT=1s")...)
	if err := proxy.Err(); err != nil {
		t.Errorf("applying the mutation: %v", err)
	}
	if proxy.Applied() == 0 {
		return unexercised
	}
	if r.exit != 0 {
		return caught
	}
	for _, s := range r.report.Specs {
		if s.Failed() {
			return caught
		}
	}
	return survived
}

// startMutant serves the suite's simulator behind a mutation proxy applying m (nil: none) and
// probing probe, and returns the proxy and the settings that point a run at it.
func startMutant(t *testing.T, suite string, spec *validate.Spec, m *mutate.Mutation, probe []mutate.Mutation) (*mutate.Proxy, []string) {
	t.Helper()
	f := suiteFactories[suite]
	creds := simtest.CredentialsOf(f)
	var signer sim.WebhookSigner
	keys := mutate.Keys{Monetix: creds.Secret, FreedomPay: creds.Secret, Webhook: func(body []byte) (string, error) {
		if signer == nil {
			return "", fmt.Errorf("%s signs no webhooks", suite)
		}
		return signer.SignWebhook(body)
	}}
	proxy, err := mutate.New(mutate.Options{Provider: suite, Spec: spec, Keys: keys, Mutation: m, Probe: probe, CallbackOp: callbackOps[suite]})
	if err != nil {
		t.Fatal(err)
	}
	s, err := sim.New(sim.Options{Seed: 1, Providers: []sim.Factory{f}, Credentials: map[string]sim.Credentials{suite: creds}, CallbackTransport: proxy.Transport()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if p, ok := s.Provider(suite); ok {
		signer, _ = p.(sim.WebhookSigner)
	}
	srv := httptest.NewServer(proxy.Handler(s.Handler()))
	t.Cleanup(srv.Close)
	p := strings.ToUpper(suite)
	return proxy, []string{
		"PAYCERT_TARGET=" + srv.URL + "/" + suite,
		"PAYCERT_CONTROL_URL=" + srv.URL + "/control",
		"PAYCERT_" + p + "_" + target.AccountIDSetting(suite) + "=" + creds.ID,
		"PAYCERT_" + p + "_SECRET_KEY=" + creds.Secret,
	}
}

// messageKey names a message kind: an answer of op with a status, or a callback (status 0).
func messageKey(op string, status int) string { return fmt.Sprintf("%s/%d", op, status) }

// specsTouching reads the baseline's transcripts: the requirement IDs of the specs that
// exchanged each kind of message.
func specsTouching(t *testing.T, r run) map[string][]string {
	t.Helper()
	sets := map[string]map[string]bool{}
	for _, s := range r.report.Specs {
		if s.Transcript == "" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(r.dir, filepath.FromSlash(s.Transcript)))
		if err != nil {
			t.Fatalf("baseline transcript: %v", err)
		}
		var xs []record.Exchange
		if err := json.Unmarshal(data, &xs); err != nil {
			t.Fatalf("baseline transcript %s: %v", s.Transcript, err)
		}
		for _, x := range xs {
			status := 0
			if x.Direction == record.Outbound {
				if x.Response == nil {
					continue
				}
				status = x.Response.Status
			}
			k := messageKey(x.Operation, status)
			if sets[k] == nil {
				sets[k] = map[string]bool{}
			}
			for _, id := range s.Requirements {
				sets[k][id] = true
			}
		}
	}
	out := map[string][]string{}
	for k, set := range sets {
		for id := range set {
			out[k] = append(out[k], id)
		}
		sort.Strings(out[k])
	}
	return out
}

// exception is a recorded, reasoned survivor: ID is a mutation ID, or a pattern of them in which
// * stands for any text, for mutations with the outcome Outcome.
type exception struct {
	ID string `yaml:"id"`
	// Outcome is the outcome excepted: survived (the default) or unexercised.
	Outcome outcome `yaml:"outcome"`
	Reason  string  `yaml:"reason"`
	re      *regexp.Regexp
	used    atomic.Bool
}

func readExceptions(t *testing.T) []*exception {
	t.Helper()
	data, err := os.ReadFile(exceptionsFile)
	if err != nil {
		t.Fatal(err)
	}
	var out []*exception
	if err := yaml.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s: %v", exceptionsFile, err)
	}
	for _, e := range out {
		if e.ID == "" || strings.TrimSpace(e.Reason) == "" {
			t.Fatalf("%s: an exception needs an id and a reason (id %q)", exceptionsFile, e.ID)
		}
		if e.Outcome == "" {
			e.Outcome = survived
		}
		e.re = regexp.MustCompile("^" + strings.ReplaceAll(regexp.QuoteMeta(e.ID), `\*`, ".*") + "$")
	}
	return out
}

// checkException fails the test for a mutation that was not caught and has no exception.
func checkException(t *testing.T, id string, got outcome, exceptions []*exception) {
	t.Helper()
	if got == caught {
		return
	}
	for _, e := range exceptions {
		if e.Outcome == got && e.re.MatchString(id) {
			e.used.Store(true)
			return
		}
	}
	t.Errorf("mutation %s %s: no spec caught it and %s has no exception for it", id, got, exceptionsFile)
}

// scoreTable is the score per provider: the mutations derived, those the run exercised (that
// changed a message some spec exchanged), those caught, the score (caught of exercised: a mutation
// of a message the target never sends, such as an optional field the simulator leaves out, says
// nothing about the specs), and the survivors and the unexercised by kind.
func scoreTable(results map[string]map[string]outcome) string {
	var b strings.Builder
	w := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "provider\tmutations\texercised\tcaught\tscore\tsurvived\tunexercised")
	var survivors []string
	for _, suite := range []string{paysageSuite, bepaidSuite, monetixSuite, freedompaySuite} {
		res := results[suite]
		var n, c, s, u int
		byKind := map[outcome]map[string]int{survived: {}, unexercised: {}}
		for id, o := range res {
			n++
			switch o {
			case caught:
				c++
				continue
			case survived:
				s++
				survivors = append(survivors, id)
			case unexercised:
				u++
			}
			parts := strings.Split(id, "/")
			byKind[o][strings.SplitN(parts[len(parts)-1], ":", 2)[0]]++
		}
		kinds := func(o outcome) string {
			var out []string
			for _, k := range mutate.Kinds() {
				if byKind[o][string(k)] > 0 {
					out = append(out, fmt.Sprintf("%s %d", k, byKind[o][string(k)]))
				}
			}
			if len(out) == 0 {
				return ""
			}
			return " (" + strings.Join(out, ", ") + ")"
		}
		score := 0.0
		if n-u > 0 {
			score = 100 * float64(c) / float64(n-u)
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%.1f%%\t%d%s\t%d%s\n", suite, n, n-u, c, score, s, kinds(survived), u, kinds(unexercised))
	}
	w.Flush()
	sort.Strings(survivors)
	if len(survivors) > 0 {
		b.WriteString("survivors (exercised, not caught):\n  " + strings.Join(survivors, "\n  ") + "\n")
	}
	return b.String()
}
