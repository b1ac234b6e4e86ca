// Command expand copies a directory of example files, replacing generators
// such as {{hex:32}} with random values (rules.ExpandTree). Benchmarks and
// manual checks use it to make realistic secrets without the repository
// storing any:
//
//	go run ./internal/expand SRC DST
package main

import (
	"fmt"
	"os"

	"github.com/leakhook/leakhook/rules"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: expand SRC DST")
		os.Exit(2)
	}
	if err := rules.ExpandTree(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "expand:", err)
		os.Exit(1)
	}
}
