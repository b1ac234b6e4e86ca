// Package dfa answers one question about a regular expression quickly:
// does it match anywhere in a text? It runs the program Go's regexp package
// compiles for the pattern (so the language is the same, assertions and
// case folding included) as a DFA built lazily, state by state, as texts
// need them. Go's regexp costs ~100-250 ns a byte on the engine's
// case-insensitive, alternation-heavy patterns (a backtracker or NFA walks
// many instructions at each position); a built state costs a table lookup
// per byte. It finds no positions: a caller that needs them asks regexp,
// knowing now whether there is anything to find.
//
// Only ASCII text is handled (the states step on bytes, which are runes
// only there); on other text, and on a pattern that would need too many
// states, the answer is "cannot tell" and the caller uses regexp.
package dfa

import (
	"regexp/syntax"
	"sync"
	"sync/atomic"
)

// maxStates bounds a Matcher's memory (~600 bytes a state); a pattern that
// needs more is left to regexp. So does one that needs more than freeStates
// plus one for every bytesPerState bytes it was asked about: a state costs
// about what regexp spends on that many bytes, so a DFA that keeps finding
// new ones would not repay them.
const (
	maxStates     = 2000
	freeStates    = 128
	bytesPerState = 16
)

// Context classes of the byte before a position: what syntax.EmptyOpContext
// needs to know of it.
const (
	ctxBegin   = iota // no byte: the start of the text
	ctxNewline        // '\n'
	ctxWord           // [0-9A-Za-z_]
	ctxOther
	nctx
)

// rep is a rune of each context class, for syntax.EmptyOpContext.
var rep = [nctx]rune{-1, '\n', 'a', ' '}

var class [128]uint8

func init() {
	for c := range class {
		switch {
		case c == '\n':
			class[c] = ctxNewline
		case syntax.IsWordChar(rune(c)):
			class[c] = ctxWord
		default:
			class[c] = ctxOther
		}
	}
}

// Transition values: unknown; a match found before the byte is consumed;
// no match possible any more (a pattern anchored at the start, once nothing
// is pending); otherwise the next state's index plus one.
const (
	unknown = 0
	matched = -1
	dead    = -2
)

type state struct {
	pcs  []uint32 // instructions to close over at this position (targets of the last byte's steps)
	prev uint8    // context class of the byte before this position
	end  int32    // at the end of the text: 0 unknown, 1 no match, 2 match (atomic)
}

// table is what Match reads without a lock: the states built so far and
// their transitions. A new state publishes a new table; a transition is
// written (atomically) into the current table's next, which may share its
// array with older tables, so a reader of an older table sees either the
// transition or unknown, and every state a transition names is in the
// table it was written to.
type table struct {
	states []*state
	next   []int32 // state*128 + byte -> transition (unknown, matched, dead or state+1), atomic
}

// Matcher is safe for concurrent use: matching takes no lock, building a
// state takes mu.
type Matcher struct {
	prog     *syntax.Prog
	anchored bool // every match starts at the beginning of the text
	free     int  // states built before they must be repaid (freeStates unless NewFree)

	tab    atomic.Pointer[table]
	start  [nctx]int32 // index+1 of the state at a position with no pending work, per context (atomic)
	failed atomic.Bool // too many states: always "cannot tell"
	bytes  atomic.Int64

	mu      sync.Mutex // guards what follows, and writing tab and start
	index   map[string]int32
	stack   []uint32
	seen    []uint32 // sparse set for closures, by generation
	gen     uint32
	buf     []uint32
	keyBuf  []byte
	runeOps []uint32
}

// New compiles pattern as regexp.Compile does.
func New(pattern string) (*Matcher, error) { return NewFree(pattern, freeStates) }

// NewFree is New with free states built before bytes asked must repay
// them, instead of freeStates: for a pattern that stands for several
// others, each of whose DFAs it saves a pass over the same text, and whose
// states are about their product (still at most maxStates).
func NewFree(pattern string, free int) (*Matcher, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, err
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return nil, err
	}
	m := &Matcher{
		prog:     prog,
		anchored: prog.StartCond()&syntax.EmptyBeginText != 0,
		free:     free,
		index:    map[string]int32{},
		seen:     make([]uint32, len(prog.Inst)),
	}
	m.tab.Store(&table{})
	return m, nil
}

// Match reports whether the pattern matches some part of b[from:], judged
// as regexp judges a search of b from position from (the byte before from
// is context for ^, \b and the like; a match may be empty). ok is false
// when it cannot tell: b[from:] holds a non-ASCII byte, or the pattern
// needs too many states.
func (m *Matcher) Match(b []byte, from int) (match, ok bool) {
	if m.anchored && from > 0 {
		return false, true
	}
	prev := uint8(ctxBegin)
	if from > 0 {
		c := b[from-1]
		if c >= 0x80 {
			return false, false
		}
		prev = class[c]
	}
	if m.failed.Load() {
		return false, false
	}
	m.bytes.Add(int64(len(b) - from))
	s := atomic.LoadInt32(&m.start[prev]) - 1
	if s < 0 {
		m.mu.Lock()
		s = m.startState(prev)
		m.mu.Unlock()
		if s < 0 {
			return false, false
		}
	}
	t := m.tab.Load()
	next, nstates := t.next, int32(len(t.states))
	for _, c := range b[from:] {
		if c >= 0x80 {
			return false, false
		}
		if s >= nstates {
			// A transition read from an array this table shares with a
			// newer one may name a state only the newer table holds.
			t = m.tab.Load()
			next, nstates = t.next, int32(len(t.states))
		}
		n := atomic.LoadInt32(&next[int(s)<<7|int(c)])
		if n == unknown {
			m.mu.Lock()
			n = m.step(s, c)
			m.mu.Unlock()
			if n == unknown {
				return false, false
			}
			t = m.tab.Load()
			next, nstates = t.next, int32(len(t.states))
		}
		if n < 0 {
			return n == matched, true
		}
		s = n - 1
	}
	if s >= nstates {
		t = m.tab.Load()
	}
	st := t.states[s]
	e := atomic.LoadInt32(&st.end)
	if e == 0 {
		m.mu.Lock()
		e = 1
		if m.closure(st.pcs, syntax.EmptyOpContext(rep[st.prev], -1), nil) {
			e = 2
		}
		atomic.StoreInt32(&st.end, e)
		m.mu.Unlock()
	}
	return e == 2, true
}

