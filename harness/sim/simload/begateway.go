package simload

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/paycert/paycert/harness/bepaid"
	"github.com/paycert/paycert/harness/clock"
	"github.com/paycert/paycert/harness/jsondoc"
	"github.com/paycert/paycert/harness/load"
	"github.com/paycert/paycert/harness/paysage"
	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim"
	simbepaid "github.com/paycert/paycert/harness/sim/bepaid"
)

// beGateway is what the PaySage and bePaid drivers share: the /beyag transaction API with HTTP
// Basic credentials.
type beGateway struct {
	caller
	base  string
	creds sim.Credentials
	otp   sim.Provider
}

// transaction is the part of a beGateway answer or webhook the drivers read.
type transaction struct {
	Transaction struct {
		UID    string `json:"uid"`
		Status string `json:"status"`
	} `json:"transaction"`
}

func (g beGateway) header() http.Header {
	return http.Header{
		"Authorization": {signing.BasicAuth(g.creds.ID, g.creds.Secret)},
		"Content-Type":  {"application/json"},
		"Accept":        {"application/json"},
	}
}

// call sends a JSON body (nil for none) to path and decodes the transaction of a 200 answer.
func (g beGateway) call(ctx context.Context, op, method, path string, body any, h http.Header) (transaction, error) {
	var data []byte
	if body != nil {
		var err error
		if data, err = json.Marshal(body); err != nil {
			return transaction{}, fmt.Errorf("%s: encode: %w", op, err)
		}
	}
	if h == nil {
		h = g.header()
	}
	status, answer, err := g.send(ctx, method, g.base+path, h, data)
	if err != nil {
		return transaction{}, fmt.Errorf("%s: %w", op, err)
	}
	var tx transaction
	if status != http.StatusOK || json.Unmarshal(answer, &tx) != nil {
		return transaction{}, unexpected(op, status, answer)
	}
	return tx, nil
}

// create sends a payment request and checks that the payment is pending.
func (g beGateway) create(ctx context.Context, body jsondoc.Doc) (string, error) {
	tx, err := g.call(ctx, "create payment", http.MethodPost, "/beyag/transactions/payments", body, nil)
	if err != nil {
		return "", err
	}
	if tx.Transaction.Status != "pending" || tx.Transaction.UID == "" {
		return "", fmt.Errorf("create payment: status %q, uid %q; want pending with a uid", tx.Transaction.Status, tx.Transaction.UID)
	}
	return tx.Transaction.UID, nil
}

// status queries a transaction by uid.
func (g beGateway) status(ctx context.Context, uid string) (string, error) {
	tx, err := g.call(ctx, "transaction", http.MethodGet, "/beyag/transactions/"+uid, nil, nil)
	if err != nil {
		return "", err
	}
	if tx.Transaction.UID != uid {
		return "", fmt.Errorf("transaction %s: the answer is about %q", uid, tx.Transaction.UID)
	}
	return tx.Transaction.Status, nil
}

func (g beGateway) statusOp(uid string) load.Op {
	return func(ctx context.Context) error {
		_, err := g.status(ctx, uid)
		return err
	}
}

func (g beGateway) Final(ctx context.Context, uid string) (string, bool, error) {
	s, err := g.status(ctx, uid)
	return s, err == nil, err
}

func (beGateway) Succeeded() string { return "successful" }

// Event reads a webhook: {"transaction": {"uid", "status", ...}}.
func (beGateway) Event(_ string, body []byte) (string, string, error) {
	var tx transaction
	if err := json.Unmarshal(body, &tx); err != nil || tx.Transaction.UID == "" {
		return "", "", fmt.Errorf("a webhook without transaction.uid: %.200s", body)
	}
	return tx.Transaction.UID, tx.Transaction.Status, nil
}

// The webhook of a new payment, then of its final status.
func (beGateway) Events() []string { return []string{"pending", "successful"} }

// paysageDriver drives PaySage Mobile Commerce: a payment, then its confirmation with the OTP.
type paysageDriver struct{ beGateway }

func (*paysageDriver) Name() string { return paysage.Provider }

func (d *paysageDriver) Status(ctx context.Context) (load.Op, error) {
	uid, err := d.create(ctx, paysage.NewPayment().Body())
	if err != nil {
		return nil, err
	}
	return d.statusOp(uid), nil
}

func (d *paysageDriver) Create(ctx context.Context) error {
	_, err := d.create(ctx, paysage.NewPayment().Body())
	return err
}

func (*paysageDriver) FlowRequests() int { return 2 }

func (d *paysageDriver) Flow(ctx context.Context, callbackURL string) (string, error) {
	p := paysage.NewPayment()
	p.NotificationURL = callbackURL
	uid, err := d.create(ctx, p.Body())
	if err != nil {
		return "", err
	}
	o, ok := d.otp.OTP(uid)
	if !ok {
		return uid, fmt.Errorf("payment %s: the simulator sent no OTP", uid)
	}
	tx, err := d.call(ctx, "confirm", http.MethodPost, "/beyag/transactions/"+uid+"/confirm", paysage.Confirm(o.OTP, nil), nil)
	if err != nil {
		return uid, err
	}
	if tx.Transaction.Status != "successful" {
		return uid, fmt.Errorf("confirm %s: status %q, want successful", uid, tx.Transaction.Status)
	}
	return uid, nil
}

func (*paysageDriver) Settle() {}

// bepaidDriver drives bePaid MTS Money: the service check, then a payment that MTS Money finishes
// ProcessingTime later on the simulator's clock.
type bepaidDriver struct {
	beGateway
	clock *clock.Sim
}

func (*bepaidDriver) Name() string { return bepaid.Provider }

func newBepaidPayment() bepaid.Payment {
	return bepaid.NewPayment(bepaid.PhoneActivated, bepaid.AlreadyAccepted)
}

func (d *bepaidDriver) Status(ctx context.Context) (load.Op, error) {
	uid, err := d.create(ctx, newBepaidPayment().Body())
	if err != nil {
		return nil, err
	}
	return d.statusOp(uid), nil
}

func (d *bepaidDriver) Create(ctx context.Context) error {
	_, err := d.create(ctx, newBepaidPayment().Body())
	return err
}

func (*bepaidDriver) FlowRequests() int { return 2 }

// Flow checks the service of the activated test number (X-API-Version 3) and pays from it; MTS
// Money finishes the payment when the clock has moved on (Settle).
func (d *bepaidDriver) Flow(ctx context.Context, callbackURL string) (string, error) {
	h := d.header()
	h.Set("X-Api-Version", bepaid.V3)
	body, err := json.Marshal(bepaid.CheckRequest(bepaid.PhoneActivated, true))
	if err != nil {
		return "", fmt.Errorf("check service: encode: %w", err)
	}
	status, answer, err := d.send(ctx, http.MethodPost, d.base+"/beyag/gateways/mts_money/check_service", h, body)
	if err != nil {
		return "", fmt.Errorf("check service: %w", err)
	}
	var check struct {
		Status string `json:"status"`
	}
	if status != http.StatusOK || json.Unmarshal(answer, &check) != nil || check.Status != "successful" {
		return "", unexpected("check service", status, answer)
	}
	p := newBepaidPayment()
	p.NotificationURL = callbackURL
	return d.create(ctx, p.Body())
}

func (d *bepaidDriver) Settle() { d.clock.Advance(simbepaid.ProcessingTime) }
