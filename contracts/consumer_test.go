//go:build pact

package contracts_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/pact-foundation/pact-go/v2/consumer"
	"github.com/pact-foundation/pact-go/v2/log"
	message "github.com/pact-foundation/pact-go/v2/message/v4"
	"github.com/pact-foundation/pact-go/v2/models"

	"github.com/paycert/paycert"
	"github.com/paycert/paycert/contracts"
	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/record"
	"github.com/paycert/paycert/harness/validate"
)

// pactDir is where the consumer tests write: the checked-in pacts/ when PAYCERT_WRITE_PACTS is
// set (make pacts), else a folder of the test's own, compared with the checked-in file.
func pactDir(t *testing.T) string {
	t.Helper()
	if os.Getenv("PAYCERT_WRITE_PACTS") != "" {
		return "pacts"
	}
	return t.TempDir()
}

// contract is one provider's consumer contract under construction: its HTTP interactions (mock)
// and its messages, the callbacks the merchant receives (messages).
type contract struct {
	t        *testing.T
	provider string
	spec     *validate.Spec
	dir      string
	mock     *consumer.V4HTTPMockProvider
	messages *message.AsynchronousPact
}

// newContract starts the provider's contract; finish compares what it wrote with pacts/.
func newContract(t *testing.T, provider, specFile string) *contract {
	t.Helper()
	spec, err := validate.Load(paycert.Assets(""), specFile)
	if err != nil {
		t.Fatal(err)
	}
	dir := pactDir(t)
	mock, err := consumer.NewV4Pact(consumer.MockHTTPProviderConfig{
		Consumer: contracts.Consumer, Provider: provider, PactDir: dir, LogDir: t.TempDir(), Host: "127.0.0.1",
	})
	if err != nil {
		t.Fatal(err)
	}
	messages, err := message.NewAsynchronousPact(message.Config{Consumer: contracts.Consumer, Provider: provider, PactDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	c := &contract{t: t, provider: provider, spec: spec, dir: dir, mock: mock, messages: messages}
	// Start from nothing: the mock merges into a pact file it finds.
	_ = os.Remove(contracts.File(dir, provider))
	return c
}

// doer sends a reference client's requests to the mock server, checked against the provider's
// spec both ways: a pact whose request or answer the documents do not allow fails here.
func (c *contract) doer(cfg consumer.MockServerConfig) *exchange.Doer {
	return &exchange.Doer{
		Provider: c.provider, BaseURL: fmt.Sprintf("http://%s:%d", cfg.Host, cfg.Port),
		HTTP: &http.Client{Timeout: 10 * time.Second}, Spec: c.spec, Recorder: record.NewRecorder(record.NewRedactor()),
	}
}

// conforms is the check every interaction's test ends with: the exchange happened, with the
// status the contract says, and the reference client's request is one the spec allows. (The
// mock's answer holds only what the merchant reads, as a pact should; whether each field it names
// is one the documents promise is paycert pact check's to say.)
func conforms(res *exchange.Result, err error, status int) error {
	if err := answered(res, err, status); err != nil {
		return err
	}
	if len(res.RequestFindings) > 0 {
		return fmt.Errorf("%s: the reference client's request breaks the spec:\n%s", res.Op, res.RequestFindings)
	}
	return nil
}

// message adds a message interaction: a callback the provider sends the merchant in the provider
// state, with contents in the Pact FFI's form (JSON with matchers, for a JSON body or a form's
// fields). The merchant's handling of it is read, which says what the merchant could not use. A
// message, like an answer, holds only what the merchant reads; whether each field it names is
// one the documents promise is paycert pact check's to say.
func (c *contract) message(state models.ProviderState, description, contentType string, contents []byte, read func([]byte) error) {
	c.t.Helper()
	err := c.messages.AddAsynchronousMessage().
		GivenWithParameter(state).
		ExpectsToReceive(description).
		WithContent(contentType, contents).
		ConsumedBy(func(m message.AsynchronousMessage) error { return read(m.Contents) }).
		Verify(c.t)
	if err != nil {
		c.t.Fatal(err)
	}
}

// answered is conforms for a request that is wrong on purpose: the exchange happened, with the
// status the contract says.
func answered(res *exchange.Result, err error, status int) error {
	switch {
	case err != nil:
		return err
	case res.Err != nil:
		return res.Err
	case res.Status != status:
		return fmt.Errorf("%s: status %d, want %d: %s", res.Op, res.Status, status, res.Body)
	}
	return nil
}

// finish compares the pact file written with the checked-in one: the contracts are stable, and
// a change to them is a change to pacts/ made on purpose with make pacts.
func (c *contract) finish() {
	c.t.Helper()
	if c.t.Failed() || c.dir == "pacts" {
		return
	}
	got, err := os.ReadFile(contracts.File(c.dir, c.provider))
	if err != nil {
		c.t.Fatal(err)
	}
	want, err := os.ReadFile(contracts.File("pacts", c.provider))
	if err != nil {
		c.t.Fatalf("%v: write the pacts with make pacts", err)
	}
	if !bytes.Equal(normalised(c.t, got), normalised(c.t, want)) {
		c.t.Errorf("%s differs from what the consumer tests write: run make pacts and review the change", contracts.File("pacts", c.provider))
	}
}

// normalised is a pact file without what changes from run to run by itself: nothing, today, but
// the indentation Pact writes, which the comparison ignores.
func normalised(t *testing.T, data []byte) []byte {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMain(m *testing.M) {
	// Pact reports usage over the network unless told not to; paycert's tests send nothing out.
	if os.Getenv("PACT_DO_NOT_TRACK") == "" {
		_ = os.Setenv("PACT_DO_NOT_TRACK", "true")
	}
	// The verifier's report says what a failing interaction got; pact-go's own warnings are noise
	// here (a form body given as JSON with matchers, an interaction without a provider state).
	if err := log.SetLogLevel("ERROR"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// matcherJSON is a body with matchers in the Pact FFI's JSON form.
func matcherJSON(t *testing.T, body any) []byte {
	t.Helper()
	out, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}
