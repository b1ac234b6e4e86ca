package rules

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strings"
)

type compiledAllowlist struct {
	and       bool
	target    string
	regexes   []*regexp.Regexp
	dfa       *lazyDFA   // whether one of the regexes matches, in one pass (nil: ask each)
	lits      [][]string // per regex: requiredLiterals, a prefilter
	paths     []*regexp.Regexp
	globs     []string
	stopwords []string
	commits   []string // lower-case ids or prefixes; checked after scanning (allowedCommit)
	rules     map[string]bool
	origin    origin // where a configuration set it
	desc      string // its description, for reports
	advisory  bool   // a built-in allowlist whose matches are reported without blocking
}

func compileAllowlist(a *Allowlist) (*compiledAllowlist, error) {
	c := &compiledAllowlist{target: strings.ToLower(a.RegexTarget), origin: a.origin, desc: a.Description, advisory: a.Advisory && a.origin.key == ""}
	switch strings.ToUpper(a.Condition) {
	case "", "OR":
	case "AND":
		c.and = true
	default:
		return nil, fmt.Errorf("condition %q: want OR or AND", a.Condition)
	}
	switch c.target {
	case "", "secret", "match", "line":
	default:
		return nil, fmt.Errorf("regexTarget %q: want secret, match or line", a.RegexTarget)
	}
	for _, s := range a.Regexes {
		re, err := regexp.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("regexes: %v", regexError(err))
		}
		c.regexes = append(c.regexes, re)
		c.lits = append(c.lits, requiredLiterals(s))
	}
	if len(a.Regexes) == 1 {
		c.dfa = newLazyDFA(a.Regexes[0])
	} else if len(a.Regexes) > 1 {
		// Each regex in a group of its own keeps its flags to itself; only
		// \Q (quote to the end) would reach past the group.
		var b strings.Builder
		for i, s := range a.Regexes {
			if strings.Contains(s, `\Q`) {
				b.Reset()
				break
			}
			if i > 0 {
				b.WriteString("|")
			}
			b.WriteString("(?:" + s + ")")
		}
		if b.Len() > 0 {
			c.dfa = newLazyDFA(b.String())
		}
	}
	for _, p := range a.Paths {
		if isGlob(p) {
			if _, err := path.Match(p, ""); err != nil {
				return nil, fmt.Errorf("paths: glob %s: %v", quoteMasked(p), err)
			}
			c.globs = append(c.globs, p)
			continue
		}
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("paths: %v", regexError(err))
		}
		c.paths = append(c.paths, re)
	}
	for _, w := range a.Stopwords {
		c.stopwords = append(c.stopwords, strings.ToLower(w))
	}
	for _, id := range a.Commits {
		if len(id) >= 7 {
			c.commits = append(c.commits, strings.ToLower(id))
		}
	}
	if len(a.TargetRules) > 0 {
		c.rules = map[string]bool{}
		for _, id := range a.TargetRules {
			c.rules[id] = true
		}
	}
	return c, nil
}

// isGlob tells a glob ("docs/**", "*.md") from a regex: globs have no regex
// metacharacters other than '*', '?' and '.'.
func isGlob(p string) bool {
	return strings.ContainsAny(p, "*?") && !strings.ContainsAny(p, `^$()|+\{}`) && !strings.Contains(p, ".*")
}

// suppression is what a report says of a finding this allowlist drops;
// nil for the built-in rules' own allowlists, which are part of the rules.
func (c *compiledAllowlist) suppression(kind SuppressionKind) *Suppression {
	if c.origin.key == "" {
		return nil
	}
	return &Suppression{Kind: kind, Key: c.origin.key, Description: c.desc}
}

func (c *compiledAllowlist) targets(ruleID string) bool {
	return c.rules == nil || c.rules[ruleID]
}

func (c *compiledAllowlist) matchPath(p string) bool {
	for _, re := range c.paths {
		if re.MatchString(p) {
			return true
		}
	}
	for _, g := range c.globs {
		if globMatch(g, p) {
			return true
		}
	}
	return false
}

