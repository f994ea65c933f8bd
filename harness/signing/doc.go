// Package signing signs and verifies the providers' messages: beGateway HTTP Basic credentials
// and the Content-Signature of webhooks (RSA, SHA-256), and the Monetix signature (HMAC-SHA512
// over the flattened message, in each of the SDKs' variants). Each scheme has both halves, so the
// simulator signs with the same code the harness verifies with, and both are pinned by vectors.
package signing
