package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// pactTestdata is a pact file of harness/pactfile's tests.
func pactTestdata(name string) string {
	return filepath.Join("..", "..", "harness", "pactfile", "testdata", name)
}

func TestPactCheck(t *testing.T) {
	v2 := pactTestdata("v2-paysage.json")
	unknown := pactTestdata("unknown-provider.json")
	cases := []struct {
		name       string
		args       []string
		code       int
		out, noOut []string // what stdout says, and does not say
		errOut     string   // what stderr says
	}{
		{name: "paycert's own contracts, a folder", args: []string{filepath.Join("..", "..", "contracts", "pacts")}, code: exitConformant,
			out: []string{"interactions checked, 0 with findings"}, noOut: []string{"  - "}},
		{name: "a pact with findings", args: []string{v2}, code: exitNonConformant, out: []string{
			v2 + `: "a payment whose answer names a field the document never promised" (paysage createPayment)` + "\n" +
				`  - response body/transaction/loyalty_points: "loyalty_points" is not a field the schema describes`,
			`  - request body/request: missing properties: 'reason' (schemas/begateway/refund-request.json#/properties/request/required)`,
			"3 interactions checked, 2 with findings\n"}, noOut: []string{"a status query that reads the status alone"}},
		{name: "a refusal the pact expects", args: []string{pactTestdata("v3-bepaid.json")}, code: exitNonConformant,
			out: []string{`"a status query answered 418" (bepaid getTransaction), which expects a refusal: its request is not checked`}},
		{name: "an unknown provider", args: []string{unknown}, code: exitError, errOut: `its provider "acme-payments" is not one of paycert's (bepaid, freedompay, monetix, paysage); say which provider's document to check it against with -provider`},
		{name: "an unknown provider named by -provider", args: []string{"-provider", "paysage", unknown}, code: exitConformant, out: []string{"1 interaction checked, 0 with findings"}},
		{name: "-provider where the pact names its own", args: []string{"-provider", "bepaid", v2}, code: exitNonConformant,
			errOut: "names its provider paysage: checked against paysage's document, not -provider bepaid"},
		{name: "an unknown -provider", args: []string{"-provider", "paysge", v2}, code: exitError, errOut: `(did you mean "paysage"?)`},
		{name: "not a pact", args: []string{pactTestdata("not-a-pact.json")}, code: exitError, errOut: "not a pact file: it has neither interactions nor messages"},
		{name: "a pact and a file that is not one", args: []string{v2, pactTestdata("not-a-pact.json")}, code: exitError,
			out: []string{"3 interactions checked, 2 with findings"}, errOut: "not-a-pact.json"},
		{name: "a missing file", args: []string{pactTestdata("no-such.json")}, code: exitError, errOut: "no-such.json"},
		{name: "a folder without pacts", args: []string{t.TempDir()}, code: exitError, errOut: "has no *.json pact file (subfolders are not searched)"},
		{name: "no file", args: nil, code: exitError, errOut: "FILE|DIR..."},
		{name: "a bad flag", args: []string{"-jsn", v2}, code: exitError, errOut: "flag provided but not defined"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCmd(t, append([]string{"pact", "check"}, c.args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s%s", code, c.code, out, errOut)
			}
			for _, w := range c.out {
				if !strings.Contains(out, w) {
					t.Errorf("stdout does not say %q:\n%s", w, out)
				}
			}
			for _, w := range c.noOut {
				if strings.Contains(out, w) {
					t.Errorf("stdout says %q:\n%s", w, out)
				}
			}
			if !strings.Contains(errOut, c.errOut) {
				t.Errorf("stderr does not say %q:\n%s", c.errOut, errOut)
			}
		})
	}
}

// TestPactCheckJSON: -json prints one object per interaction, findings or not, and nothing else.
func TestPactCheckJSON(t *testing.T) {
	file := pactTestdata("v4-freedompay.json")
	code, out, errOut := runCmd(t, "pact", "check", "-json", file)
	if code != exitNonConformant {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	var got []struct {
		File, Provider, Description, Operation string
		Refusal                                bool
		Findings                               []struct{ Where, Message, Rule string }
		Error                                  string
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("stdout is not a JSON array: %v\n%s", err, out)
	}
	if len(got) != 3 {
		t.Fatalf("%d objects, want one per interaction (3):\n%s", len(got), out)
	}
	first := got[0]
	if first.File != file || first.Provider != "freedompay" || first.Description != "a pay request with a field the document does not have" || first.Operation != "pay" ||
		len(first.Findings) != 1 || first.Findings[0].Where != "request body/pg_loyalty_card" || !strings.HasPrefix(first.Findings[0].Rule, "schemas/freedompay/pay-request.json#") {
		t.Errorf("first object: %+v", first)
	}
	if last := got[2]; !last.Refusal || len(last.Findings) != 0 || last.Error != "" {
		t.Errorf("the refused status query: %+v", last)
	}
	if !strings.Contains(out, `"findings": []`) {
		t.Errorf("an interaction without findings has no empty findings list:\n%s", out)
	}
}

func TestPactVerifyNeedsPaycertPact(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	code, out, errOut := runCmd(t, "pact", "verify", "-provider-base-url", "http://127.0.0.1:9", "pacts")
	if code != exitError || !strings.Contains(errOut, "needs the paycert-pact binary (built with cgo and the Pact FFI library)") || !strings.Contains(errOut, "make paycert-pact builds it beside ./paycert's binary, in .tools/bin") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

// TestPactVerifyPassesThrough: paycert pact verify runs the paycert-pact it finds on PATH with
// "verify" and the arguments given, shows its output and returns its exit status.
func TestPactVerifyPassesThrough(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in paycert-pact is a shell script")
	}
	dir := t.TempDir()
	script := "#!/bin/sh\necho \"paycert-pact $*\"\necho 'one interaction failed' >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(dir, "paycert-pact"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	code, out, errOut := runCmd(t, "pact", "verify", "-broker-url", "https://broker.example", "-provider", "paysage")
	if code != exitNonConformant || out != "paycert-pact verify -broker-url https://broker.example -provider paysage\n" || errOut != "one interaction failed\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestPactUsage: paycert help names both pact commands, and paycert pact wants one of them.
func TestPactUsage(t *testing.T) {
	_, out, _ := runCmd(t, "help")
	for _, w := range []string{"paycert pact check [-provider P] [-json] FILE|DIR...", "paycert pact verify [flags] FILE|DIR|-broker-url URL"} {
		if !strings.Contains(out, w) {
			t.Errorf("usage does not say %q", w)
		}
	}
	code, _, errOut := runCmd(t, "pact", "chek")
	if code != exitError || !strings.Contains(errOut, `(did you mean "check"?)`) {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}
