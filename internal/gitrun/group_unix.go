//go:build unix

package gitrun

import (
	"os/exec"
	"syscall"
)

// ownGroup runs cmd in a process group of its own, and makes the end of
// its context kill the whole group: a process git started that still holds
// git's output (a lazy fetch, a helper) would otherwise keep the pipe open,
// and a read of it would outlast the time budget.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
