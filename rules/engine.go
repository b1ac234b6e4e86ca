package rules

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/bits"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/leakhook/leakhook/rules/internal/keywords"
)

// A single-line rule's regex looks at most reachBack bytes before its keyword
// and reachAhead after it (within the line): keywords sit at or near the start
// of what a rule matches. Windows of one rule that overlap are merged, but
// only up to maxMergedWindow, so that a long minified line with many hits is
// searched in small windows; Go's regexp is much faster on small inputs
// (backtracking) than on large ones (NFA), above all for (?i) patterns,
// which have no literal prefix to skip ahead with.
const (
	reachBack       = 256
	reachAhead      = 1024
	maxMergedWindow = 4096
	lineReach       = 2048  // bytes of a finding's line kept on each side of the secret
	contextReach    = 16384 // bytes a rule's context may look at on each side
)

// maxMultilineWindow bounds the window of a multi-line rule (a PEM block).
const maxMultilineWindow = 64 << 10

// Engine applies a rule set to Targets. It is safe for concurrent use; regexes
// are compiled on first use, so a clean change pays only for the keyword pass.
type Engine struct {
	rules    []*compiledRule
	keywords *keywords.Matcher // rules' keywords and the decoders' hints, built from index.words
	index
	global   lazyAllowlists // compiled on first use, like the rules
	markers  *markerSet
	bufs     sync.Pool               // scratch for targets
	spare    atomic.Pointer[scratch] // one more, kept out of the pool: see getScratch
	decBufs  sync.Pool               // scratch for decoded text, scanned inside a target's scan
	byIDOnce sync.Once
	byID     map[string]*Rule // Rule's index, made on first use
	anyAllow sync.Map         // combined allowlist pattern -> *lazyDFA (anyAllowDFAs)
}

type compiledRule struct {
	*Rule        // the caller's, unless NewEngine had to fill in a default
	index        int
	contextLines int // ContextLines, or its default (set by prefilter)
	once         sync.Once
	pre          sync.Once            // shape and ctxLits, made before the regexes (prefilter)
	byPathOnce   sync.Once            // byPath, made apart from the rest (Engine.pathAllowed)
	byPath       []*compiledAllowlist // those of allows that can skip the rule by path alone
	byPathErr    error
	re           *regexp.Regexp
	dfa          *lazyDFA // whether re matches at all, cheaply
	shape        *shape   // a necessary condition checked before re runs on a window
	path         *regexp.Regexp
	context      *regexp.Regexp
	ctxDFA       *lazyDFA
	ctxLits      [][]byte // one of these (lower case) is in every match of context
	err          error
	allows       []*compiledAllowlist
	allowed      atomic.Pointer[ruleAllows] // made on the rule's first candidate (Engine.allowlists)
}

// allowlists returns the global allowlists that target r, in order,
// worked out once: a finding on every line asked each of them (a map
// lookup by id) for each.
func (e *Engine) allowlists(r *compiledRule, global []*compiledAllowlist) []*compiledAllowlist {
	if a := r.allowed.Load(); a != nil {
		return a.global
	}
	// Two scans may both get here: they make the same lists, sharing the
	// DFAs (anyAllowDFAs), and the first stored is kept.
	a := &ruleAllows{}
	for _, g := range global {
		if g.targets(r.ID) {
			a.global = append(a.global, g)
		}
	}
	a.any = e.anyAllowDFAs(append(slices.Clip(r.allows), a.global...))
	r.allowed.CompareAndSwap(nil, a)
	return r.allowed.Load().global
}

// ruleAllows is what finding asks of a rule's allowlists, behind a pointer
// so that rules that never have a candidate (most, in a small change) keep
// their compiledRule, made for every rule at start-up, small.
type ruleAllows struct {
	global []*compiledAllowlist // the global allowlists that target the rule
	any    [3]*lazyDFA          // per regex target: whether any allowlist regex that applies to the rule matches (see allowMiss)
}

// anyAllowFree is the states a combined allowlist DFA may build before the
// bytes it was asked about must repay them: it needs about the product of
// its lists' states (~850 for the generic rules' secret lists), and each
// of its passes saves one per list.
const anyAllowFree = 1024

