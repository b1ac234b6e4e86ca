package rules

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// gitleaksOnly names gitleaks configuration keys that leakhook reads but does
// not act on, with what that means, so a config loaded as-is never loses a
// feature silently. Keys are TOML key paths without array indexes.
var gitleaksOnly = map[string]string{
	"minVersion":            "gitleaks version requirement; ignored",
	"rules.required":        "composite rules are not supported: the rule fires on its own regex alone",
	"rules.skipReport":      "not supported: the rule's findings are reported",
	"rules.tokenEfficiency": "not supported: the rule's findings are not filtered by token efficiency",
}

// unknownKey words the warning for a key the schema does not know: where
// it is (file, line, column) and its name, masked where it could be a
// secret (a key can be named like a token).
func unknownKey(loc *keyLocator, file string, key toml.Key) string {
	k := key.String()
	for _, part := range []string{"rules.required", "rules.skipReport", "rules.tokenEfficiency"} {
		if strings.HasPrefix(k, part) {
			k = part
		}
	}
	where, spelled := loc.atKey(file, key)
	if why, ok := gitleaksOnly[k]; ok {
		return fmt.Sprintf("%s: gitleaks key %q: %s", where, spelled, why)
	}
	return fmt.Sprintf("%s: unknown key %q (ignored)", where, spelled)
}

// commitWarnings names allowlist commit entries leakhook cannot apply.
// Commits are checked after scanning, against the commit a finding came
// from; an AND allowlist whose regexes target the match cannot be
// re-checked then, so it never allows (it says so rather than guessing).
func commitWarnings(where string, a *Allowlist) []string {
	var warn []string
	if len(a.Commits) == 0 {
		return nil
	}
	target := strings.ToLower(a.RegexTarget)
	if target == "" {
		target = strings.ToLower(a.RegexTargetAlias)
	}
	if strings.EqualFold(a.Condition, "AND") && len(a.Regexes) > 0 && target == "match" {
		warn = append(warn, fmt.Sprintf("%s: commits with condition AND and regexTarget \"match\" is not supported; this allowlist allows nothing", where))
	}
	for _, c := range a.Commits {
		if len(c) < 7 || !isHexString(strings.ToLower(c)) {
			warn = append(warn, fmt.Sprintf("%s: commit %q is not a commit id (7 to 64 hex digits); it matches nothing", where, c))
		}
	}
	return warn
}

func isHexString(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return s != ""
}

// IgnoreList is a .gitleaksignore: gitleaks fingerprints of findings to
// ignore, "file:rule-id:line" or "commit:file:rule-id:line". They match by
// file, rule and start line (and commit for the second form), as in
// gitleaks; leakhook's own baseline keys on the secret instead, so it
// survives lines moving.
type IgnoreList struct {
	entries map[string]bool
	name    string // the file, for reports
}

// Name is the file the list was read from.
func (l *IgnoreList) Name() string {
	if l == nil || l.name == "" {
		return ".gitleaksignore"
	}
	return l.name
}

// MarshalJSON lists the normalised fingerprints, sorted, so that the list
// can be part of a hash of what a scan reports (hook.RuleSetHash).
func (l *IgnoreList) MarshalJSON() ([]byte, error) {
	var keys []string
	if l != nil {
		keys = slices.Sorted(maps.Keys(l.entries))
	}
	return json.Marshal(keys)
}

// LoadGitleaksIgnore reads a .gitleaksignore; a missing file is an empty
// list. Lines that are not fingerprints are reported as warnings.
func LoadGitleaksIgnore(path string) (*IgnoreList, []string, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %v", path, err)
	}
	return ParseGitleaksIgnore(path, data)
}

// ParseGitleaksIgnore reads .gitleaksignore text; path names it in messages.
func ParseGitleaksIgnore(path string, data []byte) (*IgnoreList, []string, error) {
	l := &IgnoreList{entries: map[string]bool{}, name: path}
	var warn []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, ok := parseIgnore(line)
		if !ok {
			warn = append(warn, fmt.Sprintf("%s:%d: not a gitleaks fingerprint (want file:rule-id:line or commit:file:rule-id:line); ignored", path, n))
			continue
		}
		l.entries[key] = true
	}
	if err := sc.Err(); err != nil {
		return nil, warn, fmt.Errorf("reading %s: %v", path, err)
	}
	return l, warn, nil
}

// parseIgnore normalises a fingerprint to "commit\x00file\x00rule\x00line"
// (commit empty for the file form). It splits from the right, so file
// names that contain ':' still parse.
func parseIgnore(s string) (string, bool) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return "", false
	}
	line := s[i+1:]
	if n, err := strconv.Atoi(line); err != nil || n < 0 {
		return "", false
	}
	s = s[:i]
	j := strings.LastIndexByte(s, ':')
	if j < 0 {
		return "", false
	}
	rule, file := s[j+1:], s[:j]
	commit := ""
	if k := strings.IndexByte(file, ':'); k >= 7 && isHexString(strings.ToLower(file[:k])) && k <= 64 {
		commit, file = strings.ToLower(file[:k]), file[k+1:]
	}
	if rule == "" || file == "" {
		return "", false
	}
	return commit + "\x00" + file + "\x00" + rule + "\x00" + line, true
}

// Match reports whether f is ignored. A nil list matches nothing.
func (l *IgnoreList) Match(f *Finding) bool {
	if l == nil || len(l.entries) == 0 {
		return false
	}
	rest := "\x00" + f.Path + "\x00" + f.RuleID + "\x00" + strconv.Itoa(f.Line)
	if l.entries[rest] {
		return true
	}
	if f.Commit == "" {
		return false
	}
	c := strings.ToLower(f.Commit)
	if l.entries[c+rest] {
		return true
	}
	for k := range l.entries { // abbreviated commit ids
		if i := strings.IndexByte(k, 0); i >= 7 && strings.HasPrefix(c, k[:i]) && k[i:] == rest {
			return true
		}
	}
	return false
}

// Len is the number of fingerprints in the list.
func (l *IgnoreList) Len() int {
	if l == nil {
		return 0
	}
	return len(l.entries)
}
