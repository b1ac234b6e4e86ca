package gitread

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/internal/gittest"
)

// addedLines renders what a reader found as sorted "path:line:text" rows.
func addedLines(ch *Changes) []string {
	var out []string
	for _, it := range ch.Items {
		lines := strings.SplitAfter(string(it.Content), "\n")
		for i, l := range lines {
			if l == "" {
				continue
			}
			if it.Added == nil || (i < len(it.Added) && it.Added[i]) {
				out = append(out, fmt.Sprintf("%s:%d:%s", it.Path, it.StartLine+i, strings.TrimSuffix(l, "\n")))
			}
		}
	}
	sort.Strings(out)
	return out
}

// numberedLines is format (with one %d) for 1 to n, concatenated.
func numberedLines(format string, n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, format, i)
	}
	return b.String()
}

// moveReplacingLastLine commits old.txt, ten short lines and last, then
// stages its removal and new.txt: the same short lines and next.
func moveReplacingLastLine(last, next string) func(r *gittest.Repo) {
	short := strings.Repeat("ab\n", 10)
	return func(r *gittest.Repo) {
		r.Write("old.txt", short+last+"\n")
		r.Commit("base")
		r.Git("rm", "-q", "old.txt")
		r.Write("new.txt", short+next+"\n")
		r.Git("add", "-A")
	}
}

