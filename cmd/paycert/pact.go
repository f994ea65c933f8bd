package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/harness/pactfile"
	"github.com/paycert/paycert/harness/target"
	"github.com/paycert/paycert/harness/validate"
)

// pactVerifier is the binary that verifies pacts against a provider: it links the Pact FFI
// library (cgo), which the static paycert binary does not.
const pactVerifier = "paycert-pact"

// cmdPact checks consumer contracts (Pact files) against the providers' documents (pact check), or
// has paycert-pact verify them against a running provider (pact verify).
func cmdPact(args []string, stdout, stderr io.Writer) (int, error) {
	sub := ""
	if len(args) > 0 {
		sub = args[0]
	}
	switch sub {
	case "check":
		return cmdPactCheck(args[1:], stdout, stderr)
	case "verify":
		return cmdPactVerify(args[1:], stdout, stderr)
	}
	return exitError, fmt.Errorf("want: paycert pact check [-provider P] [-json] FILE|DIR..., or paycert pact verify [flags] FILE|DIR|-broker-url URL; got %q%s", sub, target.DidYouMean(sub, []string{"check", "verify"}))
}

// pactResult is one interaction's verdict, as -json prints it.
type pactResult struct {
	File        string            `json:"file"`
	Provider    string            `json:"provider"`
	Description string            `json:"description"`
	Operation   string            `json:"operation,omitempty"`
	Refusal     bool              `json:"refusal,omitempty"`
	Findings    validate.Findings `json:"findings"`
	Error       string            `json:"error,omitempty"`
}

