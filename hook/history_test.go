package hook

import (
	"context"
	"io"
	"testing"

	"github.com/leakhook/leakhook/internal/gittest"
)

// TestHistoryProgress: with a progress bar, scan --git counts the range's
// commits beside loading its configuration, then reports each commit read,
// up to that count; a bar that declines (a short range: nil) is no panic.
func TestHistoryProgress(t *testing.T) {
	r := gittest.New(t)
	for _, c := range []string{"one", "two", "three"} {
		r.Write(c+".txt", c+"\n")
		r.Commit(c)
	}
	var total, last int
	o := HistoryOptions{Dir: r.Dir, Stderr: io.Discard, Progress: func(n int) func(int) {
		total = n
		return func(k int) { last = k }
	}}
	if _, err := History(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if total != 3 || last != 3 {
		t.Errorf("counted %d commits and reported %d read, want 3 and 3", total, last)
	}
	o.Progress = func(int) func(int) { return nil }
	if _, err := History(context.Background(), o); err != nil {
		t.Fatal(err)
	}
}
