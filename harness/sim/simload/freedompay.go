package simload

import (
	"context"
	"fmt"
	"net/http"

	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/freedompay"
	"github.com/paycert/paycert/harness/load"
	"github.com/paycert/paycert/harness/random"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim"
)

// Paths of the Merchant API scripts the driver calls (specs/freedompay.yaml).
const (
	fpInit    = "/init_payment.php"
	fpPay     = "/mfs/pay"
	fpApprove = "/mfs/approve"
	fpStatus  = "/get_status3.php"
)

// freedomPayDriver drives FreedomPay's Merchant API: init, pay from a phone, approve with the code
// sent; the result comes to the result URL.
type freedomPayDriver struct {
	caller
	base   string
	client *freedompay.Client // its signing of requests only: requests go through caller
	otp    sim.Provider
}

func newFreedomPay(c caller, base string, creds sim.Credentials, p sim.Provider) (*freedomPayDriver, error) {
	signer, err := signing.NewFreedomPay(creds.Secret, "")
	if err != nil {
		return nil, err
	}
	cl, err := freedompay.New(nil, creds.ID, signer, "")
	if err != nil {
		return nil, err
	}
	return &freedomPayDriver{caller: c, base: base, client: cl, otp: p}, nil
}

func (*freedomPayDriver) Name() string { return freedompay.Provider }

// call salts and signs the fields of op, posts them URL-encoded to path and returns the answer's
// fields when its pg_status is want.
func (d *freedomPayDriver) call(ctx context.Context, op, path string, l fields.List, want string) (fields.List, error) {
	body := d.client.Prepare(freedompay.Call{Op: op, Fields: l}).Encode()
	h := http.Header{"Content-Type": {fields.URLEncoded}}
	status, answer, err := d.send(ctx, http.MethodPost, d.base+path, h, []byte(body))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	_, out, err := fields.ParseXML(answer)
	if status != http.StatusOK || err != nil || out.Value("pg_status") != want {
		return nil, unexpected(op, status, answer)
	}
	return out, nil
}

// init initialises a payment whose result goes to resultURL ("" for none) and returns its ID.
func (d *freedomPayDriver) init(ctx context.Context, resultURL string) (string, error) {
	out, err := d.call(ctx, freedompay.OpInit, fpInit, freedompay.InitFields(freedompay.NewPayment(resultURL)), freedompay.StatusOK)
	if err != nil {
		return "", err
	}
	id := out.Value("pg_payment_id")
	if id == "" {
		return "", fmt.Errorf("%s: no pg_payment_id in the answer", freedompay.OpInit)
	}
	return id, nil
}

func (d *freedomPayDriver) status(ctx context.Context, id string) (string, error) {
	out, err := d.call(ctx, freedompay.OpStatus, fpStatus, freedompay.IDFields(id), freedompay.StatusOK)
	if err != nil {
		return "", err
	}
	if got := out.Value("pg_payment_id"); got != id {
		return "", fmt.Errorf("%s %s: the answer is about %q", freedompay.OpStatus, id, got)
	}
	return out.Value("pg_payment_status"), nil
}

func (d *freedomPayDriver) Status(ctx context.Context) (load.Op, error) {
	id, err := d.init(ctx, "")
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) error {
		_, err := d.status(ctx, id)
		return err
	}, nil
}

func (d *freedomPayDriver) Create(ctx context.Context) error {
	_, err := d.init(ctx, "")
	return err
}

func (*freedomPayDriver) FlowRequests() int { return 3 }

// Flow initialises a payment, pays it from a phone outside the test table (which needs an
// approval code) and approves it with the code sent.
func (d *freedomPayDriver) Flow(ctx context.Context, resultURL string) (string, error) {
	id, err := d.init(ctx, resultURL)
	if err != nil {
		return "", err
	}
	phone := fmt.Sprintf("7707%07d", random.Int(10_000_000))
	if _, err := d.call(ctx, freedompay.OpPay, fpPay, freedompay.PayFields(id, phone, ""), freedompay.StatusNeedApprove); err != nil {
		return id, err
	}
	o, ok := d.otp.OTP(id)
	if !ok {
		return id, fmt.Errorf("payment %s: the simulator sent no approval code", id)
	}
	_, err = d.call(ctx, freedompay.OpApprove, fpApprove, freedompay.ApproveFields(id, o.OTP), freedompay.StatusOK)
	return id, err
}

func (*freedomPayDriver) Settle() {}

func (d *freedomPayDriver) Final(ctx context.Context, id string) (string, bool, error) {
	s, err := d.status(ctx, id)
	return s, err == nil, err
}

func (*freedomPayDriver) Succeeded() string { return freedompay.PaymentSuccess }

// Event reads a result call (a form, or for GET its query): pg_payment_id, and pg_result as the
// payment status it means.
func (*freedomPayDriver) Event(contentType string, body []byte) (string, string, error) {
	l, err := fields.ParseForm(contentType, body)
	if err != nil {
		return "", "", fmt.Errorf("a result call that is not a form: %w", err)
	}
	id := l.Value("pg_payment_id")
	if id == "" {
		return "", "", fmt.Errorf("a result call without pg_payment_id")
	}
	status := freedompay.PaymentFailed
	if l.Value("pg_result") == "1" {
		status = freedompay.PaymentSuccess
	}
	return id, status, nil
}

// One result call, of the successful payment.
func (*freedomPayDriver) Events() []string { return []string{freedompay.PaymentSuccess} }
