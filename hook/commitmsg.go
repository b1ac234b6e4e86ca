package hook

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

// CommitMsgOptions say which message the commit-msg hook checks.
type CommitMsgOptions struct {
	Dir        string    // working directory (git runs the hook at the top of the work tree)
	ConfigFile string    // --config; "" is .leakhook.toml at the repository root
	File       string    // the message file git passes (.git/COMMIT_EDITMSG), relative to Dir
	Stderr     io.Writer // configuration warnings
}

// CommitMsg scans the message a commit is about to record: what git keeps of
// it, so comment lines and everything below the scissors line that
// `git commit -v` adds (the diff, which pre-commit has scanned) are left out.
// Line numbers are the file's. A *ConfigError is a configuration problem.
func CommitMsg(ctx context.Context, o CommitMsgOptions) (*Outcome, error) {
	repo, err := gitread.Open(ctx, o.Dir)
	if err != nil {
		return nil, err
	}
	cfg, err := LoadConfig(repo.Root, o.ConfigFile, o.Stderr)
	if err != nil {
		return nil, &ConfigError{err}
	}
	path := o.File
	if !filepath.IsAbs(path) {
		path = filepath.Join(o.Dir, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	msg := MessageToScan(data, gitread.CommentChar(ctx, repo, data))
	res, err := scan.Items(ctx, cfg.Engine, []scan.Item{{Target: rules.Target{Path: gitread.CommitMessagePath, Content: msg, StartLine: 1}}})
	if err != nil {
		return nil, BudgetError(ctx, err, "scanning the commit message")
	}
	return &Outcome{Repo: repo, Root: repo.Root, Config: cfg, Result: res}, nil
}

// MessageToScan is what git keeps of an edited commit message: the text
// above the scissors line ("<comment> ------------------------ >8
// ------------------------", below which `git commit -v` shows the diff),
// with comment lines blanked rather than removed so line numbers stay the
// file's.
func MessageToScan(data []byte, comment string) []byte {
	scissors := comment + " ------------------------ >8 ------------------------"
	var out []byte
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte("\n"))
		data = rest
		text := strings.TrimRight(string(line), "\r")
		if text == scissors {
			break
		}
		if !strings.HasPrefix(text, comment) {
			out = append(out, line...)
		}
		out = append(out, '\n')
	}
	return out
}
