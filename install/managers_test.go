package install

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// nodeTool returns a command installed from npm into $LEAKHOOK_NODE_TOOLS
// (.ci/run installs husky and lefthook there), skipping the test, with the
// reason, when it is absent.
func nodeTool(t *testing.T, rel string) string {
	t.Helper()
	dir := os.Getenv("LEAKHOOK_NODE_TOOLS")
	p := filepath.Join(dir, "node_modules", filepath.FromSlash(rel))
	if dir == "" || !exists(p) {
		t.Skipf("%s is not installed: set LEAKHOOK_NODE_TOOLS to a directory with 'npm install husky@9 lefthook' (.ci/run does)", rel)
	}
	return p
}

// huskyInstall runs husky's own install in repo, as `npm install` does
// through the package's prepare script.
func huskyInstall(t *testing.T, repo string) {
	t.Helper()
	run(t, repo, "node", nodeTool(t, "husky/bin.js"))
}

// Issue 17 item 2: install used to write into .husky/_, which hid the
// user's .husky/pre-commit from husky's runner, and the next npm install
// overwrote leakhook's hook so secrets committed again with no message.
// Now leakhook runs from husky's init.sh, the user's hook still runs, and
// re-running husky's install keeps it in place.
func TestHuskyKeepsLeakhookAndTheUsersHook(t *testing.T) {
	home := isolate(t)
	bin := leakhookBin(t)
	repo := newRepo(t)
	huskyInstall(t, repo)
	_, log := fakeLeakhook(t) // only for $FAKE_LOG
	writeScript(t, filepath.Join(repo, ".husky", "pre-commit"), "echo \"own pre-commit\" >> \"$FAKE_LOG\"\n")
	run(t, repo, "git", "add", ".husky/pre-commit")
	run(t, repo, "git", "commit", "-q", "--no-verify", "-m", "husky")

	if _, err := Repo(repo, Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	if matches, _ := filepath.Glob(filepath.Join(repo, ".husky", "_", "*leakhook*")); len(matches) > 0 {
		t.Fatalf("install wrote into husky's generated directory: %v", matches)
	}
	if !strings.Contains(readFile(t, filepath.Join(home, ".config", "husky", "init.sh")), "leakhook") {
		t.Fatal("husky's init.sh does not run leakhook")
	}
	check := func(when string) {
		t.Helper()
		resetLog(t, log)
		assertBlocked(t, repo, "leak-"+when+".txt")
		run(t, repo, "git", "reset", "-q")
		os.Remove(filepath.Join(repo, "leak-"+when+".txt"))
		if out, ok := commit(t, repo, "clean-"+when+".txt", "nothing here\n"); !ok {
			t.Fatalf("%s: a clean commit was blocked:\n%s", when, out)
		}
		if got := logLines(t, log); !reflect.DeepEqual(got, []string{"own pre-commit"}) {
			t.Fatalf("%s: the user's .husky/pre-commit ran %q", when, got)
		}
	}
	check("installed")
	assertGuarded(t, repo, true)
	huskyInstall(t, repo) // npm install runs husky again
	check("after-husky-reinstall")
	assertGuarded(t, repo, true)

	// No .husky/pre-push: husky runs nothing for pushes, so install made an
	// ignored empty one, and the push check runs.
	if out := run(t, repo, "git", "status", "--porcelain"); out != "" {
		t.Fatalf("install left files git shows:\n%s", out)
	}
	remote := filepath.Join(t.TempDir(), "remote.git")
	run(t, "", "git", "init", "-q", "--bare", remote)
	run(t, repo, "git", "remote", "add", "origin", remote)
	run(t, repo, "git", "push", "-q", "--no-verify", "origin", "main")
	writeFile(t, filepath.Join(repo, "leak.txt"), secretLine)
	run(t, repo, "git", "add", "leak.txt")
	run(t, repo, "git", "commit", "-q", "--no-verify", "-m", "leak")
	if out, err := try(repo, nil, "git", "push", "origin", "main"); err == nil || !strings.Contains(out, "leak.txt") {
		t.Fatalf("husky repository pushed a secret (err %v):\n%s", err, out)
	}
	run(t, repo, "git", "reset", "-q", "--hard", "HEAD~1")

	if _, err := UninstallRepo(repo, nil); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(readFile(t, filepath.Join(home, ".config", "husky", "init.sh")), "leakhook") {
		t.Fatal("uninstall left leakhook in husky's init.sh")
	}
	if exists(filepath.Join(repo, ".husky", "pre-push")) {
		t.Fatal("uninstall left the empty .husky/pre-push")
	}
	if matches, _ := filepath.Glob(filepath.Join(repo, ".husky", "_", "*leakhook*")); len(matches) > 0 {
		t.Fatalf("uninstall left %v", matches)
	}
	resetLog(t, log)
	if out, ok := commit(t, repo, "after.txt", "x\n"); !ok {
		t.Fatal(out)
	}
	if got := logLines(t, log); !reflect.DeepEqual(got, []string{"own pre-commit"}) {
		t.Fatalf("after uninstall the user's hook ran %q", got)
	}
}

// --team edits the committed .husky files instead: every developer who
// runs husky gets the check.
func TestHuskyTeamInstallEditsCommittedHooks(t *testing.T) {
	isolate(t)
	bin := leakhookBin(t)
	repo := newRepo(t)
	huskyInstall(t, repo)
	writeScript(t, filepath.Join(repo, ".husky", "pre-commit"), "echo lint\n")
	t.Setenv("PATH", filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	if _, err := Repo(repo, Options{Binary: bin, Team: true}); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, filepath.Join(repo, ".husky", "pre-commit"))
	if !strings.HasPrefix(got, "echo lint\n") || !strings.Contains(got, "leakhook pre-commit") {
		t.Fatalf(".husky/pre-commit:\n%s", got)
	}
	if !strings.Contains(readFile(t, filepath.Join(repo, ".husky", "pre-push")), "leakhook pre-push") {
		t.Fatal(".husky/pre-push does not run leakhook")
	}
	assertBlocked(t, repo, "leak.txt")
}

// Issue 17 item 3: lefthook without use_stdin gave leakhook's pre-push no
// refs, and re-running `lefthook install` renamed leakhook's hook to
// pre-commit.old. leakhook now lives in lefthook-local.yml (ignored by git),
// with use_stdin for pre-push, and lefthook's own install keeps it.
func TestLefthookKeepsLeakhook(t *testing.T) {
	isolate(t)
	bin := leakhookBin(t)
	lh := nodeTool(t, ".bin/lefthook")
	t.Setenv("PATH", filepath.Dir(lh)+string(os.PathListSeparator)+os.Getenv("PATH"))
	repo := newRepo(t)
	_, log := fakeLeakhook(t)
	writeFile(t, filepath.Join(repo, "lefthook.yml"), "pre-commit:\n  commands:\n    own:\n      run: echo \"own pre-commit\" >> \"$FAKE_LOG\"\n")
	run(t, repo, "git", "add", "lefthook.yml")
	run(t, repo, "git", "commit", "-q", "--no-verify", "-m", "lefthook")
	run(t, repo, "lefthook", "install")

	if _, err := Repo(repo, Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	if out := run(t, repo, "git", "status", "--porcelain"); out != "" {
		t.Fatalf("install left files git shows:\n%s", out)
	}
	check := func(when string) {
		t.Helper()
		resetLog(t, log)
		assertBlocked(t, repo, "leak-"+when+".txt")
		run(t, repo, "git", "reset", "-q")
		os.Remove(filepath.Join(repo, "leak-"+when+".txt"))
		resetLog(t, log) // lefthook runs the team's command even when leakhook's fails
		if out, ok := commit(t, repo, "clean-"+when+".txt", "nothing\n"); !ok {
			t.Fatalf("%s: clean commit blocked:\n%s", when, out)
		}
		if got := logLines(t, log); !reflect.DeepEqual(got, []string{"own pre-commit"}) {
			t.Fatalf("%s: the team's lefthook command ran %q", when, got)
		}
	}
	check("installed")
	assertGuarded(t, repo, true)
	run(t, repo, "lefthook", "install")
	check("after-lefthook-reinstall")
	assertGuarded(t, repo, true)

	remote := filepath.Join(t.TempDir(), "remote.git")
	run(t, "", "git", "init", "-q", "--bare", remote)
	run(t, repo, "git", "remote", "add", "origin", remote)
	run(t, repo, "git", "push", "-q", "--no-verify", "origin", "main")
	writeFile(t, filepath.Join(repo, "leak.txt"), secretLine)
	run(t, repo, "git", "add", "leak.txt")
	run(t, repo, "git", "commit", "-q", "--no-verify", "-m", "leak")
	if out, err := try(repo, nil, "git", "push", "origin", "main"); err == nil || !strings.Contains(out, "leak.txt") {
		t.Fatalf("lefthook repository pushed a secret (err %v):\n%s", err, out)
	}

	if _, err := UninstallRepo(repo, nil); err != nil {
		t.Fatal(err)
	}
	if exists(filepath.Join(repo, "lefthook-local.yml")) {
		t.Fatal("uninstall left lefthook-local.yml")
	}
}

// Issue 17 item 4: `pre-commit install`, then `leakhook install`, then
// `pre-commit install` again left every commit failing ("migration mode"):
// the framework ran leakhook's hook as its legacy hook, which ran the
// framework's own earlier script again.
func TestFrameworkReinstallAfterLeakhook(t *testing.T) {
	frameworkVersion(t)
	isolate(t)
	bin := leakhookBin(t)
	repo := newRepo(t)
	t.Setenv("PRE_COMMIT_HOME", t.TempDir())
	writeFile(t, filepath.Join(repo, ".pre-commit-config.yaml"), "repos:\n- repo: local\n  hooks:\n  - id: own\n    name: own\n    entry: \"true\"\n    language: system\n")
	run(t, repo, "git", "add", ".pre-commit-config.yaml")
	run(t, repo, "git", "commit", "-q", "--no-verify", "-m", "framework")
	run(t, repo, "pre-commit", "install")
	if _, err := Repo(repo, Options{Binary: bin, Hooks: []string{"pre-commit"}}); err != nil {
		t.Fatal(err)
	}
	run(t, repo, "pre-commit", "install")
	if out, ok := commit(t, repo, "clean.txt", "x\n"); !ok {
		t.Fatalf("a clean commit fails after the framework's re-install:\n%s", out)
	}
	assertBlocked(t, repo, "leak.txt")
}

// assertGuarded fails unless Check says every hook is guarded.
func assertGuarded(t *testing.T, repo string, want bool) []Status {
	t.Helper()
	sts, err := Check(repo)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range sts {
		if st.Guarded != want {
			t.Errorf("doctor: %s guarded=%v (%s), want %v", st.Hook, st.Guarded, st.How, want)
		}
	}
	return sts
}

// Issue 17: `leakhook doctor` tells a developer when a hook manager has
// dropped leakhook: here lefthook's install renamed leakhook's own hook
// (installed before lefthook came) to pre-commit.old and runs it no more.
func TestDoctorSeesLefthookDropLeakhook(t *testing.T) {
	isolate(t)
	bin := leakhookBin(t)
	lh := nodeTool(t, ".bin/lefthook")
	t.Setenv("PATH", filepath.Dir(lh)+string(os.PathListSeparator)+os.Getenv("PATH"))
	repo := newRepo(t)
	if _, err := Repo(repo, Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	assertGuarded(t, repo, true)
	writeFile(t, filepath.Join(repo, "lefthook.yml"), "pre-commit:\n  commands:\n    own:\n      run: \"true\"\npre-merge-commit:\n  commands:\n    own:\n      run: \"true\"\npre-push:\n  commands:\n    own:\n      run: \"true\"\n")
	run(t, repo, "lefthook", "install")
	if !exists(filepath.Join(repo, ".git", "hooks", "pre-commit.old")) {
		t.Skip("this lefthook does not keep replaced hooks as .old")
	}
	sts := assertGuarded(t, repo, false)
	if !strings.Contains(sts[0].How, "pre-commit.old") {
		t.Fatalf("doctor does not say where leakhook's hook went: %s", sts[0].How)
	}
	out, _ := try(repo, nil, bin, "doctor")
	if !strings.Contains(out, "NOT GUARDED") {
		t.Fatalf("leakhook doctor:\n%s", out)
	}
	// Installing again wires leakhook through lefthook-local.yml, which
	// lefthook merges with the team's lefthook.yml.
	if _, err := Repo(repo, Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	assertGuarded(t, repo, true)
	assertBlocked(t, repo, "leak.txt")
}

// Issue 17: hooks work from GUI clients and IDEs, which run git with no
// terminal and a minimal PATH: the hook finds leakhook by its recorded
// path, blocks a secret and passes a clean commit (global and per repo).
func TestHooksRunWithMinimalEnvironment(t *testing.T) {
	home := isolate(t)
	bin := leakhookBin(t)
	gui := func(repo string, args ...string) (string, error) {
		cmd := exec.Command("/usr/bin/env", append([]string{"-i", "PATH=/usr/bin:/bin", "HOME=" + home,
			"GIT_CONFIG_GLOBAL=" + filepath.Join(home, "gitconfig"), "GIT_CONFIG_NOSYSTEM=1", "git"}, args...)...)
		cmd.Dir = repo
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, global := range []bool{false, true} {
		repo := newRepo(t)
		if global {
			if _, err := Global(Options{Binary: bin}); err != nil {
				t.Fatal(err)
			}
		} else if _, err := Repo(repo, Options{Binary: bin}); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(repo, "leak.txt"), secretLine)
		run(t, repo, "git", "add", "leak.txt")
		if out, err := gui(repo, "commit", "-q", "-m", "leak"); err == nil || !strings.Contains(out, "leak.txt") {
			t.Fatalf("global=%v: a GUI commit of a secret went through (err %v):\n%s", global, err, out)
		}
		run(t, repo, "git", "rm", "-q", "--cached", "leak.txt")
		writeFile(t, filepath.Join(repo, "ok.txt"), "fine\n")
		run(t, repo, "git", "add", "ok.txt")
		if out, err := gui(repo, "commit", "-q", "-m", "ok"); err != nil {
			t.Fatalf("global=%v: a clean GUI commit failed: %v\n%s", global, err, out)
		}
	}
}

// Issue 17: the workstation install also guards repositories whose own
// core.hooksPath overrides the global one (husky 9's), through husky's
// init.sh, and the pre-commit framework installs under it as the README
// says (GIT_CONFIG_GLOBAL=/dev/null pre-commit install), its hooks then run
// by the global ones after leakhook.
func TestGlobalInstallGuardsHuskyAndFrameworkRepositories(t *testing.T) {
	isolate(t)
	bin := leakhookBin(t)
	if _, err := Global(Options{Binary: bin}); err != nil {
		t.Fatal(err)
	}
	_, log := fakeLeakhook(t) // only for $FAKE_LOG

	t.Run("husky", func(t *testing.T) {
		repo := newRepo(t)
		huskyInstall(t, repo)
		writeScript(t, filepath.Join(repo, ".husky", "pre-commit"), "echo \"own pre-commit\" >> \"$FAKE_LOG\"\n")
		assertBlocked(t, repo, "leak.txt")
		run(t, repo, "git", "reset", "-q")
		os.Remove(filepath.Join(repo, "leak.txt"))
		resetLog(t, log)
		if out, ok := commit(t, repo, "ok.txt", "fine\n"); !ok {
			t.Fatal(out)
		}
		if got := logLines(t, log); !reflect.DeepEqual(got, []string{"own pre-commit"}) {
			t.Fatalf("the user's .husky/pre-commit ran %q", got)
		}
	})

	t.Run("pre-commit framework", func(t *testing.T) {
		frameworkVersion(t)
		t.Setenv("PRE_COMMIT_HOME", t.TempDir())
		repo := newRepo(t)
		writeFile(t, filepath.Join(repo, ".pre-commit-config.yaml"), "repos:\n- repo: local\n  hooks:\n  - id: own\n    name: own\n    entry: sh -c 'echo framework >> \"$FAKE_LOG\"'\n    language: system\n    pass_filenames: false\n")
		run(t, repo, "git", "add", ".pre-commit-config.yaml")
		run(t, repo, "git", "commit", "-q", "--no-verify", "-m", "framework")
		if out, err := try(repo, nil, "pre-commit", "install"); err == nil {
			t.Fatalf("pre-commit install did not refuse under a global core.hooksPath (the README's workaround is then moot):\n%s", out)
		}
		if out, err := try(repo, []string{"GIT_CONFIG_GLOBAL=/dev/null"}, "pre-commit", "install"); err != nil {
			t.Fatalf("GIT_CONFIG_GLOBAL=/dev/null pre-commit install: %v\n%s", err, out)
		}
		assertBlocked(t, repo, "leak.txt")
		run(t, repo, "git", "reset", "-q")
		os.Remove(filepath.Join(repo, "leak.txt"))
		resetLog(t, log)
		if out, ok := commit(t, repo, "ok.txt", "fine\n"); !ok {
			t.Fatal(out)
		}
		if got := logLines(t, log); !reflect.DeepEqual(got, []string{"framework"}) {
			t.Fatalf("the framework's hooks ran %q under the global install", got)
		}
	})
}
