package gitread

import (
	"context"
	"fmt"
	"strings"
	"testing"

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
