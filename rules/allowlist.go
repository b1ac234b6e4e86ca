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
	paths     []*regexp.Regexp
	globs     []string
	stopwords []string
	rules     map[string]bool
}

func compileAllowlist(a *Allowlist) (*compiledAllowlist, error) {
	c := &compiledAllowlist{target: strings.ToLower(a.RegexTarget)}
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
			return nil, fmt.Errorf("regex %q: %v", s, err)
		}
		c.regexes = append(c.regexes, re)
	}
	for _, p := range a.Paths {
		if isGlob(p) {
			if _, err := path.Match(p, ""); err != nil {
				return nil, fmt.Errorf("path glob %q: %v", p, err)
			}
			c.globs = append(c.globs, p)
			continue
		}
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("path regex %q: %v", p, err)
		}
		c.paths = append(c.paths, re)
	}
	for _, w := range a.Stopwords {
		c.stopwords = append(c.stopwords, strings.ToLower(w))
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

// allows reports whether this allowlist suppresses a finding.
func (c *compiledAllowlist) allows(p, secret string, match, line []byte) bool {
	var checks []bool
	if len(c.paths)+len(c.globs) > 0 {
		checks = append(checks, c.matchPath(p))
	}
	if len(c.regexes) > 0 {
		target := []byte(secret)
		switch c.target {
		case "match":
			target = match
		case "line":
			target = line
		}
		hit := false
		for _, re := range c.regexes {
			if re.Match(target) {
				hit = true
				break
			}
		}
		checks = append(checks, hit)
	}
	if len(c.stopwords) > 0 {
		low := strings.ToLower(secret)
		hit := false
		for _, w := range c.stopwords {
			if strings.Contains(low, w) {
				hit = true
				break
			}
		}
		checks = append(checks, hit)
	}
	if len(checks) == 0 {
		return false
	}
	for _, ok := range checks {
		if ok && !c.and {
			return true
		}
		if !ok && c.and {
			return false
		}
	}
	return c.and
}

// markerSet recognises inline allow comments.
type markerSet struct {
	sameLine []string
	nextLine []string
}

func defaultMarkers() *markerSet {
	return &markerSet{
		sameLine: []string{"leakhook:allow", "gitleaks:allow", "betterleaks:allow", "pragma: allowlist secret",
			"trufflehog:ignore", "kingfisher:ignore", "secretlint-disable-line", "ggignore"},
		nextLine: []string{"leakhook:allow-next-line", "pragma: allowlist nextline secret"},
	}
}

// allowed reports whether the line [ls,le) of c, or the line before it,
// carries an allow marker for a secret with fingerprint fp.
// "leakhook:allow=<fp>" allows only the secret with that fingerprint.
func (m *markerSet) allowed(c []byte, ls, le int, fp string) bool {
	line := c[ls:le]
	if bytes.IndexByte(line, ':') >= 0 {
		for _, mk := range m.sameLine {
			if i := bytes.Index(line, []byte(mk)); i >= 0 {
				if markerMatches(line[i+len(mk):], fp) {
					return true
				}
			}
		}
	}
	if ls == 0 {
		return false
	}
	prev := c[lineStart(c, ls-1, len(c)) : ls-1]
	for _, mk := range m.nextLine {
		if i := bytes.Index(prev, []byte(mk)); i >= 0 {
			if markerMatches(prev[i+len(mk):], fp) {
				return true
			}
		}
	}
	return false
}

// markerMatches looks at what follows a marker: nothing word-like means a
// plain allow; "=<fp>" binds the allow to one secret; "-next-line" belongs to
// the next-line form and is not a same-line allow.
func markerMatches(rest []byte, fp string) bool {
	if len(rest) == 0 {
		return true
	}
	switch rest[0] {
	case '=':
		v := rest[1:]
		n := 0
		for n < len(v) && isHex(v[n]) {
			n++
		}
		return n >= 8 && strings.HasPrefix(fp, string(v[:n]))
	case '-', '_':
		return false
	}
	return true
}

func isHex(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'f'
}
