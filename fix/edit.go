package fix

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// edit is a set of line changes to one version of a file (the staged blob
// or the working-tree file). Lines keep their own terminators, so files with
// CRLF endings or no final newline come back byte-identical except for the
// lines changed.
type edit struct {
	lines   []string         // original lines, each with its terminator
	replace map[int]string   // 0-based line -> new text (terminator added)
	insert  map[int][]string // new lines before 0-based line (len(lines) appends)
}

func newEdit(content string) *edit {
	return &edit{lines: splitLines(content), replace: map[int]string{}, insert: map[int][]string{}}
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	parts := strings.SplitAfter(s, "\n")
	if parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// text is line i (0-based) without its terminator.
func (e *edit) text(i int) string {
	return strings.TrimRight(e.lines[i], "\r\n")
}

// eol is line i's terminator ("\n", "\r\n" or "" for a last line without one).
func (e *edit) eol(i int) string {
	return e.lines[i][len(strings.TrimRight(e.lines[i], "\r\n")):]
}

// defaultEOL is the file's line ending, for inserted lines.
func (e *edit) defaultEOL() string {
	if len(e.lines) > 0 && strings.HasSuffix(e.lines[0], "\r\n") {
		return "\r\n"
	}
	return "\n"
}

// current is line i's text after the replacements so far.
func (e *edit) current(i int) string {
	if r, ok := e.replace[i]; ok {
		return r
	}
	return e.text(i)
}

func (e *edit) changed() bool { return len(e.replace) > 0 || len(e.insert) > 0 }

// result is the new content.
func (e *edit) result() string {
	var b strings.Builder
	nl := e.defaultEOL()
	for i := 0; i <= len(e.lines); i++ {
		for _, ins := range e.insert[i] {
			if i == len(e.lines) && len(e.lines) > 0 && e.eol(i-1) == "" && b.Len() > 0 {
				b.WriteString(nl) // the old last line had no newline
			}
			b.WriteString(ins + nl)
		}
		if i == len(e.lines) {
			break
		}
		if r, ok := e.replace[i]; ok {
			b.WriteString(r + e.eol(i))
		} else {
			b.WriteString(e.lines[i])
		}
	}
	return b.String()
}

// diffLine is one line of a unified diff body.
type diffLine struct {
	kind     byte // ' ', '-', '+'
	text     string
	old, new int // 1-based line numbers on each side (0 when absent)
}

func (e *edit) diffLines() []diffLine {
	var out []diffLine
	o, n := 1, 1
	for i := 0; i <= len(e.lines); i++ {
		for _, ins := range e.insert[i] {
			out = append(out, diffLine{'+', ins, o, n})
			n++
		}
		if i == len(e.lines) {
			break
		}
		if r, ok := e.replace[i]; ok {
			out = append(out, diffLine{'-', e.text(i), o, n}, diffLine{'+', r, o + 1, n})
		} else {
			out = append(out, diffLine{' ', e.text(i), o, n})
			n++
		}
		o++
		if _, ok := e.replace[i]; ok {
			n++
		}
	}
	return out
}

// writeDiff writes a unified diff with three lines of context; mask hides
// the secrets in every printed line.
func (e *edit) writeDiff(w io.Writer, from, to string, mask func(string) string) {
	body := e.diffBody(mask)
	if body == "" {
		return
	}
	fmt.Fprintf(w, "--- %s\n+++ %s\n%s", from, to, body)
}

func (e *edit) diffBody(mask func(string) string) string {
	dl := e.diffLines()
	const ctx = 3
	var changes []int
	for i, d := range dl {
		if d.kind != ' ' {
			changes = append(changes, i)
		}
	}
	sort.Ints(changes)
	var b strings.Builder
	for k := 0; k < len(changes); {
		start := max(changes[k]-ctx, 0)
		end := changes[k]
		for k < len(changes) && changes[k] <= end+2*ctx+1 {
			end = changes[k]
			k++
		}
		end = min(end+ctx, len(dl)-1)
		var oc, nc int
		for _, d := range dl[start : end+1] {
			if d.kind != '+' {
				oc++
			}
			if d.kind != '-' {
				nc++
			}
		}
		os, ns := firstNo(dl[start:end+1], true), firstNo(dl[start:end+1], false)
		fmt.Fprintf(&b, "@@ -%s +%s @@\n", hunkRange(os, oc), hunkRange(ns, nc))
		for _, d := range dl[start : end+1] {
			b.WriteByte(d.kind)
			b.WriteString(mask(d.text))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// firstNo is the hunk's first line number on one side.
func firstNo(dl []diffLine, old bool) int {
	for _, d := range dl {
		if old && d.kind != '+' {
			return d.old
		}
		if !old && d.kind != '-' {
			return d.new
		}
	}
	if old {
		return dl[0].old - 1
	}
	return dl[0].new - 1
}

func hunkRange(start, count int) string {
	if count == 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d,%d", start, count)
}
