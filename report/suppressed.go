package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/leakhook/leakhook/rules"
)

// SuppressionCount is how many findings one source suppressed.
type SuppressionCount struct {
	Kind        rules.SuppressionKind `json:"kind"`
	Source      string                `json:"source"` // the marker, "file:line:col: key" of an allowlist, or the file
	Description string                `json:"description,omitempty"`
	Count       int                   `json:"count"`
}

// kindOrder sorts sources of equal counts: configuration first, then the
// lines' own markers, then the files of known findings.
var kindOrder = map[rules.SuppressionKind]int{
	rules.SuppressedAllowlist: 0, rules.SuppressedCommit: 1, rules.SuppressedIgnore: 2,
	rules.SuppressedInline: 3, rules.SuppressedBaseline: 4,
}

// Suppressions counts suppressed findings by source, most first.
func Suppressions(fs []rules.Finding) []SuppressionCount {
	index := map[rules.Suppression]int{}
	var out []SuppressionCount
	for i := range fs {
		s := fs[i].Suppressed
		if s == nil {
			continue
		}
		j, ok := index[*s]
		if !ok {
			j = len(out)
			index[*s] = j
			out = append(out, SuppressionCount{Kind: s.Kind, Source: s.Key, Description: s.Description})
		}
		out[j].Count++
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if kindOrder[a.Kind] != kindOrder[b.Kind] {
			return kindOrder[a.Kind] < kindOrder[b.Kind]
		}
		return a.Source < b.Source
	})
	return out
}

// summary is the one line the text report gives what was suppressed:
// "suppressed 3 (not blocking): 2 by allowlist "tests" (.leakhook.toml:3:1),
// 1 by inline allow marker leakhook:allow"; "" when nothing was.
func summary(fs []rules.Finding) string {
	counts := Suppressions(fs)
	if len(counts) == 0 {
		return ""
	}
	total := 0
	parts := make([]string, 0, len(counts))
	for _, c := range counts {
		total += c.Count
		parts = append(parts, fmt.Sprintf("%d %s", c.Count, c.describe()))
	}
	return fmt.Sprintf("suppressed %d (not blocking): %s", total, strings.Join(parts, ", "))
}

// describe names the source after its count, for the text summary.
func (c SuppressionCount) describe() string {
	switch c.Kind {
	case rules.SuppressedInline:
		return "by inline allow marker " + c.Source
	case rules.SuppressedIgnore:
		return "by " + c.Source
	case rules.SuppressedBaseline:
		return "by baseline " + c.Source
	}
	by := "by "
	if c.Kind == rules.SuppressedCommit {
		by = "by the commits of "
	}
	where, key := splitKey(c.Source)
	if c.Description != "" {
		key = fmt.Sprintf("allowlist %q", c.Description)
	}
	if where == "" {
		return by + key
	}
	return by + key + " (" + where + ")"
}

// justification is what SARIF says of one suppression: its source, named
// in full.
func justification(s *rules.Suppression) string {
	switch s.Kind {
	case rules.SuppressedInline:
		return "inline allow marker " + s.Key + " on the line"
	case rules.SuppressedIgnore:
		return "an entry of " + s.Key
	case rules.SuppressedBaseline:
		return "known to the baseline " + s.Key
	}
	what := "allowlist"
	if s.Kind == rules.SuppressedCommit {
		what = "the commits of allowlist"
	}
	if s.Description != "" {
		what += fmt.Sprintf(" %q", s.Description)
	}
	return what + " at " + s.Key
}

// splitKey splits a configuration key "file:line:col: allowlists[2]" into
// the place and the key; a key without a place is returned as the key.
func splitKey(k string) (where, key string) {
	i := strings.LastIndex(k, ": ")
	if i < 0 {
		return "", k
	}
	return k[:i], k[i+2:]
}