// anyAllowDFAs returns, per regex target (secret, match, line), a DFA of
// whether any regex of lists with that target matches, where two or more
// lists have one: a finding on every line of keyword-dense text ran each
// list's DFA over the same text. Rules with the same lists (the generic
// rules and the global lists that target them) share one.
func (e *Engine) anyAllowDFAs(lists []*compiledAllowlist) (dfas [3]*lazyDFA) {
	var srcs [3][]string
	var n [3]int
	for _, a := range lists {
		if len(a.regexes) == 0 {
			continue
		}
		t := bits.TrailingZeros8(uint8(targetOf(a.target)))
		n[t]++
		for _, re := range a.regexes {
			srcs[t] = append(srcs[t], re.String())
		}
	}
	for t, ss := range srcs {
		if n[t] < 2 {
			continue // one list's own DFA already covers its regexes
		}
		var b strings.Builder
		for i, s := range ss {
			if strings.Contains(s, `\Q`) {
				b.Reset() // quoting to the end would reach past the group
				break
			}
			if i > 0 {
				b.WriteString("|")
			}
			b.WriteString("(?:" + s + ")")
		}
		if b.Len() > 0 {
			l, _ := e.anyAllow.LoadOrStore(b.String(), &lazyDFA{pattern: b.String(), free: anyAllowFree})
			dfas[t] = l.(*lazyDFA)
		}
	}
	return dfas
}

// allowMiss returns the regex targets on which no regex of the allowlists
// that apply to r (its own, and the global ones that target it) matches,
// as far as the combined DFAs can tell: the allowlists' regexes need not
// run there. Call allowlists first.
func (r *compiledRule) allowMiss(secret, match, line []byte) targetSet {
	var miss targetSet
	for t, text := range [3][]byte{secret, match, line} {
		if m, ok := r.allowed.Load().any[t].match(text, 0); ok && !m {
			miss |= 1 << t
		}
	}
	return miss
}

// prefilter makes, once, what refuses a window before the rule's regex
// runs (its shape and its context's literals), without compiling the
// regexes: a keyword opens windows in ordinary code that these refuse.
func (r *compiledRule) prefilter() {
	r.pre.Do(func() {
		r.contextLines = r.ContextLines
		if r.contextLines == 0 {
			r.contextLines = 5
		}
		r.shape = shapeOf(r.Regex)
		if r.Context != "" {
			for _, l := range shortestLiterals(requiredLiterals(r.Context)) {
				r.ctxLits = append(r.ctxLits, []byte(l))
			}
		}
	})
}

// compile builds the rule's regexes once. Built-in rules are compiled lazily;
// rules from a user's configuration are compiled at load time so errors name
// the rule before anything is scanned.
func (r *compiledRule) compile() error {
	r.prefilter()
	r.once.Do(func() {
		var err error
		if r.re, err = regexp.Compile(r.Regex); err != nil {
			r.err = fmt.Errorf("rule %q: %v", r.ID, regexError(err))
			return
		}
		r.dfa = newLazyDFA(r.Regex)
		if r.Path != "" {
			if r.path, err = regexp.Compile(r.Path); err != nil {
				r.err = fmt.Errorf("rule %q: path: %v", r.ID, regexError(err))
				return
			}
		}
		if r.Context != "" {
			if r.context, err = regexp.Compile(r.Context); err != nil {
				r.err = fmt.Errorf("rule %q: context: %v", r.ID, regexError(err))
				return
			}
			r.ctxDFA = newLazyDFA(r.Context)
		}
		for i := range r.Rule.Allowlists {
			a, err := compileAllowlist(&r.Rule.Allowlists[i])
			if err != nil {
				r.err = fmt.Errorf("rule %q: allowlist %d: %v", r.ID, i+1, err)
				return
			}
			r.allows = append(r.allows, a)
		}
	})
	return r.err
}

// RefuseInlineMarkers makes e ignore inline allow comments
// (leakhook:allow and the others): a server that does not let a pushed
// commit vouch for its own secrets.
func (e *Engine) RefuseInlineMarkers() { e.markers = &markerSet{} }

// NewEngine builds an engine from rules and global allowlists. It checks the
// fields every rule needs but leaves regex compilation to first use; call
// CompileAll to check every regex up front.
func NewEngine(rs []Rule, global []Allowlist) (*Engine, error) {
	e := &Engine{markers: defaultMarkers()}
	// The rules are not copied (a compiled rule points at the caller's)
	// unless a default must be filled in: at start-up, a copy of the
	// built-in table was half a megabyte of fresh memory to fault in.
	crs := make([]compiledRule, len(rs))
	e.rules = make([]*compiledRule, len(rs))
	// The built-in table is checked when it is generated (TestTableRulesNeedNoDefaults):
	// its rules are not read here, so a hook run faults in only the pages
	// of the rules its change has candidates for.
	table := len(rs) > 0 && len(rs) == len(tableRules) && &rs[0] == &tableRules[0]
	for i := range rs {
		r := &rs[i]
		if table {
			crs[i].Rule, crs[i].index = r, i
			e.rules[i] = &crs[i]
			continue
		}
		if r.ID == "" {
			return nil, fmt.Errorf("rule %d has no id", i+1)
		}
		if r.Regex == "" {
			return nil, fmt.Errorf("rule %q has no regex", r.ID)
		}
		if r.Allowlist != nil || r.Name == "" {
			c := *r
			if c.Allowlist != nil {
				c.Allowlists = append(append([]Allowlist(nil), c.Allowlists...), *c.Allowlist)
				c.Allowlist = nil
			}
			if c.Name == "" {
				c.Name = c.Description
			}
			if c.Name == "" {
				c.Name = c.ID
			}
			r = &c
		}
		cr := &crs[i]
		cr.Rule, cr.index = r, i
		e.rules[i] = cr
	}
	e.global.src = global
	if table && tableIndex.words != nil {
		// The built-in table's index, made by go generate: building it
		// was ~5 ms and 160 page faults on every hook run.
		e.index = tableIndex
	} else {
		e.index = indexKeywords(rs)
	}
	e.keywords = keywords.Decode(builtinKeywords, e.words) // the built-in rules' (table.go)
	if e.keywords == nil {
		e.keywords = keywords.NewFold(e.words)
	}
	return e, nil
}

