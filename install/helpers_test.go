package install

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// isolate points every git and leakhook setting that could reach the user's
// real configuration at temp dirs: HOME, XDG_CONFIG_HOME, GIT_CONFIG_GLOBAL
// (a temp file), no system config. Tests in this package never run in
// parallel, so t.Setenv applies to the git processes they start.
func isolate(t *testing.T) (home string) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("hook behaviour tests drive POSIX sh; the scripts are checked for portability by TestScriptIsPortable")
	}
	home = t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(home, "gitconfig"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	// A test run from inside a git hook must not act on the outer repository.
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	for k, v := range map[string]string{
		"user.name": "Test", "user.email": "test@example.com", "init.defaultBranch": "main",
		"advice.ignoredHook": "false", "commit.gpgSign": "false",
	} {
		run(t, "", "git", "config", "--global", k, v)
	}
	return home
}

// run runs a command and fails the test if it fails.
func run(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	out, err := try(dir, nil, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// try runs a command with extra environment and returns its combined output.
func try(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// newRepo makes a repository with one commit and returns its work tree.
func newRepo(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	run(t, "", "git", "init", "-q", dir)
	writeFile(t, filepath.Join(dir, "README"), "hello\n")
	run(t, dir, "git", "add", "README")
	run(t, dir, "git", "commit", "-q", "--no-verify", "-m", "init")
	return dir
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fakeLeakhook writes a stand-in for the leakhook binary that appends
// "leakhook ARGS" and then its stdin to $FAKE_LOG and exits with
// $FAKE_LEAKHOOK_EXIT (0 by default). It returns its path and the log path.
func fakeLeakhook(t *testing.T) (bin, log string) {
	t.Helper()
	dir := t.TempDir()
	bin = filepath.Join(dir, "leakhook")
	log = filepath.Join(dir, "log")
	// commit-msg runs on every commit too; it is logged only when a test
	// asks (FAKE_LOG_COMMIT_MSG), so the others read as the commit's scan.
	writeScript(t, bin, `#!/bin/sh
if [ "$1" = commit-msg ] && [ -z "$FAKE_LOG_COMMIT_MSG" ]; then exit "${FAKE_LEAKHOOK_EXIT:-0}"; fi
echo "leakhook $*" >> "$FAKE_LOG"
if [ "$1" = pre-push ]; then cat >> "$FAKE_LOG"; fi
exit "${FAKE_LEAKHOOK_EXIT:-0}"
`)
	t.Setenv("FAKE_LOG", log)
	t.Setenv("FAKE_LEAKHOOK_EXIT", "0")
	return bin, log
}

// writeScript writes an executable script.
func writeScript(t *testing.T, path, body string) {
	t.Helper()
	writeFile(t, path, body)
	if err := os.Chmod(path, 0o755); err != nil {
		t.Fatal(err)
	}
}

// commit stages a change and commits it with hooks enabled, returning
// git's output and whether the commit was made.
func commit(t *testing.T, dir, file, body string) (string, bool) {
	t.Helper()
	writeFile(t, filepath.Join(dir, file), body)
	run(t, dir, "git", "add", file)
	out, err := try(dir, nil, "git", "commit", "-q", "-m", "change "+file)
	return out, err == nil
}

// logLines returns the fake log's lines (none if it does not exist).
func logLines(t *testing.T, log string) []string {
	t.Helper()
	b, err := os.ReadFile(log)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimRight(string(b), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func resetLog(t *testing.T, log string) {
	t.Helper()
	if err := os.RemoveAll(log); err != nil {
		t.Fatal(err)
	}
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
