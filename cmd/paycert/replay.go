package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/paycert/paycert/harness/replay"
	"github.com/paycert/paycert/harness/target"
)

// cmdReplay serves the recordings of a report bundle (paycert sim -replay BUNDLE) until
// interrupted. Of the flags of paycert sim only -listen goes with it: the others set up a
// simulator, which a replay does not run.
func cmdReplay(fs *flag.FlagSet, bundle, listen string, stdout, stderr io.Writer) error {
	var clash []string
	fs.Visit(func(f *flag.Flag) {
		if f.Name != "replay" && f.Name != "listen" {
			clash = append(clash, "-"+f.Name)
		}
	})
	if len(clash) > 0 {
		return fmt.Errorf("-replay serves the answers a bundle recorded and runs no simulator: %s cannot go with it (give -replay with -listen only)", strings.Join(clash, ", "))
	}
	srv, err := replay.Load(bundle, replay.Options{Log: stderr})
	if err != nil {
		return fmt.Errorf("-replay: %w", err)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fmt.Errorf("-listen: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	printReplay(stdout, srv, bundle, "http://"+ln.Addr().String())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	select {
	case <-ctx.Done():
	case err := <-served:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("replay: serve: %w", err)
		}
	}
	shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = hs.Shutdown(shut)
	fmt.Fprintln(stdout, "paycert replay: stopped")
	return nil
}

// printReplay says what is served where, and the lines that point the suites (or a client) at it.
func printReplay(w io.Writer, srv *replay.Server, bundle, base string) {
	fmt.Fprintf(w, "paycert replay of %s on %s\n", bundle, base)
	fmt.Fprintf(w, "  answers      the recorded ones, redacted as recorded; signatures in them are the sandbox's (a client checking them with its own key finds them wrong)\n")
	fmt.Fprintf(w, "  unrecorded   HTTP %d, naming the nearest recording and the fields that differ (also logged here)\n", replay.RefusalStatus)
	byProvider := map[string]int{}
	for _, c := range srv.Callbacks() {
		byProvider[c.Provider]++
	}
	names := srv.Providers()
	for _, name := range names {
		fmt.Fprintf(w, "\n  %s\n", name)
		fmt.Fprintf(w, "    base URL     %s/%s\n", base, name)
		fmt.Fprintf(w, "    recordings   %d\n", srv.Recordings(name))
		if n := byProvider[name]; n > 0 {
			fmt.Fprintf(w, "    callbacks    %d recorded, not sent again (listed at %s%s)\n", n, base, replay.CallbacksPath)
		}
	}
	fmt.Fprintf(w, "\nTo point the suites or your client at it, paste into another shell:\n\n")
	fmt.Fprintf(w, "  export PAYCERT_TARGET=%s\n", shellQuote(base))
	for _, name := range names {
		fmt.Fprintf(w, "  export %s=%s\n", target.EnvName(name, "URL"), shellQuote(base+"/"+name))
	}
	fmt.Fprintf(w, "\n(credentials are not checked: the recording has them redacted; merchant IDs in bodies must be the recorded ones)\n")
}