// index says which rules each keyword names. The decoders' file-wide hints
// are keywords too: the one pass finds them, instead of a search of the
// whole file for each.
type index struct {
	words     []string  // the keywords, lower case
	byKeyword [][]int32 // keyword index -> rules
	always    []int32   // rules without keywords run on every line
	hintBits  []uint8   // keyword index -> the decode hints it is (decode.go)
}

// indexKeywords indexes the keywords of rs.
func indexKeywords(rs []Rule) index {
	var ix index
	kwIndex := make(map[string]int, 2*len(rs))
	for i := range rs {
		r := &rs[i]
		if len(r.Keywords) == 0 {
			ix.always = append(ix.always, int32(i))
			continue
		}
		for j, kw := range r.Keywords {
			kw = strings.ToLower(kw)
			if kw == "" || slices.ContainsFunc(r.Keywords[:j], func(o string) bool { return strings.EqualFold(o, kw) }) {
				continue
			}
			k, ok := kwIndex[kw]
			if !ok {
				k = len(ix.words)
				kwIndex[kw] = k
				ix.words = append(ix.words, kw)
				ix.byKeyword = append(ix.byKeyword, nil)
			}
			ix.byKeyword[k] = append(ix.byKeyword[k], int32(i))
		}
	}
	ix.hintBits = make([]uint8, len(ix.words), len(ix.words)+len(decodeHints))
	for _, h := range decodeHints {
		k, ok := kwIndex[h.text]
		if !ok {
			k = len(ix.words)
			kwIndex[h.text] = k
			ix.words = append(ix.words, h.text)
			ix.byKeyword = append(ix.byKeyword, nil)
			ix.hintBits = append(ix.hintBits, 0)
		}
		ix.hintBits[k] |= h.bit
	}
	return ix
}

// TableIndex is the keyword index of rs, for the table generator, as
// NewEngine builds it.
func TableIndex(rs []Rule) (words []string, byKeyword [][]int32, always []int32, hintBits []uint8) {
	ix := indexKeywords(rs)
	return ix.words, ix.byKeyword, ix.always, ix.hintBits
}

// lazyAllowlists are global allowlists compiled on first use.
type lazyAllowlists struct {
	src  []Allowlist
	once sync.Once
	list []*compiledAllowlist
	err  error
	// Those of src that can skip a rule by path alone (Engine.pathAllowed).
	byPathOnce sync.Once
	byPath     []*compiledAllowlist
	byPathErr  error
}

func (l *lazyAllowlists) get() ([]*compiledAllowlist, error) {
	l.once.Do(func() {
		for i := range l.src {
			a, err := compileAllowlist(&l.src[i])
			if err != nil {
				l.err = fmt.Errorf("global allowlist %d: %v", i+1, err)
				return
			}
			l.list = append(l.list, a)
		}
	})
	return l.list, l.err
}

// CompileAll compiles every rule's regexes and the global allowlists, and
// returns the first error.
func (e *Engine) CompileAll() error {
	if _, err := e.global.get(); err != nil {
		return err
	}
	for _, r := range e.rules {
		if err := r.compile(); err != nil {
			return err
		}
	}
	return nil
}

// Rules returns the engine's rules in load order.
func (e *Engine) Rules() []*Rule {
	out := make([]*Rule, len(e.rules))
	for i, r := range e.rules {
		out[i] = r.Rule
	}
	return out
}

// Rule returns the rule with the given id, or nil.
func (e *Engine) Rule(id string) *Rule {
	e.byIDOnce.Do(func() {
		e.byID = make(map[string]*Rule, len(e.rules))
		for _, r := range slices.Backward(e.rules) {
			e.byID[r.ID] = r.Rule // the first rule with an id wins
		}
	})
	return e.byID[id]
}

type window struct {
	rule       int32
	start, end int
}

