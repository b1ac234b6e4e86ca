package main

import (
	"os"

	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/internal/cores"
)

// readerOptions are the git reader's settings for this run: diagnostics on
// stderr with LEAKHOOK_DEBUG=1, and a core left to git while it streams.
func (c *cli) readerOptions() gitread.Options {
	o := gitread.Options{LeaveCore: cores.LeaveOneToGit}
	if os.Getenv("LEAKHOOK_DEBUG") == "1" {
		o.Debug = c.stderr
	}
	return o
}