// bothBackends reads the staged change with each backend, checks that they
// agree, and returns the added lines.
func bothBackends(t *testing.T, r *gittest.Repo) []string {
	t.Helper()
	ctx := context.Background()
	repo, err := Open(ctx, r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	cli, err := Staged(ctx, repo, 10<<20, BackendGit)
	if err != nil {
		t.Fatalf("git CLI: %v", err)
	}
	gg, err := Staged(ctx, repo, 10<<20, BackendInProcess)
	if err != nil {
		t.Fatalf("go-git: %v", err)
	}
	a, b := addedLines(cli), addedLines(gg)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("backends disagree\ngit CLI:\n%s\ngo-git:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
	}
	return a
}

func expectLines(t *testing.T, got []string, want ...string) {
	t.Helper()
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("added lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestStagedScenarios(t *testing.T) {
	tests := []struct {
		name  string
		setup func(r *gittest.Repo)
		want  []string
	}{
		{"initial commit", func(r *gittest.Repo) {
			r.Write("a.txt", "one\ntwo\n")
			r.Write("dir/b.py", "x = 1\n")
			r.Git("add", "-A")
		}, []string{"a.txt:1:one", "a.txt:2:two", "dir/b.py:1:x = 1"}},
		{"modify", func(r *gittest.Repo) {
			r.Write("a.txt", strings.Repeat("line\n", 20))
			r.Commit("base")
			r.Write("a.txt", strings.Repeat("line\n", 10)+"new\n"+strings.Repeat("line\n", 10))
			r.Git("add", "a.txt")
		}, []string{"a.txt:11:new"}},
		{"two hunks", func(r *gittest.Repo) {
			b := numberedLines("l%d\n", 30)
			r.Write("a.txt", b)
			r.Commit("base")
			s := strings.Replace(b, "l2\n", "l2\nX\n", 1)
			s = strings.Replace(s, "l25\n", "Y\nl25\n", 1)
			r.Write("a.txt", s)
			r.Git("add", "a.txt")
		}, []string{"a.txt:3:X", "a.txt:26:Y"}},
		{"delete and pure rename", func(r *gittest.Repo) {
			r.Write("gone.txt", "bye\n")
			r.Write("old.txt", "same content here\nand here\n")
			r.Commit("base")
			r.Git("rm", "-q", "gone.txt")
			r.Git("mv", "old.txt", "new.txt")
		}, nil},
		{"binary and empty", func(r *gittest.Repo) {
			r.Write("bin.dat", "\x00\x01\x02abc\n")
			r.Write("empty.txt", "")
			r.Git("add", "-A")
		}, []string{"bin.dat:1:\x00\x01\x02abc"}},
		{"crlf and no final newline", func(r *gittest.Repo) {
			r.Write("w.txt", "a\r\nb\r\n")
			r.Write("n.txt", "last line")
			r.Git("add", "-A")
		}, []string{"n.txt:1:last line", "w.txt:1:a\r", "w.txt:2:b\r"}},
		{"odd paths", func(r *gittest.Repo) {
			r.Write("with space.txt", "s\n")
			r.Write("tab\there.txt", "t\n")
			r.Write("quote\"d.txt", "q\n")
			r.Write("ünïcode.txt", "u\n")
			r.Git("add", "-A")
		}, []string{"quote\"d.txt:1:q", "tab\there.txt:1:t", "with space.txt:1:s", "ünïcode.txt:1:u"}},
		{"gitattributes binary and -diff", func(r *gittest.Repo) {
			r.Write(".gitattributes", "*.key binary\n*.cfg -diff\n")
			r.Commit("attrs")
			r.Write("id.key", "k1\n")
			r.Write("app.cfg", "c1\n")
			r.Git("add", "-A")
		}, []string{"app.cfg:1:c1", "id.key:1:k1"}},
		{"partial staging", func(r *gittest.Repo) {
			r.Write("a.txt", "base\n")
			r.Commit("base")
			r.Write("a.txt", "base\nstaged\n")
			r.Git("add", "a.txt")
			r.Write("a.txt", "base\nstaged\nunstaged\n")
		}, []string{"a.txt:2:staged"}},
		{"index differs from disk", func(r *gittest.Repo) {
			r.Write("a.txt", "base\n")
			r.Commit("base")
			r.Write("a.txt", "base\nstaged secret\n")
			r.Git("add", "a.txt")
			r.Write("a.txt", "base\n")
		}, []string{"a.txt:2:staged secret"}},
		{"rename with edit", func(r *gittest.Repo) {
			r.Write("old.txt", strings.Repeat("content line\n", 10))
			r.Commit("base")
			r.Git("mv", "old.txt", "new.txt")
			r.Write("new.txt", strings.Repeat("content line\n", 10)+"extra\n")
			r.Git("add", "-A")
		}, []string{"new.txt:11:extra"}},
		// git scores renames by bytes in 64-byte chunks, not by lines: a
		// long line kept and short lines added is a rename...
		{"rename scored by bytes", func(r *gittest.Repo) {
			r.Write("config.py", "# settings\nTOKEN = \""+strings.Repeat("k", 48)+"\"\n")
			r.Commit("base")
			r.Git("rm", "-q", "config.py")
			r.Write("settings.py", "# moved here\n\n\n# settings\nTOKEN = \""+strings.Repeat("k", 48)+"\"\n")
			r.Git("add", "-A")
		}, []string{"settings.py:1:# moved here", "settings.py:2:", "settings.py:3:"}},
		// ...and short lines kept around a long line replaced is not,
		{"not a rename by bytes", moveReplacingLastLine(strings.Repeat("0123456789", 20), strings.Repeat("9876543210", 20)),
			[]string{"new.txt:1:ab", "new.txt:10:ab", "new.txt:11:" + strings.Repeat("9876543210", 20),
				"new.txt:2:ab", "new.txt:3:ab", "new.txt:4:ab", "new.txt:5:ab", "new.txt:6:ab", "new.txt:7:ab", "new.txt:8:ab", "new.txt:9:ab"}},
		// unless git's chunk hash says otherwise: a 64-byte run of one letter
		// hashes alike whatever the letter.
		{"rename by git's chunk hash", moveReplacingLastLine(strings.Repeat("x", 200), strings.Repeat("y", 200)),
			[]string{"new.txt:11:" + strings.Repeat("y", 200)}},
		// A deleted file is the source of one rename only: a second copy of
		// it is a new file, all of it added.
		{"one source, two identical copies", func(r *gittest.Repo) {
			r.Write("old.txt", "shared line one\nshared line two\n")
			r.Commit("base")
			r.Git("rm", "-q", "old.txt")
			r.Write("a.txt", "shared line one\nshared line two\n")
			r.Write("b.txt", "shared line one\nshared line two\n")
			r.Git("add", "-A")
		}, []string{"b.txt:1:shared line one", "b.txt:2:shared line two"}},
		{"one source, two similar copies: the closer one is the rename", func(r *gittest.Repo) {
			base := numberedLines("configuration line number %d\n", 20)
			r.Write("old.txt", base)
			r.Commit("base")
			r.Git("rm", "-q", "old.txt")
			r.Write("far.txt", base+"far 1\nfar 2\nfar 3\nfar 4\n")
			r.Write("near.txt", base+"near\n")
			r.Git("add", "-A")
		}, func() []string {
			var want []string
			for i := 1; i <= 20; i++ {
				want = append(want, fmt.Sprintf("far.txt:%d:configuration line number %d", i, i))
			}
			want = append(want, "far.txt:21:far 1", "far.txt:22:far 2", "far.txt:23:far 3", "far.txt:24:far 4", "near.txt:21:near")
			sort.Strings(want)
			return want
		}()},
		// The in-process reader walks HEAD and the index directory by
		// directory: type changes and removed directories must come out
		// as git sees them.
		{"file becomes a directory", func(r *gittest.Repo) {
			r.Write("x", "was a file\n")
			r.Commit("base")
			r.Git("rm", "-q", "--cached", "x")
			os.Remove(filepath.Join(r.Dir, "x"))
			r.Write("x/inner.txt", "now a directory\n")
			r.Git("add", "-A")
		}, []string{"x/inner.txt:1:now a directory"}},
		{"directory becomes a file", func(r *gittest.Repo) {
			r.Write("y/a.txt", "in a directory\n")
			r.Write("y/deep/b.txt", "deeper\n")
			r.Commit("base")
			r.Git("rm", "-q", "-r", "--cached", "y")
			os.RemoveAll(filepath.Join(r.Dir, "y"))
			r.Write("y", "now a file\n")
			r.Git("add", "-A")
		}, []string{"y:1:now a file"}},
		{"file moved out of a removed directory", func(r *gittest.Repo) {
			r.Write("old/dir/keep.txt", strings.Repeat("moved content\n", 8))
			r.Write("other/unchanged.txt", "same\n")
			r.Commit("base")
			r.Git("mv", "old/dir/keep.txt", "kept.txt")
			r.Write("kept.txt", strings.Repeat("moved content\n", 8)+"one more\n")
			r.Git("add", "-A")
		}, []string{"kept.txt:9:one more"}},
		{"deep change beside unchanged directories", func(r *gittest.Repo) {
			for _, d := range []string{"a", "a/b", "a/b/c", "a/bb", "a-b", "a0", "z"} {
				r.Write(d+"/f.txt", d+"\n")
			}
			r.Commit("base")
			r.Write("a/b/c/f.txt", "a/b/c\nchanged deep\n")
			r.Write("a/bb/new.txt", "new beside\n")
			r.Git("add", "-A")
		}, []string{"a/b/c/f.txt:2:changed deep", "a/bb/new.txt:1:new beside"}},
		// After a soft reset the index's cache-tree is valid for the commit
		// left, not HEAD: the directories it holds valid differ from HEAD's,
		// so the in-process reader needs the entries its sparse read passed
		// over (and reads the index whole).
		{"valid cache-tree of another commit", func(r *gittest.Repo) {
			for _, d := range []string{"a", "a/b", "c"} {
				r.Write(d+"/f.txt", d+"\n")
			}
			r.Commit("base")
			r.Write("a/b/f.txt", "a/b\nchanged under a valid tree\n")
			r.Write("c/g.txt", "new in c\n")
			r.Git("add", "-A")
			r.Commit("next")
			r.Git("reset", "-q", "--soft", "HEAD~")
		}, []string{"a/b/f.txt:2:changed under a valid tree", "c/g.txt:1:new in c"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := gittest.New(t)
			tc.setup(r)
			before := r.Snapshot()
			got := bothBackends(t, r)
			expectLines(t, got, tc.want...)
			if after := r.Snapshot(); after != before {
				t.Fatal("reading the staged change modified the index or working tree")
			}
		})
	}
}

// TestGitIndexFile: git commit -a and git commit <path> run hooks with
// GIT_INDEX_FILE pointing at a temporary index; that index is what is committed.
func TestGitIndexFile(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "base\n")
	r.Commit("base")
	r.Write("a.txt", "base\nonly in the temporary index\n")
	tmpIndex := filepath.Join(r.Dir, ".git", "index.tmp")
	r.Git("read-tree", "--index-output="+tmpIndex, "HEAD")
	cmd := []string{"update-index", "--add", "a.txt"}
	t.Setenv("GIT_INDEX_FILE", tmpIndex)
	r.Git(cmd...)
	got := bothBackends(t, r)
	expectLines(t, got, "a.txt:2:only in the temporary index")
	os.Unsetenv("GIT_INDEX_FILE")
	got = bothBackends(t, r)
	expectLines(t, got)
}

func TestLinkedWorktree(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "base\n")
	r.Commit("base")
	wt := filepath.Join(t.TempDir(), "wt")
	r.Git("worktree", "add", "-q", "-b", "feature", wt)
	w := &gittest.Repo{T: t, Dir: wt}
	w.Write("a.txt", "base\nin worktree\n")
	w.Git("add", "a.txt")
	got := bothBackends(t, w)
	expectLines(t, got, "a.txt:2:in worktree")
	// The main worktree has nothing staged.
	expectLines(t, bothBackends(t, r))
}

