//go:build pact

package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paycert/paycert/contracts"
	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/simtest"
)

// binary is paycert-pact built for the tests: the verify command runs itself as a second
// process, which a test binary cannot be.
func binary(t *testing.T) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), "paycert-pact")
	cmd := exec.Command("go", "build", "-tags", "pact", "-o", exe, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return exe
}

// verify runs paycert-pact verify with the arguments and the environment (the PAYCERT_
// variables of the test's own removed), writing into dir; it returns the exit code, the output
// and the summary it wrote.
func verify(t *testing.T, exe, dir string, env []string, args ...string) (int, string, contracts.Verification) {
	t.Helper()
	cmd := exec.Command(exe, append([]string{"verify", "-report-dir", dir}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PAYCERT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	var v contracts.Verification
	matches, _ := filepath.Glob(filepath.Join(dir, "pact-verification-*.json"))
	if len(matches) == 1 {
		data, err := os.ReadFile(matches[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
	}
	return code, out.String(), v
}

// TestExamples: each provider's example pact, written as a merchant team would, verifies against
// the embedded simulator; its copy with one wrong interaction fails, naming that interaction and
// what differed, in the output and in the result written.
func TestExamples(t *testing.T) {
	exe := binary(t)
	cases := []struct {
		provider, wrong, difference string
	}{
		{"paysage", "the status of a successful payment", "to be equal to 'completed'"},
		{"bepaid", "the service check of a number whose MTS Money service is active", "to be equal to 'S.0001'"},
		{"monetix", "the refund of a successful purchase in full", "expected 202 but was 200"},
		{"freedompay", "the result call of a successful payment", "'pg_result' with value '0' but was '1'"},
	}
	for _, c := range cases {
		t.Run(c.provider, func(t *testing.T) {
			code, out, v := verify(t, exe, t.TempDir(), nil, filepath.Join("..", "..", "..", "examples", "pacts", c.provider+".json"))
			if code != 0 || v.Outcome != contracts.Verified || len(v.Interactions) < 2 {
				t.Fatalf("the example: exit %d, outcome %q, %d interactions\n%s", code, v.Outcome, len(v.Interactions), out)
			}
			code, out, v = verify(t, exe, t.TempDir(), nil, filepath.Join("..", "..", "..", "examples", "pacts", "broken", c.provider+".json"))
			if code != 1 || v.Outcome != contracts.Failed {
				t.Fatalf("the broken example: exit %d, outcome %q\n%s", code, v.Outcome, out)
			}
			if !strings.Contains(out, "- "+c.wrong+"\n") || !strings.Contains(out, c.difference) {
				t.Errorf("the output does not name %q and %q:\n%s", c.wrong, c.difference, out)
			}
			var failed []string
			for _, in := range v.Interactions {
				if !in.Verified {
					failed = append(failed, in.Description)
					if !strings.Contains(strings.Join(in.Failures, "\n"), c.difference) {
						t.Errorf("the result of %q does not say what differed: %q", in.Description, in.Failures)
					}
				}
			}
			if len(failed) != 1 || failed[0] != c.wrong {
				t.Errorf("the result names %q as not verified, want %q alone", failed, c.wrong)
			}
		})
	}
}

// TestSettings: a verification that cannot run stops with exit 2 and a message naming the
// setting, before anything is sent.
func TestSettings(t *testing.T) {
	exe := binary(t)
	example := filepath.Join("..", "..", "..", "examples", "pacts", "paysage.json")
	cases := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"no pact", nil, nil, "no pact to verify"},
		{"missing file", nil, []string{"nowhere.json"}, "read pact: stat nowhere.json"},
		{"not a pact", nil, []string{"main.go"}, "pact main.go: not a pact file"},
		{"two providers", nil, []string{example, filepath.Join("..", "..", "..", "examples", "pacts", "monetix.json")}, `with "monetix": verify one provider at a time`},
		{"unknown provider", nil, []string{"-provider", "paypal", example}, `-provider: "paypal" is not a provider paycert verifies`},
		{"broker without provider", nil, []string{"-broker-url", "http://127.0.0.1:9/"}, "-provider: say which provider"},
		{"publish without broker", nil, []string{"-publish", example}, "-publish: results are published to a Pact Broker"},
		{"bad target", []string{"PAYCERT_TARGET=ftp://example"}, []string{example}, "PAYCERT_TARGET"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, _ := verify(t, exe, t.TempDir(), c.env, c.args...)
			if code != 2 || !strings.Contains(out, c.want) {
				t.Errorf("exit %d, want 2 with %q:\n%s", code, c.want, out)
			}
		})
	}
}

// TestExternalTarget verifies against a target of the team's own, reached through the PAYCERT_
// settings (here a simulator on a port of its own, with its control API), and checks that the
// secret key reaches neither the output nor the result, plain or in HTTP Basic form.
func TestExternalTarget(t *testing.T) {
	exe := binary(t)
	l := simtest.Start(t, sim.Options{Seed: 3, Running: true})
	creds := simtest.Credentials
	env := []string{
		"PAYCERT_TARGET=" + l.ProviderURL("paysage"), "PAYCERT_CONTROL_URL=" + l.ControlURL(),
		"PAYCERT_PAYSAGE_SHOP_ID=" + creds.ID, "PAYCERT_PAYSAGE_SECRET_KEY=" + creds.Secret,
	}
	dir := t.TempDir()
	code, out, v := verify(t, exe, dir, env, filepath.Join("..", "..", "..", "examples", "pacts", "paysage.json"))
	if code != 0 || v.Outcome != contracts.Verified || v.Target != l.ProviderURL("paysage") {
		t.Fatalf("exit %d, outcome %q, target %q\n%s", code, v.Outcome, v.Target, out)
	}
	basic := base64.StdEncoding.EncodeToString([]byte(creds.ID + ":" + creds.Secret))
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	texts := map[string]string{"the output": out}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		texts[f] = string(data)
	}
	if len(texts) != 4 {
		t.Errorf("the result is %d files, want 3", len(files))
	}
	for name, text := range texts {
		if strings.Contains(text, creds.Secret) || strings.Contains(text, basic) {
			t.Errorf("%s shows the secret key", name)
		}
	}
}
