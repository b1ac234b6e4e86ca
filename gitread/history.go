package gitread

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/leakhook/leakhook/scan"
	"github.com/sourcegraph/conc/pool"

	"github.com/leakhook/leakhook/internal/gitrun"
	"github.com/leakhook/leakhook/internal/prestart"
)

// The history reader prints every selected commit's own change with ONE
// `git log -p` process, whatever the number of commits. Per-commit processes
// (or go-git's per-commit tree diffs) cost milliseconds each; the single
// stream costs what git needs to diff the trees and nothing more, so it is
// the only backend for history. Revisions go to git on standard input, so a
// push of thousands of commits never meets an argument-length limit.

// commitFormat prints the header that patchParser recognises (commitMarker):
// "<id> <parent ids>\x02<subject>".
const commitFormat = "--format=tformat:%x01leakhook-commit %H %P%x02%s"

// historyFlags pin the log itself: each commit's diff against its parent,
// root commits in full, and nothing configurable (signatures, replacement
// objects) in between. How a merge is shown is mergeFlag's choice.
var historyFlags = []string{
	"--no-show-signature", "--root", "-p", "--no-notes", "--no-mailmap",
}

// mergeFlag keeps merges out of the diff stream: their own change is read
// apart (mergeFiles), and a user's log.diffMerges must not add a diff
// against a parent. Git before 2.31 has neither the flag nor the setting,
// and shows no diff for a merge by default.
var mergeFlag = sync.OnceValue(askMergeFlag)

func askMergeFlag() []string {
	out, err := runGit(context.Background(), "", "version")
	if err == nil && gitAtLeast(string(out), 2, 31) {
		return []string{diffMergesOff}
	}
	return nil
}

const diffMergesOff = "--diff-merges=off"

// PrepareHistory asks git now what a history stream needs to know of it
// (its version), so that a caller can have it asked beside other work.
func PrepareHistory() { mergeFlag() }

// gitAtLeast says whether `git version` printed a version of at least
// major.minor ("git version 2.39.5", "git version 2.45.1.windows.1").
func gitAtLeast(version string, major, minor int) bool {
	var ma, mi int
	if _, err := fmt.Sscanf(strings.TrimPrefix(strings.TrimSpace(version), "git version "), "%d.%d", &ma, &mi); err != nil {
		return false
	}
	return ma > major || ma == major && mi >= minor
}

// HistoryQuery selects the commits a history stream shows.
type HistoryQuery struct {
	// Revs are revision arguments, one per stdin line ("main", "a..b",
	// "^x", "--not"). With Exact they are commit ids, shown in that order.
	Revs  []string
	Exact bool
	// Refs names the ref each commit is reported under (optional).
	Refs map[string]string
	// Progress, if set, is called with the number of commits read so far
	// (commits whose change has nothing to scan are not counted).
	Progress func(commits int)
	// ExcludeRemote, when set, leaves out the commits that REMOTE's
	// tracking refs (refs/remotes/REMOTE/, nested ones too) hold, as git
	// itself reads them there (--not --remotes=REMOTE): what a push need not
	// scan, with no git run to list them first. A remote's name, never a
	// URL.
	ExcludeRemote string
	// Listed, when set, makes the stream a listed history (see listed.go):
	// every commit the stream shows, merges and commits with no change
	// too, is handed to Listed, children before parents (--topo-order),
	// with its message, before any of its items. Sources names the ref a commit reached from each
	// revision (as given in Revs) is reported under; with Listed, Refs is
	// not used. Merges' own changes are read once the stream is over,
	// from the merges it listed.
	Listed  func(*ListedCommit) error
	Sources map[string]string
	// Messages, when set (and Listed is not), makes the stream read each
	// commit's message too (no second walk of the history for them): it is
	// handed to Messages, from the stream's one goroutine, then on as an
	// item to scan (Path CommitMessagePath), before the commit's changes.
	// Merges' messages too.
	Messages func(scan.Item) error
	// Ready, when set, is waited for once git is started and before any
	// of its output is read; it returns the size cap, in place of
	// History's maxSize, or an error that ends the stream. git starts
	// while the caller still loads what reading needs (its configuration).
	Ready func() (maxSize int64, err error)
}

// walkArgs are the arguments after --stdin that select q's commits.
func (q HistoryQuery) walkArgs() ([]string, error) {
	if q.ExcludeRemote == "" || q.Exact {
		return nil, nil
	}
	if RemoteIsURL(q.ExcludeRemote) || strings.ContainsAny(q.ExcludeRemote, "*?[") {
		return nil, fmt.Errorf("%q is not a remote's name", q.ExcludeRemote)
	}
	// After --stdin: git reads the revisions on standard input where
	// --stdin stands, and --not then applies to what follows it only.
	return []string{"--not", "--remotes=" + q.ExcludeRemote}, nil
}

