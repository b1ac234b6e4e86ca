package rules

import (
	"bytes"
	"context"
	"encoding/base64"
	"regexp"
	"sync"
	"unicode/utf8"
)

// Encoded secrets. Some places hold a secret one encoding away from its
// plain form: a Kubernetes Secret's data values and a Docker config's "auth"
// are base64, an HTTP basic-auth header is base64 of user:password, and a
// URI may percent-encode a token. Where such a place appears, the value is
// decoded once (never recursively) and scanned like any text; a finding
// points at the encoded text, and every output masks it as it masks the
// secret. Decoding is bounded per line, so hostile input cannot make it
// expensive (gitleaks' recursive decoding has used 24 GB on real input).

// maxDecodedPerLine bounds the decoded bytes scanned for one line.
const maxDecodedPerLine = 8 << 10

var (
	// A YAML "name: value" line whose value is one base64 token.
	yamlB64 = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\s*[\w.\-]+:\s*["']?([A-Za-z0-9+/]{12,}={0,2})["']?\s*$`)
	})
	// A JSON "auth": "value" pair, as in ~/.docker/config.json and .dockerconfigjson.
	authB64 = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\\*"auth\\*"\s*:\s*\\*"([A-Za-z0-9+/]{8,}={0,2})\\*"`)
	})
	// An HTTP basic-auth credential.
	basicB64 = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\bbasic\s+([A-Za-z0-9+/]{8,}={0,2})`) })
	// A base64-encoded PEM block ("-----BEGIN" encodes to LS0tLS1CRUdJTi),
	// as private keys are often stored in environment variables and JSON.
	pemB64 = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(LS0tLS1CRUdJTi[A-Za-z0-9+/]{40,}={0,2})`) })
	// A percent-encoded byte.
	pctByte = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`%[0-9A-Fa-f]{2}`) })
)

// encodedCandidate is a span of the content that decodes to text worth scanning.
type encodedCandidate struct {
	start, end int    // the encoded text in the content
	decoded    []byte // what it decodes to
	offsets    []int  // for percent-encoding: content offset of each decoded byte
}

// Decode hints: text whose presence anywhere in a file makes a decoder worth
// running on its lines. The keyword pass finds them (engine.go).
const (
	hintK8s uint8 = 1 << iota
	hintDockerAuth
	hintBasic
	hintURL
	hintPEM
)

var decodeHints = []struct {
	text string // lower case, as the keyword pass sees the content
	bit  uint8
}{
	{"kind: secret", hintK8s},
	{`"kind": "secret"`, hintK8s},
	{`"auth"`, hintDockerAuth},
	{`auth\"`, hintDockerAuth}, // in JSON escaped inside a string
	{"basic ", hintBasic},
	{"://", hintURL},
	{"ls0tls1crudjti", hintPEM},
}

