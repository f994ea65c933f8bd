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

	"github.com/paycert/paycert/harness/sim"
	"github.com/paycert/paycert/harness/sim/providers"
	"github.com/paycert/paycert/harness/target"
)

type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(s string) error { *r = append(*r, s); return nil }

// cmdSim serves the simulator until interrupted.
func cmdSim(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8080", "address to listen on")
	clockMode := fs.String("clock", "real", "real: time passes (and can be advanced); virtual: time stands still until advanced through the control API")
	seed := fs.Int64("seed", 1, "seed of identifiers and OTPs")
	otpDigits := fs.Int("otp-digits", 0, "length of issued OTPs (0: as each provider documents)")
	var faults repeated
	fs.Var(&faults, "fault", "switch a deliberate departure on (repeatable); -fault list prints them")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := checkVariables(stderr); err != nil {
		return err
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
	creds := map[string]sim.Credentials{}
	for _, f := range providers.All() {
		id := envOr(target.EnvName("SIM_"+f.Name, "SHOP_ID"), "paycert-"+f.Name)
		secret := envOr(target.EnvName("SIM_"+f.Name, "SECRET_KEY"), "paycert-"+f.Name+"-secret")
		creds[f.Name] = sim.Credentials{ID: id, Secret: secret}
	}
	srv, err := sim.New(sim.Options{Seed: *seed, Running: *clockMode == "real", Faults: faults, OTPDigits: *otpDigits, Providers: providers.All(), Credentials: creds})
	if err != nil {
		return err
	}
	l, err := srv.Listen(*listen)
	if err != nil {
		srv.Close()
		return err
	}
	defer l.Close()
	fmt.Fprintf(stdout, "paycert simulator on %s (clock %s, seed %d)\n", l.URL(), *clockMode, *seed)
	for _, f := range providers.All() {
		fmt.Fprintf(stdout, "  %-10s base URL %s  (credentials: %s, or set %s and %s)\n", f.Name, l.ProviderURL(f.Name),
			creds[f.Name].ID, target.EnvName("SIM_"+f.Name, "SHOP_ID"), target.EnvName("SIM_"+f.Name, "SECRET_KEY"))
	}
	fmt.Fprintf(stdout, "  control API %s  (OTPs: GET /v1/providers/{provider}/transactions/{id}/otp)\n", l.ControlURL())
	if len(faults) > 0 {
		fmt.Fprintf(stdout, "  FAULTS ON: %s\n", strings.Join(faults, ", "))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	fmt.Fprintln(stdout, "paycert simulator: stopped")
	return nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
