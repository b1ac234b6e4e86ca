//go:build !unix

package prestart

import "os"

// startProcess starts name (see start_unix.go).
func startProcess(name string, argv []string, dir string, env []string, files []*os.File) (*os.Process, error) {
	return os.StartProcess(name, argv, &os.ProcAttr{Dir: dir, Env: env, Files: files})
}

// kill kills git (see start_unix.go).
func kill(p *os.Process) { p.Kill() }