// History streams the items of every commit q selects to emit, in the order
// git prints the commits (--topo-order: children before parents), or, for
// a range read from both ends (see twoEnds), in two such orders at once.
// Any git failure is returned: a history that could not be read was not
// scanned.
func History(ctx context.Context, repo *Repo, q HistoryQuery, maxSize int64, emit func(scan.Item) error, skip func(scan.Skipped)) error {
	args := []string{"log", commitFormat}
	args = append(args, historyFlags...)
	if q.Listed != nil {
		// A listed history (pre-push) does not wait for `git version`:
		// every git of the last five years takes the flag, and one that
		// refuses it is asked again without (see below).
		args = append(args, diffMergesOff)
	} else {
		args = append(args, mergeFlag()...)
	}
	args = append(args, prestart.DiffFlags...)
	// No --topo-order for ranges: git would walk the whole range before
	// printing anything (+30% time, +12 MB on 1,000 commits); git's default
	// order (newest first) differs from it only under clock skew.
	if q.Exact {
		args = append(args, "--no-walk=unsorted")
	}
	args = append(args, "--stdin")
	walk, err := q.walkArgs()
	if err != nil {
		return err
	}
	args = append(args, walk...)
	refs := q.Refs
	var lst *listing
	var mu sync.Mutex // items, skips, messages and claims are handed on one at a time
	if q.Listed == nil && q.Messages != nil {
		messages := func(it scan.Item) error {
			mu.Lock()
			defer mu.Unlock()
			return q.Messages(it)
		}
		if lst, err = newMessageListing(messages); err != nil {
			return err
		}
		args[1] = lst.format() // in place of commitFormat
	}
	if q.Listed != nil {
		if lst, err = newListing(q.Sources, q.Listed); err != nil {
			return err
		}
		args[1] = lst.format() // in place of commitFormat
		// Children before parents, as the push plan always listed them
		// (the rebase advice takes a ref's last commit as its oldest): a
		// push's range is walked in a few milliseconds.
		args = append(args, "--topo-order")
		refs = lst.refs
	}
	// A long range is read from both ends at once (twoEnds): git's diffing
	// is most of a history's time, and one git uses one core.
	var claims map[string]bool // with two ends: a commit shown -> by the reversed stream
	if q.twoEnds() {
		if revs := resolveRevs(ctx, repo, q.Revs); revs != nil {
			q.Revs = revs
			claims = map[string]bool{}
		}
	}
	shown := 0
	// claim is asked of each commit as a stream reaches it: the first
	// stream to reach a commit shows it, the other ends there.
	claim := func(reversed bool) func(*scan.Commit) bool {
		n := 0 // the commits this stream showed
		return func(c *scan.Commit) bool {
			mu.Lock()
			defer mu.Unlock()
			if claims != nil {
				if by, ok := claims[c.ID]; ok && by != reversed {
					return false
				}
				claims[c.ID] = reversed
				// Its place in git's order: the reversed stream's
				// commits come after every other, the last it reads
				// first.
				n++
				c.Order = n
				if reversed {
					c.Order = math.MaxInt32 - n
				}
			}
			shown++
			if q.Progress != nil {
				q.Progress(shown)
			}
			return true
		}
	}
	named := func(it scan.Item) error {
		// A commit's ref is written once, before its first item is handed
		// on; after that it is only read (its items may be in the
		// scanners).
		if c := it.Commit; c != nil && refs != nil && c.Ref == "" {
			if ref := refs[c.ID]; ref != "" {
				c.Ref = ref
			}
		}
		return emit(it)
	}
	defer repo.leaveCore()()
	// The diff stream and the merges' own changes are read side by side
	// (each is mostly git's work, in its own process); items and skips are
	// handed on one at a time.
	// Each reader asks ready before it reads anything: what q.Ready says
	// (maxSize is not read before).
	ready := sync.OnceValues(func() (*lfsExpander, error) {
		if q.Ready != nil {
			var err error
			if maxSize, err = q.Ready(); err != nil {
				return nil, err
			}
		}
		return newLFSExpander(repo, maxSize, func(it scan.Item) error {
			mu.Lock()
			defer mu.Unlock()
			return named(it)
		}, func(s scan.Skipped) {
			mu.Lock()
			defer mu.Unlock()
			skip(s)
		}), nil
	})
	merges := func(ctx context.Context, q HistoryQuery) error {
		merges, err := mergeFiles(ctx, repo, q)
		if err != nil {
			return err
		}
		lfs, err := ready()
		if err != nil {
			return err
		}
		return mergeItems(ctx, repo, merges, maxSize, lfs.item, lfs.skip)
	}
	// long is closed once the first stream has read secondStreamAfter
	// bytes: the history is long enough for a second to help.
	long := make(chan struct{})
	isLong := sync.OnceFunc(func() { close(long) })
	// diffs reads one stream of q's diffs: reversed, oldest first. met
	// says it ended where the other stream had read on.
	diffs := func(ctx context.Context, reversed bool) (met bool, err error) {
		args := args
		if reversed {
			args = append(slices.Clip(args), "--reverse")
		}
		whole := ctx
		ctx, stop := context.WithCancel(ctx)
		defer stop()
		read := func(r io.Reader) error {
			lfs, err := ready()
			if err != nil {
				return err
			}
			if !reversed && claims != nil {
				if secondStreamAfter <= 0 {
					isLong()
				} else {
					r = &countingReader{r: r, after: secondStreamAfter, reached: isLong}
				}
			}
			parser := newPatchParser(r, maxSize, lfs.item, lfs.skip)
			parser.listing = lst
			parser.claim = claim(reversed)
			err = parser.run()
			if err == errMet {
				met = true
				stop() // git need not print the rest
			}
			return err
		}
		err = streamGit(ctx, repoDir(repo), revInput(q.Revs), read, args...)
		if met {
			return true, whole.Err() // nil: the other stream read on from here
		}
		if q.Listed != nil && len(lst.refs) == 0 && gitrun.Says(err, diffMergesOff) && mergeFlag() == nil {
			// A git before 2.31, as its version says: it refused the
			// flag before printing anything, and shows merges no diff
			// without it.
			err = streamGit(ctx, repoDir(repo), revInput(q.Revs), read, slices.DeleteFunc(args, func(a string) bool { return a == diffMergesOff })...)
		}
		return false, err
	}
	p := pool.New().WithContext(ctx).WithCancelOnError().WithFirstError()
	// forwardAll is closed if the first stream read the whole range itself
	// (the reversed one reached no commit first, and has nothing to read);
	// should it fail, the pool's context ends.
	forwardAll := make(chan struct{})
	p.Go(func(ctx context.Context) error {
		met, err := diffs(ctx, false)
		if err == nil && !met {
			close(forwardAll)
		}
		if err != nil || q.Listed == nil || len(lst.merges) == 0 {
			return err
		}
		// A listed history knows its merges, and every commit's ref, only
		// now: their own changes are read from exactly those (a push with
		// no merge runs no git for them).
		return merges(ctx, HistoryQuery{Revs: lst.merges, Exact: true})
	})
	if claims != nil {
		p.Go(func(ctx context.Context) error {
			// A short history is read by the first stream alone: a
			// second would cost more than it saves.
			select {
			case <-long:
			case <-forwardAll:
				return nil
			case <-ctx.Done():
				return nil // the pool has the first stream's error
			}
			// Should the first read to the end while this one still walks
			// the range (--reverse lists it all before printing), it is
			// stopped: it would find every commit read.
			rctx, cancel := context.WithCancel(ctx)
			defer cancel()
			go func() {
				select {
				case <-forwardAll:
					cancel()
				case <-rctx.Done():
				}
			}()
			_, err := diffs(rctx, true)
			select {
			case <-forwardAll:
				if ctx.Err() == nil {
					return nil
				}
			default:
			}
			return err
		})
	}
	if q.Listed == nil {
		p.Go(func(ctx context.Context) error { return merges(ctx, q) })
	}
	return p.Wait()
}

