package hook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// diffFlags pin git's diff output to the one format patchParser reads,
// whatever the user's configuration says: no colour, no external diff or
// textconv, content even for files that .gitattributes marks binary or -diff,
// full blob ids, plain a/ b/ prefixes, paths relative to the top level.
var diffFlags = []string{
	"--no-color", "--no-ext-diff", "--no-textconv", "--text", "--full-index",
	"--submodule=short", "--no-relative", "--src-prefix=a/", "--dst-prefix=b/",
	"-U3", "-M",
}

// gitConfigFlags override configuration that changes how paths are printed.
var gitConfigFlags = []string{"-c", "core.quotePath=false", "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false"}

// gitCommand builds a git command run in dir with our configuration overrides.
func gitCommand(ctx context.Context, dir string, args ...string) *exec.Cmd {
	full := append(append([]string{}, gitConfigFlags...), args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Dir = dir
	// No optional locks (never rewrite the index), C locale messages, and the
	// objects as they are: replacements (git replace) must not change what a
	// scan or a push sees.
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C", "GIT_NO_REPLACE_OBJECTS=1")
	// git resolves a relative GIT_INDEX_FILE against its own working
	// directory, which is dir, not ours.
	if f := os.Getenv("GIT_INDEX_FILE"); f != "" && !filepath.IsAbs(f) {
		if abs, err := filepath.Abs(f); err == nil {
			cmd.Env = append(cmd.Env, "GIT_INDEX_FILE="+abs)
		}
	}
	return cmd
}

// runGit runs git and returns its standard output, or an error that carries
// git's own message.
func runGit(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := gitCommand(ctx, dir, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, gitError(args, err, stderr.Bytes())
	}
	return out, nil
}

func gitError(args []string, err error, stderr []byte) error {
	msg := strings.TrimSpace(string(stderr))
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	var ee *exec.Error
	if errors.As(err, &ee) {
		return fmt.Errorf("cannot run git: %v", ee.Err)
	}
	if msg == "" {
		msg = err.Error()
	}
	return fmt.Errorf("git %s: %s", args[0], msg)
}

// streamGit runs git and feeds its standard output to read. The command's
// failure is an error even when read consumed everything without complaint.
func streamGit(ctx context.Context, dir string, stdin io.Reader, read func(io.Reader) error, args ...string) error {
	cmd := gitCommand(ctx, dir, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdin = stdin
	out, w, err := os.Pipe()
	if err != nil {
		return err
	}
	defer out.Close()
	growPipe(out)
	cmd.Stdout = w
	err = cmd.Start()
	w.Close() // git holds the write end now
	if err != nil {
		return gitError(args, err, nil)
	}
	readErr := read(out)
	if readErr != nil {
		io.Copy(io.Discard, out) // let git finish writing before Wait
	}
	waitErr := cmd.Wait()
	if waitErr != nil {
		return gitError(args, waitErr, stderr.Bytes())
	}
	return readErr
}

// cliStaged reads the staged changes with `git diff --cached`, handing each
// item to emit as it is parsed (or collecting them when emit is nil).
func cliStaged(ctx context.Context, repo *Repo, maxSize int64, emit func(Item) error) (*Changes, error) {
	ch := &Changes{Backend: "git"}
	if emit == nil {
		emit = ch.add
	}
	args := append([]string{"diff", "--cached"}, diffFlags...)
	err := streamGit(ctx, repo.Root, nil, func(r io.Reader) error {
		return newPatchParser(r, maxSize, emit, ch.skip).run()
	}, args...)
	if err != nil {
		return nil, err
	}
	return ch, nil
}
