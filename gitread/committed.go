package gitread

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/leakhook/leakhook/internal/gitrun"
)

// FileAt returns a reader of the files committed at rev, for
// rules.Options.Committed (pre-receive reads the repository's configuration
// and baseline as they were before the push, never from the pushed
// commits). A path rev does not hold is fs.ErrNotExist. Each read is one
// `git cat-file --batch`.
func FileAt(ctx context.Context, repo *Repo, rev string) func(rel string) ([]byte, error) {
	return func(rel string) ([]byte, error) {
		got, err := readFilesAt(ctx, repo, rev, []string{rel})
		return fileOf(got, err, rel)
	}
}

// fileOf is rel's content in what readFilesAt read.
func fileOf(got map[string][]byte, err error, rel string) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	data, ok := got[rel]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return data, nil
}

// maxCommittedFile bounds what FileAt and Blobs read into memory: the
// configuration, .gitleaksignore and the baseline as a revision holds them.
// A larger blob (a hostile push of a 4 GB baseline) is an error naming it,
// never an allocation of its size.
var maxCommittedFile int64 = 64 << 20

// tooLarge is the error for a committed file over the bound, named as
// name ("<rev>:<path>").
func tooLarge(name string, size int64) error {
	return fmt.Errorf("%s is %d bytes; a committed configuration, ignore file or baseline is read only up to %d", name, size, maxCommittedFile)
}

// readFilesAt reads the blobs of paths at rev; a path rev holds no file at
// is left out.
func readFilesAt(ctx context.Context, repo *Repo, rev string, paths []string) (map[string][]byte, error) {
	var in strings.Builder
	for _, p := range paths {
		if strings.ContainsAny(p, "\n\x00") || strings.ContainsAny(rev, "\n\x00") {
			return nil, fmt.Errorf("%q is not a path", p)
		}
		fmt.Fprintf(&in, "%s:%s\n", rev, p)
	}
	got := map[string][]byte{}
	err := streamGit(ctx, repoDir(repo), strings.NewReader(in.String()), func(r io.Reader) error {
		br := bufio.NewReader(r)
		for _, p := range paths {
			id, typ, size, err := catHeader(br)
			if err != nil {
				return err
			}
			if typ == "" {
				continue // "<rev>:<path> missing"
			}
			if size > maxCommittedFile {
				return tooLarge(rev[:min(12, len(rev))]+":"+p, size)
			}
			data := make([]byte, size)
			if _, err := io.ReadFull(br, data); err != nil {
				return err
			}
			if err := catEnd(br, id); err != nil {
				return err
			}
			if typ == "blob" {
				got[p] = data // anything else (a tree) is no file
			}
		}
		return nil
	}, "cat-file", "--batch")
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return got, err
}

// Object is what git says a name names: its id and type ("commit",
// "tree", "blob", "tag"), both "" when it names nothing.
type Object struct{ ID, Type string }

// LookUp asks git what each of names names (a revision, "<rev>^{commit}",
// "<rev>:<path>"), with one `git cat-file --batch-check` however many
// there are: a push asks, before its scan, whether each pushed tip is a
// commit, where its configuration is and which configuration files each
// tip holds, all at once. A name that cannot be asked (empty, starting
// with "-", holding a newline or NUL) names nothing. A failure to ask is
// an error.
func LookUp(ctx context.Context, repo *Repo, names []string) (map[string]Object, error) {
	var objs map[string]Object
	err := LookUpInTurn(ctx, repo, [][]string{names}, func(_ int, o map[string]Object) { objs = o })
	if err != nil {
		return nil, err
	}
	return objs, nil
}

