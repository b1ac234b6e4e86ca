package gitread

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/leakhook/leakhook/internal/gittest"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

// These tests put the staged-change readers in the git situations where other
// secret hooks have silently scanned the wrong thing or nothing. Each one
// stages a generated secret and asserts it is found: an unusual repository
// must never mean "nothing scanned".

var builtin struct {
	once sync.Once
	e    *rules.Engine
	err  error
}

// builtinEngine is the engine with leakhook's built-in rules.
func builtinEngine(t testing.TB) *rules.Engine {
	t.Helper()
	builtin.once.Do(func() {
		cfg, err := rules.Load("", "")
		if err == nil {
			builtin.e = cfg.Engine
		}
		builtin.err = err
	})
	if builtin.err != nil {
		t.Fatal(builtin.err)
	}
	return builtin.e
}

// ghToken returns a GitHub token made by the rules' generator, so that no
// secret-shaped value is stored in this repository.
func ghToken(t testing.TB, seed string) string {
	t.Helper()
	s, err := rules.Expand("{{github:ghp}}", t.Name()+seed)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// readStaged opens dir and reads its staged change with backend.
func readStaged(t testing.TB, dir, backend string, maxSize int64) (*Repo, *Changes) {
	t.Helper()
	ctx := context.Background()
	repo, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := Staged(ctx, repo, maxSize, backend)
	if err != nil {
		t.Fatalf("reading the staged change (backend %q): %v", backend, err)
	}
	return repo, ch
}

// scanAll runs the built-in rules over what a reader produced, as the hooks
// do (package scan places the pieces of long lines).
func scanAll(t testing.TB, ch *Changes) []rules.Finding {
	t.Helper()
	res, err := scan.Items(context.Background(), builtinEngine(t), ch.Items)
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings
}

func hasFinding(fs []rules.Finding, path, secret string) bool {
	for _, f := range fs {
		if f.Path == path && f.Secret == secret {
			return true
		}
	}
	return false
}

func describe(fs []rules.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s:%d:%d %s\n", f.Path, f.Line, f.Column, f.RuleID)
	}
	return b.String()
}

// mustFind asserts that the hook's own path (the preflight's choice of
// reader) and the git CLI reader both find secret in path, that reading
// left the repository untouched and no temporary files behind, and returns
// the backend the preflight chose.
func mustFind(t *testing.T, r *gittest.Repo, path, secret string) string {
	t.Helper()
	before := r.Snapshot()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var chosen string
	for _, backend := range []string{BackendAuto, BackendGit} {
		_, ch := readStaged(t, r.Dir, backend, rules.DefaultMaxFileSize)
		if backend == BackendAuto {
			chosen = ch.Backend
		}
		if fs := scanAll(t, ch); !hasFinding(fs, path, secret) {
			t.Fatalf("backend %q (%s) did not find the secret staged in %q; found:\n%s", backend, ch.Backend, path, describe(fs))
		}
	}
	if after := r.Snapshot(); after != before {
		t.Fatal("reading the staged change modified the index or the status")
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
	return chosen
}

// mustUseCLI asserts the preflight refuses go-git for this repository.
func mustUseCLI(t *testing.T, r *gittest.Repo, wantReason string) {
	t.Helper()
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	why := goGitUnfit(repo)
	if !strings.Contains(why, wantReason) {
		t.Fatalf("preflight reason %q, want one mentioning %q", why, wantReason)
	}
}

// commitSecretFile returns file content holding secret on its second line.
func secretFile(secret string) string {
	return "# config\nGITHUB_TOKEN = \"" + secret + "\"\n"
}

func TestReliabilityFirstCommit(t *testing.T) {
	r := gittest.New(t)
	tok := ghToken(t, "")
	r.Write("app/config.py", secretFile(tok))
	r.Git("add", "-A")
	expectLines(t, bothBackends(t, r), "app/config.py:1:# config", `app/config.py:2:GITHUB_TOKEN = "`+tok+`"`)
	if b := mustFind(t, r, "app/config.py", tok); b != BackendInProcess {
		t.Fatalf("an ordinary first commit should be read in-process, got %s", b)
	}
}

func TestReliabilityIndexDiffersFromDisk(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "base\n")
	r.Commit("base")
	tok := ghToken(t, "")
	r.Write("a.txt", "base\n"+secretFile(tok))
	r.Git("add", "a.txt")
	r.Write("a.txt", "base\n") // the secret is gone from disk but still staged
	bothBackends(t, r)
	mustFind(t, r, "a.txt", tok)
}

