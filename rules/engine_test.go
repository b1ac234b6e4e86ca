package rules

import (
	"bytes"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
)

func scanText(t *testing.T, e *Engine, path, text string, added []bool) []Finding {
	t.Helper()
	fs, err := e.Scan(&Target{Path: path, Content: []byte(text), StartLine: 1, Added: added})
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestMask(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"key-0123456789abcdef", "key-****************"},
		{"short", "s****"},
		{"abcdefgh", "ab******"},
		{"", ""},
	} {
		if got := Mask(tc.in); got != tc.want {
			t.Errorf("Mask(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long := strings.Repeat("x", 100)
	if m := Mask(long); strings.Count(m, "x") != 4 || len([]rune(m)) > 30 {
		t.Errorf("Mask(100 chars) = %q", m)
	}
}

func TestShannonEntropy(t *testing.T) {
	if h := ShannonEntropy("aaaa"); h != 0 {
		t.Errorf("entropy(aaaa) = %v", h)
	}
	if h := ShannonEntropy("abcd"); h != 2 {
		t.Errorf("entropy(abcd) = %v", h)
	}
}

func TestEngineBasics(t *testing.T) {
	e := builtinEngine(t)
	tok, _ := Expand("{{github:ghp}}", "engine")

	// Only added lines report; line numbers count from StartLine.
	text := "a\nGITHUB_TOKEN=" + tok + "\nb\n"
	fs, _ := e.Scan(&Target{Path: "x", Content: []byte(text), StartLine: 10, Added: []bool{false, true, false}})
	if len(fs) != 1 || fs[0].Line != 11 || fs[0].Column != 14 || fs[0].Secret != tok {
		t.Fatalf("added line: %+v", fs)
	}
	if fs := scanText(t, e, "x", text, []bool{true, false, true}); len(fs) != 0 {
		t.Fatalf("secret on an unadded line reported: %+v", fs)
	}

	// A wrong checksum is not a GitHub token.
	// (Replace the last character, part of the checksum, with another one.)
	other := byte('a')
	if tok[len(tok)-1] == other {
		other = 'b'
	}
	bad := tok[:len(tok)-1] + string(other)
	if fs := scanText(t, e, "x", "GITHUB_TOKEN="+bad, nil); len(fs) != 0 {
		t.Fatalf("bad checksum accepted: %+v", fs)
	}

	// A secret at the end of a 5 MB line is found.
	huge := strings.Repeat("var a=1;", 5<<20/8) + "t='" + tok + "';"
	fs = scanText(t, e, "min.js", huge, nil)
	if len(fs) != 1 || fs[0].RuleID != "github-token" {
		t.Fatalf("long line: %d findings", len(fs))
	}
	if len(fs[0].MaskedLine()) > 400 {
		t.Fatalf("masked line not trimmed: %d bytes", len(fs[0].MaskedLine()))
	}

	// Keywords are matched case-insensitively; the regex decides.
	if fs := scanText(t, e, "x", "GHP_ is only a prefix", nil); len(fs) != 0 {
		t.Fatalf("prefix alone reported: %+v", fs)
	}
}

func TestEnginePEMAcrossLines(t *testing.T) {
	e := builtinEngine(t)
	pem, _ := Expand("{{pem:RSA PRIVATE KEY}}", "pem")
	text := "x = 1\n" + pem + "\ny = 2\n"
	fs := scanText(t, e, "id_rsa", text, nil)
	if len(fs) != 1 || fs[0].RuleID != "private-key" || fs[0].Line != 2 || fs[0].EndLine < 10 {
		t.Fatalf("PEM: %+v", fs)
	}
	// In binary content the key is still found.
	fs, _ = e.Scan(&Target{Path: "keystore.bin", Content: []byte("\x00\x01" + text)})
	if len(fs) != 1 || fs[0].Line != 2 {
		t.Fatalf("PEM in binary: %+v", fs)
	}
}

func TestEngineContextAndDedupe(t *testing.T) {
	e := builtinEngine(t)
	hex32, _ := Expand("{{hex:32}}", "ctx")
	// A bare 32-hex value is a Mailjet key only with Mailjet context nearby.
	if fs := scanText(t, e, "x.env", "MJ_APIKEY_PRIVATE="+hex32, nil); len(fs) != 1 || fs[0].RuleID != "mailjet-secret-key" {
		t.Fatalf("with context: %+v", fs)
	}
	if fs := scanText(t, e, "x.py", "secret_key = '"+hex32+"'", nil); len(fs) == 1 && fs[0].RuleID == "mailjet-secret-key" {
		t.Fatalf("without context: %+v", fs)
	}
	// One secret, one finding: the specific rule beats the generic one.
	tok, _ := Expand("sk_live_{{alnum:24}}", "dedupe")
	fs := scanText(t, e, "x.py", "api_key = \""+tok+"\"", nil)
	if len(fs) != 1 || fs[0].RuleID != "stripe-secret-key" {
		t.Fatalf("dedupe: %+v", fs)
	}
}

func TestAllowMarkers(t *testing.T) {
	e := builtinEngine(t)
	tok, _ := Expand("{{github:ghp}}", "allow")
	fp := Fingerprint(tok)
	other, _ := Expand("{{github:ghp}}", "other")
	cases := []struct {
		text string
		want int
	}{
		{"t = '" + tok + "' # leakhook:allow", 0},
		{"t = '" + tok + "' // leakhook:allow=" + fp[:8], 0},
		{"t = '" + other + "' // leakhook:allow=" + fp[:8], 1}, // bound to another value
		{"# leakhook:allow-next-line\nt = '" + tok + "'", 0},
		{"# leakhook:allow\nt = '" + tok + "'", 1}, // same-line marker on the line before
		{"t = '" + tok + "'\n# leakhook:allow-next-line", 1},
		{"t = '" + tok + "' # gitleaks:allow", 0},
		{"t = '" + tok + "' # pragma: allowlist secret", 0},
	}
	for _, c := range cases {
		if fs := scanText(t, e, "x.py", c.text, nil); len(fs) != c.want {
			t.Errorf("%q: %d findings, want %d", c.text, len(fs), c.want)
		}
	}
}

// TestKeywordPassFindsEveryOccurrence checks the keyword automaton against
// a plain search: every occurrence of every keyword, overlapping ones
// included, on real code with the keywords planted in it.
func TestKeywordPassFindsEveryOccurrence(t *testing.T) {
	e := builtinEngine(t)
	var kws []string
	seen := map[string]bool{}
	for _, r := range e.Rules() {
		for _, k := range r.Keywords {
			if k = strings.ToLower(k); k != "" && !seen[k] {
				seen[k] = true
				kws = append(kws, k)
			}
		}
	}
	for _, h := range decodeHints { // the decoders' hints follow the rules' keywords
		if !seen[h.text] {
			seen[h.text] = true
			kws = append(kws, h.text)
		}
	}
	var b strings.Builder
	for i, k := range kws {
		fmt.Fprintf(&b, "x%d=%s%s;%s\n", i, k, kws[(i*7)%len(kws)], k+k)
	}
	text := strings.ToLower(b.String())
	want := map[int]int{}
	for i, k := range kws {
		for j := 0; ; {
			x := strings.Index(text[j:], k)
			if x < 0 {
				break
			}
			want[i]++
			j += x + 1
		}
	}
	got := map[int]int{}
	e.keywords.Each([]byte(text), func(id, start, end int) {
		if text[start:end] != kws[id] {
			t.Fatalf("match %q at %d is not keyword %q", text[start:end], start, kws[id])
		}
		got[id]++
	})
	for i, k := range kws {
		if got[i] != want[i] {
			t.Errorf("keyword %q: automaton found %d, plain search %d", k, got[i], want[i])
		}
	}
}

// TestSESPasswordInPlainAuth is issue 17 item 7: an SES SMTP password
// passed inline to Go's smtp.PlainAuth next to email-smtp.<region>.amazonaws.com
// is an SES SMTP password (with SES's rotation), not a generic SMTP password;
// the same call to another host stays an SMTP password.
func TestSESPasswordInPlainAuth(t *testing.T) {
	e := builtinEngine(t)
	src, _ := Expand(`auth := smtp.PlainAuth("", "mailer", "B{{b64:43}}", "email-smtp.us-east-1.amazonaws.com")`, "ses")
	var ids []string
	for _, f := range scanText(t, e, "main.go", src, nil) {
		ids = append(ids, f.RuleID)
	}
	if len(ids) != 1 || ids[0] != "aws-ses-smtp-password" {
		t.Errorf("SES host: %v, want [aws-ses-smtp-password]", ids)
	}
	other, _ := Expand(`auth := smtp.PlainAuth("", "mailer", "{{alnum:16}}", "smtp.example.com")`, "smtp")
	fs := scanText(t, e, "main.go", other, nil)
	if len(fs) != 1 || fs[0].RuleID != "smtp-login-password" {
		t.Errorf("other host: %+v", fs)
	}
}

// TestWindowsReuseLine: the keyword pass lays the same windows when it
// reuses the last hit's whole line as when it works out every hit's line
// window afresh, on text with short lines, long ones past the reach on
// either side, keywords at the ends of lines and of the text.
func TestWindowsReuseLine(t *testing.T) {
	e := builtinEngine(t)
	rng := rand.New(rand.NewSource(4))
	words := []string{"password", "token", "secret", "api_key", "PEM", "BEGIN", " = ", "\"x9\"", "\n", "\n\n", "k"}
	for i := 0; i < 300; i++ {
		var b []byte
		for len(b) < rng.Intn(6000) {
			switch r := rng.Intn(10); {
			case r < 6:
				b = append(b, words[rng.Intn(len(words))]...)
			case r < 9:
				b = append(b, "abc def "[:rng.Intn(8)]...)
			default:
				b = append(b, bytes.Repeat([]byte{'z'}, rng.Intn(1500))...)
			}
		}
		if len(b) == 0 {
			continue
		}
		tg := &Target{Path: "x.txt", Content: b}
		s := e.getScratch(&e.bufs)
		if _, err := e.scanWindows(s, tg); err != nil {
			t.Fatal(err)
		}
		got := slices.Clone(s.windows)
		e.putScratch(&e.bufs, s)

		s = e.getScratch(&e.bufs)
		e.keywords.Each(b, func(id, start, end int) {
			for _, ri := range e.byKeyword[id] {
				e.addWindow(s, tg, ri, start, end, &lineSpan{-1, -1})
			}
		})
		want := slices.Clone(s.windows)
		e.putScratch(&e.bufs, s)
		// scanWindows adds the keyword-less rules' windows after the pass.
		if len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
			t.Fatalf("text %d (%d bytes): windows differ from working each hit's line out afresh", i, len(b))
		}
	}
}

// TestPrefiltersSpareCompiles (issue 20): a keyword's window that the
// rule's shape refuses compiles neither the rule's regexes nor the global
// allowlists (on a small commit of ordinary code, compiling them was most
// of the scanning CPU); a window that can match compiles both, and the
// finding is the same.
func TestPrefiltersSpareCompiles(t *testing.T) {
	rs := []Rule{{ID: "tok", Regex: `tok_([a-z0-9]{20})\b`, Keywords: []string{"tok_"}}}
	e, err := NewEngine(rs, []Allowlist{{RegexTarget: "secret", Regexes: []string{`(?i)example`}}})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Scan(&Target{Path: "main.go", Content: []byte("// tok_ is the prefix: tok_short\n")})
	if err != nil || len(fs) != 0 {
		t.Fatalf("no candidate: %v %v", fs, err)
	}
	if e.rules[0].re != nil || e.global.list != nil {
		t.Fatalf("a window the shape refuses compiled the rule (%v) or the global allowlists (%v)", e.rules[0].re != nil, e.global.list != nil)
	}
	fs, err = e.Scan(&Target{Path: "main.go", Content: []byte("t := \"tok_k3x9q2m7w4p8z5v1n6b0\"\n")})
	if err != nil || len(fs) != 1 || fs[0].RuleID != "tok" {
		t.Fatalf("a candidate: %v %v", fs, err)
	}
	if e.rules[0].re == nil || e.global.list == nil {
		t.Fatal("a window that matched did not compile what it needs")
	}
}
