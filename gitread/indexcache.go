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
	path string
	idx  *gitindex.Index
}

// loadIndex returns the index file at path, decoded sparse
// (gitindex.ReadSparse: a directory whose cache-tree record is valid holds
// the one entry that stands for it). A cached copy is used
// only when the file's checksum (a SHA-1 of everything before it, read with
// one small read) is the cached one's, so a rewritten index is never missed;
// an index without a checksum (index.skipHash) is always decoded afresh.
//
// The checksum itself is not checked (git does not check it either, outside
// fsck): the decoding is, on its own, what refuses a truncated or damaged
// index. Every count and size it reads is checked against the bytes there
// are, so an index cut anywhere is an error, where git reads one as far as
// it goes (TestTruncatedIndexFailsClosed). The SHA-1 was 40% of the
// in-process reader's time on a 100,000-file index (8.8 MB).
func loadIndex(path string) (*gitindex.Index, error) {
	lastIndex.Lock()
	defer lastIndex.Unlock()
	if c := cached(path); c != nil {
		return c, nil
	}
	idx, err := gitindex.ReadSparse(path)
	if err != nil {
		return nil, err
	}
	lastIndex.path, lastIndex.idx = path, idx
	return idx, nil
}

// cachedIndex is the decoded index file at path when a reader already
// decoded it (as loadIndex(path) would return it), or nil.
func cachedIndex(path string) *gitindex.Index {
	lastIndex.Lock()
	defer lastIndex.Unlock()
	return cached(path)
}

// cached is lastIndex's copy of the index at path if it is current;
// lastIndex is locked.
func cached(path string) *gitindex.Index {
	if c := lastIndex.idx; c != nil && lastIndex.path == path && c.Checksum != ([20]byte{}) {
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
