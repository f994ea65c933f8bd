// Package otp supplies the one-time password a customer would have received, from wherever the
// target makes it available: the test-control API, a fixed value, an environment variable, an
// external command (an SMS gateway's API, a log scraper), or a person at the terminal.
package otp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/paycert/paycert/harness/control"
)

// Request says which OTP is wanted.
type Request struct {
	Provider    string
	Transaction string
	// Phone is the customer's phone number the OTP went to.
	Phone string
}

// Source gives the OTP sent for a transaction.
type Source interface {
	OTP(ctx context.Context, r Request) (string, error)
	// Describe names the source for reports, without any secret.
	Describe() string
}

// Check checks a source setting without a control API at hand, so that a bad one stops a run
// before any request: the kind is known, a static code is given, the variable of an env source is
// set, the program of a command source is found.
func Check(setting string, getenv func(string) string) error {
	kind, arg, _ := strings.Cut(strings.TrimSpace(setting), ":")
	switch kind {
	case "control", "prompt":
		return nil
	case "env":
		if arg != "" && strings.TrimSpace(getenv(arg)) == "" {
			return fmt.Errorf("the environment variable %s of the env OTP source is not set", arg)
		}
	case "command":
		if fields := strings.Fields(arg); len(fields) > 0 {
			if _, err := exec.LookPath(fields[0]); err != nil {
				return fmt.Errorf("the program of the command OTP source is not found: %v", err)
			}
		}
	}
	_, err := Parse(setting, &control.Client{})
	return err
}

// Parse reads a source setting: "control", "static:CODE", "env:VARIABLE", "command:PROGRAM ARGS…"
// or "prompt". The control source needs ctl; the others ignore it.
func Parse(setting string, ctl *control.Client) (Source, error) {
	kind, arg, _ := strings.Cut(strings.TrimSpace(setting), ":")
	switch kind {
	case "control":
		if ctl == nil {
			return nil, errors.New("the control OTP source needs a control API (PAYCERT_CONTROL_URL)")
		}
		return Control{Client: ctl}, nil
	case "static":
		if arg == "" {
			return nil, errors.New("static OTP source needs a code: static:CODE")
		}
		return Static(arg), nil
	case "env":
		if arg == "" {
			return nil, errors.New("env OTP source needs a variable name: env:NAME")
		}
		return Env(arg), nil
	case "command":
		fields := strings.Fields(arg)
		if len(fields) == 0 {
			return nil, errors.New("command OTP source needs a program: command:PROGRAM ARGS")
		}
		return Command{Path: fields[0], Args: fields[1:], Timeout: 2 * time.Minute}, nil
	case "prompt":
		// The Ginkgo CLI does not hand its terminal to the test process: ask the terminal itself.
		if tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0); err == nil {
			return &Prompt{In: tty, Out: tty}, nil
		}
		return &Prompt{In: os.Stdin, Out: os.Stderr}, nil
	}
	// The setting is not echoed: it may be a static code.
	return nil, fmt.Errorf("unknown OTP source kind %q (want control, static:CODE, env:NAME, command:PROGRAM or prompt)", kind)
}

// Control reads the OTP from the target's test-control API.
type Control struct{ Client *control.Client }

// OTP asks the control API.
func (c Control) OTP(ctx context.Context, r Request) (string, error) {
	o, err := c.Client.OTP(ctx, r.Provider, r.Transaction)
	if err != nil {
		return "", fmt.Errorf("otp for %s %s: %w", r.Provider, r.Transaction, err)
	}
	return o.OTP, nil
}

// Describe names the source.
func (Control) Describe() string { return "control API" }

// Static is one code for every transaction (a sandbox's fixed test OTP).
type Static string

// OTP returns the code.
func (s Static) OTP(context.Context, Request) (string, error) { return string(s), nil }

// Describe names the source.
func (Static) Describe() string { return "static code" }

// Env reads the code from an environment variable when it is needed.
type Env string

// OTP reads the variable.
func (e Env) OTP(context.Context, Request) (string, error) {
	v := strings.TrimSpace(os.Getenv(string(e)))
	if v == "" {
		return "", fmt.Errorf("otp: environment variable %s is empty", string(e))
	}
	return v, nil
}

// Describe names the source.
func (e Env) Describe() string { return "environment variable " + string(e) }

// Command runs a program that prints the code on its first line. It gets the request in the
// environment as PAYCERT_OTP_PROVIDER, PAYCERT_OTP_TRANSACTION and PAYCERT_OTP_PHONE.
type Command struct {
	Path    string
	Args    []string
	Timeout time.Duration
}

// OTP runs the program.
func (c Command) OTP(ctx context.Context, r Request) (string, error) {
	if c.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.Timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, c.Path, c.Args...)
	cmd.Env = append(os.Environ(),
		"PAYCERT_OTP_PROVIDER="+r.Provider,
		"PAYCERT_OTP_TRANSACTION="+r.Transaction,
		"PAYCERT_OTP_PHONE="+r.Phone,
	)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("otp command %s: %w: %s", c.Path, err, strings.TrimSpace(stderr.String()))
	}
	line, _, _ := strings.Cut(string(out), "\n")
	if line = strings.TrimSpace(line); line == "" {
		return "", fmt.Errorf("otp command %s printed no code", c.Path)
	}
	return line, nil
}

// Describe names the source.
func (c Command) Describe() string { return "command " + c.Path }

// Prompt asks a person at the terminal for the code the phone received. One goroutine reads the
// terminal's lines for all the prompts, so that a line typed after a prompt gave up is not lost
// to a reader nobody waits for.
type Prompt struct {
	In  io.Reader
	Out io.Writer

	once  sync.Once
	lines chan string
}

// OTP asks and reads one line.
func (p *Prompt) OTP(ctx context.Context, r Request) (string, error) {
	p.once.Do(func() {
		p.lines = make(chan string)
		go func() {
			defer close(p.lines)
			sc := bufio.NewScanner(p.In)
			for sc.Scan() {
				p.lines <- strings.TrimSpace(sc.Text())
			}
		}()
	})
	fmt.Fprintf(p.Out, "paycert: enter the OTP sent for %s transaction %s: ", r.Provider, r.Transaction)
	for {
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("otp prompt: %w", ctx.Err())
		case line, ok := <-p.lines:
			if !ok {
				return "", errors.New("otp prompt: the input ended before a code was entered")
			}
			if line != "" {
				return line, nil
			}
		}
	}
}

// Describe names the source.
func (*Prompt) Describe() string { return "prompt" }

// Wrong returns a code of the same length as code that is not code, for specs that send a wrong
// OTP on purpose: every digit moved on by one (9 to 0), anything else made a 1; "0000" for none.
func Wrong(code string) string {
	b := []byte(code)
	if len(b) == 0 {
		return "0000"
	}
	for i := range b {
		if b[i] >= '0' && b[i] <= '9' {
			b[i] = '0' + (b[i]-'0'+1)%10
		} else {
			b[i] = '1'
		}
	}
	return string(b)
}
