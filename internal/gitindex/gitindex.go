// Package gitindex reads git's index file (versions 2, 3 and 4, SHA-1) in one
// pass over one buffer, for the pre-commit path.
//
// Why not go-git's decoder: it reads each entry field by field through
// encoding/binary with reflection (~330k allocations, ~25 ms for a 15k-entry
// index), and it drops invalidated cache-tree records, which breaks the
// record tree's shape: as soon as anything is staged the root record is
// invalid, so every cache-tree record becomes unusable and the whole index
// must be re-hashed. This reader keeps invalid records (Entries < 0), so the
// still-valid subtrees can be reused, and allocates one slice per index.
package gitindex

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unsafe"
)

// Entry is one index entry. Name shares memory with the index buffer.
type Entry struct {
	Name         string
	Mode         uint32
	Hash         [20]byte
	Size         uint32
	Stage        int // 0 normal, 1-3 unmerged
	AssumeValid  bool
	SkipWorktree bool
	IntentToAdd  bool
}

// TreeRecord is one cache-tree ("TREE" extension) record, in git's pre-order.
// Path is the directory's own name (not its full path); the root's is "".
// Entries < 0 marks a record invalidated by a later change: its Hash is
// zero, but its Subtrees still follow it.
type TreeRecord struct {
	Path     string
	Entries  int
	Subtrees int
	Hash     [20]byte
}

// Index is a decoded index file.
type Index struct {
	Version    uint32
	Entries    []Entry
	Tree       []TreeRecord
	Extensions []string // signatures of every extension present, in order
	Checksum   [20]byte // the trailing SHA-1 (all zeros under index.skipHash)
	// Sparse is set on an Index read by ReadSparse: a topmost directory
	// whose cache-tree record is valid holds one entry (and its
	// intent-to-add ones), which stands for it; the rest were passed over.
	Sparse bool
	// unmodelled is TreeID's error for an entry ReadSparse passed over.
	unmodelled error
}

// Read reads and decodes the index file at path.
func Read(path string) (*Index, error) { return readIndex(path, true) }

// ReadUnverified is Read without checking the trailing SHA-1, for a caller
// that reads an index git itself has just read, and so verified (the check
// is ~0.9 ms of CPU on a 1.6 MB index, on every commit).
func ReadUnverified(path string) (*Index, error) { return readIndex(path, false) }

func readIndex(path string, verify bool) (*Index, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	idx, err := decode(data, verify)
	if err != nil {
		return nil, fmt.Errorf("decoding %s: %v", path, err)
	}
	return idx, nil
}

var errShort = errors.New("truncated index")

// Verify checks the index file at path against its trailing checksum
// without decoding it: the SHA-1 of everything before it or, in a sha256
// repository, the SHA-256 (either may be all zeros, as index.skipHash
// writes it). git checks it only in fsck, not when it reads an index, so a
// truncated or damaged index is read by git as far as it goes; a reader
// that relies on git must check it here.
func Verify(path string) error {
	data, err := readFile(path)
	if err != nil {
		return err
	}
	if len(data) < 12+sha1.Size || string(data[:4]) != "DIRC" {
		return fmt.Errorf("%s is not a git index (no DIRC header)", path)
	}
	if sum := data[len(data)-sha1.Size:]; allZero(sum) {
		return nil
	} else if got := sha1.Sum(data[:len(data)-sha1.Size]); bytes.Equal(got[:], sum) {
		return nil
	}
	if len(data) >= 12+sha256.Size {
		if sum := data[len(data)-sha256.Size:]; allZero(sum) {
			return nil
		} else if got := sha256.Sum256(data[:len(data)-sha256.Size]); bytes.Equal(got[:], sum) {
			return nil
		}
	}
	return fmt.Errorf("%s is damaged or truncated (index checksum mismatch)", path)
}

// Parse decodes an index held in data. It verifies the trailing SHA-1
// (unless it is all zeros, as index.skipHash writes it). The Index shares
// data's memory (an index of a large repository is megabytes; copying it cost
// as much as the checksum), so data must not change while the Index is used.
func Parse(data []byte) (*Index, error) { return decode(data, true) }

func decode(data []byte, verify bool) (*Index, error) {
	if err := checkDIRC(data); err != nil {
		return nil, err
	}
	body, sum := data[:len(data)-sha1.Size], data[len(data)-sha1.Size:]
	if !verify {
		return parse(data, body, sum)
	}
	// The checksum is computed beside the decoding (each ~1 ms on a 17k-entry
	// index); a mismatch wins over whatever the decoding found.
	verified := make(chan bool, 1)
	go func() {
		if allZero(sum) { // index.skipHash: no checksum to check
			verified <- true
			return
		}
		got := sha1.Sum(body)
		verified <- bytes.Equal(got[:], sum)
	}()
	idx, err := parse(data, body, sum)
	if !<-verified {
		return nil, errors.New("index checksum mismatch")
	}
	return idx, err
}

