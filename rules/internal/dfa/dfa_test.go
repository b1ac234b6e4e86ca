package dfa

import (
	"fmt"
	"math/rand"
	"regexp"
	"sync"
	"testing"
)

// patterns exercise what the rules use: case folding, anchors with and
// without (?m), word boundaries, lazy and counted repetition, alternations
// of keywords, classes, captures and empty matches.
var patterns = []string{
	`abc`, `(?i)abc`, `^abc`, `abc$`, `(?m)^abc$`, `^$`, `(?m)^$`, `\babc\b`, `\Babc`, `a\B`,
	`(?i)(?:^|[^\w])[\w.\-]*?(?:secret|token|api[_\-]?key)[\w\-]*\s*[=:]\s*"([A-Za-z0-9]{4,})"`,
	`(?im)^[ \t]*password[ \t]*[:=][ \t]*([^\s$%<{]\S{2,20})[ \t]*$`,
	`x{4,}|\*{3,}|(?:^|[^a-z])(?:changeme|dummy)(?:$|[^a-z])`,
	`^.{0,7}$|^.{29,}$`, `(?s:.)`, `.`, `a*`, `(?:a|b)*c?`, `[^a]`, `\A\z`, `(?i)k`, `(?i)s[^s]`,
	`(?i)^(?:your|my|an?)[_\-. ]?(?:key|token|id|here)`,
	`<[A-Za-z_][\w\-]*>|(?:\.{3}|…)$|(?i)a1b2c3d4`,
	`(a)(b)?|()`, `a.b`, `(?U)a+?b`, `\d+\.\d+`, `(?m)a$\n^b`,
}

// alphabet is small so that the patterns' literals occur in random texts.
const alphabet = "abcAB Kks_-.=:\"'\n\t1234<>*xy"

func TestAgreesWithRegexp(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for _, p := range patterns {
		m, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3000; i++ {
			b := make([]byte, rng.Intn(30))
			for j := range b {
				b[j] = alphabet[rng.Intn(len(alphabet))]
			}
			if i%7 == 0 { // the literal itself, in context
				b = append(b[:len(b)/2], append([]byte(p[:min(len(p), 6)]), b[len(b)/2:]...)...)
			}
			from := 0
			if i%2 == 1 && len(b) > 0 {
				from = rng.Intn(len(b) + 1)
			}
			got, ok := m.Match(b, from)
			if !ok {
				t.Fatalf("%q on %q: cannot tell", p, b)
			}
			if want := reference(p, b, from); got != want {
				t.Fatalf("%q on %q from %d: got %v, regexp says %v", p, b, from, got, want)
			}
		}
	}
}

// reference asks regexp whether p matches in b starting at or after from,
// with the text before from as context: \A then exactly k bytes, for each k.
func reference(p string, b []byte, from int) bool {
	if from == 0 {
		return compiled(p).Match(b)
	}
	for k := from; k <= len(b); k++ {
		if compiled(fmt.Sprintf(`\A(?s:.){%d}(?:%s)`, k, p)).Match(b) {
			return true
		}
	}
	return false
}

var cache = map[string]*regexp.Regexp{}

func compiled(p string) *regexp.Regexp {
	if cache[p] == nil {
		cache[p] = regexp.MustCompile(p)
	}
	return cache[p]
}

func TestCannotTell(t *testing.T) {
	m, _ := New(`(?i)secret`)
	if _, ok := m.Match([]byte("ſecret"), 0); ok {
		t.Error("a non-ASCII text was answered: the states step on ASCII bytes only")
	}
	if _, ok := m.Match([]byte("é secret"), 3); !ok {
		t.Error("the text from position 3 is ASCII and should be answered")
	}
	if _, ok := m.Match([]byte("é"), 2); ok {
		t.Error("the byte before from is not ASCII: its context is unknown")
	}
	big, _ := New(`(?:a|b)*a(?:a|b){14}c`) // exponentially many states
	rng := rand.New(rand.NewSource(2))
	small := make([]byte, 4<<10)
	for i := range small {
		small[i] = "ab"[rng.Intn(2)]
	}
	if _, ok := big.Match(small, 0); ok {
		t.Error("a pattern needing more states than 4 KB of text repays was answered")
	}
	big, _ = New(`(?:a|b)*a(?:a|b){14}c`)
	b := make([]byte, 1<<16)
	for i := range b {
		b[i] = "ab"[rng.Intn(2)]
	}
	if _, ok := big.Match(b, 0); ok {
		t.Error("a pattern past maxStates was answered")
	}
	if _, ok := big.Match([]byte("ac"), 0); ok {
		t.Error("a pattern that ran out of states must stay unanswered")
	}
}

