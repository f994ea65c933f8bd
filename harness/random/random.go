// Package random makes the unpredictable values of test requests (amounts, phone numbers,
// tracking IDs), so that every spec has payments of its own even when several runs share a
// target. It uses crypto/rand: a seeded source would repeat across runs.
package random

import (
	"crypto/rand"
	"encoding/hex"
	"math/big"
)

// Int returns a number in [0, n).
func Int(n int64) int64 {
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return v.Int64()
}

// Hex returns n random bytes in hexadecimal.
func Hex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
