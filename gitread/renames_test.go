package gitread

import (
	"context"
	"fmt"
	"math/rand/v2"
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
	for round := range 40 {
		repo := gittest.New(t)
		content := map[string]string{}
		for i := range 6 {
			name := fmt.Sprintf("%sf%d.txt", dirs[r.IntN(len(dirs))], i)
			content[name] = file()
			repo.Write(name, content[name])
		}
		repo.Commit("base")
		var names []string
		for n := range content {
			names = append(names, n)
		}
		for i, n := range names {
			switch r.IntN(4) {
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
			}
		}
		repo.Git("add", "-A")
		t.Run(fmt.Sprint(round), func(t *testing.T) { sameAddedText(t, repo) })
	}
}

// sameAddedText checks that both readers find the same added lines, as
// path and text: where an insertion sits among identical lines (a line
// added next to a copy of itself), git's diff slides it to the last place
// it fits and the in-process line diff may name another, so line numbers
// can differ there, but only between lines with the same text.
func sameAddedText(t *testing.T, r *gittest.Repo) {
	t.Helper()
	ctx := context.Background()
	repo, err := Open(ctx, r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var got [2][]string
	for i, backend := range []string{BackendGit, BackendInProcess} {
		ch, err := Staged(ctx, repo, 10<<20, backend)
		if err != nil {
			t.Fatalf("%s: %v", backend, err)
		}
		for _, row := range addedLines(ch) {
			path, rest, _ := strings.Cut(row, ":")
			_, text, _ := strings.Cut(rest, ":")
			got[i] = append(got[i], path+":"+text)
		}
		sort.Strings(got[i])
	}
	if !slices.Equal(got[0], got[1]) {
		t.Fatalf("backends disagree\ngit CLI:\n%s\ngo-git:\n%s", strings.Join(got[0], "\n"), strings.Join(got[1], "\n"))
	}
}