// secondStreamAfter is how much of a history its first stream reads
// alone before the reversed one starts (twoEnds). A second git costs a few
// milliseconds to start and to walk the range, and on two cores it takes
// CPU from the scan: on a history of 300 merges in 1,501 commits (1.8 MB of
// diffs) a second stream made the scan 59 -> 64 ms; on 1,000 commits of
// 26 MB, or git/git's 4,945, it saves 10-15%. A variable for tests.
var secondStreamAfter int64 = 4 << 20

// countingReader calls reached once after bytes have been read.
type countingReader struct {
	r       io.Reader
	n       int64
	after   int64
	reached func()
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	if c.n += int64(n); c.n >= c.after {
		c.reached()
	}
	return n, err
}

// twoEnds says whether q's history is read from both ends at once: by one
// git newest first and another oldest first (--reverse), each ending where
// the other has read, so that two cores diff it. Only a plain range is
// (scan --git's), on a machine with cores to spare; a listed history's
// order is its plan's.
func (q HistoryQuery) twoEnds() bool {
	return q.Listed == nil && !q.Exact && q.ExcludeRemote == "" && runtime.NumCPU() > 1
}

// resolveRevs turns revisions into the commit ids they name now ("a..b":
// b and ^a), with one `git rev-parse`, so that two streams walk exactly the
// same range even while refs move. It returns nil, and the history is read
// by one stream as given, for anything rev-parse would read otherwise than
// log (an option other than --not: rev-parse's --all, for one, leaves out
// a detached HEAD that log's takes in) or does not resolve.
func resolveRevs(ctx context.Context, repo *Repo, revs []string) []string {
	for _, r := range revs {
		if r == "" || strings.HasPrefix(r, "-") && r != "--not" {
			return nil
		}
	}
	out, err := runGit(ctx, repoDir(repo), append(append([]string{"rev-parse"}, revs...), "--")...)
	if err != nil {
		return nil
	}
	ids := strings.Fields(string(out))
	if len(ids) < 2 || ids[len(ids)-1] != "--" {
		return nil
	}
	ids = ids[:len(ids)-1]
	for _, id := range ids {
		if !isHexID(strings.TrimPrefix(id, "^")) {
			return nil
		}
	}
	return ids
}