// globMatch matches slash-separated paths; "**" matches any number of directories.
func globMatch(glob, p string) bool {
	if !strings.Contains(glob, "**") {
		if ok, _ := path.Match(glob, p); ok {
			return true
		}
		// A pattern without a slash matches the base name anywhere, like .gitignore.
		if !strings.Contains(glob, "/") {
			ok, _ := path.Match(glob, path.Base(p))
			return ok
		}
		return false
	}
	i := strings.Index(glob, "**")
	prefix, rest := glob[:i], strings.TrimPrefix(glob[i+2:], "/")
	if !strings.HasPrefix(p, prefix) {
		return false
	}
	tail := p[len(prefix):]
	if rest == "" {
		return true
	}
	for {
		if globMatch(rest, tail) {
			return true
		}
		j := strings.IndexByte(tail, '/')
		if j < 0 {
			return false
		}
		tail = tail[j+1:]
	}
}

// allows reports whether this allowlist suppresses a finding. The commit a
// finding comes from is not known while scanning: an AND allowlist with
// commits is decided later by allowedCommit, and in an OR allowlist the
// commits are simply the one check not made here.
func (c *compiledAllowlist) allows(p string, secret, match, line []byte, miss targetSet) bool {
	if c.and && len(c.commits) > 0 {
		return false
	}
	n, hits := c.checks(p, secret, match, line, miss)
	return combine(c.and, n, hits)
}

// targetSet is a set of regex targets (secret, match, line): those that
// the caller already knows none of the allowlist's regexes match.
type targetSet uint8

const (
	targetSecret targetSet = 1 << iota
	targetMatch
	targetLine
)

// targetOf returns the bit of a regexTarget ("" is the secret).
func targetOf(target string) targetSet {
	switch target {
	case "match":
		return targetMatch
	case "line":
		return targetLine
	}
	return targetSecret
}

// checks evaluates each kind of criterion the allowlist has (not commits):
// it returns how many there are and how many hold. The regexes are not
// run on a target in miss: none of them matches it.
func (c *compiledAllowlist) checks(p string, secret, match, line []byte, miss targetSet) (n, hits int) {
	check := func(ok bool) {
		n++
		if ok {
			hits++
		}
	}
	if len(c.paths)+len(c.globs) > 0 {
		check(c.matchPath(p))
	}
	if len(c.regexes) > 0 {
		target := secret
		switch c.target {
		case "match":
			target = match
		case "line":
			target = line
		}
		hit, known := false, target == nil || miss&targetOf(c.target) != 0
		if !known {
			hit, known = c.dfa.match(target, 0) // exact, and cheaper than the literals
		}
		var lower []byte
		for i, re := range c.regexes {
			if known {
				break
			}
			if c.lits[i] != nil {
				if lower == nil {
					lower = lowerASCII(nil, target)
				}
				if !containsAny(lower, c.lits[i]) {
					continue // cannot match: ~100x cheaper than the regex
				}
			}
			if re.Match(target) {
				hit = true
				break
			}
		}
		check(hit)
	}
	if len(c.stopwords) > 0 {
		low := strings.ToLower(string(secret))
		hit := false
		for _, w := range c.stopwords {
			if strings.Contains(low, w) {
				hit = true
				break
			}
		}
		check(hit)
	}
	return n, hits
}

// combine applies the condition to n criteria of which hits hold: OR needs
// one, AND needs all; an allowlist with no criteria allows nothing.
func combine(and bool, n, hits int) bool {
	if n == 0 {
		return false
	}
	if and {
		return hits == n
	}
	return hits > 0
}

// matchCommit reports whether the finding's commit is one of the allowlist's.
func (c *compiledAllowlist) matchCommit(commit string) bool {
	commit = strings.ToLower(commit)
	for _, id := range c.commits {
		if commit != "" && (strings.HasPrefix(commit, id) || strings.HasPrefix(id, commit)) {
			return true
		}
	}
	return false
}

