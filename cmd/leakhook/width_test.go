package main

import (
	"bytes"
	"testing"
)

// TestColorAndWidth: no colour under TERM=dumb or NO_COLOR even on a
// terminal; without a terminal the width is COLUMNS, else 80 (issue 17 item 7).
func TestColorAndWidth(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm-256color")
	if !useColor(true) || useColor(false) {
		t.Error("colour: want it on a terminal only")
	}
	t.Setenv("TERM", "dumb")
	if useColor(true) {
		t.Error("colour under TERM=dumb")
	}
	t.Setenv("TERM", "xterm")
	t.Setenv("NO_COLOR", "1")
	if useColor(true) {
		t.Error("colour under NO_COLOR")
	}
	var notATerminal bytes.Buffer
	t.Setenv("COLUMNS", "")
	if w := termWidth(&notATerminal); w != 80 {
		t.Errorf("width without a terminal or COLUMNS = %d, want 80", w)
	}
	t.Setenv("COLUMNS", "132")
	if w := termWidth(&notATerminal); w != 132 {
		t.Errorf("width with COLUMNS=132 = %d", w)
	}
}
