package gitread

import (
	"strings"
	"testing"
	"time"

	"github.com/leakhook/leakhook/internal/gittest"
	"github.com/leakhook/leakhook/rules"
)

// Hostile content: whatever bytes are staged, a secret in them is found (or
// the file is reported as skipped), never silently passed.

func pemKey(t testing.TB) string {
	t.Helper()
	s, err := rules.Expand("{{pem:RSA PRIVATE KEY}}", t.Name())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func findRule(fs []rules.Finding, path, ruleID string) bool {
	for _, f := range fs {
		if f.Path == path && f.RuleID == ruleID {
			return true
		}
	}
	return false
}

// TestInputBinary: a PEM private key inside a binary file is found, and so
// is a token (every rule runs on binary content's text runs).
func TestInputBinary(t *testing.T) {
	r := gittest.New(t)
	tok := ghToken(t, "")
	key := pemKey(t)
	r.Write("blob.bin", "\x00\x01\x02"+secretFile(tok))
	r.Write("keystore.jks", "\x00\x00\xfe\xed"+key+"\n\x00\x00trailer")
	r.Write(".gitattributes", "*.pem binary\n")
	r.Write("id.pem", key+"\n")
	r.Git("add", "-A")
	bothBackends(t, r)
	for _, backend := range []string{BackendAuto, BackendGit, BackendGoGit} {
		_, ch := readStaged(t, r.Dir, backend, rules.DefaultMaxFileSize)
		fs := scanAll(t, ch)
		if !findRule(fs, "keystore.jks", "private-key") || !findRule(fs, "id.pem", "private-key") {
			t.Fatalf("backend %q missed a private key in a binary file:\n%s", backend, describe(fs))
		}
		if !hasFinding(fs, "blob.bin", tok) {
			t.Fatalf("backend %q missed a token in a binary file:\n%s", backend, describe(fs))
		}
	}
}

func TestInputInvalidUTF8AndCRLF(t *testing.T) {
	r := gittest.New(t)
	bad, crlf := ghToken(t, "bad"), ghToken(t, "crlf")
	r.Write("bad.txt", "\xff\xfe\xc3(\n\xe2\x82 token="+bad+" \xc0\xaf\n")
	r.Write("crlf.ini", "[auth]\r\ntoken = "+crlf+"\r\nother = 1\r\n")
	r.Git("add", "-A")
	bothBackends(t, r)
	mustFind(t, r, "bad.txt", bad)
	mustFind(t, r, "crlf.ini", crlf) // the secret is found without the \r
}

// TestInputMinifiedFile: a 5 MB file on one line with the secret at its very
// end is found. The time is logged (go test -v) rather than asserted.
func TestInputMinifiedFile(t *testing.T) {
	r := gittest.New(t)
	tok := ghToken(t, "")
	var b strings.Builder
	for b.Len() < 5<<20 {
		b.WriteString(`function a(b){return b.map(function(c){return c*2})};var key="value",n=1;`)
	}
	b.WriteString(`var t="` + tok + `"`)
	r.Write("dist/app.min.js", b.String())
	r.Git("add", "-A")
	for _, backend := range []string{BackendGit, BackendGoGit} {
		start := time.Now()
		_, ch := readStaged(t, r.Dir, backend, rules.DefaultMaxFileSize)
		read := time.Since(start)
		fs := scanAll(t, ch)
		t.Logf("5 MB single line, backend %s: read %v, read+scan %v", backend, read, time.Since(start))
		if !hasFinding(fs, "dist/app.min.js", tok) {
			t.Fatalf("backend %s: secret at the end of a 5 MB line not found:\n%s", backend, describe(fs))
		}
	}
}

// TestInputLongLines: a 1 MB line in the middle of a file, secret inside it.
func TestInputLongLines(t *testing.T) {
	r := gittest.New(t)
	r.Write("data.csv", "a,b\n1,2\n")
	r.Commit("base")
	tok := ghToken(t, "")
	long := strings.Repeat("x", 512<<10) + " " + tok + " " + strings.Repeat("y", 512<<10)
	r.Write("data.csv", "a,b\n"+long+"\n1,2\n")
	r.Git("add", "-A")
	bothBackends(t, r)
	mustFind(t, r, "data.csv", tok)
}

// TestInputOverSizeCap: a file over the cap is reported as skipped with the
// reason, by both readers; never dropped silently.
func TestInputOverSizeCap(t *testing.T) {
	r := gittest.New(t)
	r.Write("small.txt", "small\n")
	r.Write("big.txt", strings.Repeat("0123456789abcdef\n", 200))
	r.Git("add", "-A")
	for _, backend := range []string{BackendGit, BackendGoGit} {
		_, ch := readStaged(t, r.Dir, backend, 1000)
		if len(ch.Skipped) != 1 || ch.Skipped[0].Path != "big.txt" || !strings.Contains(ch.Skipped[0].Reason, "size cap (1000 bytes)") {
			t.Fatalf("backend %s: skipped = %+v, want big.txt over the size cap", backend, ch.Skipped)
		}
		for _, it := range ch.Items {
			if it.Path == "big.txt" {
				t.Fatalf("backend %s: part of big.txt was scanned and also reported skipped", backend)
			}
		}
	}
}

// TestInputGitattributes: -diff and binary attributes, a textconv driver and
// an external diff configured by the user do not hide content.
func TestInputGitattributes(t *testing.T) {
	r := gittest.New(t)
	r.Write(".gitattributes", "*.cfg -diff\n*.key binary\n*.txt diff=hide\n")
	r.Git("config", "diff.hide.textconv", "true") // prints nothing
	r.Git("config", "diff.external", "true")
	r.Git("config", "color.diff", "always")
	r.Git("config", "diff.noprefix", "true")
	r.Commit("attrs")
	toks := map[string]string{"app.cfg": ghToken(t, "cfg"), "id.key": ghToken(t, "key"), "notes.txt": ghToken(t, "txt")}
	for p, tok := range toks {
		r.Write(p, secretFile(tok))
	}
	r.Git("add", "-A")
	bothBackends(t, r)
	for p, tok := range toks {
		mustFind(t, r, p, tok)
	}
}
