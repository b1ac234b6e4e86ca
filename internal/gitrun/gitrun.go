// Package gitrun runs git: the one place leakhook starts a git process
// (besides internal/prestart, which starts the staged diff before main).
// Every git it runs gets the same configuration overrides and environment
// (prestart.ConfigFlags and prestart.Env), and every failure is an *Error
// that carries git's arguments, exit code and standard error, so callers
// decide on the exit code, never on an error's text.
package gitrun

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

	"github.com/leakhook/leakhook/internal/prestart"
)

// Command builds a git command run in dir: git's configuration overrides
// (prestart.ConfigFlags) before args, and prestart.Env added to the
// environment. A relative GIT_INDEX_FILE is made absolute, since git
// resolves it against its own working directory, which is dir, not ours.
// When ctx ends, git and every process it started are killed.
func Command(ctx context.Context, dir string, args ...string) *exec.Cmd {
	full := append(append([]string{}, prestart.ConfigFlags...), args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	ownGroup(cmd)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), prestart.Env...)
	if f := os.Getenv("GIT_INDEX_FILE"); f != "" && !filepath.IsAbs(f) {
		if abs, err := filepath.Abs(f); err == nil {
			cmd.Env = append(cmd.Env, "GIT_INDEX_FILE="+abs)
		}
	}
	return cmd
}

// Tool builds another program leakhook runs on the user's behalf (a hook
// manager's own installer, lefthook install), in dir, with the caller's
// environment: gitrun stays the one place that starts processes.
func Tool(dir, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	return cmd
}

// Plain builds git exactly as given, in dir, with the caller's environment
// and no overrides: for tests that set repositories up as a user would.
func Plain(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	return cmd
}

// Run runs git in dir with stdin (nil: none) and returns its standard output;
// on failure, what it printed and an *Error.
func Run(ctx context.Context, dir string, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := Command(ctx, dir, args...)
	cmd.Stdin = stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, NewError(args, err, stderr.Bytes())
	}
	return out, nil
}

// Error is a git command that failed.
type Error struct {
	Args   []string // git's arguments (after the configuration overrides)
	Code   int      // exit code; -1 when git did not run or did not exit
	Stderr string   // what git printed on standard error, trimmed
	Err    error    // the cause: *exec.ExitError, *exec.Error, a context error
}

// NewError describes the failure err of git run with args, which printed
// stderr (nil when unknown).
func NewError(args []string, err error, stderr []byte) *Error {
	e := &Error{Args: args, Code: -1, Stderr: strings.TrimSpace(string(stderr)), Err: err}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.Exited() {
		e.Code = ee.ExitCode()
	}
	return e
}

// Error is "git SUBCOMMAND: " then the first line git printed (or the cause
// when it printed nothing); "cannot run git: ..." when git could not start.
func (e *Error) Error() string {
	var ee *exec.Error
	if errors.As(e.Err, &ee) {
		return fmt.Sprintf("cannot run git: %v", ee.Err)
	}
	// git wraps one sentence over several lines ("... different from both
	// the\nfile and the HEAD:"): join them rather than cut it mid-sentence.
	var keep []string
	for _, l := range strings.Split(e.Stderr, "\n") {
		if !strings.HasPrefix(l, "hint:") {
			keep = append(keep, l)
		}
	}
	msg := strings.Join(strings.Fields(strings.Join(keep, " ")), " ")
	if r := []rune(msg); len(r) > 400 {
		msg = string(r[:400]) + "…"
	}
	if msg == "" {
		msg = e.Err.Error()
	}
	return "git " + subcommand(e.Args) + ": " + msg
}

func (e *Error) Unwrap() error { return e.Err }

// subcommand is the git command args run: the first that is not an option.
func subcommand(args []string) string {
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-c" || a == "-C":
			i++
		case !strings.HasPrefix(a, "-"):
			return a
		}
	}
	return strings.Join(args, " ")
}

// ExitCode is git's exit code if err is a git that ran and failed, else -1.
func ExitCode(err error) int {
	var ge *Error
	if errors.As(err, &ge) {
		return ge.Code
	}
	return -1
}

// Says reports whether err is a git that failed saying text on stderr: for
// the few conditions git reports only in words (its messages are in the C
// locale, prestart.Env).
func Says(err error, text string) bool {
	var ge *Error
	return errors.As(err, &ge) && strings.Contains(ge.Stderr, text)
}
