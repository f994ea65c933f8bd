// Package beyag simulates the beGateway /beyag transaction API that PaySage and bePaid both run
// on: payments, confirmation with a one-time password and the 30-second duplicate window, refunds
// of the full amount, status queries by uid and tracking_id, expiry, and webhooks authenticated
// with HTTP Basic and signed with the shop's RSA key. A provider package supplies the payment
// method (its own request fields and what happens after creation) and its rules (currencies).
package beyag

import (
	"cmp"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/paycert/paycert/harness/signing"
	"github.com/paycert/paycert/harness/sim"
)

// Method is a payment method of a beGateway provider.
type Method interface {
	// Type is method.type ("mobile_commerce").
	Type() string
	// Check reports the method's own problems with a payment request (request is the object
	// under "request").
	Check(request map[string]any, errs *FieldErrors)
	// Section is the method section of the transaction, named after the type.
	Section(request map[string]any) map[string]any
	// Created is told of a new pending payment, under the engine's lock.
	Created(e *Engine, tx *Tx)
}

// Router is a Method with paths of its own besides the transaction API (bePaid's MTS Money
// service check). Routes adds them to the engine's mux; wrap handlers in Engine.Authenticated.
type Router interface {
	Routes(e *Engine, mux *http.ServeMux)
}

// Config is one beGateway provider.
type Config struct {
	Provider    string
	Currencies  []string
	GatewayID   int
	ReceiptBase string
	Method      Method
	// PendingMessage is the message of a new payment.
	PendingMessage string
	// MaxWrongOTPs fails a payment after this many wrong OTPs (0: never).
	MaxWrongOTPs int
	// ExampleAmount is the amount of a payment set up for a provider state (the document's
	// example).
	ExampleAmount int64
	// RefundAmountOptional lets a refund leave out the amount, which then is the full amount
	// (the generic APM refund); otherwise the amount is required (PaySage Mobile Commerce).
	RefundAmountOptional bool
}

// Fault kinds a beGateway provider can be switched into; the fault's name is
// "<provider>.<kind>".
const (
	FaultAcceptWrongOTP    = "accept-wrong-otp"
	FaultPartialRefund     = "partial-refund"
	FaultDropWebhook       = "drop-webhook"
	FaultCreatedSuccessful = "created-successful"
	FaultNoDuplicateCheck  = "no-duplicate-check"
	FaultBadSignature      = "bad-webhook-signature"
	FaultAnyCredentials    = "any-credentials"
)

// DuplicateWindow is how long after a confirmation request another one for the same uid is
// declined unless skip_duplicate_check is true (document 000, Transaction confirmation).
const DuplicateWindow = 30 * time.Second

// Engine is a simulated beGateway provider.
//
// Its transactions are indexed by uid and, for payments, by tracking_id; the moments at which a
// pending payment expires or settles are kept in time order, so a request or a tick of the clock
// touches only what is due; finished transactions are forgotten as env.Retention says.
type Engine struct {
	cfg Config
	env sim.Env

	mu         sync.Mutex
	txs        map[string]*Tx
	byTracking map[string]*tracked // payments by tracking_id
	due        sim.Deadlines[string]
	finished   *sim.Finished[string]
	created    uint64 // transactions ever stored, for their creation order
}

// New returns an engine. The shop's webhook key pair comes from env.Keys when first needed.
func New(cfg Config, env sim.Env) (*Engine, error) {
	e := &Engine{cfg: cfg, env: env}
	e.clear()
	env.Clock.OnAdvance(func(now time.Time) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.runDue(now)
	})
	return e, nil
}

// Fault reports whether a fault of this provider is switched on.
func (e *Engine) Fault(kind string) bool { return e.env.Faults.Of(e.cfg.Provider, kind) }

// Env is the simulator environment.
func (e *Engine) Env() sim.Env { return e.env }

// Handler serves the /beyag paths.
func (e *Engine) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /beyag/transactions/payments", e.Authenticated(e.createPayment))
	mux.HandleFunc("POST /beyag/transactions/{uid}/confirm", e.Authenticated(e.confirm))
	mux.HandleFunc("POST /beyag/transactions/refunds", e.Authenticated(e.refund))
	mux.HandleFunc("GET /beyag/transactions/tracking_id/{tracking_id}", e.Authenticated(e.byTrackingID))
	mux.HandleFunc("GET /beyag/transactions/{uid}", e.Authenticated(e.transaction))
	if r, ok := e.cfg.Method.(Router); ok {
		r.Routes(e, mux)
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "Not found.", "system", "No such endpoint.")
	})
	return mux
}

