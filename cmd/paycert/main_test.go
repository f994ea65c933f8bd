package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/requirements"
)

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	example := filepath.Join("..", "..", "specs", "examples", "000-payment-request.json")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"document example", []string{"-provider", "paysage", "-op", "createPayment", "-kind", "request", example}, exitConformant, "conformant"},
		{"by method and path", []string{"-provider", "paysage", "-op", "POST /beyag/transactions/payments", "-kind", "request", example}, exitConformant, "createPayment"},
		{"USD payment", []string{"-provider", "paysage", "-op", "createPayment", "-kind", "request",
			write("usd.json", `{"request":{"amount":1,"currency":"USD","description":"d","return_url":"r","method":{"type":"mobile_commerce","account_number":"12345678901"}}}`)}, exitNonConformant, "currency"},
		{"error answer", []string{"-provider", "paysage", "-op", "confirmPayment", "-status", "422", write("err.json", `{"message":"x"}`)}, exitNonConformant, "errors"},
		{"webhook", []string{"-provider", "paysage", "-op", "paymentWebhook", "-kind", "webhook", write("hook.json", `{"transaction":{}}`)}, exitNonConformant, "missing properties"},
		{"not JSON", []string{"-provider", "paysage", "-op", "createPayment", "-kind", "request", write("html.json", `<html>`)}, exitNonConformant, "not JSON"},
		{"generic beGateway schema", []string{"-schema", "schemas/begateway/payment-request.json", filepath.Join("..", "..", "specs", "examples", "003-payment-request.json")}, exitConformant, "conformant: the body matches schemas/begateway/payment-request.json"},
		{"schema as a checkout path", []string{"-schema", "./schemas/begateway/error.json", filepath.Join("..", "..", "specs", "examples", "003-error-response.json")}, exitConformant, "schemas/begateway/error.json"},
		{"generic schema, wrong body", []string{"-schema", "schemas/begateway/transaction-response.json", write("tx.json", `{"transaction":{"uid":5}}`)}, exitNonConformant, "transaction-response.json"},
		{"kind inferred for a status query", []string{"-provider", "paysage", "-op", "getTransaction", write("st.json", `{"transaction":{}}`)}, exitNonConformant, "the response"},
		{"bePaid v3 check answer", []string{"-provider", "bepaid", "-op", "checkService", "-request-header", "X-API-Version: 3",
			filepath.Join("..", "..", "specs", "examples", "004-check-response-v3-successful.json")}, exitConformant, "check-service-v3.json"},
		{"bePaid v2 answer to a v3 check", []string{"-provider", "bepaid", "-op", "checkService", "-request-header", "X-API-Version: 3",
			filepath.Join("..", "..", "specs", "examples", "004-check-response-v2-activated.json")}, exitNonConformant, "check-service-v3.json"},
		{"bad request header", []string{"-provider", "bepaid", "-op", "checkService", "-request-header", "X-API-Version 3", example}, exitError, ""},
		{"unknown provider", []string{"-provider", "nope", "-op", "createPayment", example}, exitError, ""},
		{"unknown operation", []string{"-provider", "paysage", "-op", "pay", example}, exitError, ""},
		{"unknown schema", []string{"-schema", "schemas/begateway/transactions.json", example}, exitError, ""},
		{"undocumented status", []string{"-provider", "paysage", "-op", "createPayment", "-status", "418", example}, exitError, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, append([]string{"validate"}, c.args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, out, errOut)
			}
			if !strings.Contains(out, c.want) {
				t.Errorf("output does not mention %q:\n%s", c.want, out)
			}
		})
	}
	if code, out, _ := runCmd(t, "validate", "-provider", "paysage", "-list"); code != 0 || !strings.Contains(out, "confirmPayment") || !strings.Contains(out, "schemas/begateway/transaction.json") {
		t.Errorf("-list: %d %s", code, out)
	}
}

