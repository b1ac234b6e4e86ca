package gitread

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"hash/maphash"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

// A merge's own change is what it adds beyond all of its parents: a
// conflict's resolution, an "evil" edit. What one side brought in was
// written by a commit of that side, which is scanned itself, so the merge
// does not show it again. The files a merge can have added to are those
// that differ from every parent (git log --cc --raw lists them without
// diffing any content, which is cheap); in each, a line is new when no
// parent's version of the file holds that line. That is what a combined
// diff (--cc) or --remerge-diff would show as the merge's own lines, up to
// where a line sits, at a fraction of their cost: git/git's merges take
// 0.7 s of CPU this way, 15 s with --cc and 25 s with --remerge-diff.

// mergeFile is one file of a merge that differs from every parent.
type mergeFile struct {
	commit  *scan.Commit
	path    string
	result  string   // blob id in the merge
	parents []string // blob ids in the parents; absent ones are left out
}

// mergeFiles lists the files of the merges q selects that differ from every
// parent, with one `git log --merges --cc --raw`.
func mergeFiles(ctx context.Context, repo *Repo, q HistoryQuery) ([]mergeFile, error) {
	args := []string{"log", "--merges", "--cc", "--raw", "-z", "--no-renames", "--no-abbrev",
		"--no-show-signature", "--no-notes", "--no-mailmap", "--no-textconv", "--no-ext-diff",
		"--submodule=short", "--no-relative", "--format=tformat:" + commitMarker + "%H %P%x02%s%x00"}
	if q.Exact {
		args = append(args, "--no-walk=unsorted")
	}
	args = append(args, "--stdin")
	walk, err := q.walkArgs()
	if err != nil {
		return nil, err
	}
	args = append(args, walk...)
	var files []mergeFile
	err = streamGit(ctx, repoDir(repo), revInput(q.Revs), func(r io.Reader) error {
		br := bufio.NewReaderSize(r, 64<<10)
		var commit *scan.Commit
		for {
			rec, err := br.ReadString(0)
			if err == io.EOF && rec == "" {
				return nil
			}
			if err != nil && err != io.EOF {
				return err
			}
			rec = strings.TrimPrefix(strings.TrimSuffix(rec, "\x00"), "\n")
			switch {
			case strings.HasPrefix(rec, commitMarker):
				commit = parseCommitLine(rec[len(commitMarker):])
			case strings.HasPrefix(rec, "::"):
				path, err := br.ReadString(0)
				if err != nil {
					return fmt.Errorf("git log --cc --raw: a record without its path")
				}
				if f, ok := parseCombinedRaw(rec, commit); ok {
					f.path = strings.TrimSuffix(path, "\x00")
					files = append(files, f)
				}
			case rec == "":
			default:
				return fmt.Errorf("git log --cc --raw printed %q", rec)
			}
		}
	}, args...)
	return files, err
}

// parseCombinedRaw reads "::<mode>... <id>... <status>" (a mode and an id
// for each parent, then the merge's). Symlinks, submodules and files the
// merge deletes hold nothing to scan.
func parseCombinedRaw(rec string, c *scan.Commit) (mergeFile, bool) {
	n := 0
	for n < len(rec) && rec[n] == ':' {
		n++
	}
	fields := strings.Fields(rec[n:])
	if c == nil || len(fields) != 2*(n+1)+1 {
		return mergeFile{}, false
	}
	modes, ids := fields[:n+1], fields[n+1:2*(n+1)]
	if m := modes[n]; m != "100644" && m != "100755" {
		return mergeFile{}, false
	}
	f := mergeFile{commit: c, result: ids[n]}
	for i := range n {
		if modes[i] != "000000" && strings.Trim(ids[i], "0") != "" {
			f.parents = append(f.parents, ids[i])
		}
	}
	return f, true
}

