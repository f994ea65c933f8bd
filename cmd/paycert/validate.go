package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/freedompay"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/target"
	"github.com/paycert/paycert/harness/validate"
	"github.com/paycert/paycert/suites"
)

// cmdValidate checks one captured message body (from a log, a proxy, a support ticket) against a
// provider's operation, or against any schema file of paycert's.
func cmdValidate(args []string, stdout, stderr io.Writer) (int, error) {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	specs := providerSpecs()
	provider := fs.String("provider", "", "provider whose operation to check against: "+strings.Join(keys(specs), ", "))
	op := fs.String("op", "", `operation ID (createPayment) or "METHOD /path" (POST /beyag/transactions/payments)`)
	kind := fs.String("kind", "", "what the file holds: request, response or webhook (needed when the operation has both a request body and answers)")
	status := fs.Int("status", 200, "the HTTP status of a response")
	schemaFlag := fs.String("schema", "", "a schema file to check against instead of an operation (schemas/begateway/transaction.json); -list lists them")
	list := fs.Bool("list", false, "list the operations (of -provider, or of every provider) and the schema files, and stop")
	var reqHeader headerFlag
	fs.Var(&reqHeader, "request-header", `a header of the request a response answered, "Name: value" (repeatable); bePaid's check answer takes its shape from "X-API-Version: 3"`)
	contentType := fs.String("content-type", "", "the body's Content-Type as captured (multipart/form-data; boundary=..., application/x-www-form-urlencoded, application/xml); without it the body's first bytes say whether it is JSON, XML or a form")
	verifySig := fs.Bool("signature", false, "also verify the signature the body carries, with the provider's secret key (and signature variant) from the environment: Monetix requests, callbacks and Payment Page parameters (PAYCERT_MONETIX_SECRET_KEY), FreedomPay requests, answers and result calls (PAYCERT_FREEDOMPAY_SECRET_KEY, with -script for a result call)")
	script := fs.String("script", "", "FreedomPay: the script name the body was signed with, the last segment of the URL called (pay, init_payment.php, result.php); by default that of the operation's path")
	assetsDir := fs.String("assets", os.Getenv("PAYCERT_ASSETS_DIR"), "read specs and schemas from this checkout instead of the embedded copy")
	if err := fs.Parse(args); err != nil {
		return exitError, errUsage
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	assets := paycert.Assets(*assetsDir)

	if *list {
		return exitConformant, listTargets(stdout, assets, specs, *provider)
	}
	if *schemaFlag != "" {
		if set["provider"] || set["op"] || set["kind"] {
			return exitError, errors.New("give -schema, or -provider with -op, not both")
		}
		file, err := schemaFile(assets, *schemaFlag)
		if err != nil {
			return exitError, err
		}
		body, err := readInput(fs.Args())
		if err != nil {
			return exitError, err
		}
		ct := *contentType
		if ct == "" {
			ct = validate.Sniff(body)
		}
		findings, err := validate.NewSchemas(assets).CheckMessage(file, ct, body, freedompay.XMLField)
		if err != nil {
			return exitError, err
		}
		if *verifySig {
			var f validate.Findings
			switch provider, _, _ := strings.Cut(strings.TrimPrefix(file, "schemas/"), "/"); provider {
			case "monetix":
				f, err = monetixSignature(body, false)
			case "freedompay":
				if *script == "" {
					return exitError, fmt.Errorf("-signature: say which script name %s was signed with: -script (the last segment of the URL called: pay, approve, init_payment.php, or the result URL's)", file)
				}
				f, err = freedompaySignature(*script, *contentType, body)
			default:
				return exitError, fmt.Errorf("-signature verifies Monetix and FreedomPay messages, not %s", file)
			}
			if err != nil {
				return exitError, err
			}
			findings = append(findings, f...)
		}
		return verdictOf(stdout, "the body", file, file, findings), nil
	}
	if *provider == "" {
		return exitError, fmt.Errorf("say what to check the body against: -provider (%s) with -op, or -schema FILE; paycert validate -list lists both", strings.Join(keys(specs), ", "))
	}
	specFile, ok := specs[*provider]
	if !ok {
		return exitError, fmt.Errorf("-provider %q is not one of %s%s", *provider, strings.Join(keys(specs), ", "), target.DidYouMean(*provider, keys(specs)))
	}
	spec, err := validate.Load(assets, specFile)
	if err != nil {
		return exitError, err
	}
	if *op == "" {
		return exitError, fmt.Errorf("-op is missing: name one of %s's operations:\n%s", *provider, operationList(spec))
	}
	opID := *op
	if method, p, ok := strings.Cut(*op, " "); ok {
		if opID, _, err = spec.FindOperation(method, strings.TrimSpace(p)); err != nil {
			return exitError, err
		}
	}
	callback, requestBody, err := spec.Shape(opID)
	if err != nil {
		return exitError, fmt.Errorf("-op %q is not an operation of %s%s; its operations:\n%s", *op, *provider, target.DidYouMean(*op, spec.Operations()), operationList(spec))
	}
	body, err := readInput(fs.Args())
	if err != nil {
		return exitError, err
	}
	if !set["kind"] {
		guess := ""
		if !set["content-type"] {
			guess = sniffedKind(spec, opID, *status, body)
		}
		switch {
		case callback:
			*kind = "webhook"
		case !requestBody || set["status"] || set["request-header"]:
			*kind = "response"
		case guess != "":
			*kind = guess
		default:
			return exitError, fmt.Errorf("-kind is missing: %s has a request body and answers; say -kind request or -kind response", opID)
		}
	}
	var schema string
	status0 := 0
	switch *kind {
	case "request", "webhook":
		if (*kind == "webhook") != callback {
			return exitError, fmt.Errorf("-kind %s: %s is %s", *kind, opID, map[bool]string{true: "a callback the target sends: -kind webhook", false: "a request to the target: -kind request or response"}[callback])
		}
		schema, err = spec.BodySchema(opID, 0)
	case "response":
		if callback {
			return exitError, fmt.Errorf("-kind response: %s is a callback the target sends; check its body with -kind webhook", opID)
		}
		schema, err = spec.ResponseSchema(opID, *status, reqHeader.Header)
		status0 = *status
	default:
		return exitError, fmt.Errorf("-kind %q is not request, response or webhook", *kind)
	}
	if err != nil {
		return exitError, err
	}
	findings, err := spec.CheckCaptured(opID, status0, reqHeader.Header, *contentType, body)
	if err != nil {
		return exitError, err
	}
	if *verifySig {
		var f validate.Findings
		switch {
		case *provider == "monetix" && *kind != "response":
			f, err = monetixSignature(body, callback)
		case *provider == "freedompay":
			if *script == "" {
				if callback {
					return exitError, fmt.Errorf("-signature: %s is signed with the script name of the merchant's result URL; give it with -script (for https://shop.example/pay/result.php, -script result.php)", opID)
				}
				_, p, _ := spec.PathOf(opID)
				if resend := os.Getenv(target.EnvName(freedompay.Provider, "RESEND_PATH")); opID == freedompay.OpResend && resend != "" {
					p = resend // where the target serves it, as paycert run sends it
				}
				*script = signing.ScriptName(p)
			}
			f, err = freedompaySignature(*script, *contentType, body)
		default:
			return exitError, errors.New("-signature verifies Monetix requests, callbacks and Payment Page parameters, and FreedomPay requests, answers and result calls")
		}
		if err != nil {
			return exitError, err
		}
		findings = append(findings, f...)
	}
	return verdictOf(stdout, "the "+*kind, opID, schema, findings), nil
}

// monetixSignature verifies the Monetix signature a body carries, with the secret key and variant
// from the environment; a signature that does not verify is a finding.
func monetixSignature(body []byte, callback bool) (validate.Findings, error) {
	secretVar, variantVar := target.EnvName("monetix", "SECRET_KEY"), target.EnvName("monetix", "SIGNATURE_VARIANT")
	secret := os.Getenv(secretVar)
	if secret == "" {
		return nil, fmt.Errorf("-signature: %s is not set; the project's secret key is read from the environment only", secretVar)
	}
	m, err := signing.NewMonetix(secret, os.Getenv(variantVar))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", variantVar, err)
	}
	verify := m.Verify
	if callback {
		verify = m.VerifyCallback
	}
	if err := verify(body); err != nil {
		return validate.Findings{{Where: "signature", Message: err.Error(), Rule: "providers-facts.md 2.2, variant " + m.Variant.Name}}, nil
	}
	return nil, nil
}

