package gitread

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/leakhook/leakhook/scan"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/utils/diff"
	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/sourcegraph/conc/iter"

	"github.com/leakhook/leakhook/internal/gitindex"
	"github.com/leakhook/leakhook/internal/gitobj"
)

// contextLines matches the -U3 the CLI backend asks git for.
const contextLines = 3

// gogitStaged reads the staged changes in-process: the index file git is
// committing from (decoded here, since go-git ignores GIT_INDEX_FILE) against
// HEAD's tree. Unchanged directories are skipped with the index's cache-tree,
// so the work follows the size of the change, not of the repository.
func gogitStaged(ctx context.Context, repo *Repo, maxSize int64) (*Changes, error) {
	objs, err := gitobj.Open(filepath.Join(repo.CommonDir, "objects"))
	if err != nil {
		return nil, err
	}
	defer objs.Close()
	st := &objectStore{objs}

	idx, err := loadIndex(repo.IndexFile())
	if err != nil {
		return nil, err
	}
	head, err := headTree(ctx, repo, st)
	if err != nil {
		return nil, err
	}
	d := &indexDiff{st: st, valid: idx.ValidTrees(), sparse: idx.Sparse}
	err = d.dir("", idx.Entries, head)
	if err == errPassedOver {
		// A directory the cache-tree holds valid differs from HEAD's (the
		// index was written for another commit): its entries are needed,
		// and the valid directories under it may still be HEAD's.
		if idx, err = gitindex.ReadUnverified(repo.IndexFile()); err != nil {
			return nil, err
		}
		d = &indexDiff{st: st, valid: idx.AllValidTrees()}
		err = d.dir("", idx.Entries, head)
	}
	if err != nil {
		return nil, err
	}
	changes := d.changes
	sort.Slice(changes, func(i, j int) bool { return changes[i].path < changes[j].path })
	// Renames, as git diff -M sees them: an added file whose content a deleted
	// file had is not new, and one mostly like a deleted file is diffed against it.
	renamed := findRenames(st, changes, d.deleted, maxSize)

	// Files are read and diffed in parallel: inflating and diffing them is
	// most of the work on a large change.
	type result struct {
		items []scan.Item
	}
	var todo []change
	for _, c := range changes {
		if !renamed[c.path] {
			todo = append(todo, c)
		}
	}
	mapper := iter.Mapper[change, result]{MaxGoroutines: runtime.GOMAXPROCS(0)}
	results, err := mapper.MapErr(todo, func(c *change) (result, error) {
		if err := ctx.Err(); err != nil {
			return result{}, err
		}
		// A blob over the size cap is not held in memory: the error sends
		// the whole change to the git CLI reader, which scans it in windows.
		newBlob, err := readBlob(st, c.new, maxSize)
		if err != nil {
			return result{}, fmt.Errorf("%s: %v", c.path, err)
		}
		var oldBlob []byte
		if c.hasOld {
			if oldBlob, err = readBlob(st, c.old, maxSize); err != nil {
				return result{}, fmt.Errorf("%s (HEAD): %v", c.path, err)
			}
		}
		return result{items: hunksOf(c.path, oldBlob, newBlob)}, nil
	})
	if err != nil {
		return nil, err
	}
	ch := &Changes{Backend: BackendInProcess}
	for _, r := range results {
		for _, it := range r.items {
			ch.add(it)
		}
	}
	return ch, nil
}

// headTree returns the id of HEAD's tree, or nil on an unborn branch.
func headTree(ctx context.Context, repo *Repo, st *objectStore) (*plumbing.Hash, error) {
	id, err := HeadCommit(ctx, repo)
	if err != nil || id == "" {
		return nil, err // "": unborn branch, everything staged is new
	}
	tree, err := st.commitTree(plumbing.NewHash(id))
	if err != nil {
		return nil, fmt.Errorf("reading HEAD commit: %v", err)
	}
	return &tree, nil
}

