package gitread

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/leakhook/leakhook/scan"

	"github.com/leakhook/leakhook/rules"
)

// IndexFiles returns the whole staged content of the given paths (relative
// to the top level), for explicit runs such as `pre-commit run --all-files`
// where the question is "is there a secret in these files", not "in this
// change". A path git does not track is read from the working tree; a path
// in neither is skipped silently, as git itself would (it was deleted).
func IndexFiles(ctx context.Context, repo *Repo, paths []string, maxSize int64) (*Changes, error) {
	want := map[string]bool{}
	for _, p := range paths {
		want[filepath.ToSlash(filepath.Clean(p))] = true
	}
	// One ls-files over the whole index, filtered here: no pathspec on argv,
	// so no argument-length limit whatever the number of files.
	out, err := runGit(ctx, repo.Root, "ls-files", "--stage", "-z")
	if err != nil {
		return nil, err
	}
	type entry struct{ path, id string }
	var entries []entry
	tracked := map[string]bool{}
	for _, rec := range bytes.Split(out, []byte{0}) {
		meta, path, ok := strings.Cut(string(rec), "\t")
		if !ok {
			continue
		}
		f := strings.Fields(meta) // mode id stage
		if len(f) != 3 || !want[path] {
			continue
		}
		tracked[path] = true
		if f[0] == "160000" || f[2] != "0" { // gitlinks; unmerged entries have no single content
			continue
		}
		entries = append(entries, entry{path, f[1]})
	}
	ch := &Changes{Backend: "git"}
	lfs := newLFSExpander(repo, maxSize, ch.add, ch.skip)
	if len(entries) > 0 {
		ids := make([]string, len(entries))
		for i, e := range entries {
			ids[i] = e.id
		}
		i := 0
		err := catBlobs(ctx, repo.Root, ids, maxSize, func(data []byte) error {
			i++
			return lfs.item(wholeFile(entries[i-1].path, data))
		}, func(r io.Reader) error {
			i++
			return inWindows(r, entries[i-1].path, maxSize, ch)
		})
		if err != nil {
			return nil, err
		}
	}
	for _, p := range paths {
		p = filepath.ToSlash(filepath.Clean(p))
		if tracked[p] {
			continue
		}
		full := filepath.Join(repo.Root, filepath.FromSlash(p))
		fi, err := os.Stat(full)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if fi.Size() > maxSize {
			f, err := os.Open(full)
			if err != nil {
				return nil, err
			}
			err = inWindows(f, p, maxSize, ch)
			f.Close()
			if err != nil {
				return nil, err
			}
			continue
		}
		data, err := os.ReadFile(full)
		if err != nil {
			return nil, err
		}
		ch.add(wholeFile(p, data))
	}
	return ch, nil
}

// inWindows reads a file over the size cap from r into ch as whole-file
// items of at most maxSize bytes each (patchParser.wholeFile).
func inWindows(r io.Reader, path string, maxSize int64, ch *Changes) error {
	p := newPatchParser(r, maxSize, ch.add, ch.skip)
	p.path = path
	if err := p.wholeFile(); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return nil
}

// wholeFile is an Item covering a whole file, every line counted as new.
func wholeFile(path string, data []byte) scan.Item {
	return scan.Item{Target: rules.Target{Path: path, Content: data, StartLine: 1}}
}

// catBlobs reads blobs with one `git cat-file --batch`, calling fn for each in
// order; a blob over maxSize is not held in memory: big reads it instead.
func catBlobs(ctx context.Context, dir string, ids []string, maxSize int64, fn func(data []byte) error, big func(r io.Reader) error) error {
	in := strings.NewReader(strings.Join(ids, "\n") + "\n")
	return streamGit(ctx, dir, in, func(r io.Reader) error {
		br := bufio.NewReaderSize(r, 64<<10)
		for range ids {
			_, size, err := catBlob(br)
			if err != nil {
				return err
			}
			if size <= maxSize {
				data := make([]byte, size)
				if _, err := io.ReadFull(br, data); err != nil {
					return err
				}
				if err := fn(data); err != nil {
					return err
				}
			} else {
				r := io.LimitReader(br, size)
				if err := big(r); err != nil {
					return err
				}
				if n, err := io.Copy(io.Discard, r); err != nil {
					return err
				} else if n > 0 {
					return fmt.Errorf("git cat-file: blob read short")
				}
			}
			if _, err := br.ReadByte(); err != nil { // the newline after the content
				return err
			}
		}
		return nil
	}, "cat-file", "--batch")
}
