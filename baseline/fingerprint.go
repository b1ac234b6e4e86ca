package baseline

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Stored fingerprints, version 2. A v1 fingerprint was 48 bits of unsalted
// SHA-256 of the value: fast to compute, so a dictionary of 7,000 common
// passwords recovered "Winter2025!" from a committed baseline in no time.
// v2 is argon2id of the rule id and the value under one salt per
// repository, with fixed parameters (OWASP's minimum for argon2id: 19 MiB,
// two passes, one thread): each guess costs tens of milliseconds and that
// much memory (BenchmarkFingerprintV2). It is computed only for findings
// that survive the filters, never while scanning. It is still no vault:
// a weak password in a public repository's baseline can be guessed with
// patience, so a weak password is rotated, not baselined.
const (
	V2Prefix     = "v2:"
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 16
	saltLen      = 16
)

var v2memo sync.Map // salt, rule, secret -> fingerprint: one argon2 per value per run

// FingerprintV2 is the stored fingerprint of a rule's finding with this
// value under salt: "v2:" and 32 hex digits.
func FingerprintV2(salt []byte, ruleID, secret string) string {
	key := string(salt) + "\x00" + ruleID + "\x00" + secret
	if fp, ok := v2memo.Load(key); ok {
		return fp.(string)
	}
	sum := argon2.IDKey([]byte(ruleID+"\x00"+secret), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	fp := V2Prefix + hex.EncodeToString(sum)
	v2memo.Store(key, fp)
	return fp
}

// DeriveSalt is the salt of a repository that has no baseline yet (and so
// of the baseline it will get): derived from its root commit, so stored
// fingerprints (SARIF, JSON) are the same from run to run and clone to
// clone. root may be "" (no commit, or files outside a repository).
func DeriveSalt(rootCommit string) []byte {
	sum := sha256.Sum256([]byte("leakhook-fingerprint-salt\x00" + strings.ToLower(rootCommit)))
	return sum[:saltLen]
}

// IsV2 reports whether a fingerprint is a v2 one.
func IsV2(fp string) bool { return strings.HasPrefix(fp, V2Prefix) }
