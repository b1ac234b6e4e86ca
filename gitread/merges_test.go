package gitread

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/scan"

	"github.com/leakhook/leakhook/internal/gittest"
)

// TestLineSetAgreesWithAMap (issue 20): the merge reader's line set, an open
// addressing table reused from file to file, marks exactly the lines a plain
// map of texts would: every line of the merge's version a parent holds, and
// no other, over random files with many repeated lines (blank lines, braces)
// and lines past the length filter's reach, with the set reset between
// parents and between files of different sizes; parents read in memory,
// with the bytes they share with the merge at either end compared in place
// (unmarkParent), too: parents made of the merge's start and end around
// other lines, with and without a final newline.
func TestLineSetAgreesWithAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		switch rng.IntN(6) {
		case 0:
			return ""
		case 1:
			return "}"
		case 2:
			return strings.Repeat("x", 4090+rng.IntN(12)) // past the length bitmap
		default:
			return fmt.Sprintf("line %d", rng.IntN(40))
		}
	}
	var set lineSet
	for file := range 1000 {
		n := rng.IntN(200)
		var merge []string
		for range n {
			merge = append(merge, word())
		}
		mtext := strings.Join(merge, "\n")
		if len(merge) > 0 && rng.IntN(2) == 0 {
			mtext += "\n"
		}
		lines := appendLines(nil, []byte(mtext))
		added := make([]bool, len(lines))
		want := make([]bool, len(lines))
		for i := range added {
			added[i], want[i] = true, true
		}
		for range 1 + rng.IntN(3) {
			var parent []string
			if rng.IntN(2) == 0 {
				// Most of a merge's file is its parent's, at both ends.
				a := rng.IntN(len(merge) + 1)
				b := a + rng.IntN(len(merge)-a+1)
				parent = append(parent, merge[:a]...)
				for range rng.IntN(20) {
					parent = append(parent, word())
				}
				parent = append(parent, merge[b:]...)
			} else {
				for range rng.IntN(200) {
					parent = append(parent, word())
				}
			}
			text := strings.Join(parent, "\n")
			if len(parent) > 0 && rng.IntN(2) == 0 {
				text += "\n"
			}
			has := map[string]bool{} // the lines text holds ("" holds none)
			if text != "" {
				for _, w := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
					has[w] = true
				}
			}
			for i, l := range lines {
				if has[string(l)] {
					want[i] = false
				}
			}
			if rng.IntN(3) != 0 {
				// A parent in memory (mergeItems' unmarkParent).
				set.unmarkParent([]byte(mtext), []byte(text), lines, added)
			} else {
				set.reset(lines, added)
				pr := bufio.NewReaderSize(strings.NewReader(text), 64<<10)
				if err := parentLines(pr, func(l []byte) { set.unmark(l, lines, added) }); err != nil {
					t.Fatal(err)
				}
			}
			for i := range lines {
				if added[i] != want[i] {
					t.Fatalf("file %d, line %d %.20q: new = %v, want %v", file, i, lines[i], added[i], want[i])
				}
			}
		}
	}
}

// TestMergeVersionsAskedOnce (issue 20): a file's version that merges read
// more than once (a merge's version is the next merge's first parent's) is
// asked of git once and kept for its next read; with no room to keep it,
// it is asked again of a git of its own. Either way the merges' own lines
// are read exactly, and the whole is the same. A stand-in git logs every
// object cat-file --batch is asked for.
func TestMergeVersionsAskedOnce(t *testing.T) {
	r := gittest.New(t)
	body := make([]string, 40)
	for i := range body {
		body[i] = fmt.Sprintf("line %d", i)
	}
	write := func() { r.Write("f.txt", strings.Join(body, "\n")+"\n") }
	write()
	r.Commit("base")
	var want []string
	for k := range 4 {
		// A side forked at the last merge changes the file, and the merge
		// adds a line of its own: it differs from both parents.
		r.Git("checkout", "-q", "-b", fmt.Sprintf("side%d", k))
		body[10+5*k] = fmt.Sprintf("side %d", k)
		write()
		r.Commit(fmt.Sprintf("side %d", k))
		r.Git("checkout", "-q", "main")
		r.Git("merge", "-q", "--no-ff", "--no-commit", fmt.Sprintf("side%d", k))
		body[30+k] = fmt.Sprintf("evil %d", k)
		write()
		r.Git("add", "f.txt")
		r.Git("commit", "-q", "-m", fmt.Sprintf("merge %d", k))
		want = append(want, fmt.Sprintf("merge %d f.txt:%d evil %d", k, 31+k, k))
	}
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "asked")
	standInGit(t, func(real string) string {
		return "for a; do [ \"$a\" = --batch ] && { tee -a " + log + " | " + real + " \"$@\"; exit; }; done\nexec " + real + " \"$@\"\n"
	})
	old := versionCacheBytes
	defer func() { versionCacheBytes = old }()
	for _, budget := range []int64{old, 0} {
		versionCacheBytes = budget
		os.Remove(log)
		got := historyLines(t, repo, HistoryQuery{Revs: []string{"HEAD"}}, func(c *scan.Commit) bool {
			return strings.HasPrefix(c.Subject, "merge")
		})
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("budget %d: read %q, want %q", budget, got, want)
		}
		b, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		asked := strings.Fields(string(b))
		distinct := map[string]bool{}
		for _, id := range asked {
			distinct[id] = true
		}
		// 4 merges, each reads 3 versions; merges 1-3 read merge 0-2's
		// version again, as their first parent's.
		if budget > 0 && (len(asked) != 9 || len(distinct) != 9) {
			t.Errorf("asked git for %d versions (%d distinct), want each of 9 once", len(asked), len(distinct))
		}
		if budget == 0 && (len(asked) != 12 || len(distinct) != 9) {
			t.Errorf("with no room to keep versions, asked git for %d versions (%d distinct), want 12 (9 distinct)", len(asked), len(distinct))
		}
	}
}
