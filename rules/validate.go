package rules

import (
	"encoding/base64"
	"encoding/json"
	"hash/crc32"
	"strings"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// validate applies a rule's structural check to a candidate secret.
func validate(kind, secret string) bool {
	switch kind {
	case "github":
		return githubChecksumOK(secret)
	case "jwt":
		return jwtShaped(secret)
	case "base64":
		_, err := base64.StdEncoding.DecodeString(secret)
		return err == nil
	}
	return true // unknown kinds are rejected when rules load
}

var validateKinds = map[string]bool{"": true, "github": true, "jwt": true, "base64": true}

// githubChecksumOK checks the last six base62 characters of a GitHub token
// (prefix_ + 30 random + 6 checksum) against the CRC32 of the 30 random ones.
func githubChecksumOK(tok string) bool {
	i := strings.LastIndexByte(tok, '_')
	if i < 0 || len(tok)-i-1 != 36 {
		return false
	}
	body := tok[i+1:]
	return body[30:] == base62Pad(crc32.ChecksumIEEE([]byte(body[:30])), 6)
}

// GitHubChecksum returns the six-character checksum GitHub appends to the 30
// random characters of a token.
func GitHubChecksum(random string) string {
	return base62Pad(crc32.ChecksumIEEE([]byte(random)), 6)
}

func base62Pad(n uint32, width int) string {
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = base62[n%62]
		n /= 62
	}
	return string(b)
}

// jwtShaped reports whether s is three base64url parts whose first decodes to
// a JSON object with an "alg" field.
func jwtShaped(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return false
	}
	head, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[0], "="))
	if err != nil {
		return false
	}
	var h map[string]any
	if json.Unmarshal(head, &h) != nil {
		return false
	}
	_, ok := h["alg"]
	return ok
}
