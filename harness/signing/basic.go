package signing

import (
	"crypto/subtle"
	"encoding/base64"
	"strings"
)

// BasicAuth returns the value of an Authorization header carrying user and password with the
// HTTP Basic scheme (RFC 7617), as beGateway expects the shop ID and secret key.
func BasicAuth(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// CheckBasic reports whether an Authorization header value carries exactly user and password.
// The comparison takes the same time whatever the header holds.
func CheckBasic(header, user, password string) bool {
	const prefix = "Basic "
	if len(header) < len(prefix) || !strings.EqualFold(header[:len(prefix)], prefix) {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(header[len(prefix):]))
	if err != nil {
		return false
	}
	want := []byte(user + ":" + password)
	return subtle.ConstantTimeCompare(got, want) == 1
}