// TestValidateSaysWhatIsMissing: without -op, -kind or any target, validate says what to give and
// lists what there is.
func TestValidateSaysWhatIsMissing(t *testing.T) {
	body := filepath.Join("..", "..", "specs", "examples", "000-payment-request.json")
	cases := []struct {
		args []string
		want []string
	}{
		{[]string{body}, []string{"-provider (bepaid, freedompay, monetix, paysage) with -op, or -schema FILE", "paycert validate -list"}},
		{[]string{"-provider", "paysage", body}, []string{"-op is missing", "createPayment", "POST /beyag/transactions/payments", "paymentWebhook"}},
		{[]string{"-provider", "paysage", "-op", "createPayment", body}, []string{"-kind is missing", "-kind request or -kind response"}},
		{[]string{"-provider", "paysage", "-op", "createPaymnet", body}, []string{`did you mean "createPayment"?`}},
		{[]string{"-provider", "paysgae", "-op", "createPayment", body}, []string{`did you mean "paysage"?`}},
		{[]string{"-provider", "paysage", "-op", "paymentWebhook", "-kind", "response", body}, []string{"-kind webhook"}},
		{[]string{"-schema", "begateway/transaction.json", "-provider", "paysage", body}, []string{"not both"}},
	}
	for _, c := range cases {
		code, _, errOut := runCmd(t, append([]string{"validate"}, c.args...)...)
		if code != exitError {
			t.Errorf("%v: exit %d, want %d", c.args, code, exitError)
		}
		for _, w := range c.want {
			if !strings.Contains(errOut, w) {
				t.Errorf("%v: stderr does not say %q:\n%s", c.args, w, errOut)
			}
		}
	}
}

// TestRunStopsOnBadConfiguration: a bad setting stops paycert run with exit 2 and the setting's
// name, before any suite is started.
func TestRunStopsOnBadConfiguration(t *testing.T) {
	t.Setenv("PAYCERT_TARGET", "https://sandbox.example")
	t.Setenv("PAYCERT_PAYSAGE_SHOP_ID", "")
	t.Setenv("PAYCERT_PAYSAGE_SECRET_KEY", "")
	code, out, errOut := runCmd(t, "run")
	if code != exitError || !strings.Contains(errOut, "PAYCERT_PAYSAGE_SECRET_KEY") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if strings.Contains(out, "running suite") {
		t.Error("a suite was started with a bad configuration")
	}
}

func TestUsage(t *testing.T) {
	if code, _, _ := runCmd(t); code != exitError {
		t.Errorf("no command: exit %d", code)
	}
	if code, _, _ := runCmd(t, "frobnicate"); code != exitError {
		t.Errorf("unknown command: exit %d", code)
	}
	if code, out, _ := runCmd(t, "help"); code != 0 || !strings.Contains(out, "paycert run") {
		t.Errorf("help: %d", code)
	}
}

// TestReportMerge merges two bundles on disk (a CI matrix): one report with both suites' specs and
// their transcripts, and the exit code of the merged verdict.
func TestReportMerge(t *testing.T) {
	dir := t.TempDir()
	part := func(name, state string) string {
		d := filepath.Join(dir, name)
		r := &report.Report{Tool: "paycert", RunID: name,
			Requirements: []report.Requirement{{Requirement: requirements.Requirement{ID: "PSG-PAY-001", Level: requirements.Must, Flow: "init", Text: "t", Source: "s"}, Suite: name}},
			Specs: []report.Spec{{ID: name + "-spec", Suite: name, Name: "spec of " + name, State: state, Requirements: []string{"PSG-PAY-001"},
				Exchanges: []record.Exchange{{Seq: 1, Operation: "createPayment"}}}},
		}
		r.Judge()
		if err := report.Write(d, r); err != nil {
			t.Fatal(err)
		}
		return d
	}
	a, b := part("a", "passed"), part("b", "failed")
	out := filepath.Join(dir, "merged")
	code, stdout, stderr := runCmd(t, "report", "merge", "-out", out, a, b)
	if code != exitNonConformant {
		t.Errorf("exit %d, want %d\n%s%s", code, exitNonConformant, stdout, stderr)
	}
	m, err := report.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Specs) != 2 || len(m.Requirements) != 2 || m.Verdict != report.NonConformant {
		t.Fatalf("merged: %d specs, %d requirements, %s", len(m.Specs), len(m.Requirements), m.Verdict)
	}
	for _, s := range m.Specs {
		if _, err := os.Stat(filepath.Join(out, s.Transcript)); err != nil {
			t.Errorf("transcript of %s not in the merged bundle: %v", s.ID, err)
		}
	}
	if code, _, _ := runCmd(t, "report", "merge", "-out", out); code != exitError {
		t.Errorf("merge of nothing: exit %d", code)
	}
}

