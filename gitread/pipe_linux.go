package gitread

import (
	"os"

	"golang.org/x/sys/unix"
)

// growPipe makes the pipe git writes to hold 1 MiB instead of 64 KiB, so
// that git, writing a long history, and leakhook, reading it, wake each
// other 16 times less often: with the default size a third of leakhook's
// time on `git log -p` went to context switches. Best effort: a smaller
// limit (/proc/sys/fs/pipe-max-size) just leaves the default.
func growPipe(f *os.File) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		unix.FcntlInt(fd, unix.F_SETPIPE_SZ, 1<<20)
	})
}

// pipe is os.Pipe with a read end in blocking mode, outside Go's poller:
// a read waits in the kernel, so a write of git's wakes no poller thread
// and no parked goroutine, and a patientReader's wait is not cut short by
// each of git's writes. git is the only writer: when it exits, or is killed
// when the context ends, a read returns what is left, then EOF.
func pipe() (r, w *os.File, err error) {
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_CLOEXEC); err != nil {
		return nil, nil, os.NewSyscallError("pipe2", err)
	}
	return os.NewFile(uintptr(fds[0]), "|0"), os.NewFile(uintptr(fds[1]), "|1"), nil
}