// LookUpInTurn asks what LookUp asks for each of groups, with one git, and
// calls each with a group's answers (its own map, as LookUp returns it)
// as soon as they are in, group by group in order, on the goroutine that
// reads git: a caller goes on with what the first groups say while git
// answers the rest. A name in two groups is asked twice. A failure to ask
// is returned, and no group after it is passed to each.
func LookUpInTurn(ctx context.Context, repo *Repo, groups [][]string, each func(group int, objs map[string]Object)) error {
	type question struct {
		name  string
		group int
	}
	var (
		in    strings.Builder
		asked []question
		objs  = make([]map[string]Object, len(groups))
	)
	for g, names := range groups {
		objs[g] = make(map[string]Object, len(names))
		for _, n := range names {
			if _, dup := objs[g][n]; dup || n == "" || strings.HasPrefix(n, "-") || strings.ContainsAny(n, "\n\x00") {
				continue
			}
			objs[g][n] = Object{}
			asked = append(asked, question{n, g})
			in.WriteString(n + "\n")
		}
	}
	next := 0 // the first group not yet passed to each
	// pass passes on the groups whose last answer came before asked[line].
	pass := func(line int) {
		for ; next < len(groups) && (line == len(asked) || asked[line].group > next); next++ {
			each(next, objs[next])
		}
	}
	if len(asked) == 0 {
		pass(0)
		return nil
	}
	return streamGit(ctx, repoDir(repo), strings.NewReader(in.String()), func(r io.Reader) error {
		sc := bufio.NewScanner(r)
		line := 0
		pass(0) // groups with nothing to ask
		for ; sc.Scan(); line++ {
			if line == len(asked) {
				return fmt.Errorf("git cat-file printed more lines than asked")
			}
			// "<id> <type>", or "<name> missing" (a name may hold spaces).
			if f := strings.Fields(sc.Text()); len(f) == 2 && isHexID(f[0]) && slices.Contains([]string{"commit", "tree", "blob", "tag"}, f[1]) {
				objs[asked[line].group][asked[line].name] = Object{ID: f[0], Type: f[1]}
			}
			pass(line + 1)
		}
		if line != len(asked) {
			return fmt.Errorf("git cat-file answered %d of %d objects", line, len(asked))
		}
		return sc.Err()
	}, "cat-file", "--batch-check=%(objectname) %(objecttype)")
}

// Blobs reads the blobs ids with one `git cat-file --batch`; each must be
// a blob of at most the bound committed files are read up to (named by
// what names it, for messages).
func Blobs(ctx context.Context, repo *Repo, ids []string, names func(id string) string) (map[string][]byte, error) {
	var in strings.Builder
	for _, id := range ids {
		if !isHexID(id) {
			return nil, fmt.Errorf("%q is not an object id", id)
		}
		in.WriteString(id + "\n")
	}
	got := map[string][]byte{}
	err := streamGit(ctx, repoDir(repo), strings.NewReader(in.String()), func(r io.Reader) error {
		br := bufio.NewReader(r)
		for _, id := range ids {
			_, size, err := catBlob(br)
			if err != nil {
				return err
			}
			if size > maxCommittedFile {
				return tooLarge(names(id), size)
			}
			data := make([]byte, size)
			if _, err := io.ReadFull(br, data); err != nil {
				return err
			}
			if err := catEnd(br, id); err != nil {
				return err
			}
			got[id] = data
		}
		return nil
	}, "cat-file", "--batch")
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return got, err
}

// DefaultBranchCommit is, in a repository that may be bare,: the commit HEAD names (the
// default branch), or "" when it is unborn.
func DefaultBranchCommit(ctx context.Context, repo *Repo) (string, error) {
	out, err := runGit(ctx, repoDir(repo), "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", nil
	}
	return strings.TrimSpace(string(out)), nil
}

// RootCommit is the first root commit (the smallest id when there are
// several) of the repository at dir, or "" when it has none: the salt of
// stored fingerprints derives from it when there is no baseline.
func RootCommit(dir string) string {
	if dir == "" {
		dir = "."
	}
	out, err := gitrun.Run(context.Background(), dir, nil, "rev-list", "--max-parents=0", "HEAD")
	if err != nil {
		return ""
	}
	roots := strings.Fields(string(out))
	if len(roots) == 0 {
		return ""
	}
	slices.Sort(roots)
	return roots[0]
}

// ResolveCommit is rev's commit id in repo, or "" when rev names no commit
// there (a remote's tip this clone never fetched).
func ResolveCommit(ctx context.Context, repo *Repo, rev string) string {
	if strings.HasPrefix(rev, "-") {
		return ""
	}
	out, err := runGit(ctx, repoDir(repo), "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// RangeEnds splits the revisions of a history scan (as `git log` takes
// them: "A..B", "A...B", "^A B", "B") into the commits they start from
// (tips) and those they exclude (bases), as commit ids, in git's order.
// For "A...B" the base is their merge base. A revision naming nothing is
// an error, as `git log` would make it.
func RangeEnds(ctx context.Context, repo *Repo, revs []string) (tips, bases []string, err error) {
	for _, r := range revs {
		if r == "" || strings.HasPrefix(r, "-") || strings.ContainsAny(r, "\n\x00") {
			return nil, nil, fmt.Errorf("%q is not a revision or range", r)
		}
	}
	out, err := runGit(ctx, repoDir(repo), append([]string{"rev-parse", "--revs-only"}, revs...)...)
	if err != nil {
		return nil, nil, err
	}
	for _, l := range strings.Fields(string(out)) {
		if id, ok := strings.CutPrefix(l, "^"); ok {
			if c := ResolveCommit(ctx, repo, id); c != "" {
				bases = append(bases, c)
			}
			continue
		}
		if c := ResolveCommit(ctx, repo, l); c != "" {
			tips = append(tips, c)
		}
	}
	return tips, bases, nil
}
