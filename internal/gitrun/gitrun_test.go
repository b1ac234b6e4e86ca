package gitrun

import (
	"context"
	"strings"
	"testing"
)

// TestError: a git that fails is an *Error with its arguments, exit code and
// stderr; the message names the subcommand (after global options) and git's
// message on one line (hints left out); ExitCode and Says read it without parsing the message.
func TestError(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("GIT_CEILING_DIRECTORIES", dir)
	_, err := Run(context.Background(), dir, nil, "--literal-pathspecs", "rev-parse", "--git-dir")
	ge, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %T %v, want *Error", err, err)
	}
	if ge.Code != 128 || ExitCode(err) != 128 {
		t.Fatalf("exit code %d", ge.Code)
	}
	if !strings.HasPrefix(err.Error(), "git rev-parse: fatal: not a git repository") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("message %q", err)
	}
	if !Says(err, "not a git repository") || Says(err, "must be run in a work tree") {
		t.Fatal("Says does not read stderr")
	}
	if ExitCode(nil) != -1 {
		t.Fatal("ExitCode(nil) != -1")
	}

	// git config --get of an unset key exits 1 and says nothing.
	_, err = Run(context.Background(), dir, nil, "config", "--file", dir+"/none", "--get", "a.b")
	if ExitCode(err) != 1 {
		t.Fatalf("unset key: %v (exit %d)", err, ExitCode(err))
	}

	// No git on PATH: git did not run.
	t.Setenv("PATH", "")
	_, err = Run(context.Background(), dir, nil, "version")
	if ExitCode(err) != -1 || !strings.HasPrefix(err.Error(), "cannot run git:") {
		t.Fatalf("no git: %v (exit %d)", err, ExitCode(err))
	}
}

// TestStdinAndEnv: standard input reaches git, and every git runs with
// prestart's environment (C locale messages, no optional locks).
func TestStdinAndEnv(t *testing.T) {
	out, err := Run(context.Background(), t.TempDir(), strings.NewReader("hello\n"), "hash-object", "--stdin")
	if err != nil || strings.TrimSpace(string(out)) != "ce013625030ba8dba906f756967f9e9ca394464a" {
		t.Fatalf("hash-object: %q %v", out, err)
	}
	cmd := Command(context.Background(), "", "version")
	env := strings.Join(cmd.Env, "\n")
	for _, want := range []string{"GIT_OPTIONAL_LOCKS=0", "LC_ALL=C", "GIT_NO_REPLACE_OBJECTS=1"} {
		if !strings.Contains(env, want) {
			t.Errorf("environment lacks %s", want)
		}
	}
}
