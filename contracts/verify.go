package contracts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pact-foundation/pact-go/v2/message"
	"github.com/pact-foundation/pact-go/v2/models"
	"github.com/pact-foundation/pact-go/v2/proxy"

	"github.com/paycert/paycert/harness/control"
	"github.com/paycert/paycert/harness/fields"
	"github.com/paycert/paycert/harness/otp"
	"github.com/paycert/paycert/harness/receiver"
	"github.com/paycert/paycert/harness/signing"
)

// stateTimeout bounds the control API calls that set up one provider state.
const stateTimeout = 10 * time.Second

// How long a message interaction waits for the target's callbacks: the first within
// messageWait of the state's setup, the next within messageSettle of the one before.
const (
	messageWait   = 10 * time.Second
	messageSettle = 300 * time.Millisecond
)

// Target is what a pact is verified against: a provider's base URL, the test-control API that
// sets up provider states (specs/control.yaml), and the merchant's credentials there.
type Target struct {
	Provider   string
	BaseURL    string
	ControlURL string
	AccountID  string
	SecretKey  string
	// SignatureVariant is the variant of the provider's signature the target checks ("" for the
	// default; see harness/signing).
	SignatureVariant string
	HTTP             *http.Client
}

// StateHandlers sets up each provider state the control API says it has for the target's
// provider. A state's values are what the control API answers (the payment's uid or ID, its
// amount) and, for a payment an OTP was sent for, "otp", the OTP sent, and "wrong_otp", a code of
// the same length that is not it: an interaction names them as ${otp} and ${wrong_otp}.
func (tg Target) StateHandlers() (models.StateHandlers, error) {
	cl := control.New(tg.ControlURL, tg.HTTP)
	ctx, cancel := context.WithTimeout(context.Background(), stateTimeout)
	defer cancel()
	caps, err := cl.Capabilities(ctx)
	if err != nil {
		return nil, err
	}
	out := models.StateHandlers{}
	for _, s := range caps.States {
		name, ok := strings.CutPrefix(s, tg.Provider+": ")
		if !ok {
			continue
		}
		out[name] = func(setup bool, s models.ProviderState) (models.ProviderStateResponse, error) {
			if !setup {
				return nil, nil
			}
			ctx, cancel := context.WithTimeout(context.Background(), stateTimeout)
			defer cancel()
			values, err := cl.SetState(ctx, tg.Provider, s.Name, stateParams(s.Parameters))
			if err != nil {
				return nil, fmt.Errorf("provider state %q: %w", s.Name, err)
			}
			if id := paymentID(values); id != "" {
				if sent, err := cl.OTP(ctx, tg.Provider, id); err == nil && sent.OTP != "" {
					values["otp"], values["wrong_otp"] = sent.OTP, otp.Wrong(sent.OTP)
				}
			}
			return values, nil
		}
	}
	return out, nil
}

// stateParams are a provider state's parameters as the verifier hands them over: the Pact FFI
// sends them in a params object, which the state handler is given as one parameter of that name.
func stateParams(p map[string]any) map[string]any {
	if nested, ok := p["params"].(map[string]any); ok && len(p) == 1 {
		return nested
	}
	return p
}

// paymentID is the ID a state's values give the payment it set up, under the provider's name for
// it, as a string.
func paymentID(values map[string]any) string {
	for _, key := range []string{"uid", "payment_id", "pg_payment_id"} {
		switch v := values[key].(type) {
		case string:
			return v
		case float64:
			return fmt.Sprintf("%.0f", v)
		}
	}
	return ""
}

// RequestFilter gives every request of a verification the target's credentials, which a pact
// cannot hold:
//   - beGateway (PaySage, bePaid): HTTP Basic with the shop ID and secret key, on a request that
//     carries an Authorization header;
//   - Monetix: general.project_id set to the project, and general.signature computed with the
//     secret key on a request that carries one;
//   - FreedomPay: pg_merchant_id set to the merchant, and pg_sig computed with the secret key and
//     the script name of the path on a request that carries one.
//
// A request without a signature or an Authorization header is sent without: that is how a
// contract shows the refusal of an unsigned request. A body the filter cannot read is sent as it
// is, for the target to answer.
func (tg Target) RequestFilter() (proxy.Middleware, error) {
	sign, err := tg.signer()
	if err != nil {
		return nil, err
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "" && tg.AccountID != "" {
				r.SetBasicAuth(tg.AccountID, tg.SecretKey)
			}
			if sign != nil && r.Body != nil {
				body, err := io.ReadAll(r.Body)
				_ = r.Body.Close()
				if err == nil {
					body = sign(r, body)
				}
				r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
				r.Header.Set("Content-Length", strconv.Itoa(len(body)))
			}
			next.ServeHTTP(w, r)
		})
	}, nil
}