func TestPreflightPicksCLI(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "x\n")
	r.Commit("base")
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if why := goGitUnfit(repo); why != "" {
		t.Fatalf("ordinary repository judged unfit for go-git: %s", why)
	}
	r.Git("config", "extensions.worktreeConfig", "true")
	if why := goGitUnfit(repo); !strings.Contains(why, "extensions") {
		t.Fatalf("extensions not detected: %q", why)
	}
}

func TestNotARepository(t *testing.T) {
	gittest.Isolate(t)
	_, err := Open(context.Background(), t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "not inside a git repository") {
		t.Fatalf("err = %v", err)
	}
}

// TestDiscoverMatchesGit checks the in-process repository discovery against
// git rev-parse in a main worktree, a subdirectory and a linked worktree.
func TestDiscoverMatchesGit(t *testing.T) {
	r := gittest.New(t)
	r.Write("sub/dir/a.txt", "x\n")
	r.Commit("base")
	wt := filepath.Join(t.TempDir(), "wt")
	r.Git("worktree", "add", "-q", "-b", "other", wt)
	for _, dir := range []string{r.Dir, filepath.Join(r.Dir, "sub", "dir"), wt} {
		got := discover(dir)
		if got == nil {
			t.Fatalf("%s: not discovered", dir)
		}
		want, err := revParse(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(*got, *want) {
			t.Errorf("%s:\ndiscover %+v\ngit      %+v", dir, *got, *want)
		}
	}
	r.Git("config", "core.worktree", r.Dir)
	if discover(r.Dir) != nil {
		t.Error("core.worktree set: discovery must defer to git")
	}
}

// TestHeadFiles reads the files at HEAD from the object store, not the
// working tree, skipping symlinks; a blob over the size cap is read in windows.
func TestHeadFiles(t *testing.T) {
	r := gittest.New(t)
	ctx := context.Background()
	repo, err := Open(ctx, r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if ch, err := HeadFiles(ctx, repo, 1<<20); err != nil || len(ch.Items) != 0 {
		t.Fatalf("unborn HEAD: %v, %d items", err, len(ch.Items))
	}
	r.Write("a.txt", "committed\n")
	r.Write("big.txt", strings.Repeat("x", 2000))
	r.Write("dir/b.txt", "b\n")
	if err := os.Symlink("a.txt", filepath.Join(r.Dir, "link")); err != nil {
		t.Fatal(err)
	}
	r.Commit("base")
	r.Write("a.txt", "edited on disk\n")
	ch, err := HeadFiles(ctx, repo, 1000)
	if err != nil {
		t.Fatal(err)
	}
	got := addedLines(ch)
	expectLines(t, got, "a.txt:1:committed", "big.txt:1:"+strings.Repeat("x", 2000), "dir/b.txt:1:b")
	if len(ch.Skipped) != 0 {
		t.Fatalf("skipped: %+v", ch.Skipped)
	}
}

// TestStagedIndexWithEmptyPathComponent: an index holding a path git never
// writes ("/ther.txt", a leading slash: damaged or crafted) crashed the
// pre-commit with a Go stack (the receipt's tree id recursed until the
// stack ran out) and kept the in-process reader looping until the budget.
// The decoder refuses it: the in-process reader errs (with the backend
// asked for, that is the answer: nothing is taken for "no changes"), the
// automatic choice reads the change through git, and no receipt is
// prepared for such an index.
func TestStagedIndexWithEmptyPathComponent(t *testing.T) {
	r := gittest.New(t)
	r.Write("d/top.txt", "x\n")
	r.Write("other.txt", "y\n")
	r.Commit("base")
	r.Write("other.txt", "y\nstaged-line\n")
	r.Git("add", "other.txt")
	file := filepath.Join(r.Dir, ".git", "index")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(data), "other.txt\x00", "/ther.txt\x00", 1)
	bad = bad[:len(bad)-20] + strings.Repeat("\x00", 20) // no checksum (index.skipHash)
	if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Staged(context.Background(), repo, 1<<20, BackendInProcess); err == nil || !strings.Contains(err.Error(), "empty component") {
		t.Errorf("in-process reader: %v, want the path refused", err)
	}
	ch, err := Staged(context.Background(), repo, 1<<20, "")
	if err != nil {
		t.Fatalf("automatic reader: %v", err)
	}
	if got := addedLines(ch); !slices.ContainsFunc(got, func(l string) bool { return strings.HasSuffix(l, ":staged-line") }) {
		t.Errorf("automatic reader read %q, want the staged line as git shows it", got)
	}
	if _, err := StagedTree(repo); err == nil {
		t.Error("a tree id for an index git would not write")
	}
}

// TestTruncatedIndexFailsClosed: the in-process reader does not check the
// index's trailing checksum (git does not either, outside fsck); its
// decoding alone must never make a cut index a change with the staged file
// gone, as git may read one (as far as it goes). Every length from the
// header to the last byte, on an index with a cache-tree and a staged file:
// an error, or (cut between extensions: the entries whole) the staged line.
func TestTruncatedIndexFailsClosed(t *testing.T) {
	r := gittest.New(t)
	for i := range 12 {
		r.Write(fmt.Sprintf("d%d/f%d.txt", i%3, i), fmt.Sprintf("line %d\n", i))
	}
	r.Commit("base")
	r.Write("z/staged.txt", "staged-line\n") // the last entry
	r.Git("add", "z/staged.txt")
	r.Git("write-tree") // the cache-tree, valid outside z
	file := filepath.Join(r.Dir, ".git", "index")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Staged(context.Background(), repo, 1<<20, BackendInProcess); err != nil {
		t.Fatalf("the whole index: %v", err)
	}
	for n := 1; n < len(data); n++ {
		if err := os.WriteFile(file, data[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		ch, err := Staged(context.Background(), repo, 1<<20, BackendInProcess)
		if err == nil && !slices.Contains(addedLines(ch), "z/staged.txt:1:staged-line") {
			t.Fatalf("index cut to %d of %d bytes: read %q, want an error or the staged line", n, len(data), addedLines(ch))
		}
	}
}
