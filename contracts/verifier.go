//go:build pact

package contracts

import (
	"github.com/pact-foundation/pact-go/v2/message"
	"github.com/pact-foundation/pact-go/v2/provider"

	"github.com/paycert/paycert/harness/pactfile"
	"github.com/paycert/paycert/harness/receiver"
)

// Sources are the pacts a verification reads: files on this machine (pactfile.Sources lists a
// folder's) and pact URLs.
type Sources struct {
	Files, URLs []string
}

// VerifyRequest is the request to pact-go's verifier for the sources against the target: its
// provider states set up through the control API (when the target has one), its credentials put
// in by the request filter, and each message interaction of the local pact files made by the
// target's callback to an inbox of rcv. (A message interaction of a pact from a URL or a broker
// has no handler, since a handler is found by the message's description: the verifier reports it
// failed.)
func (tg Target) VerifyRequest(src Sources, rcv *receiver.Receiver) (provider.VerifyRequest, error) {
	req := provider.VerifyRequest{
		Provider: tg.Provider, ProviderBaseURL: tg.BaseURL, PactFiles: src.Files, PactURLs: src.URLs,
		DisableColoredOutput: true,
	}
	filter, err := tg.RequestFilter()
	if err != nil {
		return req, err
	}
	req.RequestFilter = filter
	if tg.ControlURL == "" {
		return req, nil
	}
	if req.StateHandlers, err = tg.StateHandlers(); err != nil {
		return req, err
	}
	req.MessageHandlers = message.Handlers{}
	for _, f := range src.Files {
		p, err := pactfile.Read(f)
		if err != nil {
			return req, err
		}
		for _, in := range p.Interactions {
			if in.Kind == pactfile.Message {
				req.MessageHandlers[in.Description] = tg.MessageHandler(rcv)
			}
		}
	}
	return req, nil
}
