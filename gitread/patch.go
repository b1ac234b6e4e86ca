package gitread

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/leakhook/leakhook/scan"

	"github.com/leakhook/leakhook/rules"
)

// patchParser reads unified diffs as printed by git diff/log with the flags in
// diffArgs. It is driven by the counts in each @@ header, so content that
// looks like a header ("+++ x", "diff --git") is never mistaken for one.
type patchParser struct {
	r       *bufio.Reader
	maxSize int64
	emit    func(scan.Item) error
	skip    func(scan.Skipped)
	commit  *scan.Commit
	listing *listing // a listed history's commits and messages; nil: none
	// claim, when set, is asked of each commit as its header is read,
	// before anything of it is handed on: false ends the stream there
	// (errMet), as another stream shows that commit (History's two ends).
	claim   func(*scan.Commit) bool
	line    []byte
	lineNo  int
	scratch []byte // a window's content as it is read; emitted as one exact copy
	// per-file state
	path    string
	gitlink bool
	deleted bool
	newFile bool
}

// errMet ends a stream whose next commit another stream showed.
var errMet = errors.New("the streams met")

// commitMarker starts a commit header in our `git log --format`.
const commitMarker = "\x01leakhook-commit "

func newPatchParser(r io.Reader, maxSize int64, emit func(scan.Item) error, skip func(scan.Skipped)) *patchParser {
	return &patchParser{r: bufio.NewReaderSize(r, 64<<10), maxSize: maxSize, emit: emit, skip: skip}
}

// maxHeaderLine bounds what is kept of a line outside hunks (headers,
// commit subjects); the rest of a longer line is read and dropped.
const maxHeaderLine = 1 << 20

// next reads one line outside a hunk without its '\n', keeping at most
// maxHeaderLine bytes of it.
func (p *patchParser) next() (bool, error) {
	p.line = p.line[:0]
	empty := true
	for {
		chunk, err := p.r.ReadSlice('\n')
		if len(chunk) > 0 {
			empty = false
		}
		if err == nil {
			chunk = chunk[:len(chunk)-1]
		}
		if room := maxHeaderLine - len(p.line); room > 0 {
			p.line = append(p.line, chunk[:min(len(chunk), room)]...)
		}
		switch err {
		case bufio.ErrBufferFull:
			continue
		case io.EOF:
			if empty {
				return false, nil
			}
			p.lineNo++
			return true, nil
		case nil:
			p.lineNo++
			return true, nil
		}
		return false, err
	}
}

func (p *patchParser) errorf(format string, a ...any) error {
	return fmt.Errorf("reading git's diff output, line %d: %s", p.lineNo, fmt.Sprintf(format, a...))
}

// run parses the whole stream.
func (p *patchParser) run() error {
	ok, err := p.next()
	for ok && err == nil {
		l := p.line
		switch {
		case bytes.HasPrefix(l, []byte(commitMarker)):
			rest := string(l[len(commitMarker):])
			p.commit = parseCommitLine(rest)
			if p.claim != nil && !p.claim(p.commit) {
				return errMet
			}
			if p.listing != nil {
				head, _, _ := strings.Cut(rest, "\x02")
				if err = p.listing.read(p, p.commit, head); err != nil {
					return err
				}
			}
			ok, err = p.next()
		case bytes.HasPrefix(l, []byte("diff --git ")):
			ok, err = p.file()
		default:
			ok, err = p.next() // commit subjects, blank lines, "Unmerged path" notes
		}
	}
	return err
}

func parseCommitLine(s string) *scan.Commit {
	// "<id> <parent ids...>\x02<subject>"
	head, subject, _ := strings.Cut(s, "\x02")
	fields := strings.Fields(head)
	c := &scan.Commit{Subject: subject}
	// The ids are copies: a substring would hold the whole header line,
	// subject and all (up to 1 MB), for as long as a map of commit ids
	// (the history's, the tags') keeps them.
	if len(fields) > 0 {
		c.ID = strings.Clone(fields[0])
	}
	if len(fields) > 1 {
		c.Parent = strings.Clone(fields[1])
	}
	return c
}