// cmdPactCheck checks every interaction of the pact files named (a folder: its *.json files)
// against its provider's OpenAPI document and schemas, before any provider runs.
func cmdPactCheck(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("pact check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specs := providerSpecs()
	providerFlag := fs.String("provider", "", "the provider ("+strings.Join(keys(specs), ", ")+") whose document a pact is checked against when its provider.name is not one of these")
	asJSON := fs.Bool("json", false, "print one JSON object per interaction (file, provider, description, operation, findings, error) instead of text")
	assetsDir := fs.String("assets", os.Getenv("PAYCERT_ASSETS_DIR"), "read specs and schemas from this checkout instead of the embedded copy")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: paycert pact check [-provider P] [-json] FILE|DIR...\n  a folder stands for the *.json files in it (not its subfolders)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitError, errUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return exitError, errUsage
	}
	if _, ok := specs[*providerFlag]; *providerFlag != "" && !ok {
		return exitError, fmt.Errorf("-provider %q is not one of %s%s", *providerFlag, strings.Join(keys(specs), ", "), target.DidYouMean(*providerFlag, keys(specs)))
	}
	files, urls, err := pactfile.Sources(fs.Args())
	if err != nil {
		return exitError, err
	}
	if len(urls) > 0 {
		return exitError, fmt.Errorf("%s: pact check reads pact files; download the pact first", urls[0])
	}
	assets := paycert.Assets(*assetsDir)
	loaded := map[string]*validate.Spec{}
	var problems []error
	var results []pactResult
	for _, file := range files {
		p, err := pactfile.Read(file)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		provider, err := pactProvider(p, *providerFlag, keys(specs), stderr)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		spec := loaded[provider]
		if spec == nil {
			if spec, err = validate.Load(assets, specs[provider]); err != nil {
				return exitError, err
			}
			loaded[provider] = spec
		}
		for _, r := range pactfile.Check(spec, p) {
			out := pactResult{File: file, Provider: provider, Description: r.Description, Operation: r.Operation, Refusal: r.Refusal, Findings: r.Findings}
			if out.Findings == nil {
				out.Findings = validate.Findings{}
			}
			if r.Err != nil {
				out.Error = r.Err.Error()
			}
			results = append(results, out)
		}
	}
	code := exitConformant
	withFindings, unchecked := 0, 0
	for _, r := range results {
		if len(r.Findings) > 0 {
			withFindings++
			code = exitNonConformant
		}
		if r.Error != "" {
			unchecked++
		}
	}
	if *asJSON {
		if results == nil {
			results = []pactResult{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			return exitError, err
		}
	} else {
		printPactResults(stdout, results)
		summary := fmt.Sprintf("%d interaction%s checked, %d with findings", len(results), map[bool]string{true: "s"}[len(results) != 1], withFindings)
		if unchecked > 0 {
			summary += fmt.Sprintf(", %d could not be checked", unchecked)
		}
		fmt.Fprintln(stdout, summary)
	}
	if unchecked > 0 {
		problems = append(problems, fmt.Errorf("%d of the interactions could not be checked", unchecked))
	}
	if len(problems) > 0 {
		return exitError, errors.Join(problems...)
	}
	return code, nil
}

// printPactResults prints a block for every interaction with findings or an error: the pact file,
// the interaction, the operation it was checked against, then one finding a line.
func printPactResults(w io.Writer, results []pactResult) {
	for _, r := range results {
		if len(r.Findings) == 0 && r.Error == "" {
			continue
		}
		fmt.Fprintf(w, "%s: %q", r.File, r.Description)
		if r.Operation != "" {
			fmt.Fprintf(w, " (%s %s)", r.Provider, r.Operation)
		}
		if r.Refusal {
			fmt.Fprint(w, ", which expects a refusal: its request is not checked")
		}
		fmt.Fprintln(w)
		for _, f := range r.Findings {
			fmt.Fprintf(w, "  - %s\n", f)
		}
		if r.Error != "" {
			fmt.Fprintf(w, "  could not be checked: %s\n", strings.ReplaceAll(r.Error, "\n", "\n    "))
		}
	}
}

// pactProvider is the provider whose document a pact is checked against: the pact's provider.name
// when it is one of paycert's (in any case), else the -provider flag.
func pactProvider(p *pactfile.Pact, flagValue string, providers []string, stderr io.Writer) (string, error) {
	for _, name := range providers {
		if strings.EqualFold(strings.TrimSpace(p.Provider), name) {
			if flagValue != "" && flagValue != name {
				fmt.Fprintf(stderr, "warning: %s names its provider %s: checked against %s's document, not -provider %s\n", p.File, p.Provider, name, flagValue)
			}
			return name, nil
		}
	}
	if flagValue == "" {
		return "", fmt.Errorf("%s: its provider %q is not one of paycert's (%s); say which provider's document to check it against with -provider", p.File, p.Provider, strings.Join(providers, ", "))
	}
	return flagValue, nil
}

// cmdPactVerify runs "paycert-pact verify ARGS...", found beside this binary or else on PATH, with
// this process's standard input and the given outputs, and returns its exit status.
func cmdPactVerify(args []string, stdout, stderr io.Writer) (int, error) {
	bin, err := findPactVerifier()
	if err != nil {
		return exitError, err
	}
	cmd := exec.Command(bin, append([]string{"verify"}, args...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	// A Ctrl-C at the terminal reaches paycert-pact directly (the same process group): paycert
	// waits for it to finish, and passes on a termination request it gets alone.
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(signals)
	if err := cmd.Start(); err != nil {
		return exitError, fmt.Errorf("start %s: %w", bin, err)
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			select {
			case sig := <-signals:
				if sig != os.Interrupt {
					_ = cmd.Process.Signal(sig)
				}
			case <-done:
				return
			}
		}
	}()
	err = cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() >= 0 {
		return exit.ExitCode(), nil
	}
	if err != nil {
		return exitError, fmt.Errorf("%s: %w", bin, err)
	}
	return exitConformant, nil
}

// findPactVerifier finds the paycert-pact executable: beside this binary, else on PATH.
func findPactVerifier() (string, error) {
	if exe, err := os.Executable(); err == nil {
		beside := filepath.Join(filepath.Dir(exe), pactVerifier)
		if st, err := os.Stat(beside); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return beside, nil
		}
	}
	if p, err := exec.LookPath(pactVerifier); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("verification needs the %s binary (built with cgo and the Pact FFI library), which is neither beside this paycert nor on PATH; in a checkout, make %s builds it beside ./paycert's binary, in .tools/bin", pactVerifier, pactVerifier)
}
