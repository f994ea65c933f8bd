package simload

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/load"
	"github.com/paycert/paycert/harness/monetix"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim"
)

// monetixDriver drives Monetix Gate API v2: a sale, then the OTP in a clarification request; the
// outcome comes by callback.
type monetixDriver struct {
	caller
	base   string
	client *monetix.Client // its request builders only: requests go through caller
	signer signing.Monetix
	otp    sim.Provider
}

func newMonetix(c caller, base string, creds sim.Credentials, p sim.Provider) (*monetixDriver, error) {
	signer, err := signing.NewMonetix(creds.Secret, "")
	if err != nil {
		return nil, err
	}
	cl, err := monetix.New(nil, creds.ID, signer)
	if err != nil {
		return nil, err
	}
	return &monetixDriver{caller: c, base: base, client: cl, signer: signer, otp: p}, nil
}

func (*monetixDriver) Name() string { return monetix.Provider }

// call signs a request, sends it to path and checks that the Gate acknowledged it.
func (d *monetixDriver) call(ctx context.Context, op, path string, doc jsondoc.Doc) error {
	body, err := d.signer.SignRequest(doc)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	h := http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}}
	status, answer, err := d.send(ctx, http.MethodPost, d.base+path, h, body)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	var ack struct {
		Status string `json:"status"`
	}
	if status != http.StatusOK || json.Unmarshal(answer, &ack) != nil || ack.Status != "success" {
		return unexpected(op, status, answer)
	}
	return nil
}

// Status is the operators list: the Gate has no status query.
func (d *monetixDriver) Status(context.Context) (load.Op, error) {
	doc := jsondoc.Doc{"general": d.client.General("")}
	return func(ctx context.Context) error {
		return d.call(ctx, "operators", "/v2/info/mobile/sale/list", doc)
	}, nil
}

func (d *monetixDriver) sale(ctx context.Context, callbackURL string) (string, error) {
	p := monetix.NewPurchase(callbackURL)
	return p.PaymentID, d.call(ctx, "sale", "/v2/payment/mobile/sale", d.client.PurchaseBody(p))
}

// Create is a sale without a callback URL.
func (d *monetixDriver) Create(ctx context.Context) error {
	_, err := d.sale(ctx, "")
	return err
}

func (*monetixDriver) FlowRequests() int { return 2 }

// Flow sends a sale and then the OTP the simulator sent, without waiting for the clarification
// callback that asks for it.
func (d *monetixDriver) Flow(ctx context.Context, callbackURL string) (string, error) {
	id, err := d.sale(ctx, callbackURL)
	if err != nil {
		return id, err
	}
	o, ok := d.otp.OTP(id)
	if !ok {
		return id, fmt.Errorf("payment %s: the simulator sent no OTP", id)
	}
	return id, d.call(ctx, "clarification", "/v2/payment/clarification", d.client.OTPBody(id, o.OTP))
}

func (*monetixDriver) Settle() {}

func (*monetixDriver) Final(context.Context, string) (string, bool, error) { return "", false, nil }

func (*monetixDriver) Succeeded() string { return monetix.StatusSuccess }

// Event reads a callback: payment.id and payment.status.
func (*monetixDriver) Event(_ string, body []byte) (string, string, error) {
	var cb struct {
		Payment struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"payment"`
	}
	if err := json.Unmarshal(body, &cb); err != nil || cb.Payment.ID == "" {
		return "", "", fmt.Errorf("a callback without payment.id: %.200s", body)
	}
	return cb.Payment.ID, cb.Payment.Status, nil
}

// The clarification callback that asks for the OTP, then the final one.
func (*monetixDriver) Events() []string {
	return []string{monetix.StatusClarification, monetix.StatusSuccess}
}
