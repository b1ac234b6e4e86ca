// Package cores leaves git a processor while it streams to leakhook. It is
// the command line's choice (cmd/leakhook passes it to the git reader as
// gitread.Options.LeaveCore); the reader never changes GOMAXPROCS itself.
package cores

import (
	"os"
	"runtime"
	"sync"
)

// state counts the readers streaming from git, which share one setting.
var state struct {
	sync.Mutex
	streams int
	prev    int
}

// LeaveOneToGit runs Go on one processor fewer than the machine has while
// git streams to us: git needs a core to itself, and on two cores a second
// Go thread only traded goroutine handoffs for context switches (git log -p
// of 1,000 commits: 0.37 s against 0.33 s, git alone 0.31 s; a pre-commit
// staged diff: ~10 ms against ~8.5 ms). It leaves GOMAXPROCS alone when the
// environment sets it. The returned function restores the setting once the
// last concurrent stream is done.
func LeaveOneToGit() (restore func()) {
	if os.Getenv("GOMAXPROCS") != "" || runtime.NumCPU() < 2 {
		return func() {}
	}
	state.Lock()
	defer state.Unlock()
	if state.streams == 0 {
		state.prev = runtime.GOMAXPROCS(runtime.NumCPU() - 1)
	}
	state.streams++
	var once sync.Once
	return func() {
		once.Do(func() {
			state.Lock()
			defer state.Unlock()
			if state.streams--; state.streams == 0 {
				runtime.GOMAXPROCS(state.prev)
			}
		})
	}
}
