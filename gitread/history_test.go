package gitread

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/leakhook/leakhook/scan"

	"github.com/leakhook/leakhook/internal/gittest"
)

// The parser reuses one buffer while it reads hunks, and items are scanned
// while later hunks are parsed, so every item must keep its own content:
// items kept until the whole history is read still hold what their hunk
// added, with one Added flag per line.
func TestHistoryItemsOwnTheirContent(t *testing.T) {
	r := gittest.New(t)
	var old []string
	for i := range 40 {
		old = append(old, fmt.Sprintf("line %d", i))
	}
	r.Write("f.txt", strings.Join(old, "\n")+"\n")
	r.Write("g.txt", "g\n")
	r.Commit("base")
	// Two hunks in f.txt (lines far apart) and one in g.txt, then another commit.
	edited := append([]string(nil), old...)
	edited[2] = "first-hunk"
	edited[35] = "second-hunk"
	r.Write("f.txt", strings.Join(edited, "\n")+"\n")
	r.Write("g.txt", "g\nthird-hunk\n")
	r.Commit("edit")
	r.Write("g.txt", "g\nthird-hunk\nfourth-hunk\n")
	r.Commit("more")
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var items []scan.Item
	err = History(context.Background(), repo, HistoryQuery{Revs: []string{"HEAD~2..HEAD"}}, 1<<20, func(it scan.Item) error {
		items = append(items, it)
		return nil
	}, func(scan.Skipped) {})
	if err != nil {
		t.Fatal(err)
	}
	// The range is read from both ends at once: items come in either
	// stream's order, and their commits' Order puts them in git's.
	slices.SortStableFunc(items, func(a, b scan.Item) int { return a.Commit.Order - b.Commit.Order })
	var got []string
	for _, it := range items {
		lines := strings.Split(strings.TrimSuffix(string(it.Content), "\n"), "\n")
		if len(lines) != len(it.Added) {
			t.Fatalf("%s: %d lines, %d added flags", it.Path, len(lines), len(it.Added))
		}
		for i, l := range lines {
			if it.Added[i] {
				got = append(got, fmt.Sprintf("%s %s:%d %s", it.Commit.Subject, it.Path, it.StartLine+i, l))
			}
		}
	}
	want := []string{
		"more g.txt:3 fourth-hunk",
		"edit f.txt:3 first-hunk",
		"edit f.txt:36 second-hunk",
		"edit g.txt:2 third-hunk",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("added lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestHistoryMergesShowWhatTheyAdd (issue 20): a merge is shown as what it
// adds beyond all its parents, not re-diffed against its first parent. A line only on the second parent's side is reported once, at
// the commit that wrote it; a conflict's resolution and an "evil" change the
// merge makes on its own are reported at the merge; a clean merge adds
// nothing.
func TestHistoryMergesShowWhatTheyAdd(t *testing.T) {
	r := gittest.New(t)
	r.Write("f.txt", "a\nb\nc\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "side")
	r.Write("f.txt", "a\nside-line\nc\n")
	r.Write("s.txt", "side-file\n")
	r.Commit("side")
	r.Git("checkout", "-q", "-b", "clean", "HEAD~1")
	r.Write("c.txt", "clean-branch\n")
	r.Commit("clean-branch")
	r.Git("checkout", "-q", "main")
	r.Write("f.txt", "a\nmain-line\nc\n")
	r.Commit("main")
	if _, err := r.TryGit("merge", "-q", "side"); err == nil {
		t.Fatal("the merge should conflict")
	}
	r.Write("f.txt", "a\nresolved-line\nside-line\nc\n")
	r.Write("evil.txt", "evil-line\n")
	r.Git("add", "-A")
	r.Git("commit", "-q", "-m", "evil merge")
	r.Git("merge", "-q", "--no-edit", "-m", "clean merge", "clean")
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	got := historyLines(t, repo, HistoryQuery{Revs: []string{"HEAD"}}, nil)
	want := map[string]bool{
		"base f.txt:1 a": true, "base f.txt:2 b": true, "base f.txt:3 c": true,
		"side f.txt:2 side-line": true, "side s.txt:1 side-file": true,
		"clean-branch c.txt:1 clean-branch": true,
		"main f.txt:2 main-line":            true,
		"evil merge f.txt:2 resolved-line":  true,
		"evil merge evil.txt:1 evil-line":   true,
	}
	seen := map[string]int{}
	for _, g := range got {
		seen[g]++
		if !want[g] {
			t.Errorf("reported %q: a merge re-showed what a parent brought in", g)
		} else if seen[g] > 1 {
			t.Errorf("reported %q twice", g)
		}
	}
	for w := range want {
		if seen[w] == 0 {
			t.Errorf("missing %q", w)
		}
	}
}

func TestGitAtLeast(t *testing.T) {
	for v, want := range map[string]bool{
		"git version 2.39.5\n":         true,
		"git version 2.36.0":           true,
		"git version 2.35.9":           false,
		"git version 3.0.0":            true,
		"git version 2.45.1.windows.1": true,
		"git version 1.9.1":            false,
		"not git":                      false,
	} {
		if got := gitAtLeast(v, 2, 36); got != want {
			t.Errorf("gitAtLeast(%q, 2, 36) = %v", v, got)
		}
	}
}

// TestHistoryMergeEdges (issue 20): the merge reader on the merges that are
// not two-parent conflicts. A file both sides edited apart merges cleanly
// and adds nothing; an octopus merge's own line is found and its parents'
// lines are not; an edit to a file neither side touched is the merge's; a
// merge's file over the size cap is scanned whole, in windows; a commit
// listed exactly (as pre-push lists them) is read the same way.
func TestHistoryMergeEdges(t *testing.T) {
	r := gittest.New(t)
	r.Write("both.txt", "1\n2\n3\n4\n5\n6\n7\n8\n9\n")
	r.Write("quiet.txt", "q\n")
	r.Commit("base")
	for _, b := range []string{"x", "y", "z"} {
		r.Git("checkout", "-q", "-b", b, "main")
		r.Write(b+".txt", b+"-line\n")
		if b == "x" {
			r.Write("both.txt", "1\nx-edit\n3\n4\n5\n6\n7\n8\n9\n")
		}
		r.Commit(b)
	}
	r.Git("checkout", "-q", "main")
	r.Write("both.txt", "1\n2\n3\n4\n5\n6\n7\nmain-edit\n9\n")
	r.Commit("main")
	r.Git("merge", "-q", "--no-commit", "x", "y", "z")
	r.Write("quiet.txt", "q\noctopus-line\n")
	r.Write("big.txt", strings.Repeat("big-line\n", 200))
	r.Git("add", "-A")
	r.Git("commit", "-q", "-m", "octopus")
	merge := strings.TrimSpace(r.Git("rev-parse", "HEAD"))
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []HistoryQuery{{Revs: []string{"HEAD"}}, {Revs: []string{merge}, Exact: true}} {
		got := map[string]int{}
		err = History(context.Background(), repo, q, 1000, func(it scan.Item) error {
			lines := strings.Split(strings.TrimSuffix(string(it.Content), "\n"), "\n")
			for i, l := range lines {
				if it.Added == nil || it.Added[i] {
					got[fmt.Sprintf("%s %s %s", it.Commit.Subject, it.Path, l)]++
				}
			}
			return nil
		}, func(scan.Skipped) {})
		if err != nil {
			t.Fatal(err)
		}
		if got["octopus quiet.txt octopus-line"] != 1 {
			t.Errorf("%v: the octopus merge's own line not reported once: %v", q, got)
		}
		if got["octopus big.txt big-line"] == 0 {
			t.Errorf("%v: a merge's file over the size cap was not scanned", q)
		}
		for k := range got {
			if strings.HasPrefix(k, "octopus ") && !strings.Contains(k, "octopus-line") && !strings.Contains(k, "big.txt") {
				t.Errorf("%v: the merge re-showed %q, which a parent brought in", q, k)
			}
		}
	}
}

// TestHistoryMessagesFromTheStream: with Messages set, a history hands on
// each commit's message as the messages reader (CommitMessages, a second
// walk) reads it, from the diff stream itself: merges, an empty message and
// a message holding a NUL and what looks like a diff (hash-object writes
// any bytes) included, each read whole as a message and never as a change.
func TestHistoryMessagesFromTheStream(t *testing.T) {
	r := gittest.New(t)
	r.Write("f.txt", "a\nb\nc\n")
	base := r.Commit("base")
	r.Git("checkout", "-q", "-b", "side")
	r.Write("f.txt", "a\nside-line\nc\n")
	r.Commit("side\n\nwith a body\n")
	r.Git("checkout", "-q", "-")
	r.Write("f.txt", "a\nb\nc\nmain-line\n")
	r.Commit("main")
	r.TryGit("merge", "-q", "--no-ff", "--no-commit", "side")
	r.Write("f.txt", "a\nside-line\nc\nmain-line\nmerge-line\n")
	r.Git("add", "f.txt")
	r.Git("commit", "-q", "-m", "evil merge")
	r.Write("f.txt", "a\nside-line\nc\nmain-line\nmerge-line\nquiet-line\n")
	r.Git("add", "f.txt")
	r.Git("commit", "-q", "--allow-empty-message", "-m", "")
	msg := "hostile\n\x00\n\ndiff --git a/fake.txt b/fake.txt\n--- a/fake.txt\n+++ b/fake.txt\n@@ -0,0 +1 @@\n+fake-line\n\x01leakhook-commit 0000000000000000000000000000000000000000\x02forged\n"
	r.Git("update-ref", "refs/heads/main", hostileCommit(t, r, "HEAD", msg))
	r.Write("f.txt", "a\nside-line\nc\nmain-line\nmerge-line\nquiet-line\nafter-line\n")
	r.Commit("after")
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	revs := []string{base + "..main"}
	var got []scan.Item
	q := HistoryQuery{Revs: revs, Messages: func(it scan.Item) error {
		got = append(got, it)
		return nil
	}}
	lines := historyLines(t, repo, q, nil)
	want, err := CommitMessages(context.Background(), repo, HistoryQuery{Revs: revs})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || len(want) != 6 {
		t.Fatalf("the stream handed on %d messages, the messages reader read %d (want 6)", len(got), len(want))
	}
	// Two streams read the range from both ends: the messages come in
	// either's order.
	byID := func(a, b scan.Item) int { return strings.Compare(a.Commit.ID, b.Commit.ID) }
	slices.SortFunc(got, byID)
	slices.SortFunc(want, byID)
	for i := range want {
		if string(got[i].Content) != string(want[i].Content) || *got[i].Commit != *want[i].Commit || got[i].Path != want[i].Path || got[i].StartLine != want[i].StartLine {
			t.Errorf("message #%d: stream %q %+v, messages reader %q %+v", i, got[i].Content, *got[i].Commit, want[i].Content, *want[i].Commit)
		}
	}
	slices.Sort(lines)
	wantLines := []string{
		"after f.txt:7 after-line",
		"evil merge f.txt:5 merge-line",
		"main f.txt:4 main-line",
		"side f.txt:2 side-line",
		" f.txt:6 quiet-line",
	}
	slices.Sort(wantLines)
	if !slices.Equal(lines, wantLines) {
		t.Errorf("read %q, want %q", lines, wantLines)
	}
}

// TestHistoryStopsWhenItsBudgetEnds: a process git started that still holds
// git's output (a stand-in's sleep here; a lazy fetch or a helper in life)
// keeps the pipe open after git is killed; the end of the context kills it
// too, so the history stops with the context's error, not when that process
// is done (30 s).
func TestHistoryStopsWhenItsBudgetEnds(t *testing.T) {
	r := gittest.New(t)
	r.Write("f.txt", "a\n")
	r.Commit("base")
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	standInGit(t, func(real string) string {
		return "for a; do [ \"$a\" = log ] && { " + real + " \"$@\"; sleep 30; exit 0; }; done\nexec " + real + " \"$@\"\n"
	})
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- History(ctx, repo, HistoryQuery{Revs: []string{"HEAD"}}, 1<<20, func(scan.Item) error { return nil }, func(scan.Skipped) {})
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a history whose budget ran out returned no error")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the history outlived its context by 20 s: a process git started kept the pipe open")
	}
}

// TestHistoryReadFromBothEnds (issue 20): a range is read by two gits at
// once, newest first and oldest first (--reverse), each ending where the
// other has read; both walk the same ids, resolved once, so a ref that
// moves between their starts cannot leave a commit unread. Every commit's
// change and message is read exactly once, and Order puts the commits in
// git's own order.
func TestHistoryReadFromBothEnds(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("one core: the history is read by one stream")
	}
	bothAtOnce(t)
	r := gittest.New(t)
	r.Write("base.txt", "base\n")
	base := r.Commit("base")
	const n = 40
	for i := range n {
		if i == n/2 { // a merge in the middle, and a commit on its side
			r.Git("checkout", "-q", "-b", "side", "HEAD~3")
			r.Write("side.txt", "side-line\n")
			r.Commit("side")
			r.Git("checkout", "-q", "-")
			r.Git("merge", "-q", "--no-ff", "-m", "merge side", "side")
		}
		r.Write(fmt.Sprintf("f%02d.txt", i), fmt.Sprintf("line-%02d\n", i))
		r.Commit(fmt.Sprintf("commit %02d", i))
	}
	log := filepath.Join(t.TempDir(), "log")
	// The stand-in moves main after the first history stream started: the
	// second must still read the range the first did. It paces the two
	// streams so that each reads part of the range: the reversed one
	// prints its first 3,000 bytes (the oldest few commits) at once and the
	// rest after 2 s; the first prints after 1 s (margins for a loaded
	// machine).
	standInGit(t, func(real string) string {
		return fmt.Sprintf(`case "$*" in *" log "*--stdin*)
	in=$(cat)
	printf '%%s|%%s\n' "$*" "$(echo $in)" >>%[2]q
	if [ ! -e %[2]q.moved ]; then
		: >%[2]q.moved
		%[1]q update-ref refs/heads/main HEAD~5
	fi
	case "$*" in
	*--reverse*) printf '%%s\n' "$in" | %[1]q "$@" | { dd bs=1 count=3000 2>/dev/null; sleep 2; cat; } ;;
	*" -p "*) printf '%%s\n' "$in" | %[1]q "$@" | { sleep 1; cat; } ;;
	*) printf '%%s\n' "$in" | %[1]q "$@" ;;
	esac
	exit ;;
esac
exec %[1]q "$@"
`, real, log)
	})
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Fields(r.Git("rev-list", base+"..main"))
	messages := map[string]int{}
	q := HistoryQuery{Revs: []string{base + "..main"}, Messages: func(it scan.Item) error {
		messages[it.Commit.ID]++
		return nil
	}}
	var items []scan.Item
	err = History(context.Background(), repo, q, 1<<20, func(it scan.Item) error {
		items = append(items, it)
		return nil
	}, func(scan.Skipped) {})
	if err != nil {
		t.Fatal(err)
	}
	logged, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	runs := strings.Split(strings.TrimSpace(string(logged)), "\n")
	var reversed, forward []string
	for _, l := range runs {
		args, in, _ := strings.Cut(l, "|")
		if !strings.Contains(args, " -p ") {
			continue // the merges' listing
		}
		if strings.Contains(args, "--reverse") {
			reversed = append(reversed, in)
		} else {
			forward = append(forward, in)
		}
	}
	if len(reversed) != 1 || len(forward) != 1 || reversed[0] != forward[0] || strings.Contains(forward[0], "..") {
		t.Fatalf("history streams' revisions: forward %q, reversed %q; want one of each, the same resolved ids", forward, reversed)
	}
	lines := map[string]int{}
	for _, it := range items {
		if it.Path == CommitMessagePath {
			continue
		}
		for i, l := range strings.Split(strings.TrimSuffix(string(it.Content), "\n"), "\n") {
			if it.Added[i] {
				lines[it.Commit.Subject+" "+l]++
			}
		}
	}
	for i := range n {
		if k := fmt.Sprintf("commit %02d line-%02d", i, i); lines[k] != 1 {
			t.Errorf("%q read %d times, want once", k, lines[k])

		}
	}
	if lines["side side-line"] != 1 || len(lines) != n+1 {
		t.Errorf("read %d distinct added lines (%v), want %d", len(lines), lines, n+1)
	}
	// Each commit (the merge too) handed on its message once, and the
	// commits' Order is git's order.
	var order []string
	seen := map[string]bool{}
	slices.SortStableFunc(items, func(a, b scan.Item) int { return a.Commit.Order - b.Commit.Order })
	for _, it := range items {
		if id := it.Commit.ID; !seen[id] {
			seen[id] = true
			order = append(order, id)
		}
	}
	if len(messages) != len(want) {
		t.Errorf("%d commits' messages handed on, want %d", len(messages), len(want))
	}
	for id, k := range messages {
		if k != 1 {
			t.Errorf("commit %s: message handed on %d times", id, k)
		}
	}
	if !slices.Equal(order, want) {
		t.Errorf("commits by Order:\n%q\nwant git's order:\n%q", order, want)
	}
	// Each stream showed part of the range.
	var byReversed int
	for _, it := range items {
		if it.Commit.Order > math.MaxInt32/2 {
			byReversed++
		}
	}
	if byReversed == 0 || byReversed == len(items) {
		t.Errorf("%d of %d items from the reversed stream: want each stream to show part of the range", byReversed, len(items))
	}
}

// TestHistoryFirstStreamReadsAll (issue 20): should the first stream read
// the whole range while the reversed one still walks it (git --reverse
// lists the range before printing anything), the reversed one is stopped
// at once: it would find every commit read. A stand-in's reversed git
// waits 30 s before it starts.
func TestHistoryFirstStreamReadsAll(t *testing.T) {
	repo := twoEndsRepo(t, `case "$*" in
*--reverse*) sleep 30 ;;
esac
exec %[1]q "$@"
`)
	start := time.Now()
	lines := historyLines(t, repo, HistoryQuery{Revs: []string{"HEAD"}, Messages: func(scan.Item) error { return nil }}, nil)
	if len(lines) != 5 {
		t.Errorf("read %q, want the 5 commits' lines", lines)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("the history took %v: it waited for the reversed stream", d)
	}
}

// TestHistoryEitherEndFails: a history read from both ends fails if either
// git fails; the other's commits are not a scan of the range.
func TestHistoryEitherEndFails(t *testing.T) {
	// The first stream prints after 1 s: the reversed one fails first.
	repo := twoEndsRepo(t, `case "$*" in
*--reverse*) echo "fatal: stand-in refuses" >&2; exit 128 ;;
*" log "*" -p "*) %[1]q "$@" | { sleep 1; cat; }; exit ;;
esac
exec %[1]q "$@"
`)
	err := History(context.Background(), repo, HistoryQuery{Revs: []string{"HEAD"}, Messages: func(scan.Item) error { return nil }}, 1<<20,
		func(scan.Item) error { return nil }, func(scan.Skipped) {})
	if err == nil || !strings.Contains(err.Error(), "stand-in refuses") {
		t.Fatalf("History = %v, want the reversed stream's failure", err)
	}
}

// TestHistoryBothEndsStopWhenTheBudgetEnds: both streams started and
// neither printing (a stand-in's gits sleep 30 s), a spent budget ends the
// history at once, both gits killed, with the budget's error.
func TestHistoryBothEndsStopWhenTheBudgetEnds(t *testing.T) {
	repo := twoEndsRepo(t, `case "$*" in
*" log "*" -p "*) sleep 30 ;;
esac
exec %[1]q "$@"
`)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	err := History(ctx, repo, HistoryQuery{Revs: []string{"HEAD"}, Messages: func(scan.Item) error { return nil }}, 1<<20,
		func(scan.Item) error { return nil }, func(scan.Skipped) {})
	if err == nil {
		t.Fatal("History read a history whose gits never printed")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("History ended %v after a 1 s budget: %v", d, err)
	}
}

// twoEndsRepo is a repository of 5 commits whose history is read from both
// ends at once, through a stand-in git running script (%[1]q: the real
// git).
func twoEndsRepo(t *testing.T, script string) *Repo {
	t.Helper()
	if runtime.NumCPU() < 2 {
		t.Skip("one core: the history is read by one stream")
	}
	bothAtOnce(t)
	r := gittest.New(t)
	for i := range 5 {
		r.Write("f.txt", fmt.Sprintf("line %d\n", i))
		r.Commit(fmt.Sprintf("c%d", i))
	}
	standInGit(t, func(real string) string { return fmt.Sprintf(script, real) })
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	return repo
}

// bothAtOnce starts the second stream of a history read from both ends
// at once, for the rest of the test: the test's histories are short.
func bothAtOnce(t *testing.T) {
	was := secondStreamAfter
	secondStreamAfter = 0
	t.Cleanup(func() { secondStreamAfter = was })
}

func TestResolveRevs(t *testing.T) {
	r := gittest.New(t)
	r.Write("f.txt", "a\n")
	r.Commit("one")
	r.Write("f.txt", "b\n")
	r.Commit("two")
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	head, first := r.Git("rev-parse", "HEAD"), r.Git("rev-parse", "HEAD~")
	for _, c := range []struct {
		revs []string
		want []string
	}{
		{[]string{"HEAD~..HEAD"}, []string{head, "^" + first}},
		{[]string{"HEAD", "--not", "HEAD~"}, []string{head, "^" + first}},
		{[]string{"HEAD~...HEAD"}, []string{head, first, "^" + first}},
		{[]string{"--all"}, nil},       // rev-parse's leaves out a detached HEAD
		{[]string{"f.txt"}, nil},       // a path, not a revision
		{[]string{"no-such-ref"}, nil}, // git log says why
		{[]string{"--branches"}, nil},  // an option rev-parse and log may read apart
		{[]string{"HEAD", "--since=yesterday"}, nil},
		{[]string{""}, nil},
	} {
		if got := resolveRevs(context.Background(), repo, c.revs); !slices.Equal(got, c.want) {
			t.Errorf("resolveRevs(%q) = %q, want %q", c.revs, got, c.want)
		}
	}
}

// TestCommitIDsOwnTheirMemory: a commit's id is kept in maps for the whole
// history (which stream showed it; which commits the tags may point at);
// as a substring of its header line it kept the subject too, up to 1 MB a
// commit (150 commits with 1 MB subjects: 275 MB peak, 160 MB with copies).
func TestCommitIDsOwnTheirMemory(t *testing.T) {
	id, parent := strings.Repeat("a", 40), strings.Repeat("b", 40)
	line := id + " " + parent + "\x02" + strings.Repeat("S", 1<<20)
	c := parseCommitLine(line)
	if c.ID != id || c.Parent != parent {
		t.Fatalf("parsed %q %q", c.ID, c.Parent)
	}
	start := uintptr(unsafe.Pointer(unsafe.StringData(line)))
	for _, s := range []string{c.ID, c.Parent} {
		if p := uintptr(unsafe.Pointer(unsafe.StringData(s))); p >= start && p < start+uintptr(len(line)) {
			t.Errorf("%q shares the memory of its %d-byte header line", s[:8], len(line))
		}
	}
}
