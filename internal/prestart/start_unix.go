//go:build unix

package prestart

import (
	"os"
	"syscall"
)

// startProcess starts name with syscall.ForkExec, not os.StartProcess: the
// first StartProcess of a run checks that the kernel has pidfds by forking
// a child of its own (~1 ms, before git could start). FindProcess asks
// that once git runs. git runs in a process group of its own (see kill).
func startProcess(name string, argv []string, dir string, env []string, files []*os.File) (*os.Process, error) {
	fds := make([]uintptr, len(files))
	for i, f := range files {
		fds[i] = f.Fd()
	}
	pid, err := syscall.ForkExec(name, argv, &syscall.ProcAttr{Dir: dir, Env: env, Files: fds, Sys: &syscall.SysProcAttr{Setpgid: true}})
	if err != nil {
		return nil, err
	}
	return os.FindProcess(pid)
}

// kill kills git and every process it started (its process group): one
// that still held git's output would keep the pipe open after git was gone.
func kill(p *os.Process) { syscall.Kill(-p.Pid, syscall.SIGKILL) }
