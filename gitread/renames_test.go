package gitread

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"path"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/internal/gittest"
)

// TestRandomRenamesAgree stages random moves, copies, edits and deletions of
// files that share lines, and checks that the in-process reader finds the
// same added lines as git: rename detection is where the two are likeliest
// to part (which file a deleted one became decides what counts as new).
func TestRandomRenamesAgree(t *testing.T) {
	gittest.Isolate(t)
	r := rand.New(rand.NewPCG(7, 11))
	lines := make([]string, 40)
	for i := range lines {
		lines[i] = fmt.Sprintf("line %d %s", i, strings.Repeat(string(rune('a'+i%26)), r.IntN(70)))
	}
	file := func() string {
		var b strings.Builder
		for range 3 + r.IntN(12) {
			b.WriteString(lines[r.IntN(len(lines))] + "\n")
		}
		return b.String()
	}
	edit := func(s string) string {
		ls := strings.SplitAfter(s, "\n")
		for range 1 + r.IntN(3) {
			i := r.IntN(len(ls))
			switch r.IntN(3) {
			case 0:
				ls[i] = lines[r.IntN(len(lines))] + "\n"
			case 1:
				ls = append(ls[:i], ls[i+1:]...)
			default:
				ls = append(ls[:i], append([]string{lines[r.IntN(len(lines))] + "\n"}, ls[i:]...)...)
			}
		}
		return strings.Join(ls, "")
	}
	dirs := []string{"", "a/", "b/", "a/c/"}
	for round := range 60 {
		repo := gittest.New(t)
		content := map[string]string{}
		for i := range 6 {
			name := fmt.Sprintf("%sf%d.txt", dirs[r.IntN(len(dirs))], i)
			content[name] = file()
			repo.Write(name, content[name])
		}
		repo.Commit("base")
		names := slices.Sorted(maps.Keys(content))
		for i, n := range names {
			switch r.IntN(5) {
			case 0: // delete
				repo.Git("rm", "-q", n)
			case 1: // move, maybe edited
				repo.Git("rm", "-q", n)
				c := content[n]
				if r.IntN(2) == 0 {
					c = edit(c)
				}
				repo.Write(fmt.Sprintf("%smoved%d.txt", dirs[r.IntN(len(dirs))], i), c)
			case 2: // copy, edited
				repo.Write(fmt.Sprintf("%scopy%d.txt", dirs[r.IntN(len(dirs))], i), edit(content[n]))
			case 3: // moved to another directory under the same name, maybe edited
				repo.Git("rm", "-q", n)
				c := content[n]
				if r.IntN(2) == 0 {
					c = edit(c)
				}
				repo.Write(dirs[r.IntN(len(dirs))]+"n/"+path.Base(n), c)
			}
		}
		repo.Git("add", "-A")
		t.Run(fmt.Sprint(round), func(t *testing.T) { sameAddedText(t, repo) })
	}
}

// sameAddedText checks that both readers find the same added lines, as
// path and text. Two places where two shortest diffs may differ are
// allowed: where an insertion sits among identical lines (git slides it to
// the last place it fits), so line numbers are not compared; and which of
// two swapped lines counts as moved, so a line whose text is also in the
// file's old side (by git's own rename pairing) need only be matched in
// number. Every line that is new text must be found by both.
func sameAddedText(t *testing.T, r *gittest.Repo) {
	t.Helper()
	ctx := context.Background()
	repo, err := Open(ctx, r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	oldText := map[string]map[string]bool{} // new path: the lines of its old side
	raw := strings.Split(r.Git("diff", "--cached", "-M", "--raw", "-z"), "\x00")
	for i := 0; i+1 < len(raw); i += 2 {
		status := raw[i][strings.LastIndexByte(raw[i], ' ')+1:]
		src, dst := raw[i+1], raw[i+1]
		if status[0] == 'R' || status[0] == 'C' {
			dst = raw[i+2]
			i++
		}
		if status[0] == 'A' || status[0] == 'D' {
			continue
		}
		oldText[dst] = map[string]bool{}
		for _, l := range strings.Split(r.Git("show", "HEAD:"+src), "\n") {
			oldText[dst][l] = true
		}
	}
	var newText [2][]string
	var count [2]map[string]int
	for i, backend := range []string{BackendGit, BackendInProcess} {
		ch, err := Staged(ctx, repo, 10<<20, backend)
		if err != nil {
			t.Fatalf("%s: %v", backend, err)
		}
		count[i] = map[string]int{}
		for _, row := range addedLines(ch) {
			path, rest, _ := strings.Cut(row, ":")
			_, text, _ := strings.Cut(rest, ":")
			count[i][path]++
			if !oldText[path][text] {
				newText[i] = append(newText[i], path+":"+text)
			}
		}
		sort.Strings(newText[i])
	}
	if !slices.Equal(newText[0], newText[1]) || !maps.Equal(count[0], count[1]) {
		t.Fatalf("backends disagree\ngit CLI (lines added per file %v):\n%s\ngo-git (%v):\n%s\ngit diff --cached -M --summary:\n%s",
			count[0], strings.Join(newText[0], "\n"), count[1], strings.Join(newText[1], "\n"), r.Git("diff", "--cached", "-M", "--summary"))
	}
}

// TestRenamesPairLikeGit builds the two cases where git's pairing is not
// simply "most alike first": a file keeping its base name in a new
// directory is paired by name when 75% alike, even with a closer file
// elsewhere; and git weighs only an added file's four closest deleted
// files, so one whose four closest all went elsewhere is new, even if a
// fifth would pass 50%.
func TestRenamesPairLikeGit(t *testing.T) {
	gittest.Isolate(t)
	block := func(tag string, n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "%s line %d of some text\n", tag, i)
		}
		return b.String()
	}
	t.Run("base name first", func(t *testing.T) {
		repo := gittest.New(t)
		repo.Write("old/config.txt", block("common", 16)+block("x", 4))
		repo.Commit("base")
		repo.Git("rm", "-q", "old/config.txt")
		repo.Write("new/config.txt", block("common", 16)+block("y", 4)) // 80% alike
		repo.Write("new/other.txt", block("common", 16)+block("x", 3))  // closer
		repo.Git("add", "-A")
		if s := repo.Git("diff", "--cached", "-M", "--summary"); !strings.Contains(s, "{old => new}/config.txt") {
			t.Fatalf("git paired otherwise than this test expects:\n%s", s)
		}
		sameAddedText(t, repo)
	})
	t.Run("four candidates", func(t *testing.T) {
		repo := gittest.New(t)
		common := block("common", 12)
		for k := 1; k <= 4; k++ {
			repo.Write(fmt.Sprintf("s%d.txt", k), common+block(fmt.Sprint("u", k), 2))
		}
		repo.Write("s5.txt", common+block("u5", 5))
		repo.Commit("base")
		repo.Git("rm", "-q", "s1.txt", "s2.txt", "s3.txt", "s4.txt", "s5.txt")
		for k := 1; k <= 4; k++ {
			repo.Write(fmt.Sprintf("d%d.txt", k), common+block(fmt.Sprint("u", k), 2)+"one more\n")
		}
		repo.Write("e.txt", common+block("v", 1))
		repo.Git("add", "-A")
		if s := repo.Git("diff", "--cached", "-M", "--summary"); !strings.Contains(s, "create mode 100644 e.txt") || !strings.Contains(s, "delete mode 100644 s5.txt") {
			t.Fatalf("git paired otherwise than this test expects:\n%s", s)
		}
		sameAddedText(t, repo)
	})
}