// mergeItems reads the files of mergeFiles with one `git cat-file --batch`
// and emits each one's new lines, with three lines of context as the
// history's diffs have. The merge's version and one parent's are held in
// memory, each bounded by maxSize (a parent's over it is streamed line by
// line). A merge's version over maxSize is scanned whole, in windows: more
// than the merge added, never less. A version read again (a merge's is
// often the next merge's parent's) is asked of git once (see versions).
// The buffers (the two versions, the lines, the line set, the parents'
// reader) are reused from file to file: the items emitted hold copies.
func mergeItems(ctx context.Context, repo *Repo, files []mergeFile, maxSize int64, emit func(scan.Item) error, skip func(scan.Skipped)) error {
	if len(files) == 0 {
		return nil
	}
	v := planVersions(files)
	v.ctx, v.dir, v.max, v.budget = ctx, repoDir(repo), maxSize, versionCacheBytes
	var ids strings.Builder
	for i, id := range v.ids {
		if v.asked[i] {
			ids.WriteString(id + "\n")
		}
	}
	return streamGit(ctx, v.dir, strings.NewReader(ids.String()), func(r io.Reader) error {
		v.br = bufio.NewReaderSize(r, 64<<10)
		pr := bufio.NewReaderSize(nil, 64<<10) // a parent's version, line by line
		var (
			data  []byte // the merge's version, unless it is kept
			pdata []byte // a parent's version, unless it is kept
			lines [][]byte
			added []bool
			left  lineSet
		)
		n := 0 // the plan's next read
		for _, f := range files {
			var m []byte
			err := v.read(n, &data, func(b []byte, r io.Reader) error {
				if r != nil {
					p := newPatchParser(r, maxSize, func(it scan.Item) error {
						it.Commit = f.commit
						return emit(it)
					}, skip)
					p.path = f.path
					if err := p.wholeFile(); err != nil {
						return fmt.Errorf("%s: %v", f.path, err)
					}
				}
				m = b
				return nil
			})
			n++
			if err != nil {
				return err
			}
			lines = appendLines(lines[:0], m)
			added = added[:0]
			for range lines {
				added = append(added, true)
			}
			for range f.parents {
				err := v.read(n, &pdata, func(p []byte, r io.Reader) error {
					switch {
					case !slices.Contains(added, true):
						// Nothing left to look up.
					case r == nil:
						// In memory: the lines it shares with the merge's
						// version at either end are passed over without
						// hashing, and only the rest are looked up.
						left.unmarkParent(m, p, lines, added)
					default:
						// Only the lines no earlier parent held are looked
						// up: after the first parent they are few, and a
						// parent's line of a length none of them has is
						// passed over unhashed.
						left.reset(lines, added)
						pr.Reset(r)
						return parentLines(pr, func(l []byte) { left.unmark(l, lines, added) })
					}
					return nil
				})
				n++
				if err != nil {
					return err
				}
			}
			for _, it := range itemsOf(f.path, lines, added) {
				it.Commit = f.commit
				if err := emit(it); err != nil {
					return err
				}
			}
		}
		return nil
	}, "cat-file", "--batch")
}

// versionCacheBytes bounds the versions mergeItems keeps to read again: on
// git/git's last 1,341 merges 8 MB already saves all but 1 MB of the 147 MB
// read twice or more (of 417 MB).
var versionCacheBytes int64 = 32 << 20

// versions serves the versions of files mergeItems reads (the merge's,
// then each parent's), in order. The reads to come are known, so each blob
// is asked of the one planned cat-file only the first time; a version read
// in memory that is read again is kept for then, within budget (when it
// is over, the version whose next read comes last is dropped: it is the
// one that would have held its room longest). A version read again that
// was not kept (over the budget, or over the size cap and so never held)
// is asked of a git of its own.
type versions struct {
	ctx    context.Context
	dir    string
	br     *bufio.Reader // the planned cat-file's output
	max    int64         // the size cap: a version over it is streamed
	budget int64         // bytes the kept versions may hold
	ids    []string      // every version read, in order
	asked  []bool        // ids[i] is read from br
	next   []int         // where ids[i] is read next; -1: never again
	kept   map[string]keptVersion
	used   int64 // bytes kept
}

type keptVersion struct {
	data []byte
	next int
}