// sniffedKind is "request" or "response" when the body is of a kind (JSON, a form, XML) that only
// opID's request, or only its answer with the given status, documents; else "".
func sniffedKind(spec *validate.Spec, opID string, status int, body []byte) string {
	ct := validate.Sniff(body)
	switch req, resp := spec.Documents(opID, 0, ct), spec.Documents(opID, status, ct); {
	case req && !resp:
		return "request"
	case resp && !req:
		return "response"
	}
	return ""
}

// freedompaySignature verifies the pg_sig a FreedomPay form or XML document carries (a form may
// carry its fields as XML in pg_xml), for the script name it was signed with, with the secret key
// and variant from the environment; a signature that does not verify is a finding.
func freedompaySignature(script, contentType string, body []byte) (validate.Findings, error) {
	secretVar, variantVar := target.EnvName(freedompay.Provider, "SECRET_KEY"), target.EnvName(freedompay.Provider, "SIGNATURE_VARIANT")
	secret := os.Getenv(secretVar)
	if secret == "" {
		return nil, fmt.Errorf("-signature: %s is not set; the project's secret key is read from the environment only", secretVar)
	}
	signer, err := signing.NewFreedomPay(secret, os.Getenv(variantVar))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", variantVar, err)
	}
	rule := fmt.Sprintf("providers-facts.md 3.3, variant %s, script name %q", signer.Variant, script)
	if contentType == "" {
		contentType = validate.Sniff(body)
	}
	var l fields.List
	if fields.IsXML(contentType) {
		_, l, err = fields.ParseXML(body)
	} else if l, err = fields.ParseForm(contentType, body); err == nil {
		l, err = l.Unwrap(freedompay.XMLField)
	}
	if err != nil {
		return validate.Findings{{Where: "signature", Message: "the fields cannot be read to verify pg_sig: " + err.Error(), Rule: rule}}, nil
	}
	if err := signer.Verify(script, l); err != nil {
		return validate.Findings{{Where: "signature", Message: err.Error(), Rule: rule}}, nil
	}
	return nil, nil
}

