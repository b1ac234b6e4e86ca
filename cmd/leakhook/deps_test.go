package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoNetworkInTheBinary: leakhook opens no network connection, and the
// net package (once pulled in by log/syslog) makes the binary dynamically
// linked against libc and every run ~3-4 ms slower to start, hooks
// included. Neither net nor cgo may come back.
func TestNoNetworkInTheBinary(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "net" || p == "runtime/cgo" || p == "os/user" {
			t.Errorf("the binary imports %s; find who with: go list -deps -f '{{.ImportPath}}: {{.Imports}}' ./cmd/leakhook", p)
		}
	}
}