// WebhookKey is the public half of the shop's signing key, or nil when there is none.
func (e *Engine) WebhookKey() *rsa.PublicKey {
	key, err := e.key()
	if err != nil {
		return nil
	}
	return &key.PublicKey
}

// key is the shop's webhook signing key (named after the provider in the simulator's keys).
func (e *Engine) key() (*rsa.PrivateKey, error) { return e.env.Keys.RSA(e.cfg.Provider + "/webhook") }

// SignWebhook is the Content-Signature of a webhook body, signed with the shop's key.
func (e *Engine) SignWebhook(body []byte) (string, error) {
	key, err := e.key()
	if err != nil {
		return "", err
	}
	return signing.SignRSASHA256(key, body)
}

// OTP returns the OTP sent for a payment.
func (e *Engine) OTP(uid string) (sim.OTPInfo, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	tx, ok := e.txs[uid]
	if !ok || tx.OTP == "" {
		return sim.OTPInfo{}, false
	}
	return sim.OTPInfo{OTP: tx.OTP, IssuedAt: tx.OTPIssuedAt}, true
}

// Reset forgets every transaction.
func (e *Engine) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.clear()
}

// clear empties the store; the caller holds the lock (or owns the engine alone).
func (e *Engine) clear() {
	e.txs = map[string]*Tx{}
	e.byTracking = map[string]*tracked{}
	e.due.Reset()
	e.finished = sim.NewFinished[string](e.env.Retention)
}

// Authenticated serves h only to requests with the shop's credentials (HTTP Basic), after letting
// due work (expiry, settlement) happen; others get 401 with the error body.
func (e *Engine) Authenticated(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !e.authorized(r) {
			writeUnauthorized(w)
			return
		}
		e.mu.Lock()
		e.runDue(e.env.Clock.Now())
		e.mu.Unlock()
		h(w, r)
	}
}

func (e *Engine) newUID() string { return e.env.Rand.UUID() }

// store keeps a new transaction; the caller holds the lock.
func (e *Engine) store(tx *Tx) {
	e.created++
	tx.created = e.created
	e.txs[tx.UID] = tx
	if tx.Type == "payment" && tx.TrackingID != "" {
		t := e.byTracking[tx.TrackingID]
		if t == nil {
			t = &tracked{}
			e.byTracking[tx.TrackingID] = t
		}
		t.list = append(t.list, tx)
	}
	if tx.ExpiredAt != nil {
		e.due.Add(*tx.ExpiredAt, tx.UID)
	}
	if tx.Status != Pending {
		e.finished.Add(tx.UID, tx.UpdatedAt)
	}
}

// forget drops a finished transaction the retention no longer keeps; the caller holds the lock.
func (e *Engine) forget(uid string) {
	tx, ok := e.txs[uid]
	if !ok {
		return
	}
	delete(e.txs, uid)
	tx.forgotten = true
	if t := e.byTracking[tx.TrackingID]; t != nil && tx.Type == "payment" {
		t.forgotten++
		switch {
		case t.forgotten == len(t.list):
			delete(e.byTracking, tx.TrackingID)
		case 2*t.forgotten > len(t.list):
			// Forgetting goes oldest first, so compacting once half is forgotten keeps a
			// tracking_id that every payment shares (a load test's) cheap to maintain.
			t.list = slices.DeleteFunc(t.list, func(tx *Tx) bool { return tx.forgotten })
			t.forgotten = 0
		}
	}
}

// tracked are the payments of one tracking_id in creation order, some of them forgotten.
type tracked struct {
	list      []*Tx
	forgotten int
}

// setStatus moves a payment to a new status and notifies the merchant; the caller holds the lock.
func (e *Engine) setStatus(tx *Tx, status, message string) {
	now := e.env.Clock.Now()
	tx.Status = status
	tx.Message = message
	tx.PayMessage = message
	tx.UpdatedAt = now
	tx.seq++
	if status == Successful {
		tx.PaidAt = &now
	}
	if status != Pending {
		e.finished.Add(tx.UID, now)
	}
	e.notify(tx, true)
}