// TestReliabilityWorktreeSameStat: with core.checkStat=minimal and
// core.trustctime=false, git diff --cached reads a working-tree file instead
// of the staged blob when its size and mtime match the index's. A file
// rewritten in place after git add, same size, mtime put back, must not
// stand in for the staged secret (nor in the same second, whatever the
// configuration, when only ctime would tell them apart).
func TestReliabilityWorktreeSameStat(t *testing.T) {
	for _, cfg := range [][2]string{{"core.checkStat", "minimal"}, {"core.trustctime", "false"}, {"core.checkStat", "default"}} {
		t.Run(cfg[0]+"="+cfg[1], func(t *testing.T) {
			r := gittest.New(t)
			r.Git("config", cfg[0], cfg[1])
			r.Write("a.txt", "base\n")
			r.Commit("base")
			tok := ghToken(t, "")
			staged := "base\n" + secretFile(tok)
			mtime := time.Unix(1700000000, 0)
			p := filepath.Join(r.Dir, "a.txt")
			r.Write("a.txt", staged)
			if err := os.Chtimes(p, mtime, mtime); err != nil {
				t.Fatal(err)
			}
			r.Git("add", "a.txt")
			// In place (same inode), same size, same mtime, other bytes.
			f, err := os.OpenFile(p, os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteAt([]byte(strings.Repeat("x", len(staged)-1)+"\n"), 0); err != nil {
				t.Fatal(err)
			}
			f.Close()
			if err := os.Chtimes(p, mtime, mtime); err != nil {
				t.Fatal(err)
			}
			_, ch := readStaged(t, r.Dir, BackendGit, rules.DefaultMaxFileSize)
			if fs := scanAll(t, ch); !hasFinding(fs, "a.txt", tok) {
				t.Fatalf("git read the working tree, not the staged blob: %q", addedLines(ch))
			}
			bothBackends(t, r)
		})
	}
}

// TestReliabilityTruncatedIndex: git does not check the index's checksum
// when it reads it, so through git a truncated index read as far as it
// went and the commit passed. Every reader must refuse it.
func TestReliabilityTruncatedIndex(t *testing.T) {
	r := gittest.New(t)
	for i := range 5 {
		r.Write(fmt.Sprintf("f%d.txt", i), "line\n")
	}
	r.Commit("base")
	r.Write("new.txt", secretFile(ghToken(t, "")))
	r.Git("add", "-A")
	p := filepath.Join(r.Dir, ".git", "index")
	full, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{1, 10, 20, 30, 100} {
		if err := os.WriteFile(p, full[:len(full)-cut], 0o644); err != nil {
			t.Fatal(err)
		}
		repo := mustOpen(t, r)
		for _, backend := range []string{BackendGit, BackendAuto} {
			ch, err := Staged(context.Background(), repo, rules.DefaultMaxFileSize, backend)
			if err == nil {
				t.Errorf("index cut by %d bytes: backend %q read it (%d items)", cut, backend, len(ch.Items))
			} else if cut < 100 && backend == BackendGit && !strings.Contains(err.Error(), "checksum") {
				t.Errorf("index cut by %d bytes: %v", cut, err)
			}
		}
	}
	if err := os.WriteFile(p, full, 0o644); err != nil {
		t.Fatal(err)
	}
	mustFind(t, r, "new.txt", ghToken(t, ""))
}

func TestReliabilityPartialStagingPasses(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "base\n")
	r.Commit("base")
	r.Write("a.txt", "base\nstaged\n")
	r.Git("add", "a.txt")
	r.Write("a.txt", "base\nstaged\n"+secretFile(ghToken(t, ""))) // only on disk
	for _, backend := range []string{BackendAuto, BackendGit, BackendInProcess} {
		_, ch := readStaged(t, r.Dir, backend, rules.DefaultMaxFileSize)
		if fs := scanAll(t, ch); len(fs) > 0 {
			t.Fatalf("backend %q found an unstaged secret:\n%s", backend, describe(fs))
		}
	}
	expectLines(t, bothBackends(t, r), "a.txt:2:staged")
}

func TestReliabilityLinkedWorktree(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "base\n")
	r.Commit("base")
	wt := filepath.Join(t.TempDir(), "linked wt")
	r.Git("worktree", "add", "-q", "-b", "feature", wt)
	w := &gittest.Repo{T: t, Dir: wt}
	tok := ghToken(t, "")
	w.Write("sub/s.txt", secretFile(tok))
	w.Git("add", "-A")
	bothBackends(t, w)
	mustFind(t, w, "sub/s.txt", tok)
	// From a subdirectory of the linked worktree too.
	mustFind(t, &gittest.Repo{T: t, Dir: filepath.Join(wt, "sub")}, "sub/s.txt", tok)
	expectLines(t, bothBackends(t, r)) // nothing staged in the main worktree
}

