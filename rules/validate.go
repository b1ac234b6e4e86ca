package rules

import (
	"encoding/base64"
	"encoding/json"
	"hash/crc32"
	"strings"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// check applies a rule's structural check to a candidate secret. Most
// checks only accept or reject; "jwt-claims" also describes the token and
// may accept it as advisory (jwt.go).
func check(kind, secret string) verdict {
	if kind == "jwt-claims" {
		return jwtVerdict(secret)
	}
	return verdict{reject: !validate(kind, secret)}
}

// validate applies a rule's accept-or-reject check to a candidate secret.
func validate(kind, secret string) bool {
	switch kind {
	case "github":
		return githubChecksumOK(secret)
	case "jwt":
		return jwtShaped(secret)
	case "base64":
		_, err := base64.StdEncoding.DecodeString(secret)
		return err == nil
	case "basic-auth":
		return basicAuthOK(secret)
	}
	return true // unknown kinds are rejected when rules load
}

var validateKinds = map[string]bool{"": true, "github": true, "jwt": true, "jwt-claims": true, "base64": true, "basic-auth": true}

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

// basicAuthOK reports whether s is the base64 of user:password (RFC 7617)
// with a password that is not a placeholder or the RFC's own example.
func basicAuthOK(s string) bool {
	dec, ok := decodeBase64([]byte(s))
	if !ok {
		return false
	}
	user, pass, ok := strings.Cut(string(dec), ":")
	if !ok || len(pass) < 3 || strings.ContainsAny(pass, "\n\r") {
		return false
	}
	if strings.EqualFold(user, "aladdin") || strings.HasPrefix(user, "{") {
		return false // RFC 7617's example (Aladdin:open sesame); JSON (a JWT's header) is not user:password
	}
	return !placeholderPassword(pass)
}

// placeholderPassword reports the passwords documentation writes in place of
// a real one.
func placeholderPassword(p string) bool {
	switch strings.ToLower(strings.Trim(p, "<>[]{}")) {
	case "password", "passw0rd", "pass", "passwd", "pwd", "secret", "token", "changeme", "change_me",
		"example", "test", "testing", "user", "username", "admin", "root", "guest", "demo", "dummy",
		"your_password", "yourpassword", "mypassword", "letmein", "qwerty", "none", "null", "api_key", "apikey":
		return true
	}
	return strings.Trim(p, "x*.") == "" || strings.HasPrefix(p, "$") || strings.HasPrefix(p, "%")
}