// file parses one "diff --git" section; the current line is its first.
func (p *patchParser) file() (bool, error) {
	p.path, p.gitlink, p.deleted, p.newFile = "", false, false, false
	header := string(p.line)
	for {
		ok, err := p.next()
		if !ok || err != nil {
			return ok, err
		}
		l := p.line // header lines are compared in place: no string per line
		switch {
		case bytes.HasPrefix(l, []byte("@@ ")):
			if p.path == "" {
				return false, p.errorf("hunk before file name in %q", header)
			}
			// p.hunk leaves the line after the hunk in p.line.
			for {
				ok, err := p.hunk()
				if !ok || err != nil || !bytes.HasPrefix(p.line, []byte("@@ ")) {
					return ok, err
				}
			}
		case bytes.HasPrefix(l, []byte("diff --git ")), bytes.HasPrefix(l, []byte(commitMarker)):
			return true, nil // a file with no hunks (mode change, pure rename, empty file)
		case bytes.HasPrefix(l, []byte("+++ ")):
			name := string(l[4:])
			if name == "/dev/null" {
				p.deleted = true
				p.path = "/dev/null"
				continue
			}
			path, err := unquotePath(strings.TrimSuffix(name, "\t"))
			if err != nil {
				return false, p.errorf("%v", err)
			}
			p.path = strings.TrimPrefix(path, "b/")
		case bytes.HasPrefix(l, []byte("new file mode ")):
			p.newFile = true
			p.gitlink = bytes.HasSuffix(l, []byte("160000"))
		case bytes.HasPrefix(l, []byte("index ")):
			if bytes.HasSuffix(l, []byte(" 160000")) {
				p.gitlink = true
			}
		case bytes.HasPrefix(l, []byte("new mode ")):
			p.gitlink = bytes.HasSuffix(l, []byte("160000"))
		case bytes.HasPrefix(l, []byte("Binary files ")):
			// --text is always passed, so git should never say this; if it
			// does, content was hidden from us and that must not pass silently.
			return false, p.errorf("git printed no content for a binary file (%s)", l)
		}
	}
}

// hunk parses one hunk; on return p.line holds the first line after it and
// ok is false at the end of the stream.
//
// Its new side is read piece by piece (at most the bufio buffer at a time)
// into a window that is emitted whenever it reaches the window size (the
// size cap): memory stays bounded whatever the size of the hunk or of one
// line in it, and every byte is scanned. A window of whole lines hands its
// last lines (up to windowCarry bytes) to the next one as context, marked
// not added, so that a multi-line secret across the cut is still whole in
// one window and nothing is reported twice; a line longer than a window is
// cut into pieces that overlap by lineOverlap bytes (scan.Item.Seen).
func (p *patchParser) hunk() (ok bool, err error) {
	_, oldCount, newStart, newCount, err := ParseHunkHeader(string(p.line))
	if err != nil {
		return false, p.errorf("%v", err)
	}
	// The window collects in a reused buffer and is copied once, at its
	// final size, when emitted (the item must own its content: it is
	// scanned concurrently with the parsing of what follows).
	w := &window{p: p, content: p.scratch[:0], start: newStart}
	lineNo := newStart // the number of the next new-side line
	for oldCount > 0 || newCount > 0 {
		piece, more, eof, err := p.piece()
		if err != nil {
			return false, err
		}
		if eof && len(piece) == 0 {
			return false, p.errorf("diff ended inside a hunk of %s", p.path)
		}
		kind := byte(' ') // diff.suppressBlankEmpty prints an empty context line as ""
		if len(piece) > 0 {
			kind = piece[0]
			piece = piece[1:]
		}
		switch kind {
		case ' ', '+':
			newCount--
			if kind == ' ' {
				oldCount--
			}
			if err := w.line(piece, more, lineNo, kind == '+'); err != nil {
				return false, err
			}
			lineNo++
		case '-', '\\': // removed lines; "\ No newline at end of file"
			if kind == '-' {
				oldCount--
			}
			for more {
				if _, more, _, err = p.piece(); err != nil {
					return false, err
				}
			}
		default:
			return false, p.errorf("unexpected line in hunk of %s: %.40q", p.path, append([]byte{kind}, piece...))
		}
		if oldCount < 0 || newCount < 0 {
			return false, p.errorf("hunk of %s is longer than its header says", p.path)
		}
	}
	if err := w.flush(false); err != nil {
		return false, err
	}
	if cap(w.content) <= 1<<20 { // keep no giant window's buffer for the rest of the stream
		p.scratch = w.content[:0]
	}
	// Swallow a trailing "\ No newline" marker and read the next line.
	for {
		if ok, err = p.next(); !ok || err != nil {
			return ok, err
		}
		if len(p.line) == 0 || p.line[0] != '\\' {
			return true, nil
		}
	}
}