// planVersions lists the versions the files' merges read, in order.
func planVersions(files []mergeFile) *versions {
	v := &versions{kept: map[string]keptVersion{}}
	for _, f := range files {
		v.ids = append(v.ids, f.result)
		v.ids = append(v.ids, f.parents...)
	}
	v.asked = make([]bool, len(v.ids))
	v.next = make([]int, len(v.ids))
	last := map[string]int{}
	for i := len(v.ids) - 1; i >= 0; i-- {
		v.next[i] = -1
		if j, ok := last[v.ids[i]]; ok {
			v.next[i] = j
		}
		last[v.ids[i]] = i
	}
	for _, i := range last {
		v.asked[i] = true // the first read of each
	}
	return v
}

// read hands the i-th version to fn: in memory (b; a kept copy, or read
// into *scratch) when it is at most the size cap, else as a stream (r)
// that fn may leave unread. fn must not keep b.
func (v *versions) read(i int, scratch *[]byte, fn func(b []byte, r io.Reader) error) error {
	id := v.ids[i]
	if k, ok := v.kept[id]; ok {
		if v.next[i] < 0 {
			delete(v.kept, id)
			v.used -= int64(len(k.data))
		} else {
			v.kept[id] = keptVersion{k.data, v.next[i]}
		}
		return fn(k.data, nil)
	}
	if v.asked[i] {
		return v.readFrom(v.br, i, scratch, fn)
	}
	return streamGit(v.ctx, v.dir, strings.NewReader(id+"\n"), func(r io.Reader) error {
		return v.readFrom(bufio.NewReaderSize(r, 64<<10), i, scratch, fn)
	}, "cat-file", "--batch")
}

// readFrom reads the i-th version from cat-file's output br.
func (v *versions) readFrom(br *bufio.Reader, i int, scratch *[]byte, fn func(b []byte, r io.Reader) error) error {
	id, size, err := catBlob(br)
	if err != nil {
		return err
	}
	if size > v.max {
		r := &io.LimitedReader{R: br, N: size}
		if err := fn(nil, r); err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			return err
		}
		return catEnd(br, id)
	}
	keep := v.next[i] >= 0 && size <= v.budget
	var b []byte
	if keep {
		b = make([]byte, size)
	} else {
		if int64(cap(*scratch)) < size {
			*scratch = make([]byte, size)
		}
		b = (*scratch)[:size]
	}
	if _, err := io.ReadFull(br, b); err != nil {
		return err
	}
	if err := catEnd(br, id); err != nil {
		return err
	}
	if keep {
		v.keep(v.ids[i], b, v.next[i])
	}
	return fn(b, nil)
}

// keep holds data for the read at next, dropping the versions read again
// last while the budget is exceeded (possibly this one).
func (v *versions) keep(id string, data []byte, next int) {
	v.kept[id] = keptVersion{data, next}
	v.used += int64(len(data))
	for v.used > v.budget {
		far, at := "", -1
		for k, e := range v.kept {
			if e.next > at {
				far, at = k, e.next
			}
		}
		v.used -= int64(len(v.kept[far].data))
		delete(v.kept, far)
	}
}

// appendLines appends the lines of b to out, without their '\n'; a final
// line without a newline is a line.
func appendLines(out [][]byte, b []byte) [][]byte {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return append(out, b)
		}
		out = append(out, b[:i])
		b = b[i+1:]
	}
	return out
}

// lineSet finds the lines of a file that are still marked new: an open
// addressing table of their hashes, so that neither building it nor asking
// it allocates (a merge's file is asked once for each line of each parent).
type lineSet struct {
	seed  maphash.Seed
	slots []int32  // a line's index + 1, at its hash's slot; 0 is empty
	hash  []uint64 // a line's hash, by index
	next  []int32  // the next line with the same text, by index; -1 ends
	lens  []uint64 // bit n: some line is n bytes long (n < 64*len(lens))
	long  bool     // some line is longer than that
	n     int      // lines in the set
}

