// Command expand copies a directory of example files, replacing generators
// such as {{hex:32}} with random values (rules.Expand). Benchmarks and manual
// checks use it to make realistic secrets without the repository storing any:
//
//	go run ./internal/expand SRC DST
package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/leakhook/leakhook/rules"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: expand SRC DST")
		os.Exit(2)
	}
	src, dst := os.Args[1], os.Args[2]
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		text, err := rules.Expand(string(data), rel)
		if err != nil {
			return fmt.Errorf("%s: %v", rel, err)
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, []byte(text), 0o644)
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "expand:", err)
		os.Exit(1)
	}
}
