package gitindex

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// BenchmarkRead compares this reader with go-git's decoder on the index of
// LEAKHOOK_BENCH_REPO (e.g. the Go-source repository bench/compare.sh keeps
// under BENCH_DIR: 15.6k entries, 1.6 MB):
//
//	LEAKHOOK_BENCH_REPO=$BENCH_DIR/repo go test ./internal/gitindex -run '^$' -bench . -benchmem
func BenchmarkRead(b *testing.B) {
	dir := os.Getenv("LEAKHOOK_BENCH_REPO")
	if dir == "" {
		b.Skip("set LEAKHOOK_BENCH_REPO to a repository with a large index")
	}
	file := filepath.Join(dir, ".git", "index")
	b.Run("gitindex", func(b *testing.B) {
		for b.Loop() {
			idx, err := Read(file)
			if err != nil {
				b.Fatal(err)
			}
			idx.ValidTrees()
		}
	})
	b.Run("gitindex+TreeID", func(b *testing.B) {
		for b.Loop() {
			idx, err := Read(file)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := idx.TreeID(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("go-git", func(b *testing.B) {
		for b.Loop() {
			f, err := os.Open(file)
			if err != nil {
				b.Fatal(err)
			}
			var idx index.Index
			if err := index.NewDecoder(bufio.NewReader(f)).Decode(&idx); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
	})
}
