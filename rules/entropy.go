package rules

import (
	"math"
	"sync"
)

// Entropy thresholds for generic rules. A fixed threshold in bits per byte
// treats values of different alphabets and lengths alike, yet a random value
// cannot reach more than log2 of its alphabet nor log2 of its length: a
// random 32-digit hex string averages 3.61 bits and passes a 3.7 threshold
// 26% of the time, a random 16-character lower-case one 15%. A generic rule's
// threshold is therefore lowered, for each value, to what random values of
// the same alphabet and length exceed 99% of the time. The rule's own
// threshold remains the ceiling, so no value that passed before is rejected.

// randomFloor returns the entropy that a random string of s's length over
// s's alphabet exceeds about 99% of the time: the expected entropy of such
// a string minus a margin that shrinks with length (fitted by simulation:
// the 1st percentile lies 1.5/sqrt(n) to 2.2/sqrt(n) below the mean for
// alphabets of 10 to 90 symbols and lengths of 8 to 64).
func randomFloor(s string) float64 {
	n := len(s)
	if n < 2 {
		return 0
	}
	return expectedEntropy(alphabetSize(s), n) - 2/math.Sqrt(float64(n))
}

// Alphabets a value is assumed to be drawn from.
const (
	alphaDigits = 10
	alphaHex    = 16
	alphaLetter = 26
	alphaSymbol = 30 // ASCII punctuation a password may use
)

// alphabetSize guesses the alphabet s was drawn from by the classes of
// characters it uses: hex, digits, one or two cases of letters, and base64's
// or any punctuation.
func alphabetSize(s string) int {
	var digit, lower, upper, b64, other bool
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case '0' <= c && c <= '9':
			digit = true
		case 'a' <= c && c <= 'z':
			lower = true
		case 'A' <= c && c <= 'Z':
			upper = true
		case c == '+' || c == '/' || c == '=' || c == '-' || c == '_':
			b64 = true
		default:
			other = true
		}
	}
	if !b64 && !other && (lower && !upper && isHexRun(s, 'a', 'f') || upper && !lower && isHexRun(s, 'A', 'F')) {
		return alphaHex
	}
	k := 0
	if digit {
		k += alphaDigits
	}
	if lower {
		k += alphaLetter
	}
	if upper {
		k += alphaLetter
	}
	switch {
	case other:
		k += alphaSymbol
	case b64:
		k += 2
	}
	return max(k, 2)
}

// isHexRun reports whether s is only digits and letters from lo to hi.
func isHexRun(s string, lo, hi byte) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || lo <= c && c <= hi) {
			return false
		}
	}
	return true
}

// maxEntropyLen bounds the lengths whose expected entropy is tabulated;
// longer values use the last entry (the expectation barely moves there).
const maxEntropyLen = 256

var entropyTable struct {
	sync.Mutex
	byK map[int]*[maxEntropyLen + 1]float64
}

// expectedEntropy is the expected Shannon entropy, in bits per symbol, of
// n symbols drawn uniformly from k: log2(n) - (k/n) E[X log2 X] with X the
// count of one symbol, binomial(n, 1/k).
func expectedEntropy(k, n int) float64 {
	n = min(n, maxEntropyLen)
	entropyTable.Lock()
	defer entropyTable.Unlock()
	if entropyTable.byK == nil {
		entropyTable.byK = map[int]*[maxEntropyLen + 1]float64{}
	}
	t := entropyTable.byK[k]
	if t == nil {
		t = new([maxEntropyLen + 1]float64)
		for m := 2; m <= maxEntropyLen; m++ {
			t[m] = exactExpectedEntropy(k, m)
		}
		entropyTable.byK[k] = t
	}
	return t[n]
}

func exactExpectedEntropy(k, n int) float64 {
	p := 1 / float64(k)
	pm := math.Pow(1-p, float64(n)) // P(X = 0)
	var sum float64
	for x := 0; x < n; x++ {
		pm *= float64(n-x) / float64(x+1) * p / (1 - p) // P(X = x+1)
		x1 := float64(x + 1)
		sum += pm * x1 * math.Log2(x1)
	}
	return math.Log2(float64(n)) - float64(k)/float64(n)*sum
}
