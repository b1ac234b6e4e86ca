package rules

import (
	"sync"
	"sync/atomic"

	"github.com/leakhook/leakhook/rules/internal/dfa"
)

// hotAsks is how often a regex is asked before it gets a DFA: building
// one's states costs about what Go's regexp spends on a few hundred bytes,
// which a regex asked once or twice in a small commit never repays.
const hotAsks = 16

// lazyDFA is a regex's DFA (rules/internal/dfa), built once the regex is
// hot. It answers whether the regex matches at all, exactly as the regex
// would, or says it cannot tell (then the caller asks the regex).
type lazyDFA struct {
	pattern string
	free    int // states free of the byte budget: 0 for dfa's default
	asks    atomic.Int32
	once    sync.Once
	m       *dfa.Matcher
}

func newLazyDFA(pattern string) *lazyDFA { return &lazyDFA{pattern: pattern} }

// match reports whether the pattern matches in b from position from (the
// bytes before it are context), as dfa.Matcher.Match; ok is false when the
// regex must be asked instead.
func (l *lazyDFA) match(b []byte, from int) (match, ok bool) {
	if l == nil {
		return false, false
	}
	if l.asks.Load() < hotAsks {
		l.asks.Add(1)
		return false, false
	}
	if m := l.matcher(); m != nil {
		return m.Match(b, from)
	}
	return false, false
}

// matcher returns the DFA, building it if need be; nil if the pattern does
// not compile (it always does: the regex was compiled from it first).
func (l *lazyDFA) matcher() *dfa.Matcher {
	l.once.Do(func() {
		if l.free > 0 {
			l.m, _ = dfa.NewFree(l.pattern, l.free)
		} else {
			l.m, _ = dfa.New(l.pattern)
		}
	})
	return l.m
}
