package rules

import (
	"fmt"
	"math/rand"
	"syscall"
	"testing"
	"time"
)

// cpuTime is this process's user and system time: on a shared machine it
// measures the scan, where wall time measures the other processes too.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// keywordDense is n bytes of lines that each hold several rules' keywords
// and an assignment, the worst case for the keyword pass's windows:
// `password = "…" token api_key secret`.
func keywordDense(n int) []byte {
	rng := rand.New(rand.NewSource(1))
	const alpha = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b []byte
	for len(b) < n {
		v := make([]byte, 12)
		for i := range v {
			v[i] = alpha[rng.Intn(len(alpha))]
		}
		b = fmt.Appendf(b, "password = %q token api_key secret\n", v)
	}
	return b
}

// BenchmarkScanDense compares keyword-dense text with plain text of the same
// size (Go source): the ratio of the two is what issue 16 item 17 bounds.
func BenchmarkScanDense(b *testing.B) {
	e := builtinEngine(b)
	for _, c := range []struct {
		name string
		data func() []byte
	}{
		{"dense", func() []byte { return keywordDense(1 << 20) }},
		{"plain", func() []byte {
			var d []byte
			for _, t := range goSource(b, 1<<20) {
				d = append(d, t.Content...)
			}
			return d[:min(len(d), 1<<20)]
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			t := &Target{Path: "x.txt", Content: c.data()}
			b.SetBytes(int64(len(t.Content)))
			b.ResetTimer()
			start := cpuTime()
			for i := 0; i < b.N; i++ {
				if _, err := e.Scan(t); err != nil {
					b.Fatal(err)
				}
			}
			cpu := cpuTime() - start
			b.ReportMetric(float64(len(t.Content))*float64(b.N)/cpu.Seconds()/1e6, "MB/cpu-s")
		})
	}
}
