package fix

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/leakhook/leakhook/remedy"
	"github.com/leakhook/leakhook/rules"
)

// Empty reports a plan with nothing to do and nothing to say.
func (p *Plan) Empty() bool { return len(p.Findings) == 0 }

// Print describes the plan: the diffs for the index and the working tree,
// the env file lines (values masked), the side files, the vault commands
// and the findings left to the user. No line shows a secret unless show.
func (p *Plan) Print(w io.Writer, show bool) {
	var all []string
	for _, f := range p.Findings {
		all = append(all, f.Secret)
	}
	sort.Slice(all, func(i, j int) bool { return len(all[i]) > len(all[j]) })
	mask := func(s string) string {
		if show {
			return s
		}
		return rules.MaskSecrets(s, all...)
	}
	for _, ff := range p.files {
		if ff.untrack {
			fmt.Fprintf(w, "%s: this is the env file; stop tracking it (git rm --cached %s); the file stays on disk\n\n", ff.path, ff.path)
			continue
		}
		where := "staged and working tree"
		if ff.work == nil {
			where = "staged only"
		}
		fmt.Fprintf(w, "%s (%s): %s\n", ff.path, ff.lang.Title(), where)
		ff.index.writeDiff(w, "a/"+ff.path+"\t(index)", "b/"+ff.path+"\t(index)", mask)
		if ff.work != nil {
			if ff.work.diffBody(mask) == ff.index.diffBody(mask) {
				fmt.Fprintln(w, "working tree: the same change")
			} else {
				ff.work.writeDiff(w, "a/"+ff.path+"\t(working tree)", "b/"+ff.path+"\t(working tree)", mask)
			}
		}
		for _, n := range ff.workNotes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
		fmt.Fprintln(w)
	}
	if p.vault == "env" && len(p.env.added) > 0 {
		state := "append to"
		if !p.env.exists {
			state = "create (mode 0600)"
		}
		fmt.Fprintf(w, "%s: %s\n", p.env.path, state)
		for _, e := range p.env.added {
			q, _ := quoteEnv(e.Value)
			fmt.Fprintf(w, "+%s=%s\n", e.Name, mask(q))
		}
		fmt.Fprintln(w)
	}
	for _, name := range p.renamed() {
		fmt.Fprintf(w, "note: %s\n", name)
	}
	if p.ignoreAdd != "" {
		fmt.Fprintf(w, ".gitignore: add %s (git does not ignore %s yet; commit .gitignore with this change)\n", p.ignoreAdd, p.env.path)
	}
	if len(p.exampleAdd) > 0 {
		fmt.Fprintf(w, "%s: add %s (no values)\n", p.example, strings.Join(withEq(p.exampleAdd), " "))
	}
	for _, v := range p.vaultCmds {
		fmt.Fprintf(w, "\n%s: store it in %s (paste the value, then Enter; it stays out of shell history):\n", v.name, remedy.BackendTitle(p.vault))
		for _, c := range v.store {
			fmt.Fprintf(w, "    %s\n", c)
		}
		fmt.Fprintf(w, "  the code now reads the environment variable %s; load it at start-up:\n    %s\n", v.name, v.load)
		if v.rule != "" {
			fmt.Fprintf(w, "  or read it from the vault in code: leakhook explain %s --vault %s\n", v.rule, p.vault)
		}
	}
	if len(p.Manual) > 0 {
		fmt.Fprintf(w, "\nleft for you to fix by hand (leakhook changed nothing there):\n")
		for _, m := range p.Manual {
			f := m.Finding
			fmt.Fprintf(w, "%s:%d:%d  %s: %s\n", f.Path, f.Line, f.Column, f.RuleID, m.Reason)
			fmt.Fprintf(w, "    %s\n", mask(strings.TrimSpace(f.LineText)))
			for _, s := range m.Steps {
				fmt.Fprintf(w, "    %s\n", s)
			}
		}
	}
}

// renamed explains names that differ from the rule's because the env file
// already uses the rule's name for another value.
func (p *Plan) renamed() []string {
	var out []string
	for _, e := range p.env.added {
		if i := strings.LastIndexByte(e.Name, '_'); i > 0 && isDigits(e.Name[i+1:]) {
			if _, taken := p.env.values[e.Name[:i]]; taken {
				out = append(out, fmt.Sprintf("%s is already taken by another value: this one is %s (never overwritten)", e.Name[:i], e.Name))
			}
		}
	}
	return out
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func withEq(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n + "="
	}
	return out
}

// PrintRotate reminds that moving a value out of the code does not un-leak
// it: each rule of found, with where to revoke and rotate it.
func PrintRotate(out io.Writer, e *rules.Engine, found []rules.Finding) {
	fmt.Fprintln(out, "\nrotate: these values were on disk and may be elsewhere (editor backups, shell history, CI logs, other clones):\nrevoke and replace each one, then update the env file or vault:")
	seen := map[string]bool{}
	var ids []string
	for _, f := range found {
		if !seen[f.RuleID] {
			seen[f.RuleID] = true
			ids = append(ids, f.RuleID)
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		where := "leakhook explain " + id
		if r := e.Rule(id); r != nil && r.RotateURL != "" {
			where = r.RotateURL + "  (leakhook explain " + id + ")"
		}
		fmt.Fprintf(out, "  %s: %s\n", id, where)
	}
}
