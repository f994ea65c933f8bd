//go:build pact

// Command paycert-pact verifies Pact contracts against a provider's implementation: the embedded
// reference simulator by default, or the target paycert run is configured for (the same
// PAYCERT_* settings). It links the Pact FFI library (cgo), which is why it is a binary of its
// own beside the static paycert; paycert pact verify runs it.
//
//	paycert-pact verify [-provider P] [-broker-url URL ...] [-report-dir DIR] [FILE|DIR|URL...]
//
// Exit codes, as paycert run's: 0 every interaction verified, 1 one did not, 2 the verification
// could not run (a bad setting, no pact, a target that does not answer).
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/paycert/paycert/contracts"
	"github.com/paycert/paycert/harness/pactfile"
	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim/providers"
	"github.com/paycert/paycert/harness/target"
)

// runCommand is the hidden command the verify command runs itself as, to run the verifier in a
// process of its own whose report it reads.
const runCommand = "run-verification"

// errorPrefix starts the line a run-verification process writes the reason it could not run on.
const errorPrefix = "paycert-pact: cannot verify: "

func main() {
	if len(os.Args) > 1 && os.Args[1] == runCommand {
		runVerification(os.Args[2:]) // exits
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "verify" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			usage(stdout)
			return 0
		}
		usage(stderr)
		return 2
	}
	job, err := parse(args[1:], stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "paycert-pact verify: %v\n", err)
		}
		return 2
	}
	return job.verify(args[1:], stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  paycert-pact verify [-provider P] [-report-dir DIR] [FILE|DIR|URL...]
  paycert-pact verify -provider P -broker-url URL [-consumer-tag T]... [-provider-version V -publish]
      verify pact files (a folder: every *.json in it), pact URLs, or a Pact Broker's pacts for the
      provider against the embedded simulator, or against the target PAYCERT_TARGET and the other
      PAYCERT_* settings of paycert run name; the result goes into the report folder
exit codes: 0 verified, 1 an interaction did not verify, 2 the verification could not run
`)
}

// job is one verification, its settings read and checked before anything is sent.
type job struct {
	provider  string
	sources   contracts.Sources
	broker    broker
	reportDir string
	cfg       target.Config
}

// broker is where pacts come from when they come from a Pact Broker; its credentials come from
// the environment (PACT_BROKER_TOKEN, or PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD).
type broker struct {
	url             string
	consumerTags    []string
	providerVersion string
	providerBranch  string
	publish         bool
}

type stringsFlag []string

func (s *stringsFlag) String() string     { return strings.Join(*s, ",") }
func (s *stringsFlag) Set(v string) error { *s = append(*s, v); return nil }

// parse reads the verify command's flags and sources and the target's settings; an error names
// the flag or setting at fault.
func parse(args []string, stderr io.Writer) (*job, error) {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	names := providerNames()
	provider := fs.String("provider", "", "the provider verified: "+strings.Join(names, ", ")+" (default: the one the pact files name)")
	reportDir := fs.String("report-dir", "", "where the result is written (default: PAYCERT_REPORT_DIR, or reports/pact-TIME)")
	var b broker
	var tags stringsFlag
	fs.StringVar(&b.url, "broker-url", "", "a Pact Broker to fetch the provider's pacts from")
	fs.Var(&tags, "consumer-tag", "with -broker-url: verify the consumers' pacts with this tag (repeatable)")
	fs.StringVar(&b.providerVersion, "provider-version", "", "with -publish: the version of the provider verified")
	fs.StringVar(&b.providerBranch, "provider-branch", "", "with -publish: the branch of the provider verified")
	fs.BoolVar(&b.publish, "publish", false, "with -broker-url: publish the results to the broker")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	b.consumerTags = tags
	j := &job{broker: b}
	files, urls, err := pactfile.Sources(fs.Args())
	if err != nil {
		return nil, err
	}
	j.sources = contracts.Sources{Files: files, URLs: urls}
	switch {
	case len(files) == 0 && len(urls) == 0 && b.url == "":
		return nil, errors.New("no pact to verify: give pact files, a folder of them, pact URLs or -broker-url")
	case b.publish && b.url == "":
		return nil, errors.New("-publish: results are published to a Pact Broker: give -broker-url")
	case b.publish && b.providerVersion == "":
		return nil, errors.New("-publish: give -provider-version, the version of the provider verified")
	}
	j.provider = strings.ToLower(*provider)
	if j.provider == "" {
		if len(files) == 0 {
			return nil, errors.New("-provider: say which provider the broker's or the URLs' pacts are for")
		}
		if j.provider, err = providerOf(files); err != nil {
			return nil, err
		}
	}
	if !slices.Contains(names, j.provider) {
		return nil, fmt.Errorf("-provider: %q is not a provider paycert verifies (%s); name one with -provider", j.provider, strings.Join(names, ", "))
	}
	if j.cfg, err = target.FromEnvironment(target.Scope{Providers: []string{j.provider}, Known: names}); err != nil {
		return nil, err
	}
	target.PrintWarnings(stderr, j.cfg.Warnings)
	j.reportDir = j.cfg.ReportDir
	if *reportDir != "" {
		j.reportDir = *reportDir
	}
	if j.reportDir == "" {
		// Beside paycert run's bundles, in a folder of its own.
		j.reportDir = filepath.Join("reports", "pact-"+time.Now().UTC().Format("20060102-150405"))
	}
	return j, nil
}

// providerOf is the provider the pact files name, lower-cased: one for all of them, else an error
// naming two files that differ.
func providerOf(files []string) (string, error) {
	name, first := "", ""
	for _, f := range files {
		p, err := pactfile.Read(f)
		if err != nil {
			return "", err
		}
		if name != "" && strings.ToLower(p.Provider) != name {
			return "", fmt.Errorf("%s is a pact with provider %q and %s with %q: verify one provider at a time", first, name, f, p.Provider)
		}
		if name == "" {
			name, first = strings.ToLower(p.Provider), f
		}
	}
	return name, nil
}

// providerNames are the providers paycert has, sorted.
func providerNames() []string {
	var out []string
	for _, f := range providers.All() {
		out = append(out, f.Name)
	}
	slices.Sort(out)
	return out
}

// verify runs the verifier in a process of its own (this binary's run-verification), shows its
// report as it comes with the secrets masked, and writes the result into the report folder.
func (j *job) verify(args []string, stdout, stderr io.Writer) int {
	redactor := record.NewRedactor(j.cfg.Secrets()...)
	if p := j.cfg.Providers[j.provider]; p.SecretKey != "" {
		redactor.AddSecret(signing.BasicAuth(p.AccountID, p.SecretKey)[len("Basic "):])
	}
	v := &contracts.Verification{Provider: j.provider, Target: "the embedded simulator"}
	if !j.cfg.Embedded {
		v.Target = redactor.URL(j.cfg.Providers[j.provider].URL)
	}
	v.Sources = append(append(v.Sources, j.sources.Files...), j.sources.URLs...)
	if j.broker.url != "" {
		v.Sources = append(v.Sources, redactor.URL(j.broker.url))
	}

	var out, errOut bytes.Buffer
	exe, err := os.Executable()
	exit := 2
	if err == nil {
		cmd := exec.Command(exe, append([]string{runCommand, "-provider", j.provider}, args...)...)
		cmd.Stdin = os.Stdin
		cmd.Stdout = io.MultiWriter(&out, redacting{stdout, redactor})
		cmd.Stderr = io.MultiWriter(&errOut, redacting{stderr, redactor})
		err = cmd.Run()
		var ee *exec.ExitError
		switch {
		case err == nil:
			exit = 0
		case errors.As(err, &ee):
			exit = ee.ExitCode()
		}
	}
	report := redactor.String(out.String())
	v.Interactions, v.Problems = contracts.ParseReport(report)
	if err != nil && exit != 1 {
		v.Error = "the verification did not run to its end"
		for _, line := range strings.Split(errOut.String(), "\n") {
			if msg, ok := strings.CutPrefix(line, errorPrefix); ok {
				v.Error = redactor.String(msg)
			}
		}
		if exit < 0 || exit > 2 {
			v.Error += fmt.Sprintf(" (exit status %d)", exit)
		}
	}
	v.Summarise(exit == 1)
	if err := v.Write(j.reportDir, report); err != nil {
		fmt.Fprintf(stderr, "paycert-pact verify: the result could not be written: %v\n", err)
		return 2
	}
	summary, _, _ := contracts.Files(j.provider)
	fmt.Fprintf(stdout, "\npact verification of %s against %s: %s (%d interactions, %d did not verify); result in %s\n",
		j.provider, v.Target, v.Outcome, len(v.Interactions), v.Failed(), j.reportDir+string(os.PathSeparator)+summary)
	if v.Error != "" {
		fmt.Fprintf(stderr, "paycert-pact verify: %s\n", v.Error)
	}
	return v.ExitCode()
}

// redacting writes through the redactor: nothing secret reaches the terminal.
type redacting struct {
	w io.Writer
	r *record.Redactor
}

func (rw redacting) Write(p []byte) (int, error) {
	if _, err := io.WriteString(rw.w, rw.r.String(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
