package sim

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"sync"
)

// Keys hands out the key pairs simulated providers sign with (a beGateway shop's webhook key),
// one per provider name, each generated when it is first asked for. An RSA-2048 key takes tens of
// milliseconds to generate, so a process that starts many simulators (a test binary, a suite
// process, paycert run) shares one Keys and pays once per provider; what a simulator does never
// depends on which key it has, only on signing with the one its WebhookKey names.
type Keys struct {
	mu   sync.Mutex
	rsa  map[string]*rsa.PrivateKey
	bits int
}

// NewKeys returns an empty set of RSA-2048 keys.
func NewKeys() *Keys { return &Keys{rsa: map[string]*rsa.PrivateKey{}, bits: 2048} }

// RSA returns the RSA key of name, generating it on the first call.
func (k *Keys) RSA(name string) (*rsa.PrivateKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if key, ok := k.rsa[name]; ok {
		return key, nil
	}
	key, err := rsa.GenerateKey(rand.Reader, k.bits)
	if err != nil {
		return nil, fmt.Errorf("generate the %s signing key: %w", name, err)
	}
	k.rsa[name] = key
	return key, nil
}

// processKeys are the keys every simulator of this process shares unless its Options name others:
// generated once, never replaced.
var processKeys = sync.OnceValue(NewKeys)

// ProcessKeys is the set of keys shared by the simulators of this process.
func ProcessKeys() *Keys { return processKeys() }
