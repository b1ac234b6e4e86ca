package gitread

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
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
