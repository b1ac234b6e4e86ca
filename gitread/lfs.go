package gitread

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sync"

	"github.com/leakhook/leakhook/scan"
)

// Files tracked by Git LFS are committed as pointers; their content is in
// the local LFS store (.git/lfs/objects/ab/cd/abcd…), where git lfs's clean
// filter put it when the file was staged. A pointer in a change is replaced
// by that content, scanned whole, in windows like any file over the size
// cap; without the object it is reported as not scanned, never passed.

// lfsPointer matches a Git LFS pointer file (spec v1: version, then keys in
// order, oid and size among them; at most 1024 bytes).
var lfsPointer = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\Aversion https://git-lfs\.github\.com/spec/v1\n(?:[a-z0-9.-]+ [^\n]*\n)*?oid sha256:([0-9a-f]{64})\n(?:[a-z0-9.-]+ [^\n]*\n)*\z`)
})

// lfsExpander replaces LFS pointers among a reader's items by the content
// they point at.
type lfsExpander struct {
	dir     string // the LFS object store
	maxSize int64
	emit    func(scan.Item) error
	skip    func(scan.Skipped)
}

func newLFSExpander(repo *Repo, maxSize int64, emit func(scan.Item) error, skip func(scan.Skipped)) *lfsExpander {
	return &lfsExpander{filepath.Join(repo.CommonDir, "lfs", "objects"), maxSize, emit, skip}
}

// item hands it on, or, when it is a whole LFS pointer with an added line,
// the content of the object it points at.
func (x *lfsExpander) item(it scan.Item) error {
	c := it.Content
	if it.StartLine > 1 || len(c) > 1024 || !bytes.HasPrefix(c, []byte("version https://git-lfs")) || !anyTrue(it.Added) {
		return x.emit(it)
	}
	m := lfsPointer().FindSubmatch(c)
	if m == nil {
		return x.emit(it)
	}
	oid := string(m[1])
	f, err := os.Open(filepath.Join(x.dir, oid[:2], oid[2:4], oid))
	if os.IsNotExist(err) {
		x.skip(scan.Skipped{Path: it.Path, Reason: "not scanned (LFS): the Git LFS object " + oid[:12] + " is not in this repository's LFS store", Commit: it.Commit})
		return x.emit(it) // the pointer itself is scanned as text
	}
	if err != nil {
		return fmt.Errorf("%s: reading its Git LFS object: %v", it.Path, err)
	}
	defer f.Close()
	p := newPatchParser(f, x.maxSize, x.emit, x.skip)
	p.path, p.commit = it.Path, it.Commit
	if err := p.wholeFile(); err != nil {
		return fmt.Errorf("%s: reading its Git LFS object: %v", it.Path, err)
	}
	return nil
}

func anyTrue(b []bool) bool {
	if b == nil {
		return true
	}
	for _, v := range b {
		if v {
			return true
		}
	}
	return false
}