func TestReliabilitySubmodules(t *testing.T) {
	sub := gittest.New(t)
	sub.Write("lib.txt", "lib\n")
	sub.Commit("lib")
	r := gittest.New(t)
	r.Write("a.txt", "base\n")
	r.Commit("base")
	r.Git("-c", "protocol.file.allow=always", "submodule", "add", "-q", sub.Dir, "vendor/lib")
	tok := ghToken(t, "super")
	r.Write("app.txt", secretFile(tok))
	r.Git("add", "app.txt")
	// The gitlink and .gitmodules are staged; the gitlink is skipped, not read as text.
	got := bothBackends(t, r)
	for _, l := range got {
		if strings.HasPrefix(l, "vendor/lib:") {
			t.Fatalf("gitlink read as content: %q", l)
		}
	}
	mustFind(t, r, "app.txt", tok)
	r.Commit("add submodule")

	// The submodule's own staged change, read from inside its checkout
	// (its git dir is .git/modules/vendor/lib), is found by its own hook.
	in := &gittest.Repo{T: t, Dir: filepath.Join(r.Dir, "vendor", "lib")}
	tok2 := ghToken(t, "inner")
	in.Write("k.txt", secretFile(tok2))
	in.Git("add", "k.txt")
	bothBackends(t, in)
	mustFind(t, in, "k.txt", tok2)
	in.Git("commit", "-q", "-m", "inner")

	// Moving the gitlink in the superproject stages "Subproject commit" lines: skipped.
	r.Git("add", "vendor/lib")
	expectLines(t, bothBackends(t, r))
}

func TestReliabilityMergeConflict(t *testing.T) {
	r := gittest.New(t)
	r.Write("common.txt", "one\ntwo\nthree\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "feature")
	tok := ghToken(t, "merged")
	r.Write("brought.txt", secretFile(tok))
	r.Write("common.txt", "one\nfeature\nthree\n")
	r.Commit("feature")
	r.Git("checkout", "-q", "main")
	r.Write("common.txt", "one\nmain\nthree\n")
	r.Commit("main")
	if _, err := r.TryGit("merge", "-q", "feature"); err == nil {
		t.Fatal("expected a conflict")
	}
	if _, err := os.Stat(filepath.Join(r.Dir, ".git", "MERGE_HEAD")); err != nil {
		t.Fatal(err)
	}
	// Unmerged entries must not crash either reader; what the merge brings
	// in cleanly is scanned already.
	bothBackends(t, r)
	mustFind(t, r, "brought.txt", tok)

	// Resolving the conflict with a secret is found too.
	tok2 := ghToken(t, "resolution")
	r.Write("common.txt", "one\n"+secretFile(tok2)+"three\n")
	r.Git("add", "common.txt")
	bothBackends(t, r)
	mustFind(t, r, "common.txt", tok2)
	mustFind(t, r, "brought.txt", tok)
}

func TestReliabilityMergeNoCommit(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "a\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "feature")
	tok := ghToken(t, "")
	r.Write("deep/dir/b.txt", secretFile(tok))
	r.Commit("feature")
	r.Git("checkout", "-q", "main")
	r.Write("c.txt", "c\n")
	r.Commit("main")
	r.Git("merge", "-q", "--no-commit", "--no-ff", "feature")
	bothBackends(t, r)
	mustFind(t, r, "deep/dir/b.txt", tok)
}

func TestReliabilityRebaseConflict(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "x\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "topic")
	r.Write("a.txt", "topic\n")
	r.Commit("topic")
	r.Git("checkout", "-q", "main")
	r.Write("a.txt", "main\n")
	r.Commit("main")
	r.Git("checkout", "-q", "topic")
	if _, err := r.TryGit("rebase", "main"); err == nil {
		t.Fatal("expected a conflict")
	}
	bothBackends(t, r) // detached HEAD, unmerged a.txt
	tok := ghToken(t, "")
	r.Write("a.txt", secretFile(tok))
	r.Git("add", "a.txt")
	bothBackends(t, r)
	mustFind(t, r, "a.txt", tok)
}

func TestReliabilityCherryPick(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "a\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "other")
	tok := ghToken(t, "")
	r.Write("picked.txt", secretFile(tok))
	pick := r.Commit("secret")
	r.Git("checkout", "-q", "main")
	r.Git("cherry-pick", "--no-commit", pick)
	bothBackends(t, r)
	mustFind(t, r, "picked.txt", tok)
}

func TestReliabilitySparseIndex(t *testing.T) {
	r := gittest.New(t)
	r.Write("in/a.txt", "a\n")
	r.Write("out/b.txt", "b\n")
	r.Commit("base")
	r.Git("sparse-checkout", "set", "--cone", "--sparse-index", "in")
	if _, err := os.Stat(filepath.Join(r.Dir, "out")); err == nil {
		t.Fatal("sparse checkout kept out/")
	}
	tok := ghToken(t, "")
	r.Write("in/s.txt", secretFile(tok))
	r.Git("add", "in/s.txt")
	mustUseCLI(t, r, "extensions") // sparse index turns on extensions.worktreeConfig
	if b := mustFind(t, r, "in/s.txt", tok); b != "git" {
		t.Fatalf("backend %s", b)
	}
}

// TestReliabilitySplitIndex: `git update-index --split-index` writes a split
// index without any configuration, so the preflight cannot see it; go-git
// must refuse the "link" extension and the CLI must take over.
func TestReliabilitySplitIndex(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "a\n")
	r.Commit("base")
	r.Git("update-index", "--split-index")
	tok := ghToken(t, "")
	r.Write("s.txt", secretFile(tok))
	r.Git("add", "s.txt")
	if _, err := Staged(context.Background(), mustOpen(t, r), 1<<20, BackendInProcess); err == nil {
		t.Fatal("go-git read a split index without error; entries in the shared index may be missing")
	}
	if b := mustFind(t, r, "s.txt", tok); b != "git" {
		t.Fatalf("backend %s", b)
	}
	r.Git("config", "core.splitIndex", "true")
	mustUseCLI(t, r, "splitindex")
	mustFind(t, r, "s.txt", tok)
}

