// Package genhistory writes a git fast-import stream of generated commits on
// top of an existing branch, so that benchmarks get a repository with a long
// history (hundreds of thousands of objects) in seconds instead of the
// minutes that thousands of `git commit` calls would take.
//
// The content is deterministic (same options, same stream) and secret-free:
// Go-like source lines that name the commit number, so every commit changes
// every line of the files it touches and `git log -p` has real diffs to show.
package genhistory

import (
	"bufio"
	"fmt"
	"io"
)

// Options shape the generated history.
type Options struct {
	Ref     string // branch to extend, e.g. refs/heads/main
	From    string // commit the first generated commit builds on ("" for none)
	Commits int    // number of commits to generate
	Files   int    // files changed per commit
	Lines   int    // lines per generated file
	Fanout  int    // directories per level (two levels: gen/dA/dB/)
}

// Write writes the fast-import stream for o to w.
func Write(w io.Writer, o Options) error {
	if o.Commits < 0 || o.Files < 1 || o.Lines < 1 || o.Fanout < 1 {
		return fmt.Errorf("genhistory: bad options %+v", o)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	var body []byte
	for c := 1; c <= o.Commits; c++ {
		msg := fmt.Sprintf("gen: change %d\n", c)
		// Fixed dates keep the stream (and so the object ids) reproducible.
		when := 1700000000 + int64(c)*60
		fmt.Fprintf(bw, "commit %s\nmark :%d\ncommitter Bench <bench@example.invalid> %d +0000\ndata %d\n%s",
			o.Ref, c, when, len(msg), msg)
		if c == 1 && o.From != "" {
			fmt.Fprintf(bw, "from %s\n", o.From)
		}
		for f := 0; f < o.Files; f++ {
			// Spread files over the tree so each commit rewrites several
			// subtrees, as real changes do; a file is revisited every
			// Fanout*Fanout commits, so its old version is a delta base.
			n := (c*7919 + f*104729) % (o.Fanout * o.Fanout * 4)
			path := fmt.Sprintf("gen/d%02d/d%02d/file%d.go", n%o.Fanout, (n/o.Fanout)%o.Fanout, n/(o.Fanout*o.Fanout))
			body = fileBody(body[:0], c, f, o.Lines)
			fmt.Fprintf(bw, "M 100644 inline %s\ndata %d\n", path, len(body))
			bw.Write(body)
			bw.WriteByte('\n')
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// fileBody is a small Go file whose every line depends on the commit c.
func fileBody(b []byte, c, f, lines int) []byte {
	b = fmt.Appendf(b, "package gen%d\n\n", f)
	for i := 2; i < lines; i++ {
		b = fmt.Appendf(b, "func step%d_%d(x int) int { return x*%d + %d } // change %d\n", c, i, i, c%97, c)
	}
	return b
}
