package rules

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestAlphabetSize(t *testing.T) {
	for s, want := range map[string]int{
		"0123456789":       10,
		"deadbeef0123":     16,
		"DEADBEEF0123":     16,
		"deadbeefg123":     36,
		"abcXYZ":           52,
		"abcXYZ09":         62,
		"abcXYZ09+/":       64,
		"abcXYZ09%!":       92,
		"Harbor237$JSROk":  92,
		"lowercaseonly":    26,
		"UPPER_CASE_ONLY9": 38,
	} {
		if got := alphabetSize(s); got != want {
			t.Errorf("alphabetSize(%q) = %d, want %d", s, got, want)
		}
	}
}

// TestRandomValuesPassGenericEntropy checks the point of the adaptive
// threshold: random hex, base62 and base64 values of common lengths pass
// generic-secret's entropy check nearly always (a fixed 3.7 bits passed
// 32-digit hex 26% of the time), while repetitive values still fail.
func TestRandomValuesPassGenericEntropy(t *testing.T) {
	r := &compiledRule{Rule: &Rule{Entropy: 3.7, Generic: true}}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		alphabet string
		n        int
	}{
		{"0123456789abcdef", 32}, {"0123456789abcdef", 40}, {"0123456789ABCDEF", 24},
		{"abcdefghijklmnopqrstuvwxyz0123456789", 16},
		{"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16},
		{"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/", 40},
	} {
		pass := 0
		const trials = 2000
		for i := 0; i < trials; i++ {
			s := randomString(rng, tc.alphabet, tc.n)
			if ShannonEntropy(s) >= r.minEntropy(s) {
				pass++
			}
		}
		if rate := float64(pass) / trials; rate < 0.97 {
			t.Errorf("random %d of %q: %.1f%% pass, want >= 97%%", tc.n, tc.alphabet, rate*100)
		}
	}
	for _, s := range []string{"aaaaaaaabbbbbbbbaaaaaaaabbbbbbbb", "abababababababababab", "0000000000000000000000000000000f"} {
		if ShannonEntropy(s) >= r.minEntropy(s) {
			t.Errorf("%q passes the generic entropy check", s)
		}
	}
	specific := &compiledRule{Rule: &Rule{Entropy: 3.7}}
	if specific.minEntropy("deadbeef0123") != 3.7 {
		t.Error("a specific rule's threshold changed")
	}
}

// TestShannonEntropySameSum checks that the entropy is the same float as the
// plain sum over all 256 byte values in order: thresholds compare it, and
// reports print it.
func TestShannonEntropySameSum(t *testing.T) {
	plain := func(s string) float64 {
		var counts [256]int
		for i := 0; i < len(s); i++ {
			counts[s[i]]++
		}
		var h float64
		for _, c := range counts {
			if c > 0 {
				p := float64(c) / float64(len(s))
				h -= p * math.Log2(p)
			}
		}
		return h
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		b := make([]byte, rng.IntN(80))
		for j := range b {
			if i%2 == 0 {
				b[j] = byte(rng.IntN(256))
			} else {
				b[j] = "abcdef0123456789XYZ_-"[rng.IntN(21)]
			}
		}
		if got, want := ShannonEntropy(string(b)), plain(string(b)); got != want {
			t.Fatalf("ShannonEntropy(%q) = %v, want %v", b, got, want)
		}
	}
}

// TestShannonEntropyCounts: the short strings' byte-sized counts give what
// counting in ints gives, at the lengths where a byte could overflow.
func TestShannonEntropyCounts(t *testing.T) {
	for _, n := range []int{1, 2, 12, 254, 255, 256, 257, 600} {
		for _, s := range []string{strings.Repeat("a", n), strings.Repeat("ab", n)[:n], strings.Repeat("a", n-1) + "b"} {
			var counts [256]int
			if got, want := ShannonEntropy(s), entropy(s, &counts); got != want {
				t.Errorf("len %d: %v, counting in ints %v", n, got, want)
			}
		}
	}
}