func mustOpen(t *testing.T, r *gittest.Repo) *Repo {
	t.Helper()
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	return repo
}

func TestReliabilityIndexV4(t *testing.T) {
	r := gittest.New(t)
	r.Write("dir/a.txt", "a\n")
	r.Commit("base")
	r.Git("update-index", "--index-version", "4")
	tok := ghToken(t, "")
	r.Write("dir/and/deeper/s.txt", secretFile(tok))
	r.Git("add", "-A")
	bothBackends(t, r)
	mustFind(t, r, "dir/and/deeper/s.txt", tok)
}

func TestReliabilityManyFiles(t *testing.T) {
	r := gittest.New(t)
	r.Git("config", "feature.manyFiles", "true")
	r.Write("a.txt", "a\n")
	r.Commit("base")
	tok := ghToken(t, "")
	r.Write("s.txt", secretFile(tok))
	r.Git("add", "s.txt")
	mustUseCLI(t, r, "manyfiles")
	mustFind(t, r, "s.txt", tok)
}

func TestReliabilitySHA256(t *testing.T) {
	r := gittest.New(t, "--object-format=sha256")
	tok := ghToken(t, "first")
	r.Write("s.txt", secretFile(tok))
	r.Git("add", "s.txt")
	mustUseCLI(t, r, "extensions")
	mustFind(t, r, "s.txt", tok) // first commit: no HEAD
	r.Commit("base")
	tok2 := ghToken(t, "second")
	r.Write("s.txt", secretFile(tok)+secretFile(tok2))
	r.Git("add", "s.txt")
	mustFind(t, r, "s.txt", tok2)
}

// source makes a repository with some history to clone from.
func source(t *testing.T) *gittest.Repo {
	src := gittest.New(t)
	for i := 0; i < 3; i++ {
		src.Write(fmt.Sprintf("f%d.txt", i), fmt.Sprintf("file %d\n", i))
		src.Commit(fmt.Sprintf("c%d", i))
	}
	return src
}

func clone(t *testing.T, args ...string) *gittest.Repo {
	dst := filepath.Join(t.TempDir(), "clone")
	r := &gittest.Repo{T: t, Dir: filepath.Dir(dst)}
	r.Git(append(append([]string{"clone", "-q"}, args...), dst)...)
	return &gittest.Repo{T: t, Dir: dst}
}