// notify sends the webhook for tx's current status, if the payment asked for them.
func (e *Engine) notify(tx *Tx, final bool) {
	if tx.NotifyURL == "" || (final && e.Fault(FaultDropWebhook)) {
		return
	}
	body, err := json.Marshal(map[string]any{"transaction": e.render(tx)})
	if err != nil {
		return
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Authorization", signing.BasicAuth(e.env.Credentials.ID, e.env.Credentials.Secret))
	signed := body
	if e.Fault(FaultBadSignature) {
		signed = append([]byte("tampered"), body...)
	}
	// The RSA signature, the dearest part of a webhook, is made by the dispatcher when it first
	// sends the webhook, not here under the engine's lock on the merchant's request.
	var sign sync.Once
	cb := sim.Callback{URL: tx.NotifyURL, Header: h, Body: body}
	cb.Build = func(int) sim.Callback {
		sign.Do(func() {
			if key, err := e.key(); err == nil {
				if sig, err := signing.SignRSASHA256(key, signed); err == nil {
					h.Set("Content-Signature", sig)
				}
			}
		})
		return sim.Callback{URL: cb.URL, Header: h, Body: body}
	}
	e.env.Dispatcher.Send(cb)
}

// SettleAfter makes a pending payment finish with status and message after d, the way a provider
// that processes payments on its side does (bePaid MTS Money); the caller holds the lock. An
// expired_at that comes first wins.
func (e *Engine) SettleAfter(tx *Tx, d time.Duration, status, message string) {
	at := e.env.Clock.Now().Add(d)
	tx.SettleAt, tx.SettleStatus, tx.SettleMessage = &at, status, message
	e.due.Add(at, tx.UID)
}

// runDue settles and expires the pending payments whose time has come, earliest first, then
// forgets the finished transactions the retention no longer keeps; the caller holds the lock.
func (e *Engine) runDue(now time.Time) {
	e.due.Due(now, func(uid string) {
		tx, ok := e.txs[uid]
		if !ok || tx.Type != "payment" || tx.Status != Pending {
			return
		}
		settles := tx.SettleAt != nil && !now.Before(*tx.SettleAt)
		expires := tx.ExpiredAt != nil && !now.Before(*tx.ExpiredAt)
		switch {
		case settles && (!expires || tx.SettleAt.Before(*tx.ExpiredAt)):
			e.setStatus(tx, tx.SettleStatus, tx.SettleMessage)
		case expires:
			e.setStatus(tx, Expired, "Transaction was expired.")
		}
	})
	e.finished.Expire(now, e.forget)
}

func (e *Engine) transaction(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	tx, ok := e.txs[r.PathValue("uid")]
	if !ok {
		writeNotFound(w, "uid")
		return
	}
	sim.WriteJSON(w, http.StatusOK, map[string]any{"transaction": e.statusAnswer(tx)})
}

func (e *Engine) byTrackingID(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	// Newest first (providers-facts.md 1.10), at most 100: the index is in creation order.
	out := []any{}
	if t := e.byTracking[r.PathValue("tracking_id")]; t != nil {
		for i := len(t.list) - 1; i >= 0 && len(out) < 100; i-- {
			if !t.list[i].forgotten {
				out = append(out, e.render(t.list[i]))
			}
		}
	}
	sim.WriteJSON(w, http.StatusOK, map[string]any{"transactions": out})
}

// Seed makes a payment directly, pending or already successful, for a provider state; it returns
// a copy of it.
func (e *Engine) Seed(amount int64, successful bool, notifyURL string) Tx {
	now := e.env.Clock.Now()
	tx := &Tx{
		UID: e.newUID(), Type: "payment", Status: Pending, Amount: amount, Currency: firstOr(e.cfg.Currencies, "USD"),
		Description: "provider state", Language: "en", MethodType: e.cfg.Method.Type(),
		Section: map[string]any{"type": e.cfg.Method.Type()}, Message: e.cfg.PendingMessage,
		PayMessage: e.cfg.PendingMessage, CreatedAt: now, UpdatedAt: now, RefID: e.env.Rand.UUID(), NotifyURL: notifyURL,
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.store(tx)
	e.cfg.Method.Created(e, tx)
	tx.encode()
	if successful {
		e.setStatus(tx, Successful, "Transaction was successfully processed.")
	}
	return *tx
}

func firstOr(list []string, def string) string {
	if len(list) > 0 {
		return list[0]
	}
	return def
}

// Snapshot returns a copy of every transaction, in creation order (for tests and diagnostics).
func (e *Engine) Snapshot() []Tx {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]Tx, 0, len(e.txs))
	for _, tx := range e.txs {
		out = append(out, tx.decoded())
	}
	slices.SortFunc(out, func(a, b Tx) int { return cmp.Compare(a.created, b.created) })
	return out
}

// Factory makes the sim.Factory of a beGateway provider: the engine configured by cfg, which can
// be switched into faults.
func Factory(cfg Config, faults []sim.Fault) sim.Factory {
	return sim.Factory{Name: cfg.Provider, Faults: faults, New: func(env sim.Env) (sim.Provider, error) { return New(cfg, env) }}
}
