package fix

import (
	"bytes"
	"context"
	"io"
	"strings"

	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/internal/gitrun"
)

// git runs git (through gitrun) at the top of the working tree with literal
// pathspecs and the index git is committing from.
type git struct {
	repo *gitread.Repo
}

func (g git) run(ctx context.Context, stdin []byte, args ...string) ([]byte, error) {
	if args[0] != "check-ignore" { // check-ignore takes paths, and rejects the option
		args = append([]string{"--literal-pathspecs"}, args...)
	}
	var in io.Reader
	if stdin != nil {
		in = bytes.NewReader(stdin)
	}
	return gitrun.Run(ctx, g.repo.Root, in, args...)
}

// entry is a path's stage-0 index entry.
type entry struct {
	mode, sha string
	found     bool
	conflict  bool
}

func (g git) entry(ctx context.Context, path string) (entry, error) {
	out, err := g.run(ctx, nil, "ls-files", "-s", "-z", "--", path)
	if err != nil {
		return entry{}, err
	}
	var e entry
	for _, rec := range strings.Split(string(out), "\x00") {
		meta, name, ok := strings.Cut(rec, "\t")
		if !ok || name != path {
			continue
		}
		f := strings.Fields(meta) // mode sha stage
		if len(f) != 3 {
			continue
		}
		if f[2] != "0" {
			e.conflict = true
			continue
		}
		e.mode, e.sha, e.found = f[0], f[1], true
	}
	return e, nil
}

func (g git) blob(ctx context.Context, sha string) (string, error) {
	out, err := g.run(ctx, nil, "cat-file", "blob", sha)
	return string(out), err
}

// hashBlob writes content as a blob, unfiltered (it is already what the
// index holds), and returns its id.
func (g git) hashBlob(ctx context.Context, content string) (string, error) {
	out, err := g.run(ctx, []byte(content), "hash-object", "-w", "--no-filters", "--stdin")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// ignored reports whether git ignores path (whether or not it is tracked).
func (g git) ignored(ctx context.Context, path string) (bool, error) {
	_, err := g.run(ctx, nil, "check-ignore", "-q", "--no-index", "--", path)
	if err == nil {
		return true, nil
	}
	if gitrun.ExitCode(err) == 1 {
		return false, nil
	}
	return false, err
}

// lineMap maps staged line numbers to working-tree line numbers from
// git diff -U0 (index against working tree, after git's filters). A staged
// line inside a changed hunk has no counterpart.
type lineMap struct {
	hunks   [][4]int // old start, old count, new start, new count
	missing bool     // no working-tree file
}

func (g git) worktreeMap(ctx context.Context, path string) (lineMap, error) {
	out, err := g.run(ctx, nil, "diff", "--no-ext-diff", "--no-textconv", "--no-color", "--no-renames", "-U0", "--", path)
	if err != nil {
		return lineMap{}, err
	}
	var m lineMap
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "deleted file mode") {
			m.missing = true
		}
		if !strings.HasPrefix(l, "@@ -") {
			continue
		}
		a, b, c, d, err := gitread.ParseHunkHeader(l)
		if err != nil {
			return lineMap{}, err
		}
		m.hunks = append(m.hunks, [4]int{a, b, c, d})
	}
	return m, nil
}

// to returns the working-tree line for staged line n (1-based), or 0.
func (m lineMap) to(n int) int {
	if m.missing {
		return 0
	}
	off := 0
	for _, h := range m.hunks {
		a, b, _, d := h[0], h[1], h[2], h[3]
		switch {
		case b == 0 && n > a:
			off += d
		case b > 0 && n >= a && n < a+b:
			return 0
		case b > 0 && n >= a+b:
			off += d - b
		}
	}
	return n + off
}