// change is a staged file whose content differs from HEAD's.
type change struct {
	path     string
	new, old plumbing.Hash
	hasOld   bool
}

// indexDiff compares the index with HEAD's tree directory by directory,
// skipping every directory whose cache-tree id equals HEAD's: the work
// follows the size of the change, not of the repository.
type indexDiff struct {
	st      *objectStore
	valid   map[string][20]byte // topmost directories with a valid cache-tree id
	sparse  bool                // the index holds one entry of each valid directory (gitindex.ReadSparse)
	changes []change
	deleted []deletedFile // HEAD's files gone from the index (rename sources)
}

// errPassedOver: a sparse index's directory must be compared, and its
// entries were passed over.
var errPassedOver = errors.New("a valid directory's entries were passed over")

// deletedFile is a file of HEAD that the index no longer has.
type deletedFile struct {
	path string
	hash plumbing.Hash
}

// dir compares directory dir: es are the index entries under it (in index
// order, so each subdirectory's entries are contiguous), head its tree in
// HEAD (nil if HEAD has no such directory).
func (d *indexDiff) dir(dir string, es []gitindex.Entry, head *plumbing.Hash) error {
	if v, ok := d.valid[dir]; ok {
		if head != nil && plumbing.Hash(v) == *head {
			return nil
		}
		if d.sparse {
			return errPassedOver
		}
	}
	headEntries := map[string]treeEntry{}
	if head != nil {
		entries, err := d.st.tree(*head)
		if err != nil {
			return fmt.Errorf("reading HEAD's tree of %q: %v", dir, err)
		}
		for _, e := range entries {
			headEntries[e.Name] = e
		}
	}
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	files, dirs := map[string]bool{}, map[string]bool{} // names the index has in dir
	for i := 0; i < len(es); {
		e := &es[i]
		rest := e.Name[len(prefix):]
		if sub, _, isDir := strings.Cut(rest, "/"); isDir {
			j, in := i+1, prefix+sub+"/"
			for j < len(es) && strings.HasPrefix(es[j].Name, in) {
				j++
			}
			var subHead *plumbing.Hash
			if h, ok := headEntries[sub]; ok && h.Mode == filemode.Dir {
				subHead = &h.Hash
			}
			dirs[sub] = true
			if err := d.dir(prefix+sub, es[i:j], subHead); err != nil {
				return err
			}
			i = j
			continue
		}
		i++
		files[rest] = true
		// Unmerged entries cannot be committed; intent-to-add ones are
		// committed as absent; submodules are guarded by their own hook.
		if e.Stage != 0 || e.IntentToAdd || filemode.FileMode(e.Mode) == filemode.Submodule {
			continue
		}
		old, ok := headEntries[rest]
		if ok && old.Mode == filemode.Dir {
			ok = false // a directory in HEAD became a file
		}
		if ok && old.Hash == plumbing.Hash(e.Hash) {
			continue
		}
		c := change{path: e.Name, new: plumbing.Hash(e.Hash)}
		if ok && old.Mode != filemode.Submodule {
			c.old, c.hasOld = old.Hash, true
		}
		d.changes = append(d.changes, c)
	}
	for name, e := range headEntries {
		switch {
		case e.Mode == filemode.Submodule:
		case e.Mode == filemode.Dir && !dirs[name]:
			if err := d.gone(prefix+name, e.Hash); err != nil {
				return err
			}
		case e.Mode != filemode.Dir && !files[name]:
			d.deleted = append(d.deleted, deletedFile{prefix + name, e.Hash})
		}
	}
	return nil
}

// gone records every file of HEAD's directory dir (tree h) as deleted.
func (d *indexDiff) gone(dir string, h plumbing.Hash) error {
	entries, err := d.st.tree(h)
	if err != nil {
		return fmt.Errorf("reading HEAD's tree of %q: %v", dir, err)
	}
	for _, e := range entries {
		switch e.Mode {
		case filemode.Dir:
			if err := d.gone(dir+"/"+e.Name, e.Hash); err != nil {
				return err
			}
		case filemode.Submodule:
		default:
			d.deleted = append(d.deleted, deletedFile{dir + "/" + e.Name, e.Hash})
		}
	}
	return nil
}

