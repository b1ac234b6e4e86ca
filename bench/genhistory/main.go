// Command genhistory prints a git fast-import stream of generated commits
// (see internal/genhistory); bench/compare.sh pipes it into git fast-import.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/leakhook/leakhook/internal/genhistory"
)

func main() {
	var o genhistory.Options
	flag.StringVar(&o.Ref, "ref", "refs/heads/main", "branch to extend")
	flag.StringVar(&o.From, "from", "", "commit the history starts from")
	flag.IntVar(&o.Commits, "commits", 20000, "commits to generate")
	flag.IntVar(&o.Files, "files", 3, "files changed per commit")
	flag.IntVar(&o.Lines, "lines", 40, "lines per file")
	flag.IntVar(&o.Fanout, "fanout", 32, "directories per level")
	flag.Parse()
	if err := genhistory.Write(os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
