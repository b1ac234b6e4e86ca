package remedy

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Explain writes the full offline page for a secret type: what it is, the
// risks, how to move it into the environment or a vault with code for lang
// (Lang("") for all main languages), how to create a new one, what will
// break, how to revoke it and check for misuse. vault is "env", "aws",
// "hashicorp", "conjur" or "all" ("" means all).
func Explain(w io.Writer, s Secret, lang Lang, vault string) error {
	return ExplainWith(w, s, lang, vault, Options{})
}

// ExplainWith is Explain with the team's options, so that vault paths, the
// repository name and the env file match what the block message showed.
// o.Vault is ignored: vault selects the backends shown.
func ExplainWith(w io.Writer, s Secret, lang Lang, vault string, o Options) error {
	if vault == "" {
		vault = "all"
	}
	v, ok := ParseVault(vault, true)
	if !ok {
		return fmt.Errorf("unknown vault %q: want env, aws, hashicorp, conjur or all", vault)
	}
	c, err := data()
	if err != nil {
		return err
	}
	p, _ := c.pageFor(s)
	r := newRef(s, o)
	e := &explainer{w: bufio.NewWriter(w), c: c, p: p, r: r, rotate: p.RotateURL}
	if e.rotate == "" {
		e.rotate = "the provider's console"
	}
	backends := Backends
	if v != "all" {
		backends = []string{v}
	}
	e.page(s, lang, backends)
	return e.w.Flush()
}

// explainer writes one page; methods share the page, placeholders and writer.
type explainer struct {
	w      *bufio.Writer
	c      *content
	p      page
	r      ref
	rotate string
}

const width = 78

func (e *explainer) text(t string) string {
	return strings.ReplaceAll(e.r.render(t), "@ROTATE_URL@", e.rotate)
}

func (e *explainer) heading(t string) {
	fmt.Fprintf(e.w, "\n%s\n%s\n", t, strings.Repeat("-", len([]rune(t))))
}

func (e *explainer) para(t string) {
	for _, p := range strings.Split(e.text(t), "\n\n") {
		e.wrapped("", "", p)
	}
}

func (e *explainer) bullets(items []string) {
	for _, it := range items {
		e.wrapped("  - ", "    ", it)
	}
}

func (e *explainer) steps(items []string) {
	for i, it := range items {
		e.wrapped(fmt.Sprintf("  %d. ", i+1), "     ", it)
	}
}

// wrapped writes t word-wrapped at width, first prefixed by first and the
// following lines by rest. Commands and URLs are never broken inside.
func (e *explainer) wrapped(first, rest, t string) {
	line := first
	empty := true
	for _, word := range strings.Fields(e.text(t)) {
		if !empty && len([]rune(line))+1+len([]rune(word)) > width {
			fmt.Fprintln(e.w, line)
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	fmt.Fprintln(e.w, line)
}

// code writes a block indented so it stands apart from prose and can be
// copied as is.
func (e *explainer) code(t string) {
	for _, ln := range strings.Split(strings.TrimRight(e.r.render(t), "\n"), "\n") {
		if ln == "" {
			fmt.Fprintln(e.w)
			continue
		}
		fmt.Fprintln(e.w, "      "+ln)
	}
}

func (e *explainer) page(s Secret, lang Lang, backends []string) {
	p := e.p
	title := p.Name
	if s.RuleID != "" {
		title += "  (rule " + s.RuleID + ")"
	}
	fmt.Fprintf(e.w, "%s\n%s\n", title, strings.Repeat("=", len([]rune(title))))

	e.heading("What it is")
	e.para(p.What)
	if p.Usage != "" {
		fmt.Fprintln(e.w)
		e.para(p.Usage)
	}
	e.heading("What someone can do with it")
	e.bullets(p.Risks)

	e.heading("1. Move it out of the code")
	intro := "Read it from the environment variable " + e.r.Env
	if len(backends) == 1 && backends[0] != "env" {
		intro += " or from " + BackendTitle(backends[0])
	} else if len(backends) > 1 {
		intro += " or a vault"
	}
	e.wrapped("", "", intro+". Never commit the value, even in a test or an example.")
	if p.Prefer != "" {
		fmt.Fprintln(e.w)
		e.wrapped("Better still: ", "", p.Prefer)
	}
	for _, b := range backends {
		e.backend(b, lang)
	}

	e.heading("2. Create a new one")
	e.steps(p.Generate)
	if p.RotateURL != "" {
		fmt.Fprintf(e.w, "  Where: %s\n", p.RotateURL)
	}

	e.heading("3. Find what will break before you revoke the old one")
	e.bullets(append(append([]string{}, p.Breakage...), e.c.Common.Breakage...))

	e.heading("4. Revoke the leaked one")
	e.steps(p.Revoke)
	for _, b := range backends {
		if info := e.c.Backends[b]; b != "env" && info.Update != "" {
			fmt.Fprintf(e.w, "  To store the new value in %s:\n", BackendTitle(b))
			e.code(info.Update)
		}
	}

	e.heading("5. Check whether it was misused")
	e.bullets(p.Misuse)

	if len(p.Leaks) > 0 {
		e.heading("How this usually leaks")
		e.bullets(p.Leaks)
	}
	fmt.Fprintln(e.w)
	e.para(e.c.Common.History)
}

// backend writes one backend's section: intro, how to store the value, and
// the read snippets for the requested languages.
func (e *explainer) backend(b string, lang Lang) {
	info := e.c.Backends[b]
	title := BackendTitle(b)
	if b == "env" {
		title += ": " + e.r.Env
	}
	fmt.Fprintf(e.w, "\n%s\n", title)
	e.wrapped("  ", "  ", info.Intro)
	if note := e.p.BackendNotes[b]; note != "" {
		e.wrapped("  Note: ", "  ", note)
	}
	if info.Setup != "" {
		e.wrapped("  ", "  ", info.Setup)
	}
	fmt.Fprintln(e.w, "\n  Store the value:")
	e.code(info.Store)

	langs := []Lang{lang}
	if lang == "" {
		langs = append(append([]Lang{}, MainLangs...), ConfigLangs...)
	}
	for _, l := range langs {
		sn := e.c.snippets(b, l)
		if len(sn) == 0 {
			if lang != "" {
				e.fallback(b, l, info)
			}
			continue
		}
		for _, s := range sn {
			head := l.Title()
			if s.Title != "" {
				head += " (" + s.Title + ")"
			}
			fmt.Fprintf(e.w, "\n  %s:\n", head)
			if s.Deps != "" {
				e.wrapped("    install: ", "      ", s.Deps)
			}
			e.code(s.Code)
			if s.Note != "" {
				e.wrapped("    ", "    ", s.Note)
			}
		}
	}
}

// fallback covers a language without a snippet for backend b: the idiom to
// read the environment, and for vaults the command that fills it.
func (e *explainer) fallback(b string, l Lang, info backendInfo) {
	fmt.Fprintf(e.w, "\n  %s:\n", l.Title())
	read := EnvRead(l, e.r.Env)
	if read == "" {
		e.wrapped("    ", "    ", l.Title()+" cannot read environment variables: read "+e.r.Env+
			" in the code that loads this file and pass the value in, or switch to a format your loader interpolates.")
	} else if b == "env" {
		e.wrapped("    ", "    ", "read it with: "+read)
	} else {
		e.wrapped("    ", "    ", "reference it as "+read+" and have the environment filled from "+
			BackendTitle(b)+" when the process starts:")
	}
	if b != "env" {
		e.code(info.Read)
	}
}
