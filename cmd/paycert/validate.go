package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/harness/validate"
	"github.com/paycert/paycert/suites"
)

// cmdValidate checks one captured message body (from a log, a proxy, a support ticket) against a
// provider's operation.
func cmdValidate(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specs := providerSpecs()
	provider := fs.String("provider", "", "provider: "+strings.Join(keys(specs), ", "))
	op := fs.String("op", "", `operation ID (createPayment) or "METHOD /path" (POST /beyag/transactions/payments)`)
	kind := fs.String("kind", "response", "what the file holds: request, response or webhook")
	status := fs.Int("status", 200, "the HTTP status of a response")
	list := fs.Bool("list", false, "list the provider's operations and stop")
	var reqHeader headerFlag
	fs.Var(&reqHeader, "request-header", `a header of the request a response answered, "Name: value" (repeatable); bePaid's check answer takes its shape from "X-API-Version: 3"`)
	assets := fs.String("assets", os.Getenv("PAYCERT_ASSETS_DIR"), "read specs and schemas from this checkout instead of the embedded copy")
	if err := fs.Parse(args); err != nil {
		return exitError, errUsage
	}
	file, ok := specs[*provider]
	if !ok {
		return exitError, fmt.Errorf("-provider %q is not one of %s", *provider, strings.Join(keys(specs), ", "))
	}
	spec, err := validate.Load(paycert.Assets(*assets), file)
	if err != nil {
		return exitError, err
	}
	if *list {
		for _, id := range spec.Operations() {
			m, p, _ := spec.PathOf(id)
			fmt.Fprintf(stdout, "%-30s %s %s\n", id, m, p)
		}
		return exitConformant, nil
	}
	opID := *op
	if method, path, ok := strings.Cut(*op, " "); ok {
		if opID, _, err = spec.FindOperation(method, strings.TrimSpace(path)); err != nil {
			return exitError, err
		}
	}
	if fs.NArg() != 1 {
		return exitError, fmt.Errorf("give one file to check (or - for standard input)")
	}
	body, err := readInput(fs.Arg(0))
	if err != nil {
		return exitError, err
	}
	var schema string
	switch *kind {
	case "request", "webhook":
		schema, err = spec.BodySchema(opID, 0)
	case "response":
		schema, err = spec.ResponseSchema(opID, *status, reqHeader.Header)
	default:
		return exitError, fmt.Errorf("-kind %q is not request, response or webhook", *kind)
	}
	if err != nil {
		return exitError, err
	}
	findings, err := spec.CheckBody(schema, body)
	if err != nil {
		return exitError, err
	}
	if len(findings) == 0 {
		fmt.Fprintf(stdout, "conformant: the %s matches %s (%s)\n", *kind, opID, schema)
		return exitConformant, nil
	}
	fmt.Fprintf(stdout, "non-conformant: %d finding(s) against %s (%s)\n%s\n", len(findings), opID, schema, findings)
	return exitNonConformant, nil
}

// headerFlag collects "Name: value" flags into a header.
type headerFlag struct{ http.Header }

func (h *headerFlag) String() string { return fmt.Sprint(h.Header) }

func (h *headerFlag) Set(v string) error {
	name, value, ok := strings.Cut(v, ":")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("want \"Name: value\", got %q", v)
	}
	if h.Header == nil {
		h.Header = http.Header{}
	}
	h.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	return nil
}

func readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(os.Stdin)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return data, nil
}

// providerSpecs maps each provider to its OpenAPI document.
func providerSpecs() map[string]string {
	out := map[string]string{}
	for _, e := range suites.All() {
		out[e.Provider] = e.SpecFile
	}
	return out
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
