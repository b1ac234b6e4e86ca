package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"sort"
)

//go:generate go run ./internal/gentable

// The built-in rules are TOML, but decoding ~300 rules costs tens of
// milliseconds on every hook run. table_gen.go holds the same rules as Go
// values, generated from the TOML; Builtin uses it only while the embedded
// TOML still hashes to what it was generated from, so a stale table can
// slow leakhook down but never change what it detects.

// EmbeddedHash is the SHA-256 of the embedded rule files' names and bytes.
func EmbeddedHash() string {
	names, _ := fs.Glob(builtinFS, "data/*.toml")
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		data, _ := builtinFS.ReadFile(n)
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(data)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ParseEmbedded decodes the embedded TOML rule files (the slow path), for
// the table generator and for tests that compare it with the table.
func ParseEmbedded() ([]Rule, []Allowlist, error) { return parseBuiltin() }

// fromTable returns the generated rules when they match the embedded files.
func fromTable() ([]Rule, []Allowlist, bool) {
	if tableHash == "" || tableHash != EmbeddedHash() {
		return nil, nil, false
	}
	return tableRules, tableAllowlists, true
}