// resign returns a request body signed with the target's credentials, or the body as it was.
type resign func(r *http.Request, body []byte) []byte

// signer is the target provider's resign, nil for a provider whose requests are not signed.
func (tg Target) signer() (resign, error) {
	switch tg.Provider {
	case "monetix":
		s, err := signing.NewMonetix(tg.SecretKey, tg.SignatureVariant)
		if err != nil {
			return nil, fmt.Errorf("monetix signature variant: %w", err)
		}
		project, err := strconv.ParseInt(tg.AccountID, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("the Monetix project ID %q is not an integer", tg.AccountID)
		}
		return func(_ *http.Request, body []byte) []byte {
			var doc map[string]any
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			if dec.Decode(&doc) != nil {
				return body
			}
			general, ok := doc["general"].(map[string]any)
			if !ok || general["project_id"] == nil {
				return body
			}
			general["project_id"] = project
			var out []byte
			var err error
			if general["signature"] != nil {
				out, err = s.SignRequest(doc)
			} else {
				out, err = json.Marshal(doc)
			}
			if err != nil {
				return body
			}
			return out
		}, nil
	case "freedompay":
		s, err := signing.NewFreedomPay(tg.SecretKey, tg.SignatureVariant)
		if err != nil {
			return nil, fmt.Errorf("freedompay signature variant: %w", err)
		}
		return func(r *http.Request, body []byte) []byte {
			ct := r.Header.Get("Content-Type")
			l, err := fields.ParseForm(ct, body)
			if err != nil || !l.Has("pg_merchant_id") {
				return body
			}
			l = l.Set("pg_merchant_id", tg.AccountID)
			if l.Has(signing.FreedomPaySig) {
				l = s.Signed(signing.ScriptName(r.URL.Path), l)
			}
			if mt, _, _ := mime.ParseMediaType(ct); mt == fields.URLEncoded {
				return []byte(l.Encode())
			}
			ct, out, err := l.EncodeMultipart("")
			if err != nil {
				return body
			}
			r.Header.Set("Content-Type", ct)
			return out
		}, nil
	}
	return nil, nil
}

// callbackParam is the state parameter that says where the provider's callbacks go: the name of
// the request field that says it in the provider's API.
func callbackParam(provider string) string {
	switch provider {
	case "monetix":
		return "merchant_callback_url"
	case "freedompay":
		return "pg_result_url"
	}
	return "notification_url"
}

// MessageHandler makes, for a message interaction, the callback the target sends the merchant in
// the interaction's provider states. It sets the states up through the control API with their
// callbacks going to a new inbox of rcv, waits for the callbacks (the first within 10 seconds,
// each next one within 300 ms of the one before) and gives the last of them: its body, with its
// Content-Type as the metadata contentType. A form (multipart, URL-encoded, or a GET's query)
// is given URL-encoded: a pact's message holds the callback's fields, however they travel.
func (tg Target) MessageHandler(rcv *receiver.Receiver) message.Handler {
	cl := control.New(tg.ControlURL, tg.HTTP)
	return func(states []models.ProviderState) (message.Body, message.Metadata, error) {
		in := rcv.NewInbox(tg.Provider + "-message")
		ctx, cancel := context.WithTimeout(context.Background(), messageWait+stateTimeout)
		defer cancel()
		for _, s := range states {
			params := map[string]any{}
			for k, v := range stateParams(s.Parameters) {
				params[k] = v
			}
			params[callbackParam(tg.Provider)] = in.URL()
			if _, err := cl.SetState(ctx, tg.Provider, s.Name, params); err != nil {
				return nil, nil, fmt.Errorf("provider state %q: %w", s.Name, err)
			}
		}
		var last receiver.Delivery
		for n, wait := 0, messageWait; ; n, wait = n+1, messageSettle {
			wctx, wcancel := context.WithTimeout(ctx, wait)
			seen := 0
			d, err := in.Await(wctx, func(receiver.Delivery) bool { seen++; return seen > n })
			wcancel()
			if err != nil {
				if n == 0 {
					return nil, nil, fmt.Errorf("the target sent no callback to %s within %s of setting up %d provider states", in.URL(), messageWait, len(states))
				}
				break
			}
			last = d
		}
		ct, body := last.Message()
		if l, err := fields.ParseForm(ct, body); err == nil {
			ct, body = fields.URLEncoded, []byte(l.Encode())
		}
		return body, message.Metadata{"contentType": ct}, nil
	}
}
