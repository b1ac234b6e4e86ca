package rules

import (
	"bytes"
	"fmt"
	"hash/crc32"
	"io/fs"
	"sort"
)

//go:generate go run ./internal/gentable

// The built-in rules are TOML, but decoding ~300 rules costs tens of
// milliseconds on every hook run. table_gen.go holds the same rules as Go
// values, generated from the TOML; Builtin uses it only while the embedded
// TOML still hashes to what it was generated from, so a stale table can
// slow leakhook down but never change what it detects.

// EmbeddedHash is a checksum of the embedded rule files' names and bytes:
// CRC-32C (hardware-accelerated; SHA-256 cost 0.4 ms on every hook run) and
// the length. It guards against forgetting `go generate`, not against an
// adversary: whoever can edit the embedded files can edit the table too.
func EmbeddedHash() string {
	names, _ := fs.Glob(builtinFS, "data/*.toml")
	sort.Strings(names)
	h := crc32.New(crc32.MakeTable(crc32.Castagnoli))
	size := 0
	var buf bytes.Buffer // one buffer: ReadFile would copy every file afresh
	for _, name := range names {
		buf.Reset()
		if f, err := builtinFS.Open(name); err == nil {
			buf.ReadFrom(f)
			f.Close()
		}
		h.Write([]byte(name))
		h.Write([]byte{0})
		h.Write(buf.Bytes())
		h.Write([]byte{0})
		size += len(name) + buf.Len() + 2
	}
	return fmt.Sprintf("crc32c:%08x:%d", h.Sum32(), size)
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