func TestReliabilityShallowClone(t *testing.T) {
	src := source(t)
	r := clone(t, "--depth", "1", "file://"+src.Dir)
	mustUseCLI(t, r, "shallow")
	tok := ghToken(t, "")
	r.Write("f1.txt", "file 1\n"+secretFile(tok))
	r.Git("add", "f1.txt")
	mustFind(t, r, "f1.txt", tok)
}

func TestReliabilityPartialClone(t *testing.T) {
	src := source(t)
	src.Git("config", "uploadpack.allowFilter", "true")
	src.Git("config", "uploadpack.allowAnySHA1InWant", "true")
	r := clone(t, "--filter=blob:none", "file://"+src.Dir)
	mustUseCLI(t, r, "promisor")
	tok := ghToken(t, "")
	r.Write("f2.txt", "file 2\n"+secretFile(tok))
	r.Write("new.txt", secretFile(tok))
	r.Git("add", "-A")
	mustFind(t, r, "f2.txt", tok)
	mustFind(t, r, "new.txt", tok)
}

func TestReliabilityAlternates(t *testing.T) {
	src := source(t)
	r := clone(t, "--shared", src.Dir)
	mustUseCLI(t, r, "alternates")
	tok := ghToken(t, "")
	r.Write("f0.txt", "file 0\n"+secretFile(tok))
	r.Git("add", "f0.txt")
	mustFind(t, r, "f0.txt", tok)
}

func TestReliabilityBareRepositoryRefused(t *testing.T) {
	src := source(t)
	bare := clone(t, "--bare", src.Dir)
	// There is no index to commit from: either step must fail (and block).
	repo, err := Open(context.Background(), bare.Dir)
	if err == nil {
		_, err = Staged(context.Background(), repo, 1<<20, BackendAuto)
	}
	if err == nil {
		t.Fatal("pre-commit in a bare repository read something instead of failing")
	}
}

func TestReliabilityOddPaths(t *testing.T) {
	r := gittest.New(t)
	names := []string{"with space.txt", "tab\there.txt", "quote\"d.txt", "back\\slash.txt", "new\nline.txt", "bad\xffutf8.txt", "ünïcode/dir name/x.txt", "-dash.txt"}
	toks := map[string]string{}
	for _, n := range names {
		toks[n] = ghToken(t, n)
		r.Write(n, secretFile(toks[n]))
	}
	r.Git("add", "-A")
	bothBackends(t, r)
	for _, n := range names {
		mustFind(t, r, n, toks[n])
	}
	r.Commit("base")
	for _, n := range names { // modified, not only added
		toks[n] = ghToken(t, "2"+n)
		r.Write(n, "changed\n"+secretFile(toks[n]))
	}
	r.Git("add", "-A")
	bothBackends(t, r)
	for _, n := range names {
		mustFind(t, r, n, toks[n])
	}
}

// TestReliabilityTwentyThousandFiles: nothing passes paths on a command line,
// so a huge change hits no argument-length limit.
func TestReliabilityTwentyThousandFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 20,000 files")
	}
	r := gittest.New(t)
	for i := 0; i < 20000; i++ {
		r.Write(fmt.Sprintf("d%03d/file-with-a-fairly-long-name-%05d.txt", i%200, i), fmt.Sprintf("line %d\n", i))
	}
	tok := ghToken(t, "")
	last := "d199/zz-last.txt"
	r.Write(last, secretFile(tok))
	r.Git("add", "-A")
	for _, backend := range []string{BackendGit, BackendInProcess} {
		_, ch := readStaged(t, r.Dir, backend, rules.DefaultMaxFileSize)
		if len(ch.Items) != 20001 {
			t.Fatalf("backend %s read %d items, want 20001", backend, len(ch.Items))
		}
	}
	mustFind(t, r, last, tok)
}

// TestReliabilityInvalidatedCacheTree: staging in two steps leaves
// invalidated cache-tree entries that go-git's decoder drops; the surviving
// a/x/y entry must not be taken for y/, whose identical HEAD tree would then
// be skipped with the secret staged in it.
func TestReliabilityInvalidatedCacheTree(t *testing.T) {
	r := gittest.New(t)
	r.Write("y/f", "same\n")
	r.Write("a/x/y/f", "same\n")
	r.Commit("base")
	tok := ghToken(t, "")
	r.Write("y/f", "same\n"+secretFile(tok))
	r.Write("a/x/n", "new\n")
	r.Git("add", "y/f")
	r.Git("add", "a/x/n")
	bothBackends(t, r)
	if b := mustFind(t, r, "y/f", tok); b != BackendInProcess {
		t.Fatalf("backend %s, want the in-process reader this test is about", b)
	}
}
