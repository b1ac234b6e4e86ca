package rules

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
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
	case "not-example":
		return !documentedExample(secret)
	}
	return true // unknown kinds are rejected when rules load
}

var validateKinds = map[string]bool{"": true, "github": true, "jwt": true, "jwt-claims": true, "base64": true, "basic-auth": true, "not-example": true}

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

// unseparated drops the separators of my_password, your-token.
var unseparated = strings.NewReplacer("_", "", "-", "")

// placeholderPassword reports the passwords documentation writes in place of
// a real one.
func placeholderPassword(p string) bool {
	switch unseparated.Replace(strings.ToLower(strings.Trim(p, "<>[]{}"))) {
	case "password", "passw0rd", "pass", "passwd", "pwd", "secret", "token", "changeme",
		"example", "test", "testing", "user", "username", "admin", "root", "guest", "demo", "dummy",
		"yourpassword", "mypassword", "letmein", "qwerty", "none", "null", "apikey", "yourtoken", "mytoken":
		return true
	}
	return strings.Trim(p, "x*.") == "" || strings.HasPrefix(p, "$") || strings.HasPrefix(p, "%")
}

// documentedExamples are the SHA-256 digests of key values that providers
// publish in their SDKs and documentation as examples (the Firebase Android
// SDK's sample google-services.json and tests): they are in countless public
// repositories and grant nothing, so a rule with validate = "not-example"
// does not report them. Digests, not the values, so that this file holds no
// secret-shaped string.
var documentedExamples = map[string]bool{
	"d2460eb704ec163515ef7e0ecd3735496b137219912bb87e4ac3d54b4f18f54a": true,
	"f56e323494a6ffc2064e7a955908957d84f0755e5f975dabd64328d0359a8f7c": true,
	"2037abcaffb2b77785da716cf7ccff4ff4d00c4ea930db0167b7d71f50af7eb4": true,
	"3f370c9dd8225c63b5c77de1f785edc9712958f18bb612d5fa2e0ae33aeca682": true,
	"e4a5542bb7fd7b67e943c71ad29c34b5972c9840597e7eda53e666f44d5da0b9": true,
	"a19f89ab3555eac10c40741f6df79ecf0935998f15569f8db9d67bce0181fff6": true,
	"0b476bdf9acf2123d547b5ae76f1e59884d8ec9553ee0c47e9f31fd4768f3f3c": true,
	"eb540d2b6ee2a0a47c5779bc8a0141784c6b753840d4c6f4e2428a6e86e9e0b1": true,
	"37f8f09bdf12c2f2eae4ead7273a62ddb0c23459cbf902892f282b57f7ed6619": true,
	"8731261cb72d86267a32a532ebd3df429e2144e5e4ced7e13568bc9e6c8fb1b1": true,
	"49f777db995e8260da7ca9ffdf0c08d66f0453e97ec967018baf2cdfe3b582d0": true,
	"27a9a42931dff7eb2f8434e20a9bce976ea364e7bee49187f19d5cfeca9c7045": true,
	"dc0fcf046c61640cbd1e8b999ada3262d722c2ca4bf42dceac999020ffdbb614": true,
	"4c98242dcadc8b29005c6b4aad526552d5ea1842149154c0694adeec75847583": true,
	"ea9bb1082cf95663f5faca23b8b15ef2aa0fce0a5c6df9c32dcb85b2e0a4513d": true,
	"3a8b61d0f636b007840c0d40ba12bcf48465dc054cdc1a68704a33521d84b665": true,
	"a6c814bc555ae62c7bd8b58ec07bf559c7ed3a009976a1e0acc9cef0d4473b41": true,
}

// documentedExample reports whether secret is one of documentedExamples.
func documentedExample(secret string) bool {
	sum := sha256.Sum256([]byte(secret))
	return documentedExamples[hex.EncodeToString(sum[:])]
}