var errTooLarge = fmt.Errorf("blob larger than the size cap")

// renameLimit bounds inexact rename detection, as git's diff.renameLimit
// does: with more than renameLimit² added × deleted pairs, git looks for
// exact renames only.
const renameLimit = 1000

// findRenames pairs added files among changes (sorted by path) with deleted
// ones the way git diff -M does, each deleted file used once, in git's three
// passes: identical content (a deleted file with the same base name
// preferred); then a file whose base name is unique among the deleted and
// among the added files, to the one of the same base name if they are 75%
// alike; then by similarity at git's default threshold of 50%, where git
// keeps only each added file's four best candidates and takes the
// best-scoring pairs first. Added files paired by identical content are
// returned (nothing of them is new); the others get their source as their
// old side.
func findRenames(st *objectStore, changes []change, deleted []deletedFile, maxSize int64) map[string]bool {
	renamed := map[string]bool{}
	if len(deleted) == 0 {
		return renamed
	}
	sort.Slice(deleted, func(i, j int) bool { return deleted[i].path < deleted[j].path })
	used := make([]bool, len(deleted))
	byHash := map[plumbing.Hash][]int{} // a directory moved whole is thousands of these
	for j, d := range deleted {
		byHash[d.hash] = append(byHash[d.hash], j)
	}
	var left []int // added files not paired by identical content
	for i := range changes {
		c := &changes[i]
		if c.hasOld {
			continue
		}
		best, bestScore := -1, -1
		for _, j := range byHash[c.new] {
			if used[j] {
				continue
			}
			if score := sameBase(deleted[j].path, c.path); score > bestScore {
				best, bestScore = j, score
			}
		}
		if best < 0 {
			left = append(left, i)
			continue
		}
		used[best] = true
		renamed[c.path] = true
	}
	sources := unused(used)
	if len(left) == 0 || len(sources) == 0 {
		return renamed
	}
	type side struct {
		spans map[uint32]int
		size  int
	}
	read := func(h plumbing.Hash) side {
		b, err := readBlob(st, h, maxSize)
		if err != nil {
			b = nil // git's score for what it cannot read is 0
		}
		return side{spans(b), len(b)}
	}
	srcs := map[int]side{} // sources are read once; each added file once per pass
	src := func(j int) side {
		sd, ok := srcs[j]
		if !ok {
			sd = read(deleted[j].hash)
			srcs[j] = sd
		}
		return sd
	}
	score := func(s, d side) int {
		if s.size == 0 || d.size == 0 {
			return 0
		}
		return similarity(s.spans, s.size, d.spans, d.size)
	}
	pair := func(i, j int) {
		used[j] = true
		changes[i].old, changes[i].hasOld = deleted[j].hash, true
	}

	// Base names unique on both sides.
	srcByBase, dstByBase := map[string]int{}, map[string]int{}
	for _, j := range sources {
		uniqueIndex(srcByBase, path.Base(deleted[j].path), j)
	}
	for _, i := range left {
		uniqueIndex(dstByBase, path.Base(changes[i].path), i)
	}
	for _, j := range sources {
		base := path.Base(deleted[j].path)
		i, ok := dstByBase[base]
		if !ok || i < 0 || srcByBase[base] < 0 {
			continue
		}
		if score(src(j), read(changes[i].new)) >= maxScore*3/4 {
			pair(i, j)
		}
	}
	left = slices.DeleteFunc(left, func(i int) bool { return changes[i].hasOld })
	sources = unused(used)
	if len(left) == 0 || len(sources) == 0 || len(left)*len(sources) > renameLimit*renameLimit {
		return renamed
	}

	// Similarity: each added file's four best candidates, kept as git
	// keeps them (a better one replaces the worst, the earliest of equals),
	// then all of them, best first, where ties keep that order.
	type candidate struct {
		score, sameBase int
		dst, src        int // -1: an empty slot
	}
	worse := func(a, b candidate) bool { // a sorts after b
		switch {
		case a.dst < 0 || b.dst < 0:
			return a.dst < 0 && b.dst >= 0
		case a.score != b.score:
			return a.score < b.score
		}
		return a.sameBase < b.sameBase
	}
	const perDst = 4
	matrix := make([]candidate, 0, perDst*len(left))
	for _, i := range left {
		dst := read(changes[i].new)
		slots := [perDst]candidate{{dst: -1}, {dst: -1}, {dst: -1}, {dst: -1}}
		for _, j := range sources {
			c := candidate{score(src(j), dst), sameBase(deleted[j].path, changes[i].path), i, j}
			w := 0
			for k := 1; k < perDst; k++ {
				if worse(slots[k], slots[w]) {
					w = k
				}
			}
			if worse(slots[w], c) {
				slots[w] = c
			}
		}
		matrix = append(matrix, slots[:]...)
	}
	sort.SliceStable(matrix, func(a, b int) bool { return worse(matrix[b], matrix[a]) })
	for _, c := range matrix {
		if c.dst < 0 || c.score < maxScore/2 {
			break
		}
		if changes[c.dst].hasOld || used[c.src] {
			continue
		}
		pair(c.dst, c.src)
	}
	return renamed
}