// line reads the rest of a line of the new side (its first piece read)
// into the window, emitting what the window cannot hold.
func (w *window) line(piece []byte, more bool, lineNo int, added bool) error {
	p := w.p
	lineStart := len(w.content)
	w.content = append(w.content, piece...)
	for {
		var err error
		// The reader's buffer may be larger than the window: a first piece
		// is cut too.
		if len(w.content)-lineStart > p.window() {
			if lineStart, err = w.cutLine(lineStart, lineNo, added); err != nil {
				return err
			}
		}
		if !more {
			break
		}
		if piece, more, _, err = p.piece(); err != nil {
			return err
		}
		w.content = append(w.content, piece...)
	}
	w.content = append(w.content, '\n')
	w.added = append(w.added, added)
	if len(w.content) >= p.window() {
		return w.flush(true)
	}
	return nil
}

// wholeFile reads the parser's whole stream as a file's content, every
// line added, and emits it in windows.
func (p *patchParser) wholeFile() error {
	w := &window{p: p, start: 1}
	for lineNo := 1; ; lineNo++ {
		piece, more, eof, err := p.piece()
		if err != nil {
			return err
		}
		if eof && len(piece) == 0 {
			break
		}
		if err := w.line(piece, more, lineNo, true); err != nil {
			return err
		}
		if eof {
			break
		}
	}
	return w.flush(false)
}

// piece reads the next piece of a line: all of it, without its '\n', or
// (more is true) as much as the read buffer holds. The bytes are valid until
// the next read.
func (p *patchParser) piece() (piece []byte, more, eof bool, err error) {
	piece, err = p.r.ReadSlice('\n')
	switch err {
	case nil:
		p.lineNo++
		return piece[:len(piece)-1], false, false, nil
	case bufio.ErrBufferFull:
		return piece, true, false, nil
	case io.EOF:
		if len(piece) > 0 {
			p.lineNo++
		}
		return piece, false, true, nil
	}
	return nil, false, false, err
}

// Window sizes. The window is the size cap (at least minWindow): the cap
// bounds memory, never what is scanned. A window is emitted once it holds
// the window's size, so an item is at most twice that: under a window of
// whole lines, then one line of at most a window and its newline (a longer
// line is cut into pieces of exactly a window).
const (
	minWindow   = 16 << 10
	windowCarry = 64 << 10 // whole lines handed to the next window as context (at most a quarter of it)
	lineOverlap = 4 << 10  // bytes each piece of a long line shares with the next
)

func (p *patchParser) window() int {
	return int(max(p.maxSize, minWindow))
}

// window is the part of a hunk's new side collected and not yet emitted.
type window struct {
	p       *patchParser
	content []byte
	added   []bool
	start   int // line number of content's first line
	// When content starts inside a long line: that line's characters before
	// content, and how many at content's start the previous piece held.
	column, seen int
}

// item is the window's first n bytes and lines as an Item of its own.
func (w *window) item(n, lines int, added []bool) scan.Item {
	return scan.Item{Target: rules.Target{
		Path:      w.p.path,
		Content:   bytes.Clone(w.content[:n]),
		StartLine: w.start,
		Added:     append([]bool(nil), added[:lines]...),
	}, Commit: w.p.commit, Column: w.column, Seen: w.seen}
}

// flush emits the window's whole lines. With carry, the last lines (up to
// windowCarry bytes, and never all of them) stay as the next window's
// first lines, as context: marked not added, they are not reported again.
func (w *window) flush(carry bool) error {
	if len(w.content) == 0 {
		return nil
	}
	if err := w.p.emitItem(w.item(len(w.content), len(w.added), w.added)); err != nil {
		return err
	}
	keep, lines := len(w.content), len(w.added)
	if carry {
		most := min(windowCarry, w.p.window()/4) // or the next window would be all carry
		for lines > 1 {
			i := bytes.LastIndexByte(w.content[:keep-1], '\n') + 1
			if len(w.content)-i > most || i == 0 {
				break
			}
			keep, lines = i, lines-1
		}
	}
	if !carry || lines == len(w.added) {
		w.start += len(w.added)
		w.content, w.added = w.content[:0], w.added[:0]
	} else {
		w.start += lines
		n := copy(w.content, w.content[keep:])
		w.content = w.content[:n]
		m := copy(w.added, w.added[lines:])
		w.added = w.added[:m]
		clear(w.added)
	}
	w.column, w.seen = 0, 0
	return nil
}

