//go:build unix

package gitindex

import (
	"os"
	"syscall"
)

// readFile maps the index file read-only instead of reading it: an index of
// a large repository is megabytes, and copying it into fresh memory cost a
// hook run more than decoding it (~0.4 ms for 1.6 MB). The mapping is never
// unmapped, because entry names point into it; a process reads few indexes.
// git replaces an index by renaming a new file over it, never by rewriting
// it in place, so the mapped bytes do not change under us.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	if size < 64<<10 || size != int64(int(size)) {
		return os.ReadFile(path) // small: a copy is as cheap
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_PRIVATE)
	if err != nil {
		return os.ReadFile(path)
	}
	return data, nil
}
