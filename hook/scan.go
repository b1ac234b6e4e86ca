package hook

import (
	"context"
	"io"
	"os"

	"github.com/leakhook/leakhook/scan"
)

// ScanOptions say which files `leakhook scan` reads.
type ScanOptions struct {
	Dir        string    // working directory; findings' paths are relative to it
	Paths      []string  // files and directories; "-" is Stdin; none is "."
	ConfigFile string    // --config; "" is .leakhook.toml where the paths lie (scan.ConfigRoot)
	Stdin      io.Reader // the command's standard input
	Stderr     io.Writer // configuration warnings
}

// Scan scans files and directories on disk with the configuration of the
// repository or directory they lie in. A path that does not exist is an
// error before anything is read.
func Scan(ctx context.Context, o ScanOptions) (*Outcome, error) {
	paths := o.Paths
	if len(paths) == 0 {
		paths = []string{"."}
	}
	for _, p := range paths {
		if p == "-" {
			continue
		}
		if _, err := os.Stat(p); err != nil {
			return nil, err
		}
	}
	root := scan.ConfigRoot(paths)
	cfg, err := LoadConfig(root, o.ConfigFile, o.Stderr)
	if err != nil {
		return nil, &ConfigError{err}
	}
	res, err := scan.Paths(ctx, cfg.Engine, scan.DisplayBase(o.Dir, paths), paths, o.Stdin, cfg.MaxFileSize)
	if err != nil {
		return nil, BudgetError(ctx, err, "scanning files")
	}
	return &Outcome{Root: root, Config: cfg, Result: res}, nil
}