// verdictOf prints the result of a check and returns its exit status.
func verdictOf(stdout io.Writer, what, against, schema string, findings validate.Findings) int {
	if len(findings) == 0 {
		fmt.Fprintf(stdout, "conformant: %s matches %s (%s)\n", what, against, schema)
		return exitConformant
	}
	fmt.Fprintf(stdout, "non-conformant: %s has %d finding(s) against %s (%s)\n%s\n", what, len(findings), against, schema, findings)
	return exitNonConformant
}

// listTargets prints the operations of one provider (or of all) and every schema file.
func listTargets(w io.Writer, assets fs.FS, specs map[string]string, provider string) error {
	names := keys(specs)
	if provider != "" {
		if _, ok := specs[provider]; !ok {
			return fmt.Errorf("-provider %q is not one of %s%s", provider, strings.Join(names, ", "), target.DidYouMean(provider, names))
		}
		names = []string{provider}
	}
	for _, name := range names {
		spec, err := validate.Load(assets, specs[name])
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "operations of %s (-provider %s -op ID):\n%s\n", name, name, operationList(spec))
	}
	files, err := schemaFiles(assets)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "schema files (-schema FILE):\n  %s\n", strings.Join(files, "\n  "))
	return nil
}

// operationList lists a spec's operations, one a line, with their method and path.
func operationList(spec *validate.Spec) string {
	var b strings.Builder
	for _, id := range spec.Operations() {
		m, p, _ := spec.PathOf(id)
		callback, _, _ := spec.Shape(id)
		note := ""
		if callback {
			note = "  (a callback the target sends: -kind webhook)"
		}
		fmt.Fprintf(&b, "  %-30s %s %s%s\n", id, m, p, note)
	}
	return strings.TrimRight(b.String(), "\n")
}

// schemaFiles lists the JSON Schema files of the assets.
func schemaFiles(assets fs.FS) ([]string, error) {
	var out []string
	err := fs.WalkDir(assets, "schemas", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			out = append(out, p)
		}
		return err
	})
	sort.Strings(out)
	return out, err
}

// schemaFile finds the schema file a user named: a path inside the assets, written with or
// without a leading ./ (or as a path inside a checkout).
func schemaFile(assets fs.FS, name string) (string, error) {
	files, err := schemaFiles(assets)
	if err != nil {
		return "", err
	}
	clean := path.Clean(strings.ReplaceAll(name, "\\", "/"))
	if i := strings.LastIndex("/"+clean, "/schemas/"); i >= 0 {
		clean = clean[i:]
	}
	for _, f := range files {
		if f == clean {
			return f, nil
		}
	}
	return "", fmt.Errorf("-schema %q is not a schema file of paycert's%s (paycert validate -list lists them)", name, target.DidYouMean(clean, files))
}

// providerSpecs maps each provider to its OpenAPI document.
func providerSpecs() map[string]string {
	out := map[string]string{}
	for _, e := range suites.All() {
		out[e.Provider] = e.SpecFile
	}
	return out
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

// readInput reads the one file named (or standard input for -).
func readInput(args []string) ([]byte, error) {
	if len(args) != 1 {
		return nil, errors.New("give one file to check (or - for standard input)")
	}
	if args[0] == "-" {
		return io.ReadAll(os.Stdin)
	}
	data, err := os.ReadFile(args[0])
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", args[0], err)
	}
	return data, nil
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