// scanEncoded finds encoded values in t's added lines and scans their
// decoded text; hints are the decode hints the keyword pass found in it.
func (e *Engine) scanEncoded(ctx context.Context, t *Target, hints uint8) ([]Finding, error) {
	k8s := hints&hintK8s != 0
	docker := hints&hintDockerAuth != 0
	basic := hints&hintBasic != 0
	pct := hints&hintURL != 0 && bytes.IndexByte(t.Content, '%') >= 0
	pem := hints&hintPEM != 0
	if !k8s && !docker && !basic && !pct && !pem {
		return nil, nil
	}
	c := t.Content
	var out []Finding
	// Outside a Kubernetes Secret only a line holding one of the decoders'
	// literals can hold a candidate: the others are passed over, counted.
	var need []*foldFinder
	if !k8s {
		for _, f := range []struct {
			on  bool
			lit string
		}{{docker, `"auth`}, {basic, "basic"}, {pct, "://"}, {pem, "ls0tls1crudjti"}} {
			if f.on {
				need = append(need, newFoldFinder(f.lit))
			}
		}
	}
	for ls, idx := 0, 0; ls < len(c); idx++ {
		if idx%1024 == 1023 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if need != nil {
			at := -1
			for _, f := range need {
				if i := f.next(c, ls); i >= 0 && (at < 0 || i < at) {
					at = i
				}
			}
			if at < 0 {
				break
			}
			if start := bytes.LastIndexByte(c[ls:at], '\n') + 1 + ls; start > ls {
				idx += bytes.Count(c[ls:start], []byte{'\n'})
				ls = start
			}
		}
		le := bytes.IndexByte(c[ls:], '\n')
		if le < 0 {
			le = len(c)
		} else {
			le += ls
		}
		if t.Added == nil || (idx < len(t.Added) && t.Added[idx]) {
			line := c[ls:le]
			budget := maxDecodedPerLine
			// A file-wide hint runs its regex only on lines that can match it.
			for _, cand := range candidates(line, k8s,
				docker && indexFold(line, `"auth`, 0) >= 0,
				basic && indexFold(line, "basic", 0) >= 0,
				pct && bytes.IndexByte(line, '%') >= 0,
				pem && bytes.Contains(line, []byte("LS0tLS1CRUdJTi"))) {
				if budget -= len(cand.decoded); budget < 0 {
					break
				}
				dec := &Target{Path: t.Path, Content: cand.decoded, StartLine: 1, trace: t.trace}
				fs, err := e.scanPlain(ctx, dec)
				if err != nil {
					return nil, err
				}
				for _, f := range fs {
					if f, ok := relocate(f, t, ls, le, idx, cand); ok {
						out = append(out, f)
					}
				}
				for _, f := range dec.Suppressed {
					if f, ok := relocate(f, t, ls, le, idx, cand); ok {
						t.Suppressed = append(t.Suppressed, f)
					}
				}
			}
		}
		ls = le + 1
	}
	return out, nil
}

// encodedElsewhere reports whether a generic rule's secret is a value the
// decoders judge instead: in a Kubernetes Secret, a base64 value that decodes
// to text is the encoding of the real value, which is scanned decoded (a
// password "changeme" is a placeholder whatever its base64 looks like).
func encodedElsewhere(hints uint8, secret string) bool {
	if hints&hintK8s == 0 || len(secret)%4 != 0 {
		return false
	}
	_, ok := decodeBase64([]byte(secret))
	return ok
}

// indexFold returns the first index at or after from where s holds lit
// (lower-case ASCII), ignoring ASCII case, or -1.
func indexFold(s []byte, lit string, from int) int {
	return newFoldFinder(lit).next(s, from)
}

// foldFinder finds lit (lower-case ASCII) in s ignoring ASCII case, from
// positions that only grow: the next occurrence of lit's first byte in each
// case is kept, so a search over all of s reads each byte about twice.
type foldFinder struct {
	lit          string
	lo, up       byte // lit's first byte in lower and upper case
	lower, upper int  // next index of lo, of up, at or after the last search; -1: none, -2: not sought
}

func newFoldFinder(lit string) *foldFinder {
	f := &foldFinder{lit: lit, lo: lit[0], up: lit[0], lower: -2, upper: -2}
	if 'a' <= f.lo && f.lo <= 'z' {
		f.up -= 'a' - 'A'
	} else {
		f.upper = -1 // one case only
	}
	return f
}

// next returns the first index at or after from (no less than the previous
// call's from) where s holds lit, or -1.
func (f *foldFinder) next(s []byte, from int) int {
	seek := func(at int, b byte) int {
		if at == -1 || at >= from {
			return at
		}
		if i := bytes.IndexByte(s[from:], b); i >= 0 {
			return from + i
		}
		return -1
	}
	for from < len(s) {
		f.lower, f.upper = seek(f.lower, f.lo), seek(f.upper, f.up)
		at := f.lower
		if f.upper >= 0 && (at < 0 || f.upper < at) {
			at = f.upper
		}
		if at < 0 || at+len(f.lit) > len(s) {
			return -1
		}
		if equalFoldLower(s[at:at+len(f.lit)], f.lit) {
			return at
		}
		from = at + 1
	}
	return -1
}