// unused lists the indexes of used that are false.
func unused(used []bool) []int {
	var js []int
	for j, u := range used {
		if !u {
			js = append(js, j)
		}
	}
	return js
}

// uniqueIndex records i under key, or -1 if key is already there.
func uniqueIndex(m map[string]int, key string, i int) {
	if _, dup := m[key]; dup {
		m[key] = -1
		return
	}
	m[key] = i
}

// sameBase is 1 when two paths have the same base name, as git's rename
// detection prefers, else 0.
func sameBase(a, b string) int {
	if path.Base(a) == path.Base(b) {
		return 1
	}
	return 0
}

// spans hashes b as git's rename detection does (diffcore-delta.c): in
// chunks that end at a newline or after 64 bytes, a CR before a newline
// not counted in text, each keyed by git's own hash, mapped to how many
// bytes the chunks with that hash cover. The hash is git's and not an exact
// key because its collisions change git's answers (a 64-byte run of one
// letter hashes alike whatever the letter), and the readers must agree.
func spans(b []byte) map[uint32]int {
	const hashBase = 107927
	text := bytes.IndexByte(b[:min(len(b), 8000)], 0) < 0 // git's binary test
	m := map[uint32]int{}
	var acc1, acc2 uint32
	n := 0
	for i, c := range b {
		if text && c == '\r' && i+1 < len(b) && b[i+1] == '\n' {
			continue
		}
		old := acc1
		acc1 = acc1<<7 ^ acc2>>25
		acc2 = acc2<<7 ^ old>>25
		acc1 += uint32(c)
		if n++; n < 64 && c != '\n' {
			continue
		}
		m[(acc1+acc2*0x61)%hashBase] += n
		acc1, acc2, n = 0, 0, 0
	}
	if n > 0 {
		m[(acc1+acc2*0x61)%hashBase] += n
	}
	return m
}

// maxScore is git's full similarity score (100%); renames need half of it.
const maxScore = 60000

// similarity is git's rename score of src (size srcSize) becoming dst, out
// of maxScore: the bytes of src's chunks that dst still has (by hash), over
// the larger size, in git's integer arithmetic so that ties are git's ties.
// Files whose sizes differ by more than half cannot reach 50%, and git does
// not compare them.
func similarity(src map[uint32]int, srcSize int, dst map[uint32]int, dstSize int) int {
	big, small := max(srcSize, dstSize), min(srcSize, dstSize)
	if big == 0 || 2*(big-small) > big {
		return 0
	}
	copied := 0
	for h, n := range src {
		copied += min(n, dst[h])
	}
	return int(int64(copied) * maxScore / int64(big))
}

