package gitread

import (
	"bytes"
	"os"
	"sync"

	"github.com/leakhook/leakhook/internal/gitindex"
)

// lastIndex is the index file decoded last, keyed by its path and trailing
// checksum: during one commit the staged reader and the scan receipt both
// need it (decoding costs ~2.5 ms on a 17k-entry index), concurrently.
var lastIndex struct {
	sync.Mutex
	path     string
	idx      *gitindex.Index
	verified bool // its checksum was checked
}

// loadIndex returns the decoded index file at path. A cached copy is used
// only when the file's checksum (a SHA-1 of everything before it, read with
// one small read) is the cached one's, so a rewritten index is never missed;
// an index without a checksum (index.skipHash) is always decoded afresh.
// verify asks for the checksum to be checked (gitindex.ReadUnverified says
// who may skip it).
func loadIndex(path string, verify bool) (*gitindex.Index, error) {
	lastIndex.Lock()
	defer lastIndex.Unlock()
	if c := cached(path, verify); c != nil {
		return c, nil
	}
	read := gitindex.ReadUnverified
	if verify {
		read = gitindex.Read
	}
	idx, err := read(path)
	if err != nil {
		return nil, err
	}
	lastIndex.path, lastIndex.idx, lastIndex.verified = path, idx, verify
	return idx, nil
}

// cachedIndex is the decoded index file at path when a reader already
// decoded it (as loadIndex(path, false) would return it), or nil.
func cachedIndex(path string) *gitindex.Index {
	lastIndex.Lock()
	defer lastIndex.Unlock()
	return cached(path, false)
}

// cached is lastIndex's copy of the index at path if it is current and,
// if verify, verified; lastIndex is locked.
func cached(path string, verify bool) *gitindex.Index {
	if c := lastIndex.idx; c != nil && lastIndex.path == path && c.Checksum != ([20]byte{}) && (lastIndex.verified || !verify) {
		if sum, ok := indexChecksum(path); ok && bytes.Equal(sum[:], c.Checksum[:]) {
			return c
		}
	}
	return nil
}

// indexChecksum reads the last 20 bytes of the index file.
func indexChecksum(path string) (sum [20]byte, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return sum, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() < 32 {
		return sum, false
	}
	_, err = f.ReadAt(sum[:], fi.Size()-20)
	return sum, err == nil
}
