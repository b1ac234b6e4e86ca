package rules

import (
	"bytes"
	"testing"
)

// TestLowerASCIIMatchesAsciiLower checks every byte value at every alignment
// against the byte loop the engine uses today, with the empty dst the engine
// passes (asciiLower would also lower-case bytes already in dst; lowerASCII
// keeps them, which TestLowerASCIIKeepsDst checks).
func TestLowerASCIIMatchesAsciiLower(t *testing.T) {
	var all []byte
	for i := 0; i < 256; i++ {
		all = append(all, byte(i))
	}
	all = append(all, []byte("Hello, WORLD! AbCdEfGhIjKlMnOpQrStUvWxYz @[`{ \xc5\xbf\xe2\x84\xaa")...)
	for off := 0; off < 9; off++ {
		want := asciiLower(make([]byte, 0, 7), all[off:])
		if got := lowerASCII(make([]byte, 0, 7), all[off:]); !bytes.Equal(got, want) {
			t.Fatalf("offset %d: lowerASCII differs from asciiLower", off)
		}
	}
}

func TestLowerASCIIKeepsDst(t *testing.T) {
	if got := string(lowerASCII([]byte("KEEP:"), []byte("AbC_xYz_0123456789"))); got != "KEEP:abc_xyz_0123456789" {
		t.Errorf("got %q", got)
	}
}

func BenchmarkLower(b *testing.B) {
	src := bytes.Repeat([]byte("func (s *Server) ListenAndServe() error { // HTTP/1.1 KEY=Value\n"), 1<<14)
	var dst []byte
	for name, f := range map[string]func(dst, src []byte) []byte{"asciiLower": asciiLower, "lowerASCII": lowerASCII} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				dst = f(dst[:0], src)
			}
		})
	}
}
