package rules

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// The text the rules see. Content with no NUL byte is scanned as it is.
// Content with one is "binary" to git, but a NUL byte hides nothing: every
// rule runs on it, in up to two forms, and their findings are merged:
//
//   - its text runs: a copy with every control byte other than tab, CR and
//     LF blanked to a space, so offsets, lines and columns are unchanged
//     (one NUL on a token's line, a stored zip, a keystore);
//   - when it looks like UTF-16 (a byte-order mark, or NUL bytes in one
//     byte position of two, as in ASCII text saved by Windows tools), its
//     UTF-8 decoding, line for line.
//
// The decision is made on the target alone (its bytes and first line
// number), never on the file it came from, so that every reader, which may
// cut a file into hunks differently from another only where git would too,
// reaches the same decision for the same bytes.

// textForms returns the targets the rules run on for t: t itself when it
// has no NUL byte, else its text runs and, if it looks like UTF-16, its
// decoding.
func textForms(t *Target) []*Target {
	if bytes.IndexByte(t.Content, 0) < 0 {
		return []*Target{t}
	}
	forms := []*Target{textRuns(t)}
	if u := decodeUTF16(t); u != nil {
		forms = append(forms, u)
	}
	return forms
}

// textRuns is t with every control byte but tab, LF and CR blanked.
func textRuns(t *Target) *Target {
	c := make([]byte, len(t.Content))
	for i, b := range t.Content {
		c[i] = textByte[b] // a load, not four compares: binary files are long
	}
	u := *t
	u.Content = c
	return &u
}

// textByte maps a byte to itself, or a control byte but tab, LF and CR to
// a space.
var textByte = func() (m [256]byte) {
	for i := range m {
		b := byte(i)
		if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7f {
			b = ' '
		}
		m[i] = b
	}
	return m
}()

// utf16Sample is how much of a target is looked at to tell UTF-16.
const utf16Sample = 4096

// decodeUTF16 returns t decoded from UTF-16 to UTF-8, or nil when t does
// not look like UTF-16. Git splits lines at 0x0A bytes, so a hunk of a
// UTF-16LE file after its first line starts with the 0x00 that ends the
// previous line's newline; read from there, the units are those of
// UTF-16BE for every character whose high byte is the next one's, which
// includes all of ASCII and every newline. So the byte position the NUL
// bytes take (even: big-endian from the first byte; odd: little-endian)
// decides, unless the first line starts with a byte-order mark.
//
// The result keeps t's lines: every U+000A unit ends a line, and a line is
// added when any of git's lines (0x0A bytes) it covers was. A 0x0A byte in
// another character (U+0A00-U+0AFF, U+xx0A) ends a git line but no text
// line, so line numbers count text lines within t.
func decodeUTF16(t *Target) *Target {
	c := t.Content
	off, bigEndian := 0, false
	switch {
	case t.StartLine <= 1 && bytes.HasPrefix(c, []byte{0xff, 0xfe}):
		off = 2
	case t.StartLine <= 1 && bytes.HasPrefix(c, []byte{0xfe, 0xff}):
		off, bigEndian = 2, true
	default:
		var zeros [2]int
		n := min(len(c), utf16Sample)
		for i := 0; i < n; i++ {
			if c[i] == 0 {
				zeros[i&1]++
			}
		}
		// ASCII text in UTF-16 has a NUL in every unit; binary formats
		// rarely have them in one position only.
		half := (n + 1) / 2
		switch {
		case zeros[0] >= half/4 && zeros[1]*4 <= zeros[0]:
			bigEndian = true
		case zeros[1] >= half/4 && zeros[0]*4 <= zeros[1]:
		default:
			return nil
		}
	}
	out := make([]byte, 0, len(c)/2+16)
	var added []bool
	rawLine := 0
	lineAdded := false
	isAdded := func(i int) bool { return t.Added != nil && i < len(t.Added) && t.Added[i] }
	lineAdded = isAdded(0)
	// The bytes before off (a BOM) are on the first line.
	var pending rune = -1 // a high surrogate waiting for its pair
	flush := func(r rune) {
		switch {
		case r == '\n':
			out = append(out, '\n')
			if t.Added != nil {
				added = append(added, lineAdded)
			}
		case r == '\t' || r == '\r':
			out = append(out, byte(r))
		case r < 0x20 || r == 0x7f:
			out = append(out, ' ')
		default:
			out = utf8.AppendRune(out, r)
		}
	}
	i := off
	for ; i+1 < len(c); i += 2 {
		var u rune
		if bigEndian {
			u = rune(c[i])<<8 | rune(c[i+1])
		} else {
			u = rune(c[i+1])<<8 | rune(c[i])
		}
		newline := u == '\n'
		// Git's line breaks inside this unit.
		for _, b := range c[i : i+2] {
			if b == '\n' {
				rawLine++
				if !newline {
					lineAdded = lineAdded || isAdded(rawLine)
				}
			}
		}
		switch {
		case utf16.IsSurrogate(u) && u < 0xdc00:
			if pending >= 0 {
				flush(utf8.RuneError)
			}
			pending = u
			continue
		case utf16.IsSurrogate(u):
			if pending >= 0 {
				flush(utf16.DecodeRune(pending, u))
			} else {
				flush(utf8.RuneError)
			}
			pending = -1
			continue
		}
		if pending >= 0 {
			flush(utf8.RuneError)
			pending = -1
		}
		flush(u)
		if newline {
			lineAdded = isAdded(rawLine)
		}
	}
	if pending >= 0 {
		flush(utf8.RuneError)
	}
	// A lone last byte: in a little-endian hunk read from its second byte,
	// the 0x0A of the last newline (its 0x00 is on the next line).
	if i < len(c) && c[i] == '\n' {
		flush('\n')
	}
	if len(out) > 0 && out[len(out)-1] != '\n' && t.Added != nil {
		added = append(added, lineAdded)
	}
	u := *t
	u.Content, u.Added = out, added
	return &u
}
