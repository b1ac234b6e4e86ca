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
// parents and between files of different sizes.
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
	for file := range 300 {
		n := rng.IntN(200)
		var merge []string
		for range n {
			merge = append(merge, word())
		}
		lines := appendLines(nil, []byte(strings.Join(merge, "\n")))
		added := make([]bool, len(lines))
		want := make([]bool, len(lines))
		for i := range added {
			added[i], want[i] = true, true
		}
		for range 1 + rng.IntN(3) {
			var parent []string
			has := map[string]bool{}
			for range rng.IntN(200) {
				w := word()
				parent = append(parent, w)
				has[w] = true
			}
			for i, l := range lines {
				if has[string(l)] {
					want[i] = false
				}
			}
			set.reset(lines, added)
			pr := bufio.NewReaderSize(strings.NewReader(strings.Join(parent, "\n")), 64<<10)
			if err := parentLines(pr, func(l []byte) { set.unmark(l, lines, added) }); err != nil {
				t.Fatal(err)
			}
			for i := range lines {
				if added[i] != want[i] {
					t.Fatalf("file %d, line %d %.20q: new = %v, want %v", file, i, lines[i], added[i], want[i])
				}
			}
		}
	}
}
