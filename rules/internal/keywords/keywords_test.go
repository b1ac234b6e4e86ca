package keywords

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

type hit struct{ id, start, end int }

// naive is the definition: every (word, position) where the word occurs,
// ordered by end, then by id as Each reports them (longest suffix first).
func naive(words []string, text []byte) []hit {
	var out []hit
	first := map[string]int{}
	for id, w := range words {
		if _, dup := first[w]; dup || w == "" {
			continue
		}
		first[w] = id
		for i := 0; i+len(w) <= len(text); i++ {
			if bytes.HasPrefix(text[i:], []byte(w)) {
				out = append(out, hit{id, i, i + len(w)})
			}
		}
	}
	slices.SortFunc(out, func(a, b hit) int {
		if a.end != b.end {
			return a.end - b.end
		}
		return a.start - b.start // longer word (earlier start) first
	})
	return out
}

func each(m *Matcher, text []byte) []hit {
	var out []hit
	m.Each(text, func(id, start, end int) { out = append(out, hit{id, start, end}) })
	return out
}

func check(t *testing.T, words []string, text []byte) {
	t.Helper()
	got, want := each(New(words), text), naive(words, text)
	if !slices.Equal(got, want) {
		t.Fatalf("words %q text %q:\n got %v\nwant %v", words, text, got, want)
	}
}

func TestEveryOccurrence(t *testing.T) {
	check(t, []string{"he", "she", "his", "hers"}, []byte("ushers and his shehe"))
	check(t, []string{"a", "aa", "aaa"}, []byte("aaaaa"))
	check(t, []string{"key", "api_key", "x-api-key", "key"}, []byte("x-api-key=1 api_key=2 monkey"))
	check(t, []string{"", "abc"}, []byte("abcabc"))
	check(t, nil, []byte("anything"))
	check(t, []string{"abc"}, nil)
}

// Random small alphabets force deep failure chains and many overlaps.
func TestRandomAgainstNaive(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 2000; n++ {
		alpha := "ab\x00\xffc"[:1+r.IntN(5)]
		word := func(max int) string {
			b := make([]byte, r.IntN(max)+1)
			for i := range b {
				b[i] = alpha[r.IntN(len(alpha))]
			}
			return string(b)
		}
		words := make([]string, r.IntN(12))
		for i := range words {
			words[i] = word(5)
		}
		check(t, words, []byte(word(60)))
	}
}

// All 256 byte values in the words: one column per byte.
func TestEveryByteValue(t *testing.T) {
	var words []string
	var text []byte
	for b := 0; b < 256; b++ {
		words = append(words, string([]byte{byte(b), byte(255 - b)}))
		text = append(text, byte(b))
	}
	check(t, words, text)
	check(t, words, bytes.Repeat([]byte{7, 248, 7}, 50))
}

func FuzzAgainstNaive(f *testing.F) {
	f.Add("he,she,his,hers", "ushers")
	f.Fuzz(func(t *testing.T, ws, text string) {
		words := bytes.Split([]byte(ws), []byte(","))
		var s []string
		for _, w := range words {
			s = append(s, string(w))
		}
		if len(s) > 64 || len(text) > 4096 {
			return
		}
		check(t, s, []byte(text))
	})
}

func Example() {
	m := New([]string{"smtp", "pass", "password"})
	m.Each([]byte("smtp_password=x"), func(id, start, end int) { fmt.Println(id, start, end) })
	// Output:
	// 0 0 4
	// 1 5 9
	// 2 5 13
}

// NewFold on any text finds what New finds on the ASCII-lower-cased text.
func TestFoldAgainstLowered(t *testing.T) {
	lower := func(b []byte) []byte {
		out := bytes.Clone(b)
		for i, c := range out {
			if 'A' <= c && c <= 'Z' {
				out[i] = c + 'a' - 'A'
			}
		}
		return out
	}
	r := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 2000; n++ {
		alpha := "aAbB\xc9\xe9zZ_"
		word := func(max int) string {
			b := make([]byte, r.IntN(max)+1)
			for i := range b {
				b[i] = alpha[r.IntN(len(alpha))]
			}
			return string(b)
		}
		words := make([]string, r.IntN(10))
		lowered := make([]string, len(words))
		for i := range words {
			words[i] = word(4)
			lowered[i] = string(lower([]byte(words[i])))
		}
		text := []byte(word(60))
		got := each(NewFold(words), text)
		want := naive(lowered, lower(text))
		if !slices.Equal(got, want) {
			t.Fatalf("words %q text %q:\n got %v\nwant %v", words, text, got, want)
		}
	}
}

// TestPartsAgainstNaive: a long text is read in four parts at once, a
// block at a time; words across a part's or a block's boundary, overlapping
// ones and ones in an early start are each reported once, in order. Texts
// up to 600 bytes, read in parts from the first byte on, in blocks of 37,
// 64 and 150 bytes and whole.
func TestPartsAgainstNaive(t *testing.T) {
	wasFrom, wasBlock := partsFrom, partsBlock
	t.Cleanup(func() { partsFrom, partsBlock = wasFrom, wasBlock })
	partsFrom = 0
	for _, block := range []int{37, 64, 150, 1 << 20} {
		partsBlock = block
		r := rand.New(rand.NewPCG(5, 6))
		for n := 0; n < 3000; n++ {
			alpha := "ab\x00c"[:1+r.IntN(4)]
			word := func(max int) string {
				b := make([]byte, r.IntN(max)+1)
				for i := range b {
					b[i] = alpha[r.IntN(len(alpha))]
				}
				return string(b)
			}
			words := make([]string, 1+r.IntN(12))
			for i := range words {
				words[i] = word(7)
			}
			check(t, words, []byte(word(600)))
		}
		check(t, []string{"secret", "api_key", "token"}, bytes.Repeat([]byte("x api_key=1 secret token "), 40))
	}
}
