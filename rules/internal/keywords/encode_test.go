package keywords

import (
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

func TestEncodeDecode(t *testing.T) {
	words := []string{"key", "api_key", "x-api-key", "Secret", "", "key", "\x00\xff"}
	m := NewFold(words)
	enc := string(m.Encode(nil, words))
	// Once as stored, once shifted by a byte: an unaligned view makes Decode
	// copy the tables instead of using them in place.
	shifted := ("x" + enc)[1:]
	if uintptr(unsafe.Pointer(unsafe.StringData(shifted)))%4 == 0 {
		shifted = ("xx" + enc)[2:]
	}
	texts := [][]byte{[]byte("X-API-KEY=1 api_key=2 monkey SECRET \x00\xff"), nil}
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		b := make([]byte, r.IntN(80))
		for i := range b {
			b[i] = "kKeyaApi_-x\x00\xffSsecret"[r.IntN(18)]
		}
		texts = append(texts, b)
	}
	for _, data := range []string{enc, shifted} {
		d := Decode(data, words)
		if d == nil {
			t.Fatal("Decode rejected what Encode wrote")
		}
		for _, text := range texts {
			if got, want := each(d, text), each(m, text); !slices.Equal(got, want) {
				t.Fatalf("text %q: decoded %v, built %v", text, got, want)
			}
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	words := []string{"alpha", "beta"}
	enc := string(NewFold(words).Encode(nil, words))
	for name, c := range map[string]struct {
		data  string
		words []string
	}{
		"other words":     {enc, []string{"alpha", "gamma"}},
		"more words":      {enc, []string{"alpha", "beta", "gamma"}},
		"words reordered": {enc, []string{"beta", "alpha"}},
		"truncated":       {enc[:len(enc)-4], words},
		"trailing bytes":  {enc + "\x00\x00\x00\x00", words},
		"another format":  {"\x00" + enc[1:], words},
		"empty":           {"", words},
		"header only":     {enc[:12], words},
	} {
		if Decode(c.data, c.words) != nil {
			t.Errorf("%s: Decode accepted it", name)
		}
	}
}