// cutLine is called when the line being read (from lineStart in content,
// number lineNo) has outgrown the window: the whole lines before it are
// emitted, then the line's first window-size bytes as a piece of their own;
// the piece's last lineOverlap bytes stay to start the next piece. It
// returns where the line now starts in content (0).
func (w *window) cutLine(lineStart, lineNo int, added bool) (int, error) {
	if lineStart > 0 {
		lines := len(w.added)
		if err := w.p.emitItem(w.item(lineStart, lines, w.added)); err != nil {
			return 0, err
		}
		n := copy(w.content, w.content[lineStart:])
		w.content = w.content[:n]
		w.added = w.added[:0]
		w.start, w.column, w.seen = lineNo, 0, 0
	}
	size := w.p.window()
	for len(w.content) > size {
		cut := size
		if err := w.p.emitItem(w.item(cut, 1, []bool{added})); err != nil {
			return 0, err
		}
		from := cut - min(lineOverlap, size/4)
		w.column += utf8.RuneCount(w.content[:from])
		w.seen = utf8.RuneCount(w.content[from:cut])
		n := copy(w.content, w.content[from:])
		w.content = w.content[:n]
	}
	return 0, nil
}

// emitItem hands an item of the current file on, unless the file has
// nothing to scan (a submodule, a deletion).
func (p *patchParser) emitItem(it scan.Item) error {
	if p.gitlink || p.deleted || len(it.Content) == 0 {
		return nil
	}
	return p.emit(it)
}

// ParseHunkHeader parses a unified diff's hunk header,
// "@@ -a[,b] +c[,d] @@...": the old and new ranges. Omitted counts are 1.
func ParseHunkHeader(h string) (oldStart, oldCount, newStart, newCount int, err error) {
	// The error is made only when needed: formatting it for every hunk
	// was a few percent of a push's CPU.
	bad := func() (int, int, int, int, error) { return 0, 0, 0, 0, fmt.Errorf("bad hunk header %q", h) }
	rest, ok := strings.CutPrefix(h, "@@ -")
	if !ok {
		return bad()
	}
	oldPart, rest, ok := strings.Cut(rest, " +")
	if !ok {
		return bad()
	}
	newPart, _, ok := strings.Cut(rest, " @@")
	if !ok {
		return bad()
	}
	if oldStart, oldCount, err = rangeOf(oldPart); err != nil {
		return bad()
	}
	if newStart, newCount, err = rangeOf(newPart); err != nil {
		return bad()
	}
	return oldStart, oldCount, newStart, newCount, nil
}

func rangeOf(s string) (start, count int, err error) {
	a, b, has := strings.Cut(s, ",")
	if start, err = strconv.Atoi(a); err != nil || start < 0 {
		return 0, 0, fmt.Errorf("bad range")
	}
	count = 1
	if has {
		if count, err = strconv.Atoi(b); err != nil || count < 0 {
			return 0, 0, fmt.Errorf("bad range")
		}
	}
	return start, count, nil
}

// unquotePath undoes git's C-style quoting of a path ("a\tb", octal escapes
// for bytes that are not printable ASCII when core.quotePath is on).
func unquotePath(s string) (string, error) {
	if len(s) < 2 || s[0] != '"' {
		return s, nil
	}
	if s[len(s)-1] != '"' {
		return "", fmt.Errorf("unterminated quoted path %q", s)
	}
	s = s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(s) {
			return "", fmt.Errorf("bad escape in path %q", s)
		}
		switch c = s[i]; c {
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '\\', '"':
			b.WriteByte(c)
		default:
			if c < '0' || c > '7' || i+2 >= len(s) {
				return "", fmt.Errorf("bad escape in path %q", s)
			}
			n, err := strconv.ParseUint(s[i:i+3], 8, 8)
			if err != nil {
				return "", fmt.Errorf("bad escape in path %q", s)
			}
			b.WriteByte(byte(n))
			i += 2
		}
	}
	return b.String(), nil
}
