package rules

import (
	"bytes"
	"sort"
)

// Whether a rule's context literals occur near a window or a finding is asked
// once per window, and on text dense in keywords a rule has a window on every
// line: lowering the eleven or more lines around each and searching them for
// every literal cost ~40 µs a line. The answers are the same from a lower-case
// copy of the content, made as far as needed, in which each literal's
// occurrences are found once and kept in order. A rule with few windows in
// a content (most files: a source tree's scan spent a tenth of its time
// finding literals in whole files for a window or two) searches the lines
// around each window alone, until they add up to half the content.

// directShare: a rule's windows search the lines around them alone until
// those lines add up to 1/directShare of the content; then the content's
// occurrences are found once (litScanOf), as that costs less from there.
var directShare = 2 // a variable for TestNearLitsDirectAgrees

// litScan is one rule's context literals' occurrences in s.low.
type litScan struct {
	upTo int     // every occurrence ending at or before upTo is in at
	at   [][]int // per literal: start offsets, ascending
	none bool    // at is empty: no literal occurs before upTo
}

// nearLits reports whether one of r's context literals lies wholly within
// content[lo:hi] (lower case): what containsAny(lowerASCII(content[lo:hi]),
// r.ctxLits) reports, in time linear in the content over a scan.
func (s *scratch) nearLits(content []byte, r *compiledRule, lo, hi int) bool {
	if d := s.direct[r.index]; d >= 0 {
		if d+hi-lo <= len(content)/directShare {
			// Few windows so far: the lines asked about, searched alone.
			s.direct[r.index] = d + hi - lo
			s.span = lowerASCII(s.span[:0], content[lo:hi])
			for _, lit := range r.ctxLits {
				if bytes.Contains(s.span, lit) {
					return true
				}
			}
			return false
		}
		s.direct[r.index] = -1 // from now on, the whole content's occurrences
	}
	ls := s.litScanOf(content, r, hi)
	if ls.none {
		return false // the common case on text dense in keywords: no literal anywhere
	}
	for i, lit := range r.ctxLits {
		at := ls.at[i]
		j := sort.SearchInts(at, lo)
		// A later occurrence of the same literal ends later still.
		if j < len(at) && at[j]+len(lit) <= hi {
			return true
		}
	}
	return false
}

// nearWindow reports whether r's context literals may be within
// r.ContextLines lines of the window [start,end), as the lines around
// it are bounded (linesAroundSpan): first without counting lines, which
// on text that holds none of them anywhere near is all it takes.
func (s *scratch) nearWindow(content []byte, r *compiledRule, start, end int) bool {
	// While the lines around windows are searched alone (nearLits), the
	// first look, over 32 KB, would cost more than it saves.
	if s.direct[r.index] < 0 && !s.nearLits(content, r, max(0, start-contextReach), min(len(content), end+contextReach)) {
		return false
	}
	lo, _ := linesAroundSpan(content, start, r.contextLines)
	_, hi := linesAroundSpan(content, end, r.contextLines)
	return s.nearLits(content, r, lo, hi)
}

// noLits reports whether none of r's context literals occurs in content
// before end+contextReach, the farthest a window ending at end may look
// (nearWindow then refuses it at once).
func (s *scratch) noLits(content []byte, r *compiledRule, end int) bool {
	return s.litScanOf(content, r, min(len(content), end+contextReach)).none
}

// litsFirst reports whether noLits should be asked before r's shape reads
// a window ending at end: when it is a lookup in literals already found,
// when r has no shape (nearWindow would search for them anyway), or once
// the shape has read as many bytes of this content as finding the literals
// ahead costs (a search per literal of the next 64 KB). A few windows of a
// small change are left to the shape alone, as searching the whole file for
// the literals would cost more than it saves; keyword-dense text, with a
// window on every line, soon finds them first.
func (s *scratch) litsFirst(content []byte, r *compiledRule, end int) bool {
	if s.direct[r.index] >= 0 {
		return false // nearWindow searches the window's lines alone
	}
	if ls := s.lits[r.index]; ls != nil && min(len(content), end+contextReach) <= ls.upTo {
		return true
	}
	return r.shape == nil || s.shapeRead[r.index] >= len(r.ctxLits)<<16
}

// litScanOf returns r's occurrences, found at least as far as hi.
func (s *scratch) litScanOf(content []byte, r *compiledRule, hi int) *litScan {
	ls := s.lits[r.index]
	if ls == nil {
		ls = &litScan{at: make([][]int, len(r.ctxLits))}
		s.lits[r.index] = ls
		s.litRules = append(s.litRules, r.index)
	}
	if hi <= ls.upTo {
		return ls
	}
	// Search ahead in steps, so that a scan searches each byte about once
	// per literal however many windows ask.
	to := min(len(content), max(hi, ls.upTo+64<<10))
	s.lowerTo(content, to)
	for i, lit := range r.ctxLits {
		from := max(0, ls.upTo-len(lit)+1) // occurrences ending past upTo are new
		for from+len(lit) <= to {
			j := bytes.Index(s.low[from:to], lit)
			if j < 0 {
				break
			}
			ls.at[i] = append(ls.at[i], from+j)
			from += j + 1
		}
	}
	ls.upTo = to
	ls.none = true
	for _, at := range ls.at {
		if len(at) > 0 {
			ls.none = false
		}
	}
	return ls
}

// lowerTo extends s.low, the lower-case copy of content, to at least hi
// bytes.
func (s *scratch) lowerTo(content []byte, hi int) {
	if hi > len(s.low) {
		s.low = lowerASCII(s.low, content[len(s.low):hi])
	}
}
