package rules

import (
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf16"
)

// utf16Bytes encodes s as UTF-16, little- or big-endian, with or without a BOM.
func utf16Bytes(s string, bigEndian, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xfeff}, units...)
	}
	out := make([]byte, 2*len(units))
	for i, u := range units {
		if bigEndian {
			binary.BigEndian.PutUint16(out[2*i:], u)
		} else {
			binary.LittleEndian.PutUint16(out[2*i:], u)
		}
	}
	return out
}

// gitLines splits content at 0x0A bytes as git does.
func gitLines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != '\n' {
			i++
		}
		if i < len(b) {
			i++
		}
		out = append(out, b[:i])
		b = b[i:]
	}
	return out
}

// TestEngineBinaryTextRuns: one NUL byte on a token's line, or anywhere in
// its hunk, hides nothing: every rule runs on the text runs of binary
// content, with lines and columns unchanged.
func TestEngineBinaryTextRuns(t *testing.T) {
	e := builtinEngine(t)
	tok, _ := Expand("{{github:ghp}}", "runs")
	for name, text := range map[string]string{
		"NUL on the line":       "a = 1\nGITHUB_TOKEN = \"" + tok + "\"\x00\nb = 2\n",
		"NUL elsewhere in hunk": "\x00\x01\x02\xff\nGITHUB_TOKEN = \"" + tok + "\"\nb = 2\n",
		"between binary runs":   "PK\x03\x04\x14\x00\x00\x00\x00\x00\nGITHUB_TOKEN = \"" + tok + "\"\x00\x00\x1b[31m\x7f",
	} {
		fs := scanText(t, e, "x.bin", text, []bool{false, true, false})
		if len(fs) != 1 || fs[0].Secret != tok || fs[0].Line != 2 || fs[0].Column != 17 {
			t.Errorf("%s: %+v", name, fs)
			continue
		}
		if strings.ContainsAny(fs[0].LineText, "\x00\x1b\x7f") {
			t.Errorf("%s: control bytes reach the report: %q", name, fs[0].LineText)
		}
	}
}

// TestEngineUTF16: UTF-16 text (little- and big-endian, with and without a
// byte-order mark) is decoded; a token and a PEM key in it are found on
// their lines, also in a hunk that starts mid-file as git cuts it (at 0x0A
// bytes, so a little-endian hunk starts with the 0x00 of a newline).
func TestEngineUTF16(t *testing.T) {
	e := builtinEngine(t)
	tok, _ := Expand("{{github:ghp}}", "utf16")
	pem, _ := Expand("{{pem:RSA PRIVATE KEY}}", "utf16")
	var b strings.Builder
	for i := 1; i <= 10; i++ {
		b.WriteString("# line é\r\n")
	}
	b.WriteString("$token = \"" + tok + "\"\r\n") // line 11
	b.WriteString("$x = 1\r\n")
	b.WriteString(strings.ReplaceAll(pem, "\n", "\r\n") + "\r\n") // line 13
	b.WriteString("$y = 2\r\n")
	text := b.String()
	for _, bigEndian := range []bool{false, true} {
		for _, bom := range []bool{false, true} {
			raw := utf16Bytes(text, bigEndian, bom)
			lines := gitLines(raw)
			// The whole file, and a hunk from line 9 on with only lines 11
			// and 13 onwards added.
			for _, from := range []int{1, 9} {
				var content []byte
				var added []bool
				for i, l := range lines[from-1:] {
					content = append(content, l...)
					added = append(added, from == 1 || i+from == 11 || i+from >= 13)
				}
				fs, err := e.Scan(&Target{Path: "deploy.ps1", Content: content, StartLine: from, Added: added})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, f := range fs {
					got = append(got, f.RuleID)
					if f.RuleID == "github-token" && (f.Secret != tok || f.Line != 11 || f.Column != 11) {
						t.Errorf("be=%v bom=%v from=%d: token at %d:%d %q", bigEndian, bom, from, f.Line, f.Column, Mask(f.Secret))
					}
					if f.RuleID == "private-key" && f.Line != 13 {
						t.Errorf("be=%v bom=%v from=%d: key at line %d", bigEndian, bom, from, f.Line)
					}
				}
				if len(fs) != 2 {
					t.Errorf("be=%v bom=%v from=%d: findings %v, want the token and the key", bigEndian, bom, from, got)
				}
			}
		}
	}
	// Lines not added stay unreported.
	raw := utf16Bytes(text, false, true)
	n := len(gitLines(raw))
	fs, _ := e.Scan(&Target{Path: "deploy.ps1", Content: raw, StartLine: 1, Added: make([]bool, n)})
	if len(fs) != 0 {
		t.Errorf("unadded UTF-16 lines reported: %+v", fs)
	}
}