func parse(data, body, sum []byte) (*Index, error) {
	idx, n, err := header(data, body)
	if err != nil {
		return nil, err
	}
	copy(idx.Checksum[:], sum)
	s := unsafe.String(unsafe.SliceData(body), len(body)) // every Name is a substring of it
	idx.Entries = make([]Entry, n)
	off := 12
	prev := ""
	for i := range idx.Entries {
		if off, err = decodeEntry(&idx.Entries[i], body, s, off, idx.Version, prev, i); err != nil {
			return nil, err
		}
		prev = idx.Entries[i].Name
	}
	if err := parseExtensions(idx, body, s, off); err != nil {
		return nil, err
	}
	return idx, nil
}

// checkDIRC checks that data can be an index: its signature, and room for
// a header and a checksum.
func checkDIRC(data []byte) error {
	if len(data) < 12+sha1.Size || string(data[:4]) != "DIRC" {
		return errors.New("not a git index (no DIRC header)")
	}
	return nil
}

// header checks the index's version and how many entries it claims.
func header(data, body []byte) (*Index, int, error) {
	idx := &Index{Version: binary.BigEndian.Uint32(data[4:8])}
	if idx.Version < 2 || idx.Version > 4 {
		return nil, 0, fmt.Errorf("unsupported index version %d", idx.Version)
	}
	n := binary.BigEndian.Uint32(data[8:12])
	if uint64(n) > uint64(len(body))/62 {
		return nil, 0, fmt.Errorf("index claims %d entries in %d bytes", n, len(body))
	}
	return idx, int(n), nil
}

// decodeEntry decodes entry i, at off in body (s is body as a string), into
// e and returns where the next one starts. prev is entry i-1's name (index
// v4 names are relative to it).
func decodeEntry(e *Entry, body []byte, s string, off int, version uint32, prev string, i int) (int, error) {
	start := off
	if off+62 > len(s) {
		return 0, errShort
	}
	*e = Entry{}
	e.Mode = binary.BigEndian.Uint32(body[off+24:])
	e.Size = binary.BigEndian.Uint32(body[off+36:])
	copy(e.Hash[:], body[off+40:off+60])
	flags := binary.BigEndian.Uint16(body[off+60:])
	e.AssumeValid = flags&0x8000 != 0
	e.Stage = int(flags>>12) & 3
	off += 62
	if flags&0x4000 != 0 {
		if version < 3 {
			return 0, fmt.Errorf("entry %d: extended flags in a version 2 index", i)
		}
		if off+2 > len(s) {
			return 0, errShort
		}
		x := binary.BigEndian.Uint16(body[off:])
		e.SkipWorktree = x&0x4000 != 0
		e.IntentToAdd = x&0x2000 != 0
		off += 2
	}
	if version == 4 {
		strip, k := varint(body[off:])
		if k == 0 || strip > uint64(len(prev)) {
			return 0, fmt.Errorf("entry %d: bad path prefix", i)
		}
		off += k
		end := bytes.IndexByte(body[off:], 0)
		if end < 0 {
			return 0, errShort
		}
		e.Name = prev[:len(prev)-int(strip)] + s[off:off+end]
		off += end + 1
	} else {
		end := bytes.IndexByte(body[off:], 0)
		if end < 0 {
			return 0, errShort
		}
		e.Name = s[off : off+end]
		// NUL padding to a multiple of 8 bytes, at least one.
		off = start + (off-start+end+8)&^7
		if off > len(s) {
			return 0, errShort
		}
	}
	// A path with an empty component ("/x", "a//b", "a/"), which git never
	// writes, sent the tree id's hashing into itself until the stack ran
	// out (a fatal error, found by FuzzParse) and the in-process staged
	// reader round in a loop; refused here, the in-process reader's caller
	// reads the change through git instead.
	if e.Name == "" || e.Name[0] == '/' || e.Name[len(e.Name)-1] == '/' || strings.Contains(e.Name, "//") {
		return 0, fmt.Errorf("entry %d: path %q has an empty component", i, e.Name)
	}
	return off, nil
}