// reset makes s the set of lines still marked in added.
func (s *lineSet) reset(lines [][]byte, added []bool) {
	if s.lens == nil {
		s.seed = maphash.MakeSeed()
		s.lens = make([]uint64, 64)
	}
	clear(s.lens)
	s.long = false
	s.n = 0
	for _, a := range added {
		if a {
			s.n++
		}
	}
	size := 16
	for size < 2*s.n {
		size *= 2
	}
	if cap(s.slots) < size {
		s.slots = make([]int32, size)
	} else {
		s.slots = s.slots[:size]
		clear(s.slots)
	}
	if cap(s.hash) < len(lines) {
		s.hash = make([]uint64, len(lines))
		s.next = make([]int32, len(lines))
	}
	s.hash, s.next = s.hash[:len(lines)], s.next[:len(lines)]
	mask := uint64(size - 1)
	// Backwards, so that each text's chain runs in line order.
	for i := len(lines) - 1; i >= 0; i-- {
		if !added[i] {
			continue
		}
		l := lines[i]
		if n := len(l); n < 64*len(s.lens) {
			s.lens[n/64] |= 1 << (n % 64)
		} else {
			s.long = true
		}
		h := maphash.Bytes(s.seed, l)
		s.hash[i] = h
		s.next[i] = -1
		for j := h & mask; ; j = (j + 1) & mask {
			k := s.slots[j] - 1
			if k < 0 {
				s.slots[j] = int32(i) + 1
				break
			}
			if s.hash[k] == h && bytes.Equal(lines[k], l) {
				s.next[i] = k
				s.slots[j] = int32(i) + 1
				break
			}
		}
	}
}

// unmarkParent marks as not new every line of m (split in lines) whose
// text a line of the parent's version p holds. Most of a merge's file is
// each parent's, at both ends (a side's change sits in between): the bytes
// the two share at the start and at the end are found by comparing them
// in place, and the lines wholly within them are unmarked unhashed. The
// set is then built of the lines left, and asked for the texts of the
// parent's lines: the shared ones are the merge's own lines there, already
// split, and the rest are p's middle, split now.
func (s *lineSet) unmarkParent(m, p []byte, lines [][]byte, added []bool) {
	n := commonPrefix(m, p)
	lo, off := 0, 0 // lines[:lo] are shared; p[:off] holds them
	for ; lo < len(lines); lo++ {
		end := off + len(lines[lo])
		// The line's '\n' is shared, or both versions end with the line.
		if !(end < n || end == n && n == len(m) && (n == len(p) || p[n] == '\n')) {
			break
		}
		added[lo] = false
		off = end + 1
	}
	k := commonSuffix(m, p)
	hi := len(lines) // lines[hi:] are shared; p[pEnd:] holds them
	pEnd := len(p)
	end := len(m) // where the line before hi ends in m
	if end > 0 && m[end-1] == '\n' {
		end--
	}
	for hi > lo {
		start := end - len(lines[hi-1])
		ps := start + len(p) - len(m) // the same line in p
		if start < len(m)-k || ps < 0 || ps > 0 && p[ps-1] != '\n' {
			break
		}
		hi--
		added[hi] = false
		pEnd, end = ps, start-1
	}
	s.reset(lines, added)
	if s.n == 0 {
		return
	}
	for _, l := range lines[:lo] {
		s.unmark(l, lines, added)
	}
	for _, l := range lines[hi:] {
		s.unmark(l, lines, added)
	}
	if pEnd < off {
		return // the shared lines overlap in p: they are all of it
	}
	for rest := p[off:pEnd]; len(rest) > 0; {
		l, after, _ := bytes.Cut(rest, []byte{'\n'})
		s.unmark(l, lines, added)
		rest = after
	}
}

// commonPrefix is the number of bytes a and b share at the start.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for _, step := range []int{4096, 64} {
		for i+step <= n && bytes.Equal(a[i:i+step], b[i:i+step]) {
			i += step
		}
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// commonSuffix is the number of bytes a and b share at the end.
func commonSuffix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0 // bytes shared so far
	for _, step := range []int{4096, 64} {
		for i+step <= n && bytes.Equal(a[len(a)-i-step:len(a)-i], b[len(b)-i-step:len(b)-i]) {
			i += step
		}
	}
	for i < n && a[len(a)-1-i] == b[len(b)-1-i] {
		i++
	}
	return i
}