// HistoryItems runs History in the background and returns its items as a
// channel for scan.Stream, so memory stays bounded by the pipeline, not by
// the length of history. wait returns the skipped files and History's error
// once the channel is closed; cancel ctx to stop early.
func HistoryItems(ctx context.Context, repo *Repo, q HistoryQuery, maxSize int64) (items <-chan scan.Item, wait func() ([]scan.Skipped, error)) {
	ch := make(chan scan.Item, 64)
	var skipped []scan.Skipped
	var err error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(ch)
		err = History(ctx, repo, q, maxSize, func(it scan.Item) error {
			select {
			case ch <- it:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}, func(s scan.Skipped) { skipped = append(skipped, s) })
	}()
	return ch, func() ([]scan.Skipped, error) {
		for range ch { // drain if the consumer stopped early
		}
		wg.Wait()
		// In git's order, whatever the streams' pace (Commit.Order).
		slices.SortStableFunc(skipped, func(a, b scan.Skipped) int { return cmp.Compare(scan.OrderOf(a.Commit), scan.OrderOf(b.Commit)) })
		return skipped, err
	}
}

// CommitInfo is one commit of a listed range.
type CommitInfo struct {
	ID     string
	Tree   string
	Parent string // first parent, "" for a root commit
}

// ListCommits lists the commits revs select, children before parents, with
// one `git log` (no patches): what pre-push needs to check receipts and to
// name refs before streaming the diffs.
func ListCommits(ctx context.Context, repo *Repo, revs []string) ([]CommitInfo, error) {
	args := []string{"log", "--no-show-signature", "--topo-order", "--format=tformat:%H %T %P", "--stdin"}
	var out []CommitInfo
	err := streamGit(ctx, repoDir(repo), revInput(revs), func(r io.Reader) error {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 2 {
				return fmt.Errorf("git log printed %q", sc.Text())
			}
			ci := CommitInfo{ID: f[0], Tree: f[1]}
			if len(f) > 2 {
				ci.Parent = f[2]
			}
			out = append(out, ci)
		}
		return sc.Err()
	}, args...)
	return out, err
}

// CountCommits counts the commits revs select (for a progress bar).
func CountCommits(ctx context.Context, repo *Repo, revs []string) (int, error) {
	args := []string{"rev-list", "--count", "--stdin"}
	var n int
	err := streamGit(ctx, repoDir(repo), revInput(revs), func(r io.Reader) error {
		_, err := fmt.Fscan(r, &n)
		return err
	}, args...)
	return n, err
}

// revInput is the stdin of `git log --stdin`: one revision per line. A
// revision that is empty or starts with "-" (other than --not) is refused by
// git itself, so no argument can turn into an option.
func revInput(revs []string) io.Reader {
	var b strings.Builder
	for _, r := range revs {
		b.WriteString(r)
		b.WriteByte('\n')
	}
	return strings.NewReader(b.String())
}

// repoDir is where git commands for repo run: the working tree, or the git
// dir of a bare repository.
func repoDir(repo *Repo) string {
	if repo.Root != "" {
		return repo.Root
	}
	return repo.GitDir
}
