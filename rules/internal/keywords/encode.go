package keywords

import (
	"encoding/binary"
	"unsafe"
)

// A matcher is built on every hook run, so the built-in rules' one is built
// at `go generate` time instead and embedded: Encode writes it, Decode reads
// it back. Decoding views the embedded bytes in place where the machine
// allows it (little-endian, aligned), so a run touches only the pages of the
// states its text reaches, instead of allocating and filling ~800 KB.
//
// The encoding is little-endian 32-bit words:
//
//	magic, len(words), len(joined words), joined words (NUL-separated, padded to 4 bytes),
//	stride, states, class (256 bytes), lens, own, dict, next

const magic = 0x4b48_0001 // "HK", format 1: bump when Matcher or New changes

// Encode appends the encoding of m, built from words, to b.
func (m *Matcher) Encode(b []byte, words []string) []byte {
	joined := joinWords(words)
	u32 := func(v uint32) { b = binary.LittleEndian.AppendUint32(b, v) }
	u32(magic)
	u32(uint32(len(words)))
	u32(uint32(len(joined)))
	b = append(b, joined...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	u32(uint32(m.stride))
	u32(uint32(len(m.own)))
	b = append(b, m.class[:]...)
	for _, s := range [][]int32{m.lens, m.own, m.dict, m.next} {
		for _, v := range s {
			u32(uint32(v))
		}
	}
	return b
}

// Decode returns the matcher that data encodes if it was built from exactly
// words by this version of the package, and nil otherwise: the caller then
// builds one with New or NewFold. data must not change while the matcher is
// used (it is embedded, read-only data).
func Decode(data string, words []string) *Matcher {
	d := decoder{data: data}
	if d.u32() != magic || int(d.u32()) != len(words) {
		return nil
	}
	n := int(d.u32())
	if n > len(d.data) || d.data[:n] != joinWords(words) {
		return nil
	}
	d.data = d.data[(n+3)&^3:]
	m := &Matcher{stride: int32(d.u32())}
	states := int(d.u32())
	if len(d.data) < 256 || m.stride <= 0 || m.stride > 256 {
		return nil
	}
	copy(m.class[:], d.data[:256])
	d.data = d.data[256:]
	m.lens, m.own, m.dict, m.next = d.int32s(len(words)), d.int32s(states), d.int32s(states), d.int32s(states*int(m.stride))
	if d.bad || len(d.data) != 0 {
		return nil
	}
	for _, l := range m.lens {
		m.maxLen = max(m.maxLen, l)
	}
	return m
}

func joinWords(words []string) string {
	n := 0
	for _, w := range words {
		n += len(w) + 1
	}
	b := make([]byte, 0, n)
	for _, w := range words {
		b = append(append(b, w...), 0)
	}
	return string(b)
}

type decoder struct {
	data string
	bad  bool
}

func (d *decoder) u32() uint32 {
	if len(d.data) < 4 {
		d.bad = true
		return 0
	}
	v := binary.LittleEndian.Uint32([]byte(d.data[:4]))
	d.data = d.data[4:]
	return v
}

// int32s returns the next n words, in place when the machine's layout is
// the encoding's.
func (d *decoder) int32s(n int) []int32 {
	if d.bad || n < 0 || n > len(d.data)/4 {
		d.bad = true
		return nil
	}
	raw := d.data[:4*n]
	d.data = d.data[4*n:]
	if n == 0 {
		return []int32{}
	}
	p := unsafe.StringData(raw)
	if littleEndian && uintptr(unsafe.Pointer(p))%4 == 0 {
		return unsafe.Slice((*int32)(unsafe.Pointer(p)), n)
	}
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(binary.LittleEndian.Uint32([]byte(raw[4*i:])))
	}
	return out
}

var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()
