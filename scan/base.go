package scan

import (
	"os"
	"path/filepath"
	"strings"
)

// ConfigRoot is where a scan of paths on disk looks for .leakhook.toml: the single directory
// given, else the current directory.
func ConfigRoot(paths []string) string {
	if len(paths) == 1 {
		if fi, err := os.Stat(paths[0]); err == nil && fi.IsDir() {
			return paths[0]
		}
	}
	return "."
}

// DisplayBase is what finding paths are relative to: the current directory,
// or the one directory scanned when it lies outside it, so that reports (and
// SARIF artifact URIs) stay relative.
func DisplayBase(wd string, paths []string) string {
	if len(paths) != 1 {
		return wd
	}
	abs, err := filepath.Abs(paths[0])
	if err != nil {
		return wd
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return wd
	}
	if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return wd
	}
	return abs
}