// unmark marks every line of the set whose text is l as not new.
func (s *lineSet) unmark(l []byte, lines [][]byte, added []bool) {
	if s.n == 0 {
		return
	}
	if n := len(l); n < 64*len(s.lens) {
		if s.lens[n/64]&(1<<(n%64)) == 0 {
			return
		}
	} else if !s.long {
		return
	}
	h := maphash.Bytes(s.seed, l)
	mask := uint64(len(s.slots) - 1)
	for j := h & mask; ; j = (j + 1) & mask {
		k := s.slots[j] - 1
		if k < 0 {
			return
		}
		if s.hash[k] == h && bytes.Equal(lines[k], l) {
			// A text's lines are unmarked all at once, the first time the
			// parent has it: a blank line or a "}" a parent holds a thousand
			// times walks its chain once, not a thousand times.
			for ; k >= 0 && added[k]; k = s.next[k] {
				added[k] = false
			}
			return
		}
	}
}

// catHeader reads cat-file --batch's "<id> <type> <size>" line; an object
// git does not have ("<name> missing") has no type.
func catHeader(br *bufio.Reader) (id, typ string, size int64, err error) {
	header, err := br.ReadString('\n')
	if err != nil {
		return "", "", 0, fmt.Errorf("git cat-file: %v", err)
	}
	if name, ok := strings.CutSuffix(strings.TrimSuffix(header, "\n"), " missing"); ok {
		return name, "", 0, nil // the name as asked: "<rev>:<path>" may hold spaces
	}
	f := strings.Fields(header)
	if len(f) != 3 {
		return "", "", 0, fmt.Errorf("git cat-file printed %q", strings.TrimSpace(header))
	}
	if size, err = strconv.ParseInt(f[2], 10, 64); err != nil {
		return "", "", 0, fmt.Errorf("git cat-file printed %q", strings.TrimSpace(header))
	}
	return f[0], f[1], size, nil
}

// catBlob reads a blob's header; anything but a blob is an error.
func catBlob(br *bufio.Reader) (id string, size int64, err error) {
	id, typ, size, err := catHeader(br)
	if err == nil && typ != "blob" {
		err = fmt.Errorf("git cat-file: %s is not a blob", id)
	}
	return id, size, err
}

// catEnd reads the newline after an object's content.
func catEnd(br *bufio.Reader, id string) error {
	if b, err := br.ReadByte(); err != nil || b != '\n' {
		return fmt.Errorf("git cat-file: object %s read short", id)
	}
	return nil
}

// parentLines calls fn with each line br reads (without its '\n'). A line
// longer than the reader's buffer is not passed at all: it then counts as
// absent from the parent, which can only make a line of the merge count as
// new, never hide one.
func parentLines(br *bufio.Reader, fn func([]byte)) error {
	long := false
	for {
		l, err := br.ReadSlice('\n')
		switch err {
		case nil:
			if !long {
				fn(l[:len(l)-1])
			}
			long = false
		case bufio.ErrBufferFull:
			long = true
		case io.EOF:
			if len(l) > 0 && !long {
				fn(l)
			}
			return nil
		default:
			return err
		}
	}
}

// itemsOf returns the new lines of a file (added marks them) with
// contextLines of context around each run, as git diff -U3 shows them.
func itemsOf(p string, lines [][]byte, added []bool) []scan.Item {
	var items []scan.Item
	for i := 0; i < len(lines); {
		if !added[i] {
			i++
			continue
		}
		start := max(0, i-contextLines)
		end := i // last added line of this hunk
		for j := i; j < len(lines) && j <= end+2*contextLines; j++ {
			if added[j] {
				end = j
			}
		}
		stop := min(len(lines), end+contextLines+1)
		var content []byte
		for _, l := range lines[start:stop] {
			content = append(append(content, l...), '\n')
		}
		items = append(items, scan.Item{Target: rules.Target{
			Path: p, Content: content, StartLine: start + 1,
			Added: append([]bool(nil), added[start:stop]...),
		}})
		i = stop
	}
	return items
}
