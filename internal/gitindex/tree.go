package gitindex

import (
	"crypto/sha1"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unsafe"
)

const modeDir = 0o40000

// TreeID computes the id of the tree `git write-tree` would write from the
// index (what `git commit` records), without writing anything. Directories
// whose cache-tree record is valid are not re-hashed, so the cost follows
// the staged change plus one pass over the entries. It errs on what it does
// not model: unmerged entries and sparse-index directory entries.
func (idx *Index) TreeID() ([20]byte, error) {
	if idx.unmodelled != nil {
		return [20]byte{}, idx.unmodelled // of an entry ReadSparse passed over
	}
	entries := make([]*Entry, 0, len(idx.Entries))
	for i := range idx.Entries {
		e := &idx.Entries[i]
		if err := unmodelled(e); err != nil {
			return [20]byte{}, err
		}
		if e.IntentToAdd {
			continue // git commits intent-to-add entries as absent
		}
		entries = append(entries, e)
	}
	h, _ := hashTree("", entries, idx.ValidTrees())
	return h, nil
}

// unmodelled is the error for an entry TreeID does not model: an unmerged
// one, or a sparse index's directory.
func unmodelled(e *Entry) error {
	switch {
	case e.Stage != 0:
		return fmt.Errorf("%s is unmerged", e.Name)
	case e.Mode == modeDir:
		return fmt.Errorf("sparse index entry %s", e.Name)
	}
	return nil
}

// TreeIDOf is TreeID of the index file at path, read unverified, for a
// caller that needs only the tree id (the pre-commit's scan receipt): it
// holds no entry of a directory whose cache-tree record is valid but the
// first, which stands for the directory (ReadSparse), so on a 15k-file tree
// with a few files staged it keeps a few hundred entries instead of decoding
// all of them into fresh memory (page faults were most of its cost).
func TreeIDOf(path string) ([20]byte, error) {
	data, err := readFile(path)
	if err != nil {
		return [20]byte{}, err
	}
	h, err := treeIDOf(data)
	if err != nil {
		return h, fmt.Errorf("%s: %v", path, err)
	}
	return h, nil
}

// treeIDOf is TreeIDOf of the index held in data.
func treeIDOf(data []byte) ([20]byte, error) {
	idx, err := decodeSparse(data)
	if err != nil {
		return [20]byte{}, err
	}
	return idx.TreeID()
}

// ReadSparse reads the index file at path, unverified (as ReadUnverified),
// keeping what a reader that trusts the cache-tree needs: of each topmost
// directory whose cache-tree record is valid, only its first entry that is
// not intent-to-add, which stands for the directory, and its intent-to-add
// ones; every other entry whole. Index.Sparse is set. A directory's entries
// are contiguous (the index is in path order), so the rest of a valid one
// is passed over without being kept: on a 100,000-file index with one file
// staged, a few hundred entries instead of 6 MB of fresh memory.
func ReadSparse(path string) (*Index, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	idx, err := decodeSparse(data)
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %v", path, err)
	}
	return idx, nil
}

// decodeSparse is ReadSparse of the index held in data.
func decodeSparse(data []byte) (*Index, error) {
	if err := checkDIRC(data); err != nil {
		return nil, err
	}
	body, sum := data[:len(data)-sha1.Size], data[len(data)-sha1.Size:]
	idx, n, err := header(data, body)
	if err != nil {
		return nil, err
	}
	copy(idx.Checksum[:], sum)
	idx.Sparse = true
	s := unsafe.String(unsafe.SliceData(body), len(body))
	// walk decodes every entry, in order, into e.
	var e Entry
	walk := func(each func() error) (int, error) {
		off, prev := 12, ""
		for i := range n {
			if off, err = decodeEntry(&e, body, s, off, idx.Version, prev, i); err != nil {
				return 0, err
			}
			prev = e.Name
			if err := each(); err != nil {
				return 0, err
			}
		}
		return off, nil
	}
	// First: what TreeID refuses, and where the cache tree is.
	end, err := walk(func() error {
		if idx.unmodelled == nil {
			idx.unmodelled = unmodelled(&e)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := parseExtensions(idx, body, s, end); err != nil {
		return nil, err
	}
	valid := idx.ValidTrees()
	if _, ok := valid[""]; ok {
		return idx, nil // the root stands for every entry
	}
	// Then the entries to keep: all but those after the first of a valid
	// directory (valid directories are the topmost).
	if len(valid) == 0 {
		idx.Entries = make([]Entry, 0, n) // every one
	}
	skip, stands := "", false // "dir/" of the valid directory being passed over; whether an entry stands for it
	if _, err := walk(func() error {
		if skip == "" || !strings.HasPrefix(e.Name, skip) {
			skip, stands = "", false
			for i := range len(e.Name) {
				if e.Name[i] == '/' {
					if _, ok := valid[e.Name[:i]]; ok {
						skip = e.Name[:i+1]
						break
					}
				}
			}
		}
		if skip != "" && !e.IntentToAdd {
			if stands {
				return nil
			}
			stands = true
		}
		idx.Entries = append(idx.Entries, e)
		return nil
	}); err != nil {
		return nil, err
	}
	return idx, nil
}

type treeEntry struct {
	name string
	mode uint32
	hash [20]byte
}

// hashTree hashes directory dir from its entries (all under dir, in index
// order). ok is false for a directory left empty, which git omits.
func hashTree(dir string, entries []*Entry, valid map[string][20]byte) (h [20]byte, ok bool) {
	if h, ok := valid[dir]; ok {
		return h, true
	}
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	var out []treeEntry
	for i := 0; i < len(entries); {
		rest := entries[i].Name[len(prefix):]
		sub, _, isDir := strings.Cut(rest, "/")
		if !isDir {
			out = append(out, treeEntry{rest, entries[i].Mode, entries[i].Hash})
			i++
			continue
		}
		subPrefix := prefix + sub + "/"
		j := i + 1
		for j < len(entries) && strings.HasPrefix(entries[j].Name, subPrefix) {
			j++
		}
		if h, ok := hashTree(prefix+sub, entries[i:j], valid); ok {
			out = append(out, treeEntry{sub, modeDir, h})
		}
		i = j
	}
	if len(out) == 0 && dir != "" {
		return h, false
	}
	// Git orders tree entries by name, comparing a directory as "name/".
	key := func(e treeEntry) string {
		if e.mode == modeDir {
			return e.name + "/"
		}
		return e.name
	}
	sort.SliceStable(out, func(a, b int) bool { return key(out[a]) < key(out[b]) })
	var body []byte
	for _, e := range out {
		body = strconv.AppendUint(body, uint64(e.mode), 8)
		body = append(body, ' ')
		body = append(body, e.name...)
		body = append(body, 0)
		body = append(body, e.hash[:]...)
	}
	s := sha1.New()
	s.Write([]byte("tree " + strconv.Itoa(len(body)) + "\x00"))
	s.Write(body)
	copy(h[:], s.Sum(nil))
	return h, true
}
