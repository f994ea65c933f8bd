// Command paycert-load measures the reference simulator under load on this machine: for each
// provider it starts a fresh in-process simulator on loopback (its clock standing still) and runs
// three scenarios, each at several numbers of connections: status (the query of an existing
// payment), create (a new payment) and flow (a payment created and confirmed with its OTP, its
// callbacks going to a loopback receiver that counts them). It prints one table of requests per
// second, latency quantiles and errors, and exits 1 when any operation failed. Every run is
// bounded by a duration or a count; nothing leaves the machine.
//
//	paycert-load                          every provider, scenario and connection count, 2 s a cell
//	paycert-load -providers paysage -scenarios flow -conns 16 -duration 5s -cpuprofile cpu.out
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
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/paycert/paycert/harness/load"
	"github.com/paycert/paycert/harness/sim/providers"
	"github.com/paycert/paycert/harness/sim/simload"
)

// Scenarios, in the order the table lists them.
var scenarios = []string{"status", "create", "flow"}

// errFailures is the error of a run in which some operations failed.
var errFailures = errors.New("some operations failed")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(2)
	case errors.Is(err, errFailures):
		fmt.Fprintln(os.Stderr, "paycert-load:", err)
		os.Exit(1)
	case err != nil:
		fmt.Fprintln(os.Stderr, "paycert-load:", err)
		os.Exit(2)
	}
}

// settings are the command's flags.
type settings struct {
	providers []string
	scenarios []string
	conns     []int
	duration  time.Duration
	count     int
	settle    time.Duration
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("paycert-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var all []string
	for _, f := range providers.All() {
		all = append(all, f.Name)
	}
	providerList := fs.String("providers", strings.Join(all, ","), "providers to load, comma-separated")
	scenarioList := fs.String("scenarios", strings.Join(scenarios, ","), "scenarios to run, comma-separated: "+strings.Join(scenarios, ", "))
	connList := fs.String("conns", "1,16,64", "connection counts, comma-separated")
	duration := fs.Duration("duration", 2*time.Second, "how long each cell runs (when -count is 0)")
	count := fs.Int("count", 0, "operations per cell instead of a duration")
	settle := fs.Duration("settle", 30*time.Second, "how long a flow cell waits at most for its callbacks to be delivered")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	memProfile := fs.String("memprofile", "", "write an allocation profile at the end to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s := settings{providers: split(*providerList), scenarios: split(*scenarioList), duration: *duration, count: *count, settle: *settle}
	for _, p := range s.providers {
		if !slices.Contains(all, p) {
			return fmt.Errorf("-providers: unknown provider %q (have %s)", p, strings.Join(all, ", "))
		}
	}
	for _, sc := range s.scenarios {
		if !slices.Contains(scenarios, sc) {
			return fmt.Errorf("-scenarios: unknown scenario %q (have %s)", sc, strings.Join(scenarios, ", "))
		}
	}
	for _, c := range split(*connList) {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 || n > 1024 {
			return fmt.Errorf("-conns: %q is not a number from 1 to 1024", c)
		}
		s.conns = append(s.conns, n)
	}
	if s.count <= 0 && s.duration <= 0 {
		return fmt.Errorf("-duration or -count must bound each cell")
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("start the CPU profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	failed, err := measure(ctx, s, stdout, stderr)
	if err != nil {
		return err
	}
	if *memProfile != "" {
		if err := writeHeapProfile(*memProfile); err != nil {
			return err
		}
	}
	if failed {
		return errFailures
	}
	return nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		return fmt.Errorf("write the allocation profile: %w", err)
	}
	return nil
}

func split(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// measure runs every cell and prints the table; it reports whether any operation failed.
func measure(ctx context.Context, s settings, stdout, stderr io.Writer) (bool, error) {
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "provider\tscenario\tconns\tops/s\treq/s\tp50\tp90\tp99\tmax\terrors\tcallbacks\t")
	failed := false
	for _, p := range s.providers {
		for _, sc := range s.scenarios {
			for _, conns := range s.conns {
				if ctx.Err() != nil {
					return failed, ctx.Err()
				}
				c, err := runCell(ctx, s, p, sc, conns)
				if err != nil {
					return failed, fmt.Errorf("%s %s at %d connections: %w", p, sc, conns, err)
				}
				r := c.result
				if r.Errors > 0 || c.callbackErr != nil {
					failed = true
					fmt.Fprintf(stderr, "%s %s at %d connections: %d errors, the first: %v; callbacks: %v\n", p, sc, conns, r.Errors, r.FirstError, c.callbackErr)
				}
				fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%.0f\t%s\t%s\t%s\t%s\t%d\t%s\t\n", p, sc, conns,
					r.OpsPerSecond(), r.RequestsPerSecond(), ms(r.Latency.Quantile(0.5)), ms(r.Latency.Quantile(0.9)),
					ms(r.Latency.Quantile(0.99)), ms(r.Latency.Max()), r.Errors, c.callbacks)
			}
		}
	}
	return failed, tw.Flush()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

// cell is what one provider, scenario and connection count measured.
type cell struct {
	result load.Result
	// callbacks is "received/expected" for a flow, "-" otherwise; callbackErr says why they did
	// not all arrive.
	callbacks   string
	callbackErr error
}

// runCell runs one scenario of one provider on a fresh simulator.
func runCell(ctx context.Context, s settings, provider, scenario string, conns int) (cell, error) {
	target, err := simload.Start(conns, provider)
	if err != nil {
		return cell{}, err
	}
	defer target.Close()
	d, err := target.Driver(provider)
	if err != nil {
		return cell{}, err
	}
	cfg := load.Config{Connections: conns, Count: s.count, Duration: s.duration, RequestsPerOp: 1}
	out := cell{callbacks: "-"}
	switch scenario {
	case "status":
		op, err := d.Status(ctx)
		if err != nil {
			return cell{}, err
		}
		out.result, err = load.Run(ctx, cfg, op)
		return out, err
	case "create":
		out.result, err = load.Run(ctx, cfg, d.Create)
		return out, err
	}
	hooks, err := startCounter()
	if err != nil {
		return cell{}, err
	}
	defer hooks.close()
	cfg.RequestsPerOp = d.FlowRequests()
	out.result, err = load.Run(ctx, cfg, func(ctx context.Context) error {
		_, err := d.Flow(ctx, hooks.url)
		return err
	})
	if err != nil {
		return cell{}, err
	}
	// The callbacks of the flows: bePaid's final ones once its clock has moved on.
	d.Settle()
	expected := int64(out.result.Ops-out.result.Errors) * int64(len(d.Events()))
	wait, cancel := context.WithTimeout(ctx, s.settle)
	defer cancel()
	out.callbackErr = target.Sim().Dispatcher().Settled(wait)
	got := hooks.count.Load()
	if out.callbackErr == nil && got < expected {
		out.callbackErr = fmt.Errorf("%d callbacks arrived, %d expected", got, expected)
	}
	out.callbacks = fmt.Sprintf("%d/%d", got, expected)
	return out, nil
}

// counter is a loopback HTTP server that answers every request 200 and counts them: the merchant's
// end of the flows' callbacks.
type counter struct {
	url   string
	count atomic.Int64
	srv   *http.Server
}

func startCounter() (*counter, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("callback receiver: %w", err)
	}
	c := &counter{url: "http://" + ln.Addr().String() + "/hooks/result"}
	c.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		c.count.Add(1)
		w.WriteHeader(http.StatusOK)
	})}
	go func() { _ = c.srv.Serve(ln) }()
	return c, nil
}

func (c *counter) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = c.srv.Shutdown(ctx)
}
