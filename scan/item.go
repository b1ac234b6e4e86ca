package scan

import "github.com/leakhook/leakhook/rules"

// Item is one region of new content to scan, and the commit it comes from
// when scanning history.
type Item struct {
	rules.Target
	Commit *Commit
	// A line longer than a reader's window comes in overlapping pieces.
	// When Content starts inside such a line, Column is the number of that
	// line's characters before Content, and Seen how many characters at
	// Content's start the previous piece held too: a finding on that line
	// that ends within them was reported by that piece.
	Column, Seen int
}

// Commit identifies a commit in history and push scans.
type Commit struct {
	ID      string
	Parent  string // first parent, "" for a root commit
	Subject string
	Ref     string // the ref being pushed, when known
	// Order is the commit's place in the history as git lists it (newest
	// first), when history is read by more than one stream at once, so
	// that findings are reported in the same order whatever the streams'
	// pace; 0 leaves the input's order.
	Order int
}

// OrderOf is c's Order; 0 without a commit.
func OrderOf(c *Commit) int {
	if c == nil {
		return 0
	}
	return c.Order
}

// Skipped is a changed file that was not scanned, and why. Skips are always
// reported to the user, never silent.
type Skipped struct {
	Path   string
	Reason string
	Commit *Commit
}

// The paths findings in commit and tag messages are reported under; the
// report gives them their own advice.
const (
	CommitMessagePath = "(commit message)"
	TagMessagePath    = "(tag message)"
)