func readBlob(st *objectStore, h plumbing.Hash, maxSize int64) ([]byte, error) {
	typ, data, err := st.objs.Read(h, maxSize)
	switch {
	case errors.Is(err, gitobj.ErrTooLarge):
		return nil, errTooLarge
	case err != nil:
		return nil, err
	case typ != gitobj.Blob:
		return nil, fmt.Errorf("%s is not a blob", h)
	}
	return data, nil
}

// objectStore reads HEAD's commit and trees with internal/gitobj, which
// reads one fan-out bucket of a pack index where go-git's object reader
// loaded every pack index on first use (~220 ms on a large repository).
// Commits and trees are parsed here: go-git's object package would link
// OpenPGP (commit signatures) and its storage a config parser, ~3 ms of
// start-up for every run of leakhook.
type objectStore struct {
	objs *gitobj.Store
}

// treeEntry is one entry of a tree object.
type treeEntry struct {
	Name string
	Mode filemode.FileMode
	Hash plumbing.Hash
}

// commitTree returns the tree of commit h (its first header line).
func (s *objectStore) commitTree(h plumbing.Hash) (plumbing.Hash, error) {
	typ, data, err := s.objs.Read(h, 0)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if typ != gitobj.Commit {
		return plumbing.ZeroHash, fmt.Errorf("%s is not a commit", h)
	}
	line, _, _ := bytes.Cut(data, []byte{'\n'})
	id, ok := bytes.CutPrefix(line, []byte("tree "))
	if !ok || len(id) != 40 || !plumbing.IsHash(string(id)) {
		return plumbing.ZeroHash, fmt.Errorf("commit %s: no tree on its first line", h)
	}
	return plumbing.NewHash(string(id)), nil
}

// tree returns the entries of tree h: "<octal mode> <name>\0<20-byte id>"
// each.
func (s *objectStore) tree(h plumbing.Hash) ([]treeEntry, error) {
	typ, data, err := s.objs.Read(h, 0)
	if err != nil {
		return nil, err
	}
	if typ != gitobj.Tree {
		return nil, fmt.Errorf("%s is not a tree", h)
	}
	var out []treeEntry
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		nul := bytes.IndexByte(data, 0)
		if sp <= 0 || nul < sp+2 || len(data) < nul+1+20 {
			return nil, fmt.Errorf("tree %s: malformed entry", h)
		}
		mode, err := strconv.ParseUint(string(data[:sp]), 8, 32)
		if err != nil {
			return nil, fmt.Errorf("tree %s: mode %q", h, data[:sp])
		}
		e := treeEntry{Name: string(data[sp+1 : nul]), Mode: filemode.FileMode(mode)}
		copy(e.Hash[:], data[nul+1:nul+21])
		out = append(out, e)
		data = data[nul+21:]
	}
	return out, nil
}

// hunksOf diffs two versions of a file by lines and returns the new side of
// each changed region with contextLines of context, as git diff -U3 does.
func hunksOf(p string, oldBlob, newBlob []byte) []scan.Item {
	if len(newBlob) == 0 {
		return nil
	}
	lines := appendLines(nil, newBlob)
	added := make([]bool, len(lines))
	if oldBlob == nil {
		for i := range added {
			added[i] = true
		}
	} else {
		n := 0
		for _, d := range diff.Do(string(oldBlob), string(newBlob)) {
			k := countLines(d.Text)
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				n += k
			case diffmatchpatch.DiffInsert:
				for i := n; i < n+k && i < len(added); i++ {
					added[i] = true
				}
				n += k
			}
		}
	}
	return itemsOf(p, lines, added)
}

func countLines(s string) int {
	n := strings.Count(s, "\n")
	if len(s) > 0 && s[len(s)-1] != '\n' {
		n++
	}
	return n
}