type scratch struct {
	ctx     context.Context
	windows []window
	hints   uint8   // decode hints the keyword pass found
	last    []int32 // per rule: index+1 of its latest window in windows
	pathOK  []int8  // per rule: 0 unknown, 1 applies, -1 does not
	asked   []int32 // the rules whose pathOK is set: the only ones with per-rule state to reset
	// lineIdx is the number of newlines before linePos: findings come in
	// window order, so counting from the last one keeps line numbers linear
	// in the content, not quadratic on a file with a candidate per line.
	linePos, lineIdx int
	low              []byte     // content in lower case, as far as nearLits needed (nearby.go)
	lits             []*litScan // per rule: its context literals' occurrences in low
	found            []Finding  // scanWindows' findings before they are deduplicated
	litRules         []int      // the rules with lits
	shapeRead        []int      // per rule with context literals: bytes its shape read (litsFirst)
	direct           []int      // per rule with context literals: bytes of lines searched alone (nearLits), -1 once litScanOf took over
	span             []byte     // those lines in lower case
}

// lineOf returns the 0-based line of content offset pos.
func (s *scratch) lineOf(c []byte, pos int) int {
	if pos >= s.linePos {
		s.lineIdx += bytes.Count(c[s.linePos:pos], newline)
	} else {
		s.lineIdx -= bytes.Count(c[pos:s.linePos], newline)
	}
	s.linePos = pos
	return s.lineIdx
}

var newline = []byte{'\n'}

// getScratch takes a scratch from pool: e.bufs for a target, e.decBufs for
// text decoded inside one, so that the large buffers a large target grew go
// to the next target, not to a short decoded value.
//
// A pool hands back what was put on the same processor, or nothing, so
// one target's scratch is kept aside too: on text with a window on every
// line the windows and findings run to megabytes, and growing them again
// for each target cost a tenth of the scan.
func (e *Engine) getScratch(pool *sync.Pool) *scratch {
	if pool == &e.bufs {
		if s := e.spare.Swap(nil); s != nil {
			return s
		}
	}
	if s, ok := pool.Get().(*scratch); ok {
		return s
	}
	return &scratch{last: make([]int32, len(e.rules)), pathOK: make([]int8, len(e.rules)), lits: make([]*litScan, len(e.rules)), shapeRead: make([]int, len(e.rules)), direct: make([]int, len(e.rules))}
}

func (e *Engine) putScratch(pool *sync.Pool, s *scratch) {
	// Only a rule that applies was asked about has windows, shape reads or
	// direct searches: resetting those, not every rule's, keeps a target's
	// cost free of the rule count (a history of small commits is
	// thousands of targets).
	for _, ri := range s.asked {
		s.last[ri], s.pathOK[ri], s.shapeRead[ri], s.direct[ri] = 0, 0, 0, 0
	}
	s.asked = s.asked[:0]
	s.windows = s.windows[:0]
	s.hints = 0
	s.linePos, s.lineIdx = 0, 0
	s.low = s.low[:0]
	for _, i := range s.litRules {
		s.lits[i] = nil
	}
	s.litRules = s.litRules[:0]
	s.ctx = nil
	if pool == &e.bufs && e.spare.CompareAndSwap(nil, s) {
		return
	}
	pool.Put(s)
}

// Scan returns the findings in t, ordered by line and column. An error means a
// rule could not be compiled; the caller must treat the target as unscanned.
func (e *Engine) Scan(t *Target) ([]Finding, error) {
	return e.ScanContext(context.Background(), t)
}

// ScanContext is Scan under a time budget: it returns ctx's error as soon as
// ctx is done, even in the middle of one large target, so a hook's budget
// holds however slow the content is to scan.
func (e *Engine) ScanContext(ctx context.Context, t *Target) ([]Finding, error) {
	if len(t.Content) == 0 {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t.Suppressed = nil
	forms := textForms(t) // text.go: binary content's text runs, UTF-16 decoded
	var out []Finding
	for _, f := range forms {
		f.Suppressed = nil
		fs, err := e.scanText(ctx, f)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = fs // the usual single form: no copy (on text with a finding per line, megabytes)
		} else {
			out = append(out, fs...)
		}
		if f != t {
			t.Suppressed = append(t.Suppressed, f.Suppressed...)
		}
	}
	if len(forms) > 1 {
		out = dedupe(e, out)
	}
	if len(t.Suppressed) > 0 {
		t.Suppressed = suppressedOnly(dedupe(e, t.Suppressed), out)
	}
	return out, nil
}

// suppressedOnly drops from suppressed what another rule reports anyway:
// a secret is counted as suppressed only when no finding shows it.
func suppressedOnly(suppressed, found []Finding) []Finding {
	out := suppressed[:0]
	for _, s := range suppressed {
		shown := false
		for i := range found {
			if found[i].Line == s.Line && overlaps(&found[i], &s) {
				shown = true
				break
			}
		}
		if !shown {
			out = append(out, s)
		}
	}
	return out
}

