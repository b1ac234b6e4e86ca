package gitread

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/leakhook/leakhook/internal/gitobj"
	"github.com/leakhook/leakhook/internal/gittest"
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