// TestNewFree: a matcher given more free states answers where New's would
// have given up for want of bytes to repay them, still as regexp does, and
// still stops at maxStates.
func TestNewFree(t *testing.T) {
	const p = `(?:a|b)*a(?:a|b){7}c` // ~2^8 states
	rng := rand.New(rand.NewSource(3))
	text := make([]byte, 600) // repays ~37 states beyond freeStates
	for i := range text {
		text[i] = "ab"[rng.Intn(2)]
	}
	if m, _ := New(p); func() bool { _, ok := m.Match(text, 0); return ok }() {
		t.Fatal("New answered: the test needs a pattern that runs out of free states")
	}
	m, _ := NewFree(p, 1024)
	for _, b := range [][]byte{text, append(text, 'c'), []byte("ac"), []byte("abbbbbbbc")} {
		got, ok := m.Match(b, 0)
		if !ok {
			t.Fatalf("NewFree could not tell on %q", b)
		}
		if want := reference(p, b, 0); got != want {
			t.Fatalf("NewFree on %q: got %v, regexp says %v", b, got, want)
		}
	}
	big, _ := NewFree(`(?:a|b)*a(?:a|b){14}c`, 1<<20)
	b := make([]byte, 1<<16)
	for i := range b {
		b[i] = "ab"[rng.Intn(2)]
	}
	if _, ok := big.Match(b, 0); ok {
		t.Error("a pattern past maxStates was answered")
	}
}

// FuzzAgreesWithRegexp checks any pattern regexp compiles on any text: the
// DFA answers as regexp does, or says it cannot tell.
func FuzzAgreesWithRegexp(f *testing.F) {
	for i, p := range patterns {
		f.Add(p, alphabet[:i%len(alphabet)]+p[:len(p)/2])
	}
	f.Fuzz(func(t *testing.T, p, text string) {
		if len(p) > 200 || len(text) > 200 {
			return
		}
		re, err := regexp.Compile(p)
		if err != nil {
			return
		}
		m, err := New(p)
		if err != nil {
			t.Fatalf("regexp compiles %q, New says %v", p, err)
		}
		got, ok := m.Match([]byte(text), 0)
		if ok && got != re.MatchString(text) {
			t.Fatalf("%q on %q: DFA says %v, regexp %v", p, text, got, !got)
		}
	})
}

// TestConcurrentAgrees matches from several goroutines at once while the
// states are still being built: readers take no lock, so a reader holding
// an older table must still answer as regexp does (go test -race checks the
// table's publication).
func TestConcurrentAgrees(t *testing.T) {
	// The last pattern needs hundreds of states, made while others read.
	for _, p := range append(patterns, `(?:a|b)*a(?:a|b){7}c`) {
		m, err := New(p)
		if err != nil {
			t.Fatal(err)
		}
		re := regexp.MustCompile(p)
		var wg sync.WaitGroup
		errs := make(chan string, 8)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func(seed int64) {
				defer wg.Done()
				rng := rand.New(rand.NewSource(seed))
				for i := 0; i < 400; i++ {
					b := make([]byte, rng.Intn(40))
					for j := range b {
						b[j] = alphabet[rng.Intn(len(alphabet))]
						if i%2 == 0 {
							b[j] = "ab"[rng.Intn(2)]
						}
					}
					got, ok := m.Match(b, 0)
					if ok && got != re.Match(b) {
						errs <- fmt.Sprintf("%q on %q: DFA says %v", p, b, got)
						return
					}
				}
			}(int64(g))
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Fatal(e)
		}
	}
}
