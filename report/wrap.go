package report

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/leakhook/leakhook/remedy"
	"github.com/leakhook/leakhook/rules"
)

// width is the column the text report wraps at: o.Width, else 80.
func (o *Options) width() int {
	if o.Width >= 40 {
		return o.Width
	}
	if o.Width > 0 {
		return 40
	}
	return 80
}

func secretOf(r *rules.Rule) remedy.Secret {
	return remedy.Secret{RuleID: r.ID, Name: r.Name, Description: r.Description, EnvVar: r.EnvName(), RotateURL: r.RotateURL, RotateSteps: r.RotateSteps}
}

// envFileFinding reports whether p is the env file the advice would send
// values to: then the commit adds or changes it, so it is in git.
func envFileFinding(p, envFile string) bool {
	if envFile == "" {
		envFile = ".env"
	}
	return p == strings.TrimPrefix(envFile, "./")
}

// visible is the width of s on a terminal, not counting colour codes.
func visible(s string) int {
	n, esc := 0, false
	for _, r := range s {
		switch {
		case r == '\x1b':
			esc = true
		case esc:
			esc = r != 'm'
		default:
			n++
		}
	}
	return n
}

// cut shortens a line of code (no colour codes) to width columns, ending
// with "…" when it was longer.
func cut(s string, width int) string {
	if width < 2 {
		width = 2
	}
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	r := []rune(s)
	return string(r[:width-1]) + "…"
}

// wrapTo writes text wrapped at width: the first line after first, the rest
// after rest. A word longer than a line (a URL, a path, a command's
// argument) is never broken: it gets a line of its own.
func wrapTo(w io.Writer, text, first, rest string, width int) {
	line, n := first, visible(first)
	empty := true
	for _, word := range strings.Fields(text) {
		wn := visible(word)
		if !empty && n+1+wn > width {
			fmt.Fprintln(w, line)
			line, n, empty = rest, visible(rest), true
		}
		if !empty {
			line += " "
			n++
		}
		line += word
		n += wn
		empty = false
	}
	fmt.Fprintln(w, line)
}

// Wrap writes text wrapped at width columns: each of its lines starts after
// first, and the lines it wraps onto after rest. A word longer than a line
// stands on its own. The command line's help is written with it too.
func Wrap(w io.Writer, text, first, rest string, width int) {
	for _, para := range strings.Split(text, "\n") {
		wrapTo(w, para, first, rest, width)
	}
}