// allowedCommit applies allowlists' commits to a finding from history: in
// an OR allowlist the commit alone allows; in an AND one the other criteria
// are checked again against the finding (a "match" regex target cannot be,
// so such an allowlist never allows; loading warns about it). It returns
// the allowlist that allows f, or nil.
func (e *Engine) allowedCommit(f *Finding) *compiledAllowlist {
	if f.Commit == "" {
		return nil
	}
	var lists []*compiledAllowlist
	if r := e.compiled(f.RuleID); r != nil && r.compile() == nil {
		lists = append(lists, r.allows...)
	}
	global, _ := e.global.get() // an error stopped the scan that found f
	for _, a := range global {
		if a.targets(f.RuleID) {
			lists = append(lists, a)
		}
	}
	for _, a := range lists {
		if len(a.commits) == 0 || !a.matchCommit(f.Commit) {
			continue
		}
		if !a.and {
			return a
		}
		n, hits := a.checks(f.Path, []byte(f.Secret), nil, []byte(f.LineText), 0)
		if n == 0 || hits == n {
			return a
		}
	}
	return nil
}

func (e *Engine) compiled(id string) *compiledRule {
	for _, r := range e.rules {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// markerSet recognises inline allow comments.
type markerSet struct {
	sameLine [][]byte
	nextLine [][]byte
	// common holds words of which every marker holds one: a line holding
	// none of them holds no marker, and one search per word is all that
	// finding asks of the line of most candidates.
	common [][]byte
}

func defaultMarkers() *markerSet {
	return &markerSet{
		sameLine: byteStrings("leakhook:allow", "gitleaks:allow", "betterleaks:allow", "pragma: allowlist secret",
			"trufflehog:ignore", "kingfisher:ignore", "secretlint-disable-line", "ggignore"),
		nextLine: byteStrings("leakhook:allow-next-line", "pragma: allowlist nextline secret"),
		common:   markerWords,
	}
}

var markerWords = byteStrings("allow", "ignore", "-disable-line")

// mayHold reports whether line may hold a marker (false only if it holds
// none of m.common).
func (m *markerSet) mayHold(line []byte) bool {
	for _, w := range m.common {
		if bytes.Contains(line, w) {
			return true
		}
	}
	return m.common == nil
}

// which returns the marker that allows the secret on the line [ls,le) of c: a same-line allow
// marker there, or a next-line marker on the line before, for a secret with
// fingerprint fp. "leakhook:allow=<fp>" allows only the secret with that
// fingerprint. For a multi-line secret (a PEM block) ls is the line where it
// starts, so a marker before the BEGIN line covers the block. No other line
// is looked at: an allow never reaches a secret on another line. "" when none allows.
func (m *markerSet) which(c []byte, ls, le int, fp string) string {
	if m.mayHold(c[ls:le]) {
		if mk := hasMarker(c[ls:le], m.sameLine, fp); mk != "" {
			return mk
		}
	}
	if ls == 0 || c[ls-1] != '\n' {
		return "" // first line, or ls is inside a long line: there is no line before
	}
	prev := c[lineStart(c, ls-1, lineReach) : ls-1]
	if !m.mayHold(prev) {
		return ""
	}
	return hasMarker(prev, m.nextLine, fp)
}

func byteStrings(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

// hasMarker looks at every occurrence of every marker in line and returns
// the first that allows, or "".
func hasMarker(line []byte, markers [][]byte, fp string) string {
	for _, mk := range markers {
		rest := line
		for {
			i := bytes.Index(rest, mk)
			if i < 0 {
				break
			}
			rest = rest[i+len(mk):]
			if markerMatches(rest, fp) {
				return string(mk)
			}
		}
	}
	return ""
}

// markerMatches looks at what follows a marker: nothing word-like means a
// plain allow; "=<fp>" (at least 8 hex digits) binds the allow to one
// secret; "-next-line" belongs to the next-line form and is not a same-line
// allow; a letter or digit means another word ("gitleaks:allowed").
func markerMatches(rest []byte, fp string) bool {
	if len(rest) == 0 {
		return true
	}
	switch b := rest[0]; {
	case b == '=':
		v := rest[1:]
		n := 0
		for n < len(v) && isHex(v[n]) {
			n++
		}
		return n >= 8 && strings.HasPrefix(fp, string(v[:n]))
	case b == '-' || b == '_' || '0' <= b && b <= '9' || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z':
		return false
	}
	return true
}

func isHex(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'f'
}
