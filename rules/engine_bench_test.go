package rules

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// goSource loads up to limit bytes of Go's own source tree: real code that
// no one here wrote, full of identifiers, test vectors and hashes.
func goSource(b *testing.B, limit int) []*Target {
	b.Helper()
	var ts []*Target
	total := 0
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		b.Skipf("go env GOROOT: %v", err)
	}
	root := filepath.Join(strings.TrimSpace(string(out)), "src")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || total >= limit {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(p, ".go") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		total += len(data)
		ts = append(ts, &Target{Path: p, Content: data})
		return nil
	})
	if total == 0 {
		b.Skip("Go source tree not found")
	}
	return ts
}

// BenchmarkScanGoSource is the engine's throughput on real code (one core).
func BenchmarkScanGoSource(b *testing.B) {
	e := builtinEngine(b)
	ts := goSource(b, 32<<20)
	var n int64
	for _, t := range ts {
		n += int64(len(t.Content))
	}
	b.SetBytes(n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range ts {
			if _, err := e.Scan(t); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkStartup is the fixed cost every hook run pays before scanning:
// getting the built-in rules (from the generated table, as the binary does,
// or by decoding the embedded TOML when the table is stale) and building the
// keyword automaton.
func BenchmarkStartup(b *testing.B) {
	b.Run("table", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			rs, allows, ok := fromTable()
			if !ok {
				b.Skip("table_gen.go is stale: go generate ./rules")
			}
			if _, err := NewEngine(rs, allows); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("toml", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			rs, allows, err := parseBuiltin()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := NewEngine(rs, allows); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSmallChange is a typical staged change: a few hunks of code.
func BenchmarkSmallChange(b *testing.B) {
	e := builtinEngine(b)
	ts := goSource(b, 64<<10)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range ts {
			e.Scan(t)
		}
	}
}
