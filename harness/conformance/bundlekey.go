package conformance

import (
	"crypto/ed25519"
	"os"

	"github.com/paycert/paycert/harness/target"
)

// signingKey is the key report bundles are signed with, from this process's environment (nil when
// none is configured). Session checks it with the rest of the configuration before any request;
// the report is written after, also when the session could not open.
func signingKey() (ed25519.PrivateKey, error) {
	return target.SigningKey(target.EnvOf(os.Environ()))
}
