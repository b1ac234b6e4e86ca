package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/leakhook/leakhook/remedy"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

// MaxShownPerFile is how many findings the text report shows in detail for
// one file (in one commit); the rest are counted. A file with a secret on
// each of 40,000 lines is a data dump: its first findings say what it is,
// and the report stays readable and quick to write.
const MaxShownPerFile = 50

type palette struct{ bold, red, yellow, dim, cyan, reset string }

func colors(on bool) palette {
	if !on {
		return palette{}
	}
	return palette{"\x1b[1m", "\x1b[31m", "\x1b[33m", "\x1b[2m", "\x1b[36m", "\x1b[0m"}
}

// Text writes the human message: one block per finding with the fix in the
// file's language, then a summary line. e supplies each rule's remediation
// fields. Nothing is written when there are no findings and no skips.
func Text(out io.Writer, fs []rules.Finding, skipped []scan.Skipped, e *rules.Engine, o Options) {
	// One write at the end, not a system call a line: a report of
	// thousands of findings spent a tenth of its time in write(2).
	bw := bufio.NewWriter(out)
	defer bw.Flush()
	var w io.Writer = bw
	c := colors(o.Color)
	for _, s := range skipped {
		where := s.Path
		if s.Commit != nil {
			where += " (commit " + short(s.Commit.ID) + ")"
		}
		fmt.Fprintf(w, "%sleakhook: not scanned: %s: %s%s\n", c.yellow, where, s.Reason, c.reset)
	}
	width := o.width()
	if len(fs) == 0 {
		if o.Mode == ModeScan {
			o.writeSummary(w, c, width)
		}
		return
	}
	if len(skipped) > 0 {
		fmt.Fprintln(w)
	}
	others := o.neighbours(fs)
	ro := o.Remediation
	for _, f := range fs {
		ro.EnvTracked = ro.EnvTracked || envFileFinding(f.Path, ro.EnvFile)
	}
	said := map[string]bool{} // advice lines already printed once
	var types []int           // first finding of each secret type, in order
	seenType := map[string]bool{}
	shown := map[string]int{} // findings shown per file
	for i := range fs {
		f := &fs[i]
		r := e.Rule(f.RuleID)
		if shown[f.Commit+"\x00"+f.Path]++; shown[f.Commit+"\x00"+f.Path] > MaxShownPerFile {
			if r != nil && !seenType[f.RuleID] {
				seenType[f.RuleID] = true
				types = append(types, i)
			}
			continue // counted below, after the file's last shown finding
		}
		note := ""
		if o.Note != nil {
			if n := o.Note(f); n != "" {
				note = " " + c.yellow + "(" + n + ")" + c.reset
			}
		}
		colour := c.red
		if f.Advisory {
			colour = c.yellow
			note += " " + c.yellow + "(not blocking)" + c.reset
		}
		loc := fmt.Sprintf("%s:%d:%d", f.Path, f.Line, f.Column)
		head := fmt.Sprintf("%s%s%s  %s%s%s [%s]%s", c.bold, loc, c.reset, colour, f.RuleName, c.reset, f.RuleID, note)
		if visible(head) > width && visible(loc) <= width/2 && r != nil {
			// The rule id is said with its type's advice below.
			head = fmt.Sprintf("%s%s%s  %s%s%s%s", c.bold, loc, c.reset, colour, f.RuleName, c.reset, note)
		}
		if visible(head) > width && visible(loc) > width/2 {
			// A long path gets its own line, unbroken.
			head = fmt.Sprintf("%s%s%s\n    %s%s%s [%s]%s", c.bold, loc, c.reset, colour, f.RuleName, c.reset, f.RuleID, note)
		}
		fmt.Fprintln(w, head)
		if f.Commit != "" {
			on := ""
			if f.Ref != "" {
				on = " on " + f.Ref
			}
			fmt.Fprintln(w, cut(fmt.Sprintf("    in commit %s %q%s", short(f.Commit), o.subjectText(f.Subject, fs), on), width))
		}
		num := fmt.Sprintf("    %5d | ", f.Line)
		fmt.Fprintf(w, "%s%s%s%s\n", c.dim, strings.TrimSuffix(num, " "), c.reset, " "+cut(o.lineText(f, others[i]), width-len(num)))
		if f.Detail != "" {
			wrapTo(w, f.Detail, "    ", "    ", width)
		}
		if f.Encoded != "" {
			wrapTo(w, "the secret is encoded on that line (base64 or percent-encoding); decoding does not make it safe", "    ", "    ", width)
		}
		if r != nil {
			sec := secretOf(r)
			line := f.LineText
			if !o.ShowSecrets {
				line = rules.MaskSecrets(line, append(others[i], f.Encoded)...)
			}
			for j, l := range remedy.ShortFix(sec, f.Path, line, f.Secret, ro) {
				if j == 0 && strings.Contains(l, "git rm --cached") {
					// Advice holding a command, not a rewritten line:
					// wrapped, never cut (a cut command loses its path).
					wrapTo(w, l, "    ", "            ", width)
					continue
				}
				if j == 0 {
					// The rewritten line is code: cut, never wrapped.
					fmt.Fprintln(w, cut("    "+l, width))
					continue
				}
				// The hint after the rewrite differs only in the variable's
				// name: say it once per kind.
				key := l
				if k := strings.Index(l, ": "); k > 0 {
					key = l[:k]
				}
				if said[key] {
					continue
				}
				said[key] = true
				wrapTo(w, strings.TrimLeft(l, " "), "            ", "            ", width)
			}
			if !seenType[f.RuleID] {
				seenType[f.RuleID] = true
				types = append(types, i)
			}
		}
		if o.MarkersRefused {
			wrapTo(w, c.dim+"not a secret? this server refuses inline allow comments: ask its owner to allow fingerprint "+f.Fingerprint[:8]+c.reset, "    ", "    ", width)
		} else {
			wrapTo(w, c.dim+"not a secret? add the comment"+c.reset+" leakhook:allow="+f.Fingerprint[:8]+" "+c.dim+"to that line"+c.reset, "    ", "    ", width)
		}
		fmt.Fprintln(w)
	}
	var more []string
	for _, f := range fs {
		k := f.Commit + "\x00" + f.Path
		if n := shown[k]; n > MaxShownPerFile {
			where := f.Path
			if f.Commit != "" {
				where += " in commit " + short(f.Commit)
			}
			more = append(more, fmt.Sprintf("leakhook: %s: %s not shown (--format json lists every one)", where, plural(n-MaxShownPerFile, "more finding")))
			shown[k] = 0
		}
	}
	for _, l := range more {
		wrapTo(w, c.yellow+l+c.reset, "", "    ", width)
	}
	if len(more) > 0 {
		fmt.Fprintln(w)
	}
	// Where the values go and how to rotate: once per secret type.
	for _, i := range types {
		f := &fs[i]
		r := e.Rule(f.RuleID)
		var secrets []string
		for _, g := range fs {
			if g.RuleID == f.RuleID {
				secrets = append(secrets, g.Secret)
			}
		}
		lines := remedy.ShortType(secretOf(r), f.Path, ro, secrets...)
		fmt.Fprintf(w, "%s%s [%s]%s:\n", c.bold, r.Name, r.ID, c.reset)
		for _, l := range lines {
			if said[l] {
				continue
			}
			said[l] = true
			if strings.HasPrefix(l, "vault:  or keep it in") {
				continue // said once for all types below
			}
			if strings.HasPrefix(l, "          ") {
				fmt.Fprintln(w, "      "+strings.TrimSpace(l)) // a command: never broken
				continue
			}
			t := strings.TrimLeft(l, " ")
			rest := "            "
			if len(t) > 3 && t[0] >= '1' && t[0] <= '9' && t[1] == '.' {
				rest = "       " // under a numbered step's text
			}
			wrapTo(w, t, "    ", rest, width)
		}
	}
	if len(types) > 0 {
		for _, l := range remedy.ShortType(secretOf(e.Rule(fs[types[0]].RuleID)), fs[types[0]].Path, ro) {
			if strings.HasPrefix(l, "vault:  or keep it in") {
				wrapTo(w, strings.Replace(strings.Replace(l, "keep it in", "keep them in", 1), fs[types[0]].RuleID, "RULE", 1), "", "        ", width)
			}
		}
		fmt.Fprintln(w)
	}
	if o.Mode == ModePush || o.Mode == ModeReceive {
		historyAdvice(w, fs, o, c)
	}
	files := map[string]bool{}
	advisory := 0
	for _, f := range fs {
		if f.Advisory {
			advisory++
			continue
		}
		files[f.Path] = true
	}
	if advisory > 0 {
		fmt.Fprintf(w, "%sleakhook: %s reported without blocking (see each one's reason above).%s\n", c.yellow, plural(advisory, "finding"), c.reset)
	}
	if advisory == len(fs) {
		o.writeSummary(w, c, width)
		return
	}
	what := map[Mode]string{ModeCommit: "commit blocked", ModePush: "push blocked", ModeScan: "found", ModeMessage: "commit blocked", ModeReceive: "push rejected by the server"}[o.Mode]
	fmt.Fprintf(w, "%s%s in %s — %s.%s\n", c.bold+c.red, plural(len(fs)-advisory, "secret"), plural(len(files), "file"), what, c.reset)
	o.writeSummary(w, c, width)
	switch o.Mode {
	case ModeCommit:
		wrapTo(w, "Move the secrets out, stage the change (git add) and commit again. Only if you are sure, bypass once: git commit --no-verify", "", "", width)
	case ModePush:
		wrapTo(w, "Only if you are sure, bypass once: git push --no-verify", "", "", width)
	case ModeReceive:
		wrapTo(w, "The server checks every push; --no-verify does not skip it. Fix the commits above and push again; if this is a false alarm, ask the server's owner.", "", "", width)
	case ModeMessage:
		wrapTo(w, "Take the secret out of the commit message and commit again (git commit -e -F .git/COMMIT_EDITMSG starts from the message you wrote). Only if you are sure, bypass once: git commit --no-verify", "", "", width)
	}
}

