package rules

import (
	_ "embed"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"sort"

	"github.com/leakhook/leakhook/rules/internal/keywords"
)

//go:generate go run ./internal/gentable

// The built-in rules are TOML, but decoding ~300 rules costs tens of
// milliseconds on every hook run. table_gen.go holds the same rules as Go
// values, generated from the TOML; Builtin uses it only while the embedded
// TOML still hashes to what it was generated from, so a stale table can
// slow leakhook down but never change what it detects.

// keywords_gen.bin is the built-in rules' keyword automaton, also written by
// go generate: building it took ~1 ms and 800 KB on every run. NewEngine
// uses it only when its keywords are exactly the ones it was built from.
//
//go:embed keywords_gen.bin
var builtinKeywords string

// EncodeKeywords returns the encoded keyword automaton of an engine with
// these rules, for the generator.
func EncodeKeywords(rs []Rule, global []Allowlist) ([]byte, error) {
	e, err := NewEngine(rs, global)
	if err != nil {
		return nil, err
	}
	return keywords.NewFold(e.words).Encode(nil, e.words), nil
}

// EmbeddedHash is a checksum of the embedded rule files' names and bytes:
// FNV-1a, as EmbeddedStamp, and the length. Only go generate and
// TestTableCurrent compute it (a run compares the stamp). It guards against
// forgetting `go generate`, not against an adversary: whoever can edit the
// embedded files can edit the table too.
func EmbeddedHash() string {
	names, _ := fs.Glob(builtinFS, "data/*.toml")
	sort.Strings(names)
	h := fnv.New64a()
	size := int64(0)
	for _, name := range names {
		h.Write([]byte(name))
		h.Write([]byte{0})
		if f, err := builtinFS.Open(name); err == nil {
			n, _ := io.Copy(h, f)
			f.Close()
			size += n
		}
		h.Write([]byte{0})
		size += int64(len(name)) + 2
	}
	return fmt.Sprintf("fnv64a:%016x:%d", h.Sum64(), size)
}

// EmbeddedStamp is a checksum of the embedded rule files' names and sizes,
// which fromTable compares on every run: it needs none of their bytes,
// whose checksum (EmbeddedHash) faulted 460 KB of the binary into memory,
// ~1 ms a run. An edit that keeps every file's size is caught by
// TestTableCurrent, which compares the contents. FNV-1a: CRC-32C's tables,
// built on first use, were 4% of a small repository's pre-commit.
func EmbeddedStamp() string {
	names, _ := fs.Glob(builtinFS, "data/*.toml")
	sort.Strings(names)
	h := fnv.New64a()
	for _, name := range names {
		size := int64(-1)
		if fi, err := fs.Stat(builtinFS, name); err == nil {
			size = fi.Size()
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, size)
	}
	return fmt.Sprintf("fnv64a:%016x:%d", h.Sum64(), len(names))
}

// ParseEmbedded decodes the embedded TOML rule files (the slow path), for
// the table generator and for tests that compare it with the table.
func ParseEmbedded() ([]Rule, []Allowlist, error) { return parseBuiltin() }

// fromTable returns the generated rules when they match the embedded files.
func fromTable() ([]Rule, []Allowlist, bool) {
	if tableStamp == "" || tableStamp != EmbeddedStamp() {
		return nil, nil, false
	}
	return tableRules, tableAllowlists, true
}