// TestReportDiff: paycert report diff exits 1 when a requirement got worse and 0 when none did,
// names the newly failing requirement with its failure, and writes the comparison.
func TestReportDiff(t *testing.T) {
	dir := t.TempDir()
	bundle := func(name, state string) string {
		d := filepath.Join(dir, name)
		r := &report.Report{Tool: "paycert", RunID: name,
			Requirements: []report.Requirement{{Requirement: requirements.Requirement{ID: "PSG-OTP-002", Level: requirements.Must, Flow: "otp", Text: "t", Source: "s"}, Suite: "paysage"}},
			Specs:        []report.Spec{{ID: name + "-spec", Suite: "paysage", Name: "a wrong OTP", State: state, Requirements: []string{"PSG-OTP-002"}, Failure: "the wrong OTP confirmed the payment\nmore"}},
		}
		r.Judge()
		if err := report.Write(d, r); err != nil {
			t.Fatal(err)
		}
		return d
	}
	good, bad := bundle("good", "passed"), bundle("bad", "failed")
	out := filepath.Join(dir, "diff")
	code, stdout, stderr := runCmd(t, "report", "diff", "-out", out, good, bad)
	if code != exitNonConformant || !strings.Contains(stdout, "PSG-OTP-002") || !strings.Contains(stdout, "the wrong OTP confirmed the payment") {
		t.Errorf("worse: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "diff.json")); err != nil {
		t.Error(err)
	}
	if code, stdout, stderr := runCmd(t, "report", "diff", bad, good); code != exitConformant || !strings.Contains(stdout, "better: 1") {
		t.Errorf("better: exit %d\n%s%s", code, stdout, stderr)
	}
	if code, _, _ := runCmd(t, "report", "diff", good); code != exitError {
		t.Errorf("one bundle: exit %d", code)
	}
	if code, _, _ := runCmd(t, "report", "diff", good, filepath.Join(dir, "missing")); code != exitError {
		t.Errorf("a missing bundle: exit %d", code)
	}
}

// asPaycert, set to 1 in its environment, makes this test binary paycert itself (a test starts it
// as a child process to signal it).
const asPaycert = "GOTEST_AS_PAYCERT"

// TestMain lets this test binary stand in for paycert when paycert run starts "itself" to run a
// suite (os.Executable is the test binary here).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && (os.Args[1] == runSuiteCommand || os.Getenv(asPaycert) == "1") {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestRunCatchesConfigurationMistakes: a misspelt variable and an unknown fault stop paycert run
// with exit 2, naming what was meant, before any suite starts; a fault of a provider the run does
// not test is a warning.
func TestRunCatchesConfigurationMistakes(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		exit int
		want string
	}{
		{"misspelt target", map[string]string{"PAYCERT_TARGTE": "http://127.0.0.1:9"}, exitError, "did you mean PAYCERT_TARGET?"},
		{"unknown fault", map[string]string{"PAYCERT_SIM_FAULTS": "paysage.accept-wrong-otps"}, exitError, `did you mean "paysage.accept-wrong-otp"?`},
		{"fault of a suite not run", map[string]string{"PAYCERT_SIM_FAULTS": "bepaid.drop-webhook"}, exitConformant, "warning: PAYCERT_SIM_FAULTS: bepaid.drop-webhook is a fault of bepaid, which this run does not test"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			code, out, errOut := runCmd(t, "run", "-suites", "paysage", "-report-dir", t.TempDir())
			if code != c.exit {
				t.Errorf("exit %d, want %d\n%s%s", code, c.exit, out, errOut)
			}
			if !strings.Contains(errOut, c.want) {
				t.Errorf("stderr does not say %q:\n%s", c.want, errOut)
			}
			if c.exit == exitError && strings.Contains(out, "running suite") {
				t.Error("a suite was started")
			}
		})
	}
}

