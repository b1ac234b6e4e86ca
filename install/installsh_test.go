package install

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the top of the leakhook checkout these tests run in.
func repoRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Skipf("not in a git checkout of leakhook: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// goEnv keeps the user's Go build and module caches (which derive from HOME
// by default) so builds under a temp HOME stay fast and offline.
func goEnv(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		t.Skipf("go not available: %v", err)
	}
	v := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(v) != 3 {
		t.Fatalf("go env: %q", out)
	}
	return []string{"GOCACHE=" + v[0], "GOMODCACHE=" + v[1], "GOPATH=" + v[2]}
}

// installSh runs install/install.sh with extra environment and arguments.
func installSh(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	root := repoRoot(t)
	return try(root, env, "sh", append([]string{filepath.Join(root, "install", "install.sh")}, args...)...)
}

// The workstation install in a temp HOME and PREFIX: builds the checkout,
// enables the global hooks (which then block a commit), is idempotent, and
// --uninstall undoes it.
func TestInstallShInstallsAndUninstalls(t *testing.T) {
	env := goEnv(t) // before isolate changes HOME
	home := isolate(t)
	prefix := filepath.Join(t.TempDir(), "prefix")
	env = append(env, "PREFIX="+prefix)
	bin := filepath.Join(prefix, "bin", "leakhook")

	for i := 0; i < 2; i++ { // the second run must change nothing
		out, err := installSh(t, env)
		if err != nil {
			t.Fatalf("run %d: %v\n%s", i+1, err, out)
		}
		if !strings.Contains(out, "Installed "+bin) || !strings.Contains(out, "not on your PATH") {
			t.Fatalf("run %d output:\n%s", i+1, out)
		}
	}
	if out := run(t, "", bin, "version"); !strings.HasPrefix(out, "leakhook ") {
		t.Fatalf("leakhook version: %q", out)
	}
	hooks := filepath.Join(home, ".config", "leakhook", "hooks")
	if v, _ := globalHooksPath(t); !samePath(v, hooks) {
		t.Fatalf("core.hooksPath = %q, want %s", v, hooks)
	}
	if got := strings.Count(readFile(t, filepath.Join(home, "gitconfig")), "hooksPath"); got != 1 {
		t.Fatalf("core.hooksPath written %d times", got)
	}
	if !strings.Contains(readFile(t, filepath.Join(hooks, "pre-commit")), shQuote(bin)) {
		t.Fatal("the global hook does not record the installed binary")
	}
	// A new repository is guarded by the installed binary.
	repo := newRepo(t)
	out, ok := commit(t, repo, "notes.txt", "nothing secret\n")
	if !ok && strings.Contains(out, "not on PATH") {
		t.Fatalf("the hook did not find the installed binary:\n%s", out)
	}
	if exec.Command(bin, "pre-commit", "--help").Run() == nil && !ok {
		t.Fatalf("a clean commit was blocked:\n%s", out)
	}

	out, err := installSh(t, env, "--uninstall")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if exists(bin) {
		t.Fatal("binary left after --uninstall")
	}
	if v, ok := globalHooksPath(t); ok {
		t.Fatalf("core.hooksPath left: %q", v)
	}
	if out, err := installSh(t, env, "--uninstall"); err != nil {
		t.Fatalf("second --uninstall: %v\n%s", err, out)
	}
}

func TestInstallShNoGlobal(t *testing.T) {
	env := goEnv(t)
	isolate(t)
	prefix := filepath.Join(t.TempDir(), "p")
	out, err := installSh(t, append(env, "PREFIX="+prefix), "--no-global")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !exists(filepath.Join(prefix, "bin", "leakhook")) {
		t.Fatal("binary not installed")
	}
	if v, ok := globalHooksPath(t); ok {
		t.Fatalf("--no-global set core.hooksPath = %q", v)
	}
}

// Missing or old go and git give a clear message, and nothing is installed.
func TestInstallShChecksTools(t *testing.T) {
	env := goEnv(t)
	isolate(t)
	realGit, err := exec.LookPath("git")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		git, go_ string // fake script bodies; "real" links the real one, "" leaves it out
		want     string
	}{
		{"no go", "real", "", "go is not installed"},
		{"old go", "real", "#!/bin/sh\necho go1.20.4\n", "Go 1.20.4 is too old: leakhook needs Go 1.26"},
		{"ancient go", "real", "#!/bin/sh\nexit 2\n", "older than 1.16"},
		{"no git", "", "#!/bin/sh\necho go1.26.0\n", "git is not installed"},
		{"old git", "#!/bin/sh\necho git version 2.19.1\n", "#!/bin/sh\necho go1.26.0\n", "git 2.19.1 is too old: leakhook needs git 2.20"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := t.TempDir()
			for _, tool := range []string{"dirname", "grep", "sed", "mkdir", "rm", "cat", "pwd"} {
				if p, err := exec.LookPath(tool); err == nil {
					os.Symlink(p, filepath.Join(path, tool))
				}
			}
			switch c.git {
			case "real":
				os.Symlink(realGit, filepath.Join(path, "git"))
			case "":
			default:
				writeScript(t, filepath.Join(path, "git"), c.git)
			}
			if c.go_ != "" {
				writeScript(t, filepath.Join(path, "go"), c.go_)
			}
			prefix := filepath.Join(t.TempDir(), "p")
			out, err := installSh(t, append(env, "PATH="+path, "PREFIX="+prefix))
			if err == nil {
				t.Fatalf("install.sh succeeded:\n%s", out)
			}
			if !strings.Contains(out, c.want) {
				t.Fatalf("output lacks %q:\n%s", c.want, out)
			}
			if exists(filepath.Join(prefix, "bin")) {
				t.Fatal("installed something despite the failed check")
			}
		})
	}
}
