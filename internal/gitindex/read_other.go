//go:build !unix

package gitindex

import "os"

func readFile(path string) ([]byte, error) { return os.ReadFile(path) }