// parseExtensions reads the extensions from off to the end of body into idx.
func parseExtensions(idx *Index, body []byte, s string, off int) error {
	for off < len(body) {
		if off+8 > len(body) {
			return errShort
		}
		sig := s[off : off+4]
		size := binary.BigEndian.Uint32(body[off+4:])
		off += 8
		if uint64(size) > uint64(len(body)-off) {
			return fmt.Errorf("extension %q: %v", sig, errShort)
		}
		ext := s[off : off+int(size)]
		off += int(size)
		idx.Extensions = append(idx.Extensions, sig)
		switch {
		case sig == "TREE":
			t, err := parseTree(ext)
			if err != nil {
				return fmt.Errorf("cache tree: %v", err)
			}
			idx.Tree = t
		case sig[0] < 'A' || sig[0] > 'Z':
			// Required extensions (split index "link", sparse "sdir" is
			// optional but changes meaning) cannot be ignored.
			return fmt.Errorf("unsupported index extension %q", sig)
		}
	}
	return nil
}

func parseTree(s string) ([]TreeRecord, error) {
	// Each record holds one '\n' after its counts (a hash may hold more):
	// one slice, not one regrown a dozen times over.
	out := make([]TreeRecord, 0, strings.Count(s, "\n"))
	for len(s) > 0 {
		var r TreeRecord
		nul := strings.IndexByte(s, 0)
		nl := strings.IndexByte(s, '\n')
		if nul < 0 || nl < nul {
			return nil, errShort
		}
		r.Path = s[:nul]
		counts := s[nul+1 : nl]
		sp := strings.IndexByte(counts, ' ')
		if sp < 0 {
			return nil, errors.New("bad record counts")
		}
		var err1, err2 error
		r.Entries, err1 = strconv.Atoi(counts[:sp])
		r.Subtrees, err2 = strconv.Atoi(counts[sp+1:])
		if err1 != nil || err2 != nil || r.Subtrees < 0 {
			return nil, errors.New("bad record counts")
		}
		s = s[nl+1:]
		if r.Entries >= 0 {
			if len(s) < 20 {
				return nil, errShort
			}
			copy(r.Hash[:], s[:20])
			s = s[20:]
		}
		out = append(out, r)
	}
	return out, nil
}

// ValidTrees maps the topmost directories (full path, "" for the root)
// whose cache-tree record is valid to their tree id: valid directories whose
// parent is not. Their subdirectories are valid too, so readers that stop at
// the first valid directory on the way down need no more, and on a clean
// index this is one entry instead of one per directory. It walks the records
// in git's pre-order; if their shape does not add up it returns an empty map
// (no shortcut is better than a wrong one).
func (idx *Index) ValidTrees() map[string][20]byte { return idx.validTrees(false) }

// AllValidTrees is ValidTrees with the valid directories under a valid
// one too: for a reader that may go down a valid directory whose id is not
// the one it compares with (an index written for another commit).
func (idx *Index) AllValidTrees() map[string][20]byte { return idx.validTrees(true) }

func (idx *Index) validTrees(nested bool) map[string][20]byte {
	out := map[string][20]byte{}
	if len(idx.Tree) == 0 || idx.Tree[0].Path != "" {
		return out
	}
	i := 0
	// visit consumes the record for dir and its subtrees; under a valid
	// directory (record false) it only checks their shape.
	var visit func(dir string, depth int, record bool) bool
	visit = func(dir string, depth int, record bool) bool {
		if i >= len(idx.Tree) || depth > 4096 {
			return false
		}
		r := idx.Tree[i]
		i++
		if depth > 0 {
			if r.Path == "" {
				return false
			}
			if record && dir != "" {
				dir += "/" + r.Path
			} else if record {
				dir = r.Path
			}
		}
		if record && r.Entries >= 0 {
			out[dir] = r.Hash
			record = nested
		}
		for k := 0; k < r.Subtrees; k++ {
			if !visit(dir, depth+1, record) {
				return false
			}
		}
		return true
	}
	if !visit("", 0, true) || i != len(idx.Tree) {
		return map[string][20]byte{}
	}
	return out
}

// varint decodes git's offset varint (the one index v4 uses), returning the
// value and the bytes read (0 on malformed input).
func varint(b []byte) (uint64, int) {
	if len(b) == 0 {
		return 0, 0
	}
	c := b[0]
	v := uint64(c & 127)
	k := 1
	for c&128 != 0 {
		if k >= len(b) || k > 9 {
			return 0, 0
		}
		c = b[k]
		k++
		v = ((v + 1) << 7) | uint64(c&127)
	}
	return v, k
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
