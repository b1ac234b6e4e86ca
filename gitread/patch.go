package gitread

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

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
	line    []byte
	lineNo  int
	scratch []byte // a hunk's new content as it is read; emitted as one exact copy
	// per-file state
	path      string
	gitlink   bool
	deleted   bool
	fileBytes int64
	oversized bool
	newFile   bool
}

// commitMarker starts a commit header in our `git log --format`.
const commitMarker = "\x01leakhook-commit "

func newPatchParser(r io.Reader, maxSize int64, emit func(scan.Item) error, skip func(scan.Skipped)) *patchParser {
	return &patchParser{r: bufio.NewReaderSize(r, 64<<10), maxSize: maxSize, emit: emit, skip: skip}
}

// next reads one line without its '\n'. Lines of any length are returned whole.
func (p *patchParser) next() (bool, error) {
	p.line = p.line[:0]
	for {
		chunk, err := p.r.ReadSlice('\n')
		p.line = append(p.line, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			if len(p.line) == 0 {
				return false, nil
			}
			p.lineNo++
			return true, nil
		}
		if err != nil {
			return false, err
		}
		p.line = p.line[:len(p.line)-1]
		p.lineNo++
		return true, nil
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
			p.commit = parseCommitLine(string(l[len(commitMarker):]))
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
	if len(fields) > 0 {
		c.ID = fields[0]
	}
	if len(fields) > 1 {
		c.Parent = fields[1]
	}
	return c
}

// file parses one "diff --git" section; the current line is its first.
func (p *patchParser) file() (bool, error) {
	p.path, p.gitlink, p.deleted, p.fileBytes, p.oversized, p.newFile = "", false, false, 0, false, false
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
func (p *patchParser) hunk() (ok bool, err error) {
	oldCount, newStart, newCount, err := parseHunkHeader(string(p.line))
	if err != nil {
		return false, p.errorf("%v", err)
	}
	// The hunk's lines collect in a reused buffer and are copied once, at
	// their final size, when emitted (the item must own its content: it is
	// scanned concurrently with the parsing of the next hunk); growing a fresh
	// slice per hunk copied each byte about twice more. added needs no
	// guessing: the header says how many new lines there are.
	content := p.scratch[:0]
	added := make([]bool, 0, min(newCount, 1<<16)) // the header is git's, but never trusted with memory
	for oldCount > 0 || newCount > 0 {
		ok, err := p.next()
		if err != nil {
			return false, err
		}
		if !ok {
			return false, p.errorf("diff ended inside a hunk of %s", p.path)
		}
		l := p.line
		if len(l) == 0 { // diff.suppressBlankEmpty prints an empty context line as ""
			l = []byte(" ")
		}
		switch l[0] {
		case ' ':
			oldCount--
			newCount--
			content = append(append(content, l[1:]...), '\n')
			added = append(added, false)
		case '+':
			newCount--
			content = append(append(content, l[1:]...), '\n')
			added = append(added, true)
		case '-':
			oldCount--
		case '\\': // "\ No newline at end of file"
		default:
			return false, p.errorf("unexpected line in hunk of %s: %.40q", p.path, l)
		}
		if oldCount < 0 || newCount < 0 {
			return false, p.errorf("hunk of %s is longer than its header says", p.path)
		}
	}
	if cap(content) <= 1<<20 { // keep no giant hunk's buffer for the rest of the stream
		p.scratch = content
	}
	if err := p.emitHunk(newStart, content, added); err != nil {
		return false, err
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

func (p *patchParser) emitHunk(start int, content []byte, added []bool) error {
	if p.gitlink || p.deleted || len(content) == 0 || p.oversized {
		return nil
	}
	p.fileBytes += int64(len(content))
	if p.maxSize > 0 && p.fileBytes > p.maxSize {
		p.oversized = true
		p.skip(scan.Skipped{Path: p.path, Reason: fmt.Sprintf("larger than the size cap (%d bytes)", p.maxSize), Commit: p.commit})
		return nil
	}
	// Binary content and UTF-16 are the engine's business (rules/text.go):
	// it judges the bytes of the hunk, as it does the in-process reader's.
	it := scan.Item{Target: rules.Target{
		Path:      p.path,
		Content:   bytes.Clone(content),
		StartLine: start,
		Added:     added,
	}, Commit: p.commit}
	return p.emit(it)
}

// parseHunkHeader parses "@@ -a[,b] +c[,d] @@...". Omitted counts are 1.
func parseHunkHeader(h string) (oldCount, newStart, newCount int, err error) {
	rest, ok := strings.CutPrefix(h, "@@ -")
	if !ok {
		return 0, 0, 0, fmt.Errorf("bad hunk header %q", h)
	}
	oldPart, rest, ok := strings.Cut(rest, " +")
	if !ok {
		return 0, 0, 0, fmt.Errorf("bad hunk header %q", h)
	}
	newPart, _, ok := strings.Cut(rest, " @@")
	if !ok {
		return 0, 0, 0, fmt.Errorf("bad hunk header %q", h)
	}
	if _, oldCount, err = rangeOf(oldPart); err != nil {
		return 0, 0, 0, fmt.Errorf("bad hunk header %q", h)
	}
	if newStart, newCount, err = rangeOf(newPart); err != nil {
		return 0, 0, 0, fmt.Errorf("bad hunk header %q", h)
	}
	return oldCount, newStart, newCount, nil
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