// writeSummary writes the line that counts what was suppressed, by source.
func (o *Options) writeSummary(w io.Writer, c palette, width int) {
	if s := summary(o.Suppressed); s != "" {
		wrapTo(w, c.dim+"leakhook: "+s+"."+c.reset, "", "    ", width)
	}
}

// historyAdvice tells how to take secrets out of commits that already exist.
// With o.History it names, per ref, the oldest commit with a secret and the
// exact rebase to run from its parent.
func historyAdvice(w io.Writer, fs []rules.Finding, o Options, c palette) {
	commits := map[string]bool{}
	for _, f := range fs {
		if f.Commit != "" && !f.Advisory {
			commits[f.Commit] = true
		}
	}
	if len(commits) == 0 {
		return
	}
	fmt.Fprintf(w, "%sThe secret is in your commits, so it must leave history before you push:%s\n", c.bold, c.reset)
	fmt.Fprintln(w, "  - if it is only in your last commit: move it out, git add the files, then git commit --amend")
	// History is children before parents: the last one seen per ref is the oldest.
	oldest := map[string]scan.Commit{}
	var refs []string
	for _, h := range o.History {
		if !commits[h.ID] {
			continue
		}
		if _, ok := oldest[h.Ref]; !ok {
			refs = append(refs, h.Ref)
		}
		oldest[h.Ref] = h
	}
	if len(refs) == 0 {
		fmt.Fprintln(w, "  - if it is in older commits: git rebase -i <parent of the oldest commit above>, mark those commits 'edit', fix each, git commit --amend, git rebase --continue")
	}
	for _, ref := range refs {
		h := oldest[ref]
		on := ""
		if ref != "" {
			on = " on " + ref
		}
		base := "--root"
		if h.Parent != "" {
			base = short(h.Parent)
		}
		fmt.Fprintf(w, "  - otherwise%s, the oldest commit with a secret is %s %q; rewrite from its parent:\n", on, short(h.ID), o.subjectText(h.Subject, fs))
		fmt.Fprintf(w, "      git rebase -i %s\n", base)
		fmt.Fprintln(w, "    mark each commit named above 'edit'; at each stop move the secret out, git add the files, git commit --amend, git rebase --continue")
	}
	inMessage, inTag := false, false
	for _, f := range fs {
		inMessage = inMessage || f.Path == scan.CommitMessagePath
		inTag = inTag || f.Path == scan.TagMessagePath
	}
	if inMessage {
		fmt.Fprintln(w, "  - a secret in a commit message: mark that commit 'reword' instead (or git commit --amend for the last one) and take it out of the message")
	}
	if inTag {
		fmt.Fprintln(w, "  - a secret in a tag message: delete the tag (git tag -d NAME) and tag again with a clean message")
	}
	fmt.Fprintln(w, "  - either way, revoke and rotate it: it was on disk and may have been copied.")
	fmt.Fprintln(w)
}

func short(id string) string {
	if len(id) > 10 {
		return id[:10]
	}
	return id
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