// startState returns the state at a position with no pending work after a
// byte of class prev, making it if new; -1 when there would be too many.
func (m *Matcher) startState(prev uint8) int32 {
	if s := m.start[prev] - 1; s >= 0 {
		return s
	}
	s := m.stateFor(nil, prev)
	if s >= 0 {
		atomic.StoreInt32(&m.start[prev], s+1)
	}
	return s
}

// step computes and records state s's transition on byte c.
func (m *Matcher) step(s int32, c byte) int32 {
	if n := atomic.LoadInt32(&m.tab.Load().next[int(s)<<7|int(c)]); n != unknown {
		return n // another goroutine got here first
	}
	st := m.tab.Load().states[s]
	flags := syntax.EmptyOpContext(rep[st.prev], rune(c))
	m.runeOps = m.runeOps[:0]
	if m.closure(st.pcs, flags, &m.runeOps) {
		atomic.StoreInt32(&m.tab.Load().next[int(s)<<7|int(c)], matched)
		return matched
	}
	m.buf = m.buf[:0]
	for _, pc := range m.runeOps {
		in := &m.prog.Inst[pc]
		ok := false
		switch in.Op {
		case syntax.InstRune, syntax.InstRune1:
			ok = in.MatchRune(rune(c))
		case syntax.InstRuneAny:
			ok = true
		case syntax.InstRuneAnyNotNL:
			ok = c != '\n'
		}
		if ok {
			m.buf = append(m.buf, in.Out)
		}
	}
	if m.anchored && len(m.buf) == 0 {
		atomic.StoreInt32(&m.tab.Load().next[int(s)<<7|int(c)], dead) // past the start, nothing pending: nothing can match
		return dead
	}
	n := m.stateFor(m.buf, class[c])
	if n < 0 {
		return unknown
	}
	atomic.StoreInt32(&m.tab.Load().next[int(s)<<7|int(c)], n+1) // the table holding state n
	return n + 1
}

// closure follows every empty step from pcs and from the program's start
// (a match may begin at any position) under the assertions flags allows,
// appending the byte-consuming instructions reached to runeOps. It reports
// whether a match instruction is reached.
func (m *Matcher) closure(pcs []uint32, flags syntax.EmptyOp, runeOps *[]uint32) bool {
	m.gen++
	if m.gen == 0 {
		clear(m.seen)
		m.gen = 1
	}
	m.stack = append(m.stack[:0], uint32(m.prog.Start))
	for i := len(pcs) - 1; i >= 0; i-- {
		m.stack = append(m.stack, pcs[i])
	}
	found := false
	for len(m.stack) > 0 {
		pc := m.stack[len(m.stack)-1]
		m.stack = m.stack[:len(m.stack)-1]
		if m.seen[pc] == m.gen {
			continue
		}
		m.seen[pc] = m.gen
		in := &m.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			m.stack = append(m.stack, in.Arg, in.Out)
		case syntax.InstCapture, syntax.InstNop:
			m.stack = append(m.stack, in.Out)
		case syntax.InstEmptyWidth:
			if syntax.EmptyOp(in.Arg)&^flags == 0 {
				m.stack = append(m.stack, in.Out)
			}
		case syntax.InstMatch:
			found = true
		case syntax.InstFail:
		default: // InstRune, InstRune1, InstRuneAny, InstRuneAnyNotNL
			if runeOps != nil {
				*runeOps = append(*runeOps, pc)
			}
		}
	}
	return found
}

// stateFor returns the index of the state with pending instructions pcs
// (in any order, duplicates allowed) after a byte of class prev, making it
// if new; -1 when there would be too many states.
func (m *Matcher) stateFor(pcs []uint32, prev uint8) int32 {
	pcs = sortUnique(pcs)
	m.keyBuf = append(m.keyBuf[:0], prev)
	for _, pc := range pcs {
		m.keyBuf = append(m.keyBuf, byte(pc), byte(pc>>8), byte(pc>>16), byte(pc>>24))
	}
	if i, ok := m.index[string(m.keyBuf)]; ok {
		return i
	}
	t := m.tab.Load()
	if n := len(t.states); n >= maxStates || n >= m.free && int64(n) > m.bytes.Load()/bytesPerState {
		m.failed.Store(true)
		return -1
	}
	i := int32(len(t.states))
	// Appending may write into an array older tables share, past their
	// length, where their readers never look.
	m.tab.Store(&table{
		states: append(t.states, &state{pcs: append([]uint32(nil), pcs...), prev: prev}),
		next:   append(t.next, make([]int32, 128)...),
	})
	m.index[string(m.keyBuf)] = i
	return i
}

// sortUnique sorts a short slice in place (insertion sort) and drops repeats.
func sortUnique(a []uint32) []uint32 {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
	out := a[:0]
	for i, v := range a {
		if i == 0 || v != a[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// States returns how many states m has built, and whether it gave up.
func (m *Matcher) States() (n int, failed bool) {
	return len(m.tab.Load().states), m.failed.Load()
}