// equalFoldLower reports whether b equals lit (lower-case ASCII) ignoring
// ASCII case.
func equalFoldLower(b []byte, lit string) bool {
	for i := range len(lit) {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lit[i] {
			return false
		}
	}
	return true
}

// candidates lists the encoded values on one line.
func candidates(line []byte, k8s, docker, basic, pct, pem bool) []encodedCandidate {
	var out []encodedCandidate
	add := func(re *regexp.Regexp) {
		for _, m := range re.FindAllSubmatchIndex(line, -1) {
			if dec, ok := decodeBase64(line[m[2]:m[3]]); ok {
				out = append(out, encodedCandidate{start: m[2], end: m[3], decoded: dec})
			}
		}
	}
	if k8s {
		add(yamlB64())
	}
	if docker {
		add(authB64())
	}
	if basic {
		add(basicB64())
	}
	if pem && !k8s { // in a Kubernetes Secret yamlB64 already decodes it
		add(pemB64())
	}
	if pct && bytes.Contains(line, []byte("://")) && pctByte().Match(line) {
		dec, offsets := percentDecode(line)
		out = append(out, encodedCandidate{start: 0, end: len(line), decoded: dec, offsets: offsets})
	}
	return out
}

// decodeBase64 decodes standard base64 (padded or not) to printable text.
func decodeBase64(s []byte) ([]byte, bool) {
	enc := base64.StdEncoding
	if len(s)%4 != 0 {
		enc = base64.RawStdEncoding
	}
	dec, err := enc.DecodeString(string(s))
	if err != nil || len(dec) < 6 || !utf8.Valid(dec) {
		return nil, false
	}
	for _, b := range dec {
		if b < 0x20 && b != '\n' && b != '\r' && b != '\t' {
			return nil, false // binary, not text
		}
	}
	return dec, true
}

// percentDecode decodes %XX sequences and records, for each decoded byte,
// the offset in line it came from.
func percentDecode(line []byte) ([]byte, []int) {
	dec := make([]byte, 0, len(line))
	offsets := make([]int, 0, len(line))
	for i := 0; i < len(line); i++ {
		if line[i] == '%' && i+2 < len(line) && isHexDigit(line[i+1]) && isHexDigit(line[i+2]) {
			dec = append(dec, unhex(line[i+1])<<4|unhex(line[i+2]))
			offsets = append(offsets, i)
			i += 2
			continue
		}
		dec = append(dec, line[i])
		offsets = append(offsets, i)
	}
	return dec, offsets
}

func isHexDigit(b byte) bool {
	return '0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F'
}

func unhex(b byte) byte {
	switch {
	case b <= '9':
		return b - '0'
	case b >= 'a':
		return b - 'a' + 10
	}
	return b - 'A' + 10
}

// relocate turns a finding in decoded text into one on the original line
// [ls,le) of t (line index idx). A percent-decoded finding whose secret is
// visible as is on the line was already found by the plain scan.
func relocate(f Finding, t *Target, ls, le, idx int, cand encodedCandidate) (Finding, bool) {
	line := t.Content[ls:le]
	start, end := cand.start, cand.end
	if cand.offsets != nil {
		if bytes.Contains(line, []byte(f.Secret)) {
			return f, false
		}
		// Map the secret back through the decoding: find it in the decoded line.
		i := bytes.Index(cand.decoded, []byte(f.Secret))
		if i < 0 {
			return f, false
		}
		j := i + len(f.Secret) - 1
		start, end = cand.offsets[i], cand.offsets[j]+1
		if line[cand.offsets[j]] == '%' {
			end = cand.offsets[j] + 3
		}
	}
	f.Path = t.Path
	f.Line = max(t.StartLine, 1) + idx
	f.EndLine = f.Line
	f.Column = utf8.RuneCount(line[:start]) + 1
	f.LineText = string(line)
	f.Encoded = string(line[start:end])
	return f, true
}
