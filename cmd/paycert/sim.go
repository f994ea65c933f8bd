package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/providers"
	"github.com/paycert/paycert/harness/target"
)

type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(s string) error { *r = append(*r, s); return nil }

// cmdSim serves the simulator until interrupted, and prints what a user needs to point a suite or
// their own code at it.
func cmdSim(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "address to listen on")
	clockMode := fs.String("clock", "real", "real: time passes, and the control API moves it forward; virtual: time stands still until moved forward")
	seed := fs.Int64("seed", 1, "seed of identifiers and OTPs")
	otpDigits := fs.Int("otp-digits", 0, "length of issued OTPs (0: as each provider documents)")
	otpLifetime := fs.Duration("otp-lifetime", 0, "OTP lifetime where the document leaves it to the project: 80s or 90s (Monetix; 0: 80s)")
	var faults repeated
	retain := fs.Int("retain", sim.DefaultMaxFinished, "finished transactions kept per provider, oldest forgotten first (-1: all)")
	retainFor := fs.Duration("retain-for", sim.DefaultMaxAge, "how long, on the simulator's clock, a finished transaction is kept (-1ns: for ever)")
	fs.Var(&faults, "fault", "switch a deliberate departure on (repeatable); -fault list prints them")
	replayBundle := fs.String("replay", "", "serve the recorded answers of a report bundle (a folder, .zip or .tar.gz) instead of the simulator")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags only; a bundle to replay is given with -replay)", fs.Arg(0))
	}
	if err := checkVariables(stderr); err != nil {
		return err
	}
	if *replayBundle != "" {
		return cmdReplay(fs, *replayBundle, *listen, stdout, stderr)
	}
	if len(faults) == 1 && faults[0] == "list" {
		for _, f := range providers.Faults() {
			fmt.Fprintf(stdout, "%-36s %s (fails %s)\n", f.Name, f.Description, f.Requirement)
		}
		return nil
	}
	if *clockMode != "real" && *clockMode != "virtual" {
		return fmt.Errorf("-clock %q is not real or virtual", *clockMode)
	}
	if *otpLifetime != 0 && *otpLifetime != 80*time.Second && *otpLifetime != 90*time.Second {
		return fmt.Errorf("-otp-lifetime %s is not 80s or 90s (the OTP lifetimes document 001 names)", *otpLifetime)
	}
	if *retain == 0 || *retain < -1 {
		return fmt.Errorf("-retain %d is not a positive count or -1 (keep all)", *retain)
	}
	if *retainFor == 0 {
		return fmt.Errorf("-retain-for 0 would forget every transaction as it finishes; give a duration, or -1ns to keep them")
	}
	if err := checkFaults(faults); err != nil {
		return fmt.Errorf("-fault: %w", err)
	}
	creds := map[string]sim.Credentials{}
	for _, f := range providers.All() {
		id := envOr(target.EnvName("SIM_"+f.Name, target.AccountIDSetting(f.Name)), f.DefaultAccountID())
		secret := envOr(target.EnvName("SIM_"+f.Name, "SECRET_KEY"), "paycert-"+f.Name+"-secret")
		creds[f.Name] = sim.Credentials{ID: id, Secret: secret}
	}
	srv, err := sim.New(sim.Options{Seed: *seed, Running: *clockMode == "real", Faults: faults, OTPDigits: *otpDigits, OTPLifetime: *otpLifetime, Providers: providers.All(), Credentials: creds,
		Retention: sim.Retention{MaxFinished: *retain, MaxAge: *retainFor}})
	if err != nil {
		return err
	}
	l, err := srv.Listen(*listen)
	if err != nil {
		srv.Close()
		return err
	}
	defer l.Close()
	printServed(stdout, l, *clockMode, *seed, creds, faults)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	fmt.Fprintln(stdout, "paycert simulator: stopped")
	return nil
}

// printServed says where each provider is served, with which credentials, and the exact lines
// that point the suites at it.
func printServed(w io.Writer, l *sim.Listening, clockMode string, seed int64, creds map[string]sim.Credentials, faults []string) {
	clockText := "real time; the control API moves it forward, and the suites do so instead of waiting"
	if clockMode == "virtual" {
		clockText = "virtual: it stands still until the control API moves it forward"
	}
	fmt.Fprintf(w, "paycert simulator on %s (seed %d)\n", l.URL(), seed)
	fmt.Fprintf(w, "  clock        %s\n", clockText)
	fmt.Fprintf(w, "  control API  %s  (specs/control.yaml: OTPs, clock, webhook keys, states)\n", l.ControlURL())
	if len(faults) > 0 {
		fmt.Fprintf(w, "  FAULTS ON    %s\n", strings.Join(faults, ", "))
	}
	names := l.Providers()
	for _, name := range names {
		c := creds[name]
		fmt.Fprintf(w, "\n  %s\n", name)
		fmt.Fprintf(w, "    base URL     %s\n", l.ProviderURL(name))
		fmt.Fprintf(w, "    %-12s %s\n", strings.ToLower(strings.ReplaceAll(target.AccountIDSetting(name), "_", " ")), c.ID)
		fmt.Fprintf(w, "    secret key   %s\n", c.Secret)
		if p, ok := l.Provider(name); ok && p.WebhookKey() != nil {
			fmt.Fprintf(w, "    webhook key  %s/v1/providers/%s/webhook-key  (public_key_pem: PEM; public_key: the back-office form)\n", l.ControlURL(), name)
		}
	}
	fmt.Fprintf(w, "\nTo run the suites against it, paste into another shell:\n\n")
	fmt.Fprintf(w, "  export PAYCERT_TARGET=%s PAYCERT_CONTROL_URL=%s\n", shellQuote(l.URL()), shellQuote(l.ControlURL()))
	for _, name := range names {
		c := creds[name]
		fmt.Fprintf(w, "  export %s=%s %s=%s %s=%s\n",
			target.EnvName(name, "URL"), shellQuote(l.ProviderURL(name)),
			target.EnvName(name, target.AccountIDSetting(name)), shellQuote(c.ID),
			target.EnvName(name, "SECRET_KEY"), shellQuote(c.Secret))
	}
	fmt.Fprintf(w, "  paycert run\n\n")
	var settings []string
	for _, name := range names {
		settings = append(settings, target.EnvName("SIM_"+name, target.AccountIDSetting(name)), target.EnvName("SIM_"+name, "SECRET_KEY"))
	}
	fmt.Fprintf(w, "(other credentials: set %s before starting it)\n", strings.Join(settings, ", "))
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
