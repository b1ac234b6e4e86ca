package gitread

import (
	"bytes"
	"context"
	"io"
	"strings"
)

// HeadFiles returns every file tracked at HEAD, read from the object store
// (not the working tree, which may hold uncommitted edits): one ls-tree lists
// the blobs and one cat-file streams them. Symlinks and submodules are not
// files; blobs over maxSize are read in windows of that size. An unborn HEAD has no
// files.
func HeadFiles(ctx context.Context, repo *Repo, maxSize int64) (*Changes, error) {
	ch := &Changes{Backend: "git"}
	head, err := HeadCommit(ctx, repo)
	if err != nil || head == "" {
		return ch, err // "": an unborn branch has no files
	}
	out, err := runGit(ctx, repo.Root, "ls-tree", "-r", "-z", "-l", "--full-tree", head)
	if err != nil {
		return nil, err
	}
	var ids, paths []string
	for _, rec := range bytes.Split(bytes.TrimSuffix(out, []byte{0}), []byte{0}) {
		meta, path, ok := strings.Cut(string(rec), "\t")
		f := strings.Fields(meta) // mode type id size
		if !ok || len(f) != 4 || f[1] != "blob" || f[0] == "120000" {
			continue
		}
		ids, paths = append(ids, f[2]), append(paths, path)
	}
	if len(ids) == 0 {
		return ch, nil
	}
	i := 0
	lfs := newLFSExpander(repo, maxSize, ch.add, ch.skip)
	err = catBlobs(ctx, repo.Root, ids, maxSize, func(data []byte) error {
		i++
		return lfs.item(wholeFile(paths[i-1], data))
	}, func(r io.Reader) error {
		i++
		return inWindows(r, paths[i-1], maxSize, ch)
	})
	if err != nil {
		return nil, err
	}
	return ch, nil
}
