//go:build !linux

package gitread

import "os"

// growPipe is a no-op where pipe sizes cannot be set (see pipe_linux.go).
func growPipe(*os.File) {}

// pipe is os.Pipe (see pipe_linux.go).
func pipe() (r, w *os.File, err error) { return os.Pipe() }
