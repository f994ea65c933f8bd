//go:build pact

package contracts

import (
	"github.com/pact-foundation/pact-go/v2/message"
	"github.com/pact-foundation/pact-go/v2/provider"

	"github.com/paycert/paycert/harness/receiver"
)

// VerifyRequest is the request to pact-go's verifier for the sources against the target: its
// provider states set up through the control API (when the target has one), its credentials put
// in by the request filter, and each message interaction of the local pact files made by the
// target's callback to an inbox of rcv. (A message interaction of a pact from a URL or a broker
// has no handler: the verifier reports it failed.)
func (tg Target) VerifyRequest(src Sources, rcv *receiver.Receiver) (provider.VerifyRequest, error) {
	req := provider.VerifyRequest{
		Provider: tg.Provider, ProviderBaseURL: tg.BaseURL, PactFiles: src.Files, PactDirs: src.Dirs, PactURLs: src.URLs,
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
	files, err := src.LocalFiles()
	if err != nil {
		return req, err
	}
	descriptions, err := MessageDescriptions(files)
	if err != nil {
		return req, err
	}
	req.MessageHandlers = message.Handlers{}
	for _, d := range descriptions {
		req.MessageHandlers[d] = tg.MessageHandler(rcv)
	}
	return req, nil
}
