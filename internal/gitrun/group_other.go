//go:build !unix

package gitrun

import "os/exec"

// ownGroup leaves cmd as it is where process groups are not (see
// group_unix.go): the end of its context kills git alone.
func ownGroup(*exec.Cmd) {}