// TestSuiteThatWritesNoReport: a suite process that cannot start, or ends without its report
// (it crashed, or was killed), becomes a harness error in the run's report, which is still
// written; a report an earlier run left in the suite's folder is not taken for this run's.
func TestSuiteThatWritesNoReport(t *testing.T) {
	cases := []struct{ exe, want string }{
		{"/bin/false", "paysage: the suite ended without writing its report (exit status 1)"},
		{"no-such-binary-of-paycert", "paysage: the suite could not start"},
	}
	for _, c := range cases {
		t.Run(c.exe, func(t *testing.T) {
			dir := t.TempDir()
			suiteDir := filepath.Join(dir, "suites", "paysage")
			stale := &report.Report{Tool: "paycert", RunID: "an-earlier-run"}
			stale.Judge()
			if err := report.Write(suiteDir, stale); err != nil {
				t.Fatal(err)
			}
			child := suiteChild{exe: filepath.Join(dir, c.exe), name: "paysage", dir: suiteDir, runID: "r", flags: runFlags{timeout: time.Minute}}
			if c.exe == "/bin/false" {
				child.exe = c.exe
			}
			var out strings.Builder
			part := child.run(context.Background(), &out, &out)
			if part.RunID != "r" || part.Verdict != report.HarnessError || len(part.Errors) != 1 || !strings.HasPrefix(part.Errors[0], c.want) {
				t.Fatalf("run %s, verdict %s, errors %q; want this run's error %q", part.RunID, part.Verdict, part.Errors, c.want)
			}
			if len(part.Requirements) == 0 {
				t.Error("the report lists no requirements (they should show as not run)")
			}
			merged := report.Merge("r", part)
			if err := writeMerged(dir, merged, []*report.Report{part}, []string{"paysage"}, nil, io.Discard); err != nil {
				t.Fatal(err)
			}
			if r, err := report.Read(dir); err != nil || r.Verdict != report.HarnessError {
				t.Errorf("the run's report: %v, %v", r, err)
			}
		})
	}
	// A run interrupted before a suite starts does not start it.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	child := suiteChild{exe: "/bin/true", name: "paysage", dir: filepath.Join(t.TempDir(), "p"), runID: "r", flags: runFlags{timeout: time.Minute}}
	if part := child.run(ctx, io.Discard, io.Discard); len(part.Errors) != 1 || !strings.Contains(part.Errors[0], "interrupted before the suite started") {
		t.Errorf("errors %q", part.Errors)
	}
}

// TestFilterThatSelectsNothing: a label filter that selects no spec is a configuration error of
// the run (exit 2, said in the report), not an incomplete run that passes.
func TestFilterThatSelectsNothing(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCmd(t, "run", "-suites", "paysage", "-label-filter", "no-such-label", "-report-dir", dir)
	if code != exitError {
		t.Errorf("exit %d, want %d\n%s%s", code, exitError, out, errOut)
	}
	r, err := report.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) != 1 || !strings.Contains(r.Errors[0], "the label filter \"no-such-label\" selects none") {
		t.Errorf("errors %q", r.Errors)
	}
}

// TestFilterOfOneSuite: a filter that selects specs of one suite only is no error of the others
// (a requirement ID belongs to one suite); the run is judged as a whole.
func TestFilterOfOneSuite(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCmd(t, "run", "-label-filter", "PSG-CONFIRM-002", "-report-dir", dir)
	if code != exitConformant {
		t.Errorf("exit %d, want %d\n%s%s", code, exitConformant, out, errOut)
	}
	r, err := report.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) != 0 || r.Verdict != report.Incomplete || r.Summary.Specs["passed"] != 1 {
		t.Errorf("verdict %s, errors %q, specs %v; want one spec passed and the run incomplete", r.Verdict, r.Errors, r.Summary.Specs)
	}
	if !strings.Contains(out, "bepaid: the label filter selected none of its specs") {
		t.Errorf("the summary does not say bePaid had no spec selected:\n%s", out)
	}
}

func TestRunRefusesATimeoutOfZero(t *testing.T) {
	if code, _, errOut := runCmd(t, "run", "-timeout", "0"); code != exitError || !strings.Contains(errOut, "-timeout") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func TestClaimRunDir(t *testing.T) {
	base := t.TempDir()
	a, idA, err := claimRunDir(base, "20261121-101010")
	if err != nil {
		t.Fatal(err)
	}
	b, idB, err := claimRunDir(base, "20261121-101010")
	if err != nil {
		t.Fatal(err)
	}
	if a == b || idA != "20261121-101010" || idB != "20261121-101010-2" || filepath.Base(b) != idB {
		t.Errorf("two runs of one second: %s (%s) and %s (%s)", a, idA, b, idB)
	}
}

// TestSimRefusesBadSettings: paycert sim names the flag it cannot take, with exit 2, before it
// listens anywhere.
func TestSimRefusesBadSettings(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sim", "-retain", "0"}, "-retain 0"},
		{[]string{"sim", "-retain", "-5"}, "-retain -5"},
		{[]string{"sim", "-retain-for", "0s"}, "-retain-for 0"},
		{[]string{"sim", "-otp-lifetime", "5s"}, "-otp-lifetime 5s"},
		{[]string{"sim", "-clock", "fast"}, `-clock "fast"`},
	} {
		code, out, errOut := runCmd(t, append(c.args, "-listen", "127.0.0.1:0")...)
		if code != exitError || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d naming %q", c.args, code, errOut, exitError, c.want)
		}
		if strings.Contains(out, "http://") {
			t.Errorf("%v: the simulator was served:\n%s", c.args, out)
		}
	}
}
