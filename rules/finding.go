package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// Target is text to scan: a whole file, or the new side of one diff hunk.
type Target struct {
	Path      string
	Content   []byte
	StartLine int    // line number of Content's first line in the file; 0 means 1
	Added     []bool // Added[i] reports whether line StartLine+i is new; nil means every line is

	// Suppressed is filled by Scan: the findings an inline allow marker or
	// a configuration's allowlist dropped, each with its Suppression, so
	// reports can count what was suppressed and by what. The built-in
	// rules' own allowlists (documented example values and the like) are
	// part of the rules and are not listed.
	Suppressed []Finding

	trace *trace // the self-check's: which setting dropped a finding
}

// Suppression says what kept a finding out of the report.
type Suppression struct {
	Kind SuppressionKind
	// Key names the source: the marker ("leakhook:allow"), the allowlist's
	// "file:line:col: allowlists[2]", the .gitleaksignore or baseline file.
	Key string
	// Description is an allowlist's description, if it has one.
	Description string
}

// SuppressionKind is the kind of source that suppressed a finding.
type SuppressionKind string

const (
	SuppressedInline    SuppressionKind = "inline"         // an inline allow marker on the line
	SuppressedAllowlist SuppressionKind = "allowlist"      // a configuration's [[allowlists]] or a rule's allowlist
	SuppressedCommit    SuppressionKind = "commit"         // an allowlist's commits
	SuppressedIgnore    SuppressionKind = "gitleaksignore" // a .gitleaksignore entry
	SuppressedBaseline  SuppressionKind = "baseline"       // known to the baseline
)

// Finding is one secret found in a Target.
type Finding struct {
	RuleID   string `json:"rule_id"`
	RuleName string `json:"name"`
	Path     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"` // 1-based, in characters
	EndLine  int    `json:"end_line"`
	// Secret and LineText hold the real value; every output masks them unless
	// the user asks with --show-secrets.
	Secret   string `json:"-"`
	LineText string `json:"-"`
	// Fingerprint is the short hash that inline allow=<hash> markers use
	// (48 bits of SHA-256: it sits beside the value anyway). It is never
	// stored: baselines, JSON and SARIF use StoredFingerprint.
	Fingerprint string `json:"-"`
	// StoredFingerprint is the slow, salted fingerprint (v2) that baselines,
	// JSON and SARIF carry; triage sets it for findings that block.
	StoredFingerprint string `json:"fingerprint,omitempty"`
	// Encoded is the text on the line the secret was decoded from (base64 or
	// percent-encoding), or "". It is masked wherever the secret is.
	Encoded string  `json:"-"`
	Entropy float64 `json:"entropy"`
	// Detail is what the rule's check learnt of the secret (a JWT's claims
	// and expiry), for the report; it holds no secret.
	Detail string `json:"detail,omitempty"`
	// Advisory findings are reported but do not block: a real token that
	// grants nothing by itself (an expired JWT, a public anon key).
	Advisory bool `json:"advisory,omitempty"`

	// Suppressed says what suppressed the finding, for a finding listed
	// in Target.Suppressed or a report's suppressed list; nil otherwise.
	Suppressed *Suppression `json:"-"`

	// Set by the history and push readers.
	Commit  string `json:"commit,omitempty"`
	Subject string `json:"subject,omitempty"`
	Ref     string `json:"ref,omitempty"`
}

// Fingerprint is a short, stable hash of a secret value. It identifies a
// secret in baselines and allow markers without revealing it.
func Fingerprint(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:6])
}

// Mask shows at most the first four characters of a secret (fewer for short
// secrets) and replaces the rest with '*'.
func Mask(secret string) string {
	n := utf8.RuneCountInString(secret)
	show := 4
	if n < 12 {
		show = n / 4
	}
	var b strings.Builder
	i := 0
	for _, r := range secret {
		if i < show {
			b.WriteRune(r)
		} else {
			b.WriteByte('*')
		}
		i++
		if i >= show+20 { // keep masked output short for long secrets
			b.WriteString("…")
			break
		}
	}
	return b.String()
}

// MaskSecrets replaces each of secrets in line with its masked form.
func MaskSecrets(line string, secrets ...string) string {
	for _, s := range secrets {
		if s != "" {
			line = strings.ReplaceAll(line, s, Mask(s))
		}
	}
	return line
}

// MaskedLine returns the finding's line with its secret, and any others
// given (other findings on the same line), masked and trimmed to a readable
// width around the secret.
func (f *Finding) MaskedLine(others ...string) string {
	line := MaskSecrets(f.LineText, append([]string{f.Secret, f.Encoded}, others...)...)
	line = strings.TrimRight(line, "\r\n")
	const width = 160
	if utf8.RuneCountInString(line) <= width {
		return line
	}
	runes := []rune(line)
	start := f.Column - 1 - width/2
	if start < 0 {
		start = 0
	}
	end := start + width
	if end > len(runes) {
		end = len(runes)
		start = max(0, end-width)
	}
	out := string(runes[start:end])
	if start > 0 {
		out = "…" + out
	}
	if end < len(runes) {
		out += "…"
	}
	return out
}
