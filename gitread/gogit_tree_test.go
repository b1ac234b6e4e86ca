package gitread

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/leakhook/leakhook/internal/gitobj"
	"github.com/leakhook/leakhook/internal/gittest"
	"github.com/leakhook/leakhook/rules"
)

// TestTreesParseAsGitListsThem: HEAD's commit and trees, parsed here since
// go-git's object package is no longer linked, give what git ls-tree says:
// every mode (file, executable, symlink, directory, submodule), names with
// spaces, and the ids. A malformed tree is an error, never a short list.
func TestTreesParseAsGitListsThem(t *testing.T) {
	r := gittest.New(t)
	r.Write("a file.txt", "x\n")
	r.Write("bin/run.sh", "#!/bin/sh\n")
	if err := os.Chmod(filepath.Join(r.Dir, "bin/run.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a file.txt", filepath.Join(r.Dir, "link")); err != nil {
		t.Skip(err)
	}
	r.Git("add", "-A")
	r.Git("update-index", "--add", "--cacheinfo", "160000,"+strings.Repeat("ab", 20)+",sub")
	head := r.Commit("trees")
	objs, err := gitobj.Open(filepath.Join(r.Dir, ".git", "objects"))
	if err != nil {
		t.Fatal(err)
	}
	defer objs.Close()
	st := &objectStore{objs}
	tree, err := st.commitTree(plumbing.NewHash(head))
	if err != nil {
		t.Fatal(err)
	}
	if want := r.Git("rev-parse", head+"^{tree}"); tree.String() != want {
		t.Fatalf("commit's tree %s, git says %s", tree, want)
	}
	var list func(h plumbing.Hash, prefix string) []string
	list = func(h plumbing.Hash, prefix string) []string {
		entries, err := st.tree(h)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, fmt.Sprintf("%06o %s\t%s%s", uint32(e.Mode), e.Hash, prefix, e.Name))
			if e.Mode == 0o040000 {
				out = append(out, list(e.Hash, prefix+e.Name+"/")...)
			}
		}
		return out
	}
	got := strings.Join(list(tree, ""), "\n")
	want := r.Git("ls-tree", "-r", "-t", "--format=%(objectmode) %(objectname)%x09%(path)", head)
	if got != want {
		t.Errorf("parsed:\n%s\ngit ls-tree:\n%s", got, want)
	}
	if _, err := st.tree(plumbing.NewHash(head)); err == nil {
		t.Error("a commit read as a tree")
	}
}

// TestMalformedHeadTreeNeverPasses (a hostile repository): HEAD's tree is
// written with git hash-object --literally and names the very blob that is
// staged, at the staged path, in an entry a reader must refuse: a mode that
// is not octal, an empty name, a truncated id. A reader that passed over
// the fault would take the staged file for unchanged and pass the secret in
// silence. Trees are parsed here now, not by go-git: whichever reader the
// hook picks, the secret is found or reading fails (the hook blocks, exit
// 2), as git itself fails.
func TestMalformedHeadTreeNeverPasses(t *testing.T) {
	for name, entry := range map[string]string{
		"mode not octal": "10x644 a.txt\x00%s",
		"empty name":     "100644 \x00%s",
		"truncated id":   "100644 a.txt\x00%.7s",
	} {
		t.Run(name, func(t *testing.T) {
			r := gittest.New(t)
			tok := ghToken(t, name)
			r.Write("a.txt", secretFile(tok))
			raw, err := hex.DecodeString(r.Git("hash-object", "-w", "a.txt"))
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("git", "hash-object", "-t", "tree", "--literally", "-w", "--stdin")
			cmd.Dir, cmd.Stdin = r.Dir, strings.NewReader(fmt.Sprintf(entry, raw))
			out, err := cmd.Output()
			if err != nil {
				t.Skipf("git hash-object --literally: %v", err)
			}
			r.Git("update-ref", "HEAD", r.Git("commit-tree", "-m", "hostile", strings.TrimSpace(string(out))))
			r.Git("add", "a.txt")
			ctx := context.Background()
			repo, err := Open(ctx, r.Dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, backend := range []string{BackendAuto, BackendInProcess, BackendGit} {
				ch, err := Staged(ctx, repo, rules.DefaultMaxFileSize, backend)
				if err != nil {
					t.Logf("backend %q: %v (the hook blocks)", backend, err)
					continue
				}
				if fs := scanAll(t, ch); !hasFinding(fs, "a.txt", tok) {
					t.Errorf("backend %q (%s) read the change without error and found nothing:\n%s", backend, ch.Backend, describe(fs))
				}
			}
		})
	}
}