// scanText scans one form of a target with every rule and decoder.
func (e *Engine) scanText(ctx context.Context, t *Target) ([]Finding, error) {
	s := e.getScratch(&e.bufs)
	defer e.putScratch(&e.bufs, s)
	s.ctx = ctx
	out, err := e.scanWindows(s, t)
	if err != nil {
		return out, err
	}
	enc, err := e.scanEncoded(ctx, t, s.hints)
	if err != nil {
		return nil, err
	}
	if len(enc) > 0 {
		out = dedupe(e, append(out, enc...))
	}
	return out, nil
}

// scanPlain scans decoded text: no further decoding, so decoding happens
// at most once.
func (e *Engine) scanPlain(ctx context.Context, t *Target) ([]Finding, error) {
	s := e.getScratch(&e.decBufs)
	defer e.putScratch(&e.decBufs, s)
	s.ctx = ctx
	return e.scanWindows(s, t)
}

// scanWindows runs the keyword pass over t (ignoring ASCII case), then
// each hit rule's regex on the windows around its hits.
func (e *Engine) scanWindows(s *scratch, t *Target) ([]Finding, error) {
	content := t.Content

	hits, stopped := 0, false
	// whole is the last window that was a whole line, newlines at both
	// ends and none inside: a later hit on that line near enough to both
	// ends (as lineStart and lineEnd look) has the same window. A line of
	// keyword-dense text holds nine hits.
	whole := lineSpan{-1, -1}
	e.keywords.Each(content, func(id, start, end int) {
		if stopped {
			return
		}
		if hits++; hits%4096 == 0 && s.ctx != nil && s.ctx.Err() != nil {
			stopped = true // the budget ran out while windows were still being laid
			return
		}
		s.hints |= e.hintBits[id]
		line := lineSpan{-1, -1}
		if whole.start >= 0 && whole.start <= start && end <= whole.stop && start-whole.start <= reachBack && whole.stop-end <= reachAhead {
			line = whole
		}
		for _, ri := range e.byKeyword[id] {
			e.addWindow(s, t, ri, start, end, &line)
		}
		if line.start >= 0 && line != whole && (line.start == 0 || content[line.start-1] == '\n') &&
			(line.stop == len(content) || content[line.stop] == '\n') && bytes.IndexByte(content[start:end], '\n') < 0 {
			whole = line
		}
	})
	if stopped {
		return nil, s.ctx.Err()
	}
	if len(e.always) > 0 {
		for _, ri := range e.always {
			if e.applies(s, t, ri) {
				s.windows = append(s.windows, window{ri, 0, len(content)})
			}
		}
	}

	out := s.found[:0] // kept from scan to scan: a finding per line is ~250 bytes a line
	defer func() {
		clear(out) // hold no secret in the pool
		s.found = out[:0]
	}()
	for i, w := range s.windows {
		if i%64 == 63 && s.ctx != nil {
			if err := s.ctx.Err(); err != nil {
				return nil, err
			}
		}
		r := e.rules[w.rule]
		r.prefilter() // the regexes are compiled only for windows these checks let through
		if r.ctxLits != nil && s.litsFirst(content, r, w.end) && s.noLits(content, r, w.end) {
			// What nearWindow would say first, asked before the shape
			// once it is a lookup, where the shape reads the window.
			continue
		}
		if r.shape != nil {
			if r.ctxLits != nil {
				s.shapeRead[w.rule] += w.end - w.start
			}
			if !r.shape.fits(content[w.start:w.end]) {
				continue // no run of the secret's characters: the regex cannot match
			}
		}
		if r.ctxLits != nil {
			// Every finding of this window needs the context within
			// ContextLines of its line: if none of the context's literals is
			// that close to any of the window's lines, the rule's regex
			// need not run at all.
			if !s.nearWindow(content, r, w.start, w.end) {
				continue
			}
		}
		if err := r.compile(); err != nil {
			return nil, err
		}
		matches := r.findAll(content[w.start:w.end])
		if len(matches) == 0 {
			continue
		}
		global, err := e.global.get()
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			if f, ok := e.finding(s, t, r, global, w.start, m); ok && !(r.Generic && encodedElsewhere(s.hints, f.Secret)) {
				out = append(out, f)
			}
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return slices.Clone(dedupe(e, out)), nil
}

// findAll is r.re.FindAllSubmatchIndex(b, -1), with the regex run only
// where the DFA says there is something to find: not at all on a window
// without a match, and not past the first match when no other follows.
// Go's regexp spends far longer on text it finds nothing in than on a match
// near the start: on a line like `password = "…" token api_key secret` the
// search goes on after the password through words that each begin a
// candidate.
func (r *compiledRule) findAll(b []byte) [][]int {
	if m, ok := r.dfa.match(b, 0); ok && !m {
		return nil
	}
	first := r.re.FindSubmatchIndex(b)
	if first == nil {
		return nil
	}
	// Every later match of FindAll starts at or after the first one's end.
	if m, ok := r.dfa.match(b, first[1]); ok && !m {
		return [][]int{first}
	}
	return r.re.FindAllSubmatchIndex(b, -1)
}

func (e *Engine) applies(s *scratch, t *Target, ri int32) bool {
	switch s.pathOK[ri] {
	case 1:
		return true
	case -1:
		return false
	}
	r := e.rules[ri]
	ok := true
	if r.Path != "" {
		if err := r.compile(); err != nil {
			ok = true // the error surfaces when the rule runs
		} else {
			ok = r.path.MatchString(t.Path)
		}
	}
	if ok && e.pathAllowed(r, t) {
		ok = false // every finding would be allowed: do not look for them
	}
	if ok {
		s.pathOK[ri] = 1
	} else {
		s.pathOK[ri] = -1
	}
	s.asked = append(s.asked, ri)
	return ok
}

// pathAllowed reports whether an allowlist of r's, or a global one that
// targets r, allows every finding in path by its path alone (the generic
// unquoted rules and source code), so the rule need not run there. A
// configuration's path allowlist does not skip the rule: its findings are
// dropped one by one in finding, so reports can count them.
//
// Only built-in allowlists of paths alone can skip a rule here, and only
// those are compiled for it (compileSkipping): compiling the rule's regexes
// and every global allowlist to ask them was most of a small commit's
// scanning CPU.
func (e *Engine) pathAllowed(r *compiledRule, t *Target) bool {
	r.byPathOnce.Do(func() { r.byPath, r.byPathErr = compileSkipping(r.Rule.Allowlists) })
	e.global.byPathOnce.Do(func() { e.global.byPath, e.global.byPathErr = compileSkipping(e.global.src) })
	if r.byPathErr != nil || e.global.byPathErr != nil {
		return false // the error surfaces when the rule runs
	}
	for _, a := range r.byPath {
		if a.matchPath(t.Path) {
			t.trace.drop(r.ID, a.origin)
			return true
		}
	}
	for _, a := range e.global.byPath {
		if a.targets(r.ID) && a.matchPath(t.Path) {
			t.trace.drop(r.ID, a.origin)
			return true
		}
	}
	return false
}

// compileSkipping compiles, in order, those of as that allow every finding
// in a file by its path alone, so that a rule need not run there at all:
// the built-in ones with paths and no other criterion (commit ids shorter
// than 7 are dropped, as compileAllowlist drops them).
func compileSkipping(as []Allowlist) ([]*compiledAllowlist, error) {
	var out []*compiledAllowlist
	for i := range as {
		a := &as[i]
		if a.origin.key != "" || len(a.Paths) == 0 || len(a.Regexes) > 0 || len(a.Stopwords) > 0 ||
			slices.ContainsFunc(a.Commits, func(id string) bool { return len(id) >= 7 }) {
			continue
		}
		c, err := compileAllowlist(a)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// lineSpan is the single-line window around a keyword hit, the same for
// every rule the keyword names; -1 until one of them needs it.
type lineSpan struct{ start, stop int }

// addWindow records that rule ri must run around the keyword hit [pos,end),
// merging with the rule's previous window when they overlap. line is the
// hit's single-line window, worked out here if no other rule has yet.
func (e *Engine) addWindow(s *scratch, t *Target, ri int32, pos, end int, line *lineSpan) {
	if !e.applies(s, t, ri) {
		return
	}
	c := t.Content
	r := e.rules[ri]
	if line.start < 0 {
		line.start, line.stop = lineStart(c, pos, reachBack), lineEnd(c, end, reachAhead)
	}
	start, stop := line.start, line.stop
	if r.Lines > 0 {
		lo := max(0, pos-maxMultilineWindow)
		for i := 0; i < r.Lines && start > lo; i++ {
			start = lineStart(c, start-1, start-1-lo)
		}
		hi := min(len(c), end+maxMultilineWindow)
		for i := 0; i < r.Lines && stop < hi; i++ {
			stop = lineEnd(c, stop+1, hi-stop-1)
		}
	}
	if last := s.last[ri]; last > 0 {
		w := &s.windows[last-1]
		if stop <= w.end {
			return // already covered
		}
		if start <= w.end && stop-w.start <= maxMergedWindow {
			w.end = stop
			return
		}
		// Overlapping windows may both match the same secret; dedupe keeps one.
	}
	s.windows = append(s.windows, window{ri, start, stop})
	s.last[ri] = int32(len(s.windows))
}

// lineStart returns the start of the line holding pos, looking back at most reach bytes.
func lineStart(c []byte, pos, reach int) int {
	lo := max(0, pos-reach)
	if i := bytes.LastIndexByte(c[lo:pos], '\n'); i >= 0 {
		return lo + i + 1
	}
	return lo
}

// lineEnd returns the end (exclusive, before '\n') of the line holding end-1,
// looking ahead at most reach bytes.
func lineEnd(c []byte, end, reach int) int {
	if end >= len(c) {
		return len(c)
	}
	hi := min(len(c), end+reach)
	if i := bytes.IndexByte(c[end:hi], '\n'); i >= 0 {
		return end + i
	}
	return hi
}

// finding turns regex match m (offsets relative to base) into a Finding, or
// reports false when a filter rejects it.
func (e *Engine) finding(s *scratch, t *Target, r *compiledRule, global []*compiledAllowlist, base int, m []int) (Finding, bool) {
	gs, ge := secretSpan(r, m)
	if gs < 0 {
		return Finding{}, false
	}
	c := t.Content
	ss, se := base+gs, base+ge
	secret := string(c[ss:se])
	if strings.TrimSpace(secret) == "" {
		return Finding{}, false
	}
	first := max(t.StartLine, 1)
	lineIdx := s.lineOf(c, ss)
	endIdx := lineIdx + bytes.Count(c[ss:se], []byte{'\n'})
	if !anyAdded(t.Added, lineIdx, endIdx) {
		return Finding{}, false
	}
	// The line as far as lineReach around the secret: enough for allowlists,
	// markers and the report, and bounded on a 5 MB minified line.
	ls := lineStart(c, ss, lineReach)
	le := lineEnd(c, ss, lineReach+se-ss)
	line := c[ls:le]
	ent := ShannonEntropy(secret)
	if r.Entropy > 0 && ent < r.minEntropy(secret) {
		return Finding{}, false
	}
	var v verdict
	if r.Validate != "" {
		if v = check(r.Validate, secret); v.reject {
			return Finding{}, false
		}
	}
	if r.context != nil && !s.contextMatch(r, c, ss) {
		return Finding{}, false
	}
	match := c[base+m[0] : base+m[1]]
	fp := Fingerprint(secret)
	// What drops the candidate: a built-in allowlist says it is no secret
	// (dropped silently); a configuration's allowlist or an inline marker
	// suppresses it (dropped, and listed for the report's count). A
	// built-in advisory allowlist says why it is no danger as it stands
	// (it looks made up; it is encrypted): reported, not blocking, unless
	// another drops it.
	var by *Suppression
	why := ""
	global = e.allowlists(r, global)
	var miss targetSet
	if len(r.allows) > 0 || len(global) > 0 {
		miss = r.allowMiss(c[ss:se], match, line)
	}
	for _, list := range [2][]*compiledAllowlist{r.allows, global} {
		for _, a := range list {
			if !a.allows(t.Path, c[ss:se], match, line, miss) {
				continue
			}
			if a.advisory {
				if why == "" {
					why = a.desc
				}
				continue
			}
			t.trace.drop(r.ID, a.origin)
			if s := a.suppression(SuppressedAllowlist); s == nil {
				return Finding{}, false
			} else if by == nil {
				by = s
			}
		}
	}
	if why != "" {
		v.advisory = true
		v.detail = joinDetail(v.detail, why)
	}
	if by == nil {
		if mk := e.markers.which(c, ls, le, fp); mk != "" {
			by = &Suppression{Kind: SuppressedInline, Key: mk}
		}
	}
	f := Finding{
		RuleID:      r.ID,
		RuleName:    r.Name,
		Path:        t.Path,
		Line:        first + lineIdx,
		EndLine:     first + endIdx,
		Column:      utf8.RuneCount(c[lineStart(c, ss, len(c)):ss]) + 1,
		Secret:      secret,
		LineText:    string(line),
		Fingerprint: fp,
		Entropy:     math.Round(ent*1000) / 1000,
		Detail:      v.detail,
		Advisory:    v.advisory,
	}
	if by != nil {
		// Dropped, but listed for the report's count (never on the scan
		// path's common case: only a marked or allowlisted candidate).
		if !(r.Generic && encodedElsewhere(s.hints, secret)) {
			f.Suppressed = by
			t.Suppressed = append(t.Suppressed, f)
		}
		return Finding{}, false
	}
	return f, true
}

// joinDetail joins two reasons of a finding's detail.
func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// minEntropy is the entropy secret must reach: the rule's threshold, or for
// a generic rule the lower of that and what random values of the secret's
// alphabet and length reach (entropy.go).
func (r *compiledRule) minEntropy(secret string) float64 {
	if !r.Generic {
		return r.Entropy
	}
	return min(r.Entropy, randomFloor(secret))
}

// secretSpan picks the secret out of a match: secretGroup if set, else the
// first non-empty group, else the whole match (gitleaks' convention).
func secretSpan(r *compiledRule, m []int) (int, int) {
	if g := r.SecretGroup; g > 0 {
		if 2*g+1 < len(m) {
			return m[2*g], m[2*g+1]
		}
		return -1, -1
	}
	for g := 1; 2*g+1 < len(m); g++ {
		if m[2*g] >= 0 && m[2*g+1] > m[2*g] {
			return m[2*g], m[2*g+1]
		}
	}
	return m[0], m[1]
}

func anyAdded(added []bool, from, to int) bool {
	if added == nil {
		return true
	}
	for i := from; i <= to && i < len(added); i++ {
		if added[i] {
			return true
		}
	}
	return false
}

// linesAroundSpan returns the span of the line holding pos and n lines on
// each side of it. Like the line itself, the context is bounded: at most
// lineReach bytes per line and contextReach in all on each side. Both ends
// only grow with pos.
func linesAroundSpan(c []byte, pos, n int) (int, int) {
	lo, hi := max(0, pos-contextReach), min(len(c), pos+contextReach)
	start := lineStart(c, pos, lineReach)
	for i := 0; i < n && start > lo; i++ {
		start = lineStart(c, start-1, min(lineReach, start-1-lo))
	}
	end := lineEnd(c, pos, lineReach)
	for i := 0; i < n && end < hi; i++ {
		end = lineEnd(c, end+1, min(lineReach, hi-end-1))
	}
	return max(start, lo), min(end, hi)
}

// contextMatch reports whether r's context regex matches the lines around
// pos (r.ContextLines on each side). When every
// match of the regex holds one of a few literals, a span holding none of them
// is refused without the regex: on text dense in keywords, where a rule
// finds a candidate on every line, the regex (Go's backtracker, ~100 ns a
// byte for a case-insensitive alternation) ran over the same eleven lines for
// each of them.
func (s *scratch) contextMatch(r *compiledRule, c []byte, pos int) bool {
	lo, hi := linesAroundSpan(c, pos, r.contextLines)
	if r.ctxLits != nil && !s.nearLits(c, r, lo, hi) {
		return false
	}
	span := c[lo:hi]
	if m, ok := r.ctxDFA.match(span, 0); ok {
		return m
	}
	return r.context.Match(span)
}

// ShannonEntropy is the entropy of s in bits per byte. The terms are summed
// in byte order, visiting only the bytes s holds: a finding on every line
// of keyword-dense text computes it for each.
func ShannonEntropy(s string) float64 {
	if s == "" {
		return 0
	}
	if len(s) < 256 {
		// No byte occurs 256 times: counts of a byte each are an eighth
		// of the memory to clear, and most secrets are this short.
		var counts [256]uint8
		return entropy(s, &counts)
	}
	var counts [256]int
	return entropy(s, &counts)
}

// entropy is ShannonEntropy with counts, zero, to count the bytes of s in.
func entropy[C uint8 | int](s string, counts *[256]C) float64 {
	var seen [4]uint64 // bit c: byte c occurs
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
		seen[s[i]>>6] |= 1 << (s[i] & 63)
	}
	var h float64
	n := float64(len(s))
	for w, bs := range seen {
		for ; bs != 0; bs &= bs - 1 {
			p := float64(counts[w<<6|bits.TrailingZeros64(bs)]) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// dedupe keeps one finding per secret location: where several rules match
// overlapping text on the same line, the most specific rule wins.
func dedupe(e *Engine, fs []Finding) []Finding {
	if len(fs) < 2 {
		return fs
	}
	// A token that names its provider (its keyword is part of the secret,
	// like "xoxb-" or "cio") is the most specific; then any provider rule,
	// then one that needed context; generic rules come last.
	rank := func(f *Finding) int {
		r := e.Rule(f.RuleID)
		if r.Structural {
			return 2 // above generic rules (0-1), below providers' (3+)
		}
		score := 0
		if !r.Generic {
			score += 3
		}
		if r.Context != "" {
			score++
		}
		if r.Generic || r.Lines > 0 {
			// A generic rule's keyword ("secret") in a value names no
			// provider, nor does a multi-line format's marker ("PRIVATE
			// KEY-----"): a rule that knows whose key it is wins.
			return score
		}
		low := strings.ToLower(f.Secret)
		for _, kw := range r.Keywords {
			if len(kw) >= 3 && strings.Contains(low, strings.ToLower(kw)) {
				score += 4
				break
			}
		}
		return score
	}
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Line != fs[j].Line {
			return fs[i].Line < fs[j].Line
		}
		return fs[i].Column < fs[j].Column
	})
	out := fs[:0]
	for _, f := range fs {
		merged := false
		for k := len(out) - 1; k >= 0 && out[k].Line == f.Line; k-- {
			o := &out[k]
			if overlaps(o, &f) {
				if rank(&f) > rank(o) {
					*o = f
				}
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, f)
		}
	}
	return out
}

func overlaps(a, b *Finding) bool {
	if a.Secret == b.Secret {
		return true
	}
	a0, a1 := a.Column, a.Column+utf8.RuneCountInString(a.Secret)
	b0, b1 := b.Column, b.Column+utf8.RuneCountInString(b.Secret)
	return a0 < b1 && b0 < a1
}
