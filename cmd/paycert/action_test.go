package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/paycert/paycert/harness/report"
	"github.com/paycert/paycert/harness/target"
	"github.com/paycert/paycert/suites"
)

// actionFile is the part of action.yml this test runs: the inputs' defaults and the steps.
type actionFile struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionStep struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Run   string            `yaml:"run"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
}

// actionRun is what came of running the action: the exit status of the step that ended it (0 when
// every step passed), the outputs of its steps, and the job summary.
type actionRun struct {
	exit    int
	outputs map[string]map[string]string
	summary string
	log     string
}

// TestGitHubAction runs the action at the root of the repository the way a runner runs its run
// steps (the uses steps, setup-go and the artifact upload, are GitHub's): each documented outcome
// fails the job with paycert's exit status, gives the verdict as an output, writes the report,
// and puts the summary on the job's page.
func TestGitHubAction(t *testing.T) {
	if testing.Short() {
		t.Skip("builds paycert")
	}
	for _, c := range exitForms {
		t.Run(c.name, func(t *testing.T) {
			inputs := map[string]string{"suites": "all"}
			if len(c.args) > 2 && c.args[1] == "-suites" {
				inputs["suites"] = c.args[2]
			}
			env := map[string]string{}
			for _, kv := range c.env {
				k, v, _ := strings.Cut(kv, "=")
				env[k] = v
			}
			work := t.TempDir()
			r := runAction(t, work, inputs, env)
			if r.exit != c.exit {
				t.Fatalf("the job ended with %d, want %d\n%s", r.exit, c.exit, r.log)
			}
			verdict := c.verdict
			if verdict == "" {
				verdict = report.HarnessError
			}
			if got := r.outputs["run"]["verdict"]; got != verdict {
				t.Errorf("output verdict %q, want %q", got, verdict)
			}
			if !strings.Contains(r.summary, "### paycert: "+verdict) {
				t.Errorf("job summary:\n%s", r.summary)
			}
			if c.verdict != "" {
				rep, err := report.Read(filepath.Join(work, "paycert-report"))
				if err != nil || rep.Verdict != c.verdict {
					t.Errorf("report in the workspace: %v, %v", rep, err)
				}
			}
		})
	}
}

// TestGitHubActionDownloadsARelease: with version set, the action installs the release archive
// (checked against SHA256SUMS) instead of building, and a tampered archive stops it.
func TestGitHubActionDownloadsARelease(t *testing.T) {
	releases := t.TempDir()
	archive := buildArchiveIn(t, filepath.Join(releases, "v0.0.0-test"))
	inputs := map[string]string{"suites": "paysage", "version": "v0.0.0-test", "release-url": "file://" + releases}
	r := runAction(t, t.TempDir(), inputs, nil)
	if r.exit != 0 || !strings.Contains(r.log, "paycert v0.0.0-test") {
		t.Fatalf("exit %d; the log does not show the release's version\n%s", r.exit, r.log)
	}
	if err := os.WriteFile(archive, []byte("not the release"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := runAction(t, t.TempDir(), inputs, nil); r.exit == 0 || !strings.Contains(r.log, "FAILED") {
		t.Errorf("a tampered archive was installed (exit %d)\n%s", r.exit, r.log)
	}
}

var expression = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// runAction runs action.yml's run steps in order in the workspace work, with inputs (over their
// defaults) and env (the env of the workflow step that uses the action).
func runAction(t *testing.T, work string, inputs, env map[string]string) actionRun {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using %q", a.Runs.Using)
	}
	in := map[string]string{}
	for k, v := range a.Inputs {
		in[k] = v.Default
	}
	for k, v := range inputs {
		if _, ok := a.Inputs[k]; !ok {
			t.Fatalf("action.yml has no input %q", k)
		}
		in[k] = v
	}
	temp := t.TempDir()
	files := map[string]string{}
	for _, f := range []string{"GITHUB_PATH", "GITHUB_STEP_SUMMARY"} {
		files[f] = filepath.Join(temp, strings.ToLower(f))
		if err := os.WriteFile(files[f], nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := actionRun{outputs: map[string]map[string]string{}}
	eval := func(s string) string {
		return expression.ReplaceAllStringFunc(s, func(m string) string {
			e := expression.FindStringSubmatch(m)[1]
			switch {
			case strings.HasPrefix(e, "inputs."):
				return in[strings.TrimPrefix(e, "inputs.")]
			case e == "github.action_path":
				return root
			case strings.HasPrefix(e, "steps."):
				parts := strings.SplitN(strings.TrimPrefix(e, "steps."), ".outputs.", 2)
				return run.outputs[parts[0]][parts[1]]
			}
			t.Fatalf("the test cannot evaluate ${{ %s }}", e)
			return ""
		})
	}
	var log strings.Builder
	for i, step := range a.Runs.Steps {
		if step.Uses != "" {
			continue
		}
		if step.If != "" {
			t.Fatalf("step %q: a run step with if: is not run by this test", step.Name)
		}
		if step.Shell != "bash" {
			t.Fatalf("step %q: shell %q, want bash", step.Name, step.Shell)
		}
		output := filepath.Join(temp, "output-"+strings.Repeat("x", i+1))
		if err := os.WriteFile(output, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
		cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", eval(step.Run))
		cmd.Dir = work
		cmd.Env = append(runnerEnv(t, files["GITHUB_PATH"]),
			"RUNNER_TEMP="+temp, "GITHUB_OUTPUT="+output,
			"GITHUB_PATH="+files["GITHUB_PATH"], "GITHUB_STEP_SUMMARY="+files["GITHUB_STEP_SUMMARY"])
		for k, v := range env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		for k, v := range step.Env {
			cmd.Env = append(cmd.Env, k+"="+eval(v))
		}
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		cancel()
		log.WriteString("## " + step.Name + "\n" + out.String())
		if step.ID != "" {
			run.outputs[step.ID] = readOutputs(t, output)
		}
		if err != nil {
			if ee, ok := err.(*exec.ExitError); ok {
				run.exit = ee.ExitCode()
				break
			}
			t.Fatalf("step %q: %v\n%s", step.Name, err, log.String())
		}
	}
	summary, _ := os.ReadFile(files["GITHUB_STEP_SUMMARY"])
	run.summary, run.log = string(summary), log.String()
	return run
}

// runnerEnv is the environment of a runner's step: this one's, without PAYCERT_ settings, with
// what earlier steps added to GITHUB_PATH in front of PATH.
func runnerEnv(t *testing.T, githubPath string) []string {
	t.Helper()
	added, _ := os.ReadFile(githubPath)
	var path []string
	for _, line := range strings.Split(strings.TrimSpace(string(added)), "\n") {
		if line != "" {
			path = append([]string{line}, path...)
		}
	}
	var env []string
	for _, kv := range os.Environ() {
		switch {
		case strings.HasPrefix(kv, "PAYCERT_"):
		case strings.HasPrefix(kv, "PATH="):
			env = append(env, "PATH="+strings.Join(append(path, strings.TrimPrefix(kv, "PATH=")), string(os.PathListSeparator)))
		default:
			env = append(env, kv)
		}
	}
	return env
}

func readOutputs(t *testing.T, file string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out
}

// buildArchiveIn builds the host's release archive into dir the way make dist does, and returns
// its path.
func buildArchiveIn(t *testing.T, dir string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds a release archive")
	}
	platform := runtime.GOOS + "/" + runtime.GOARCH
	cmd := exec.Command("make", "-C", filepath.Join("..", ".."), "dist-build",
		"DIST_DIR="+dir, "DIST_PLATFORMS="+platform, "VERSION=v0.0.0-test")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make dist-build: %v\n%s", err, out)
	}
	return filepath.Join(dir, "paycert_v0.0.0-test_"+runtime.GOOS+"_"+runtime.GOARCH+".tar.gz")
}

// TestWorkflowsCallWhatExists: every OTP command a workflow names is a script of the repository,
// executable, and every local action it uses has its action.yml.
func TestWorkflowsCallWhatExists(t *testing.T) {
	root := filepath.Join("..", "..")
	files, _ := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	if len(files) == 0 {
		t.Fatal("no workflows")
	}
	command := regexp.MustCompile(`command:([^\s"']+)`)
	local := regexp.MustCompile(`(?m)^\s*(?:-\s*)?uses:\s*(\./\S*)\s*$`)
	found := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range command.FindAllStringSubmatch(string(data), -1) {
			found++
			st, err := os.Stat(filepath.Join(root, m[1]))
			if err != nil || st.Mode()&0o111 == 0 {
				t.Errorf("%s: the OTP command %s is not an executable script of the repository (%v)", filepath.Base(f), m[1], err)
			}
		}
		for _, m := range local.FindAllStringSubmatch(string(data), -1) {
			if _, err := os.Stat(filepath.Join(root, m[1], "action.yml")); err != nil {
				t.Errorf("%s: uses %s, which has no action.yml", filepath.Base(f), m[1])
			}
		}
	}
	if found == 0 {
		t.Error("no workflow names an OTP command: the check checked nothing")
	}
}

// TestCertificationCoversEverySuite: the certification workflow has a step for every suite the
// binary runs, with that provider's merchant ID and secret key from the repository's secrets.
func TestCertificationCoversEverySuite(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", ".github", "workflows", "certification.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name string            `yaml:"name"`
				With map[string]string `yaml:"with"`
				Env  map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	env := map[string]map[string]string{}
	for _, job := range wf.Jobs {
		for _, st := range job.Steps {
			if s := st.With["suites"]; s != "" {
				env[s] = st.Env
			}
		}
	}
	for _, e := range suites.All() {
		stepEnv, ok := env[e.Provider]
		if !ok {
			t.Errorf("certification.yml has no step with suites: %s", e.Provider)
			continue
		}
		for _, setting := range []string{target.AccountIDSetting(e.Provider), "SECRET_KEY"} {
			name := target.EnvName(e.Provider, setting)
			if !strings.Contains(stepEnv[name], "secrets.") {
				t.Errorf("certification.yml, %s step: %s is %q, want it from the repository's secrets", e.Provider, name, stepEnv[name])
			}
		}
	}
}
