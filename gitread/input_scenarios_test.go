package gitread

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/leakhook/leakhook/internal/gittest"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
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
	for _, backend := range []string{BackendAuto, BackendGit, BackendInProcess} {
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
	for _, backend := range []string{BackendGit, BackendInProcess} {
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

// TestInputOverSizeCap: the size cap bounds memory, never what is scanned.
// Three lines added to a 50 MB file block, through every reader (the
// in-process one hands a change with a blob over the cap to git); a new file
// over the cap is scanned whole, in windows, with a PEM key across a
// window's edge found once; nothing is reported as skipped.
func TestInputOverSizeCap(t *testing.T) {
	r := gittest.New(t)
	var b strings.Builder
	for i := 0; b.Len() < 50<<20; i++ {
		fmt.Fprintf(&b, "row %d,%s\n", i, strings.Repeat("v", 60))
	}
	big := b.String()
	r.Write("data/big.csv", big)
	r.Commit("base")
	tok := ghToken(t, "big")
	lines := strings.SplitAfter(big, "\n")
	mid := len(lines) / 2
	edited := strings.Join(lines[:mid], "") + "# new\nGITHUB_TOKEN = \"" + tok + "\"\n# end\n" + strings.Join(lines[mid:], "")
	r.Write("data/big.csv", edited)
	// A new file of 3 windows at a cap of 1 MB, a key across the first edge.
	key := pemKey(t)
	filler := strings.Repeat("x = 1\n", (1<<20-len(key)/2)/6)
	tok2 := ghToken(t, "new")
	r.Write("data/new.txt", filler+key+"\n"+filler+filler+"token = \""+tok2+"\"\n")
	r.Git("add", "-A")
	keyLine := strings.Count(filler, "\n") + 1
	tokLine := strings.Count(filler+key+"\n"+filler+filler, "\n") + 1
	for _, read := range []struct {
		backend string
		cap     int64
	}{{BackendAuto, rules.DefaultMaxFileSize}, {BackendGit, 1 << 20}} {
		backend, cap := read.backend, read.cap
		{
			_, ch := readStaged(t, r.Dir, backend, cap)
			if len(ch.Skipped) > 0 {
				t.Errorf("backend %q, cap %d: skipped %+v", backend, cap, ch.Skipped)
			}
			fs := scanAll(t, ch)
			mustFindAt(t, fs, backend, "data/big.csv", tok, mid+2)
			mustFindAt(t, fs, backend, "data/new.txt", tok2, tokLine)
			n := 0
			for _, f := range fs {
				if f.Path == "data/new.txt" && f.RuleID == "private-key" {
					n++
					if f.Line != keyLine {
						t.Errorf("backend %q, cap %d: key on line %d, want %d", backend, cap, f.Line, keyLine)
					}
				}
			}
			if n != 1 {
				t.Errorf("backend %q, cap %d: the key across a window's edge found %d times", backend, cap, n)
			}
		}
	}
	r.Git("commit", "-q", "-m", "big")
	fs := historyFindings(t, r, "HEAD")
	mustFindAt(t, fs, "history", "data/big.csv", tok, mid+2)
	mustFindAt(t, fs, "history", "data/new.txt", tok2, tokLine)
}

// TestInputLongLineInPieces: a line longer than the window is scanned in
// overlapping pieces: a token anywhere in it, also across a piece's edge, is
// found once, at its column.
func TestInputLongLineInPieces(t *testing.T) {
	r := gittest.New(t)
	const capBytes = 64 << 10
	var toks []string
	var cols []int
	var b strings.Builder
	b.WriteString("é")
	for _, at := range []int{1000, capBytes - 3536, capBytes - 20, 2*capBytes - 4096 - 10, 3*capBytes - 3000, 5*capBytes + 7} {
		for b.Len() < at {
			b.WriteString("abc ")
		}
		tok := ghToken(t, fmt.Sprint(at))
		cols = append(cols, utf8.RuneCountInString(b.String())+1)
		toks = append(toks, tok)
		b.WriteString(tok + " ")
	}
	r.Write("min.js", "first\n"+b.String()+"\nlast\n")
	r.Git("add", "-A")
	for _, backend := range []string{BackendGit, BackendAuto} {
		_, ch := readStaged(t, r.Dir, backend, capBytes)
		fs := scanAll(t, ch)
		for i, tok := range toks {
			n := 0
			for _, f := range fs {
				if f.Secret == tok {
					n++
					if f.Line != 2 || f.Column != cols[i] {
						t.Errorf("%s: token %d at %d:%d, want 2:%d", backend, i, f.Line, f.Column, cols[i])
					}
				}
			}
			if n != 1 {
				t.Errorf("%s: token %d (at byte ~%d) found %d times:\n%s", backend, i, cols[i], n, describe(fs))
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

// TestInputLongLineBoundedMemory: the git reader once held a whole line,
// then the hunk, then a copy of it (a 300 MB one-line file: 1 GB) before
// reporting it not scanned. Now it holds about one window: reading a 24 MB
// line at a cap of 64 KB, no item is larger than the window and the heap
// never grows by more than a few windows.
func TestInputLongLineBoundedMemory(t *testing.T) {
	r := gittest.New(t)
	const capBytes = 64 << 10
	tok := ghToken(t, "")
	line := strings.Repeat("0123456789abcdef", (24<<20)/16)
	r.Write("blob.min.js", line[:len(line)/2]+" "+tok+" "+line[len(line)/2:]+"\n")
	r.Git("add", "-A")
	line = ""
	ctx := context.Background()
	repo := mustOpen(t, r)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, peak, largest, n := ms.HeapAlloc, ms.HeapAlloc, 0, 0
	var items []scan.Item
	_, err := StagedStream(ctx, repo, capBytes, BackendGit, func(it scan.Item) error {
		largest = max(largest, len(it.Content))
		if n++; n%8 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
		if strings.Contains(string(it.Content), tok) {
			items = append(items, it)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d items, largest %d bytes, heap grew by at most %d KB", n, largest, (peak-base)>>10)
	if largest > capBytes {
		t.Errorf("an item of %d bytes, over the window of %d", largest, capBytes)
	}
	// The line is 24 MB: holding it would grow the heap by more. HeapAlloc
	// also counts garbage not yet collected and the allocations of whatever
	// else the test process runs (alone ~5 MB, 9.5 MB beside the package's
	// other tests), hence a bound of half the line.
	if peak-base > 12<<20 {
		t.Errorf("the heap grew by %d bytes reading one long line", peak-base)
	}
	if len(items) == 0 {
		t.Fatal("the token's piece was not read")
	}
}

// lfsStage stores content as git lfs's clean filter would (the object in
// .git/lfs/objects, a pointer in the index) unless store is false, and
// writes the pointer at path.
func lfsStage(t *testing.T, r *gittest.Repo, path, content string, store bool) {
	t.Helper()
	sum := sha256.Sum256([]byte(content))
	oid := hex.EncodeToString(sum[:])
	if store {
		dir := filepath.Join(r.Dir, ".git", "lfs", "objects", oid[:2], oid[2:4])
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, oid), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r.Write(path, fmt.Sprintf("version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n", oid, len(content)))
}

// TestInputGitLFS: a file tracked by Git LFS is committed as a pointer; the
// content it points at is scanned from the local LFS store (whole, in
// windows when over the cap), through every reader, and a pointer whose
// object is not there is reported as not scanned (LFS), never passed.
func TestInputGitLFS(t *testing.T) {
	r := gittest.New(t)
	r.Write(".gitattributes", "*.bin filter=lfs diff=lfs merge=lfs -text\n*.env filter=lfs diff=lfs merge=lfs -text\n")
	r.Commit("lfs")
	tok, tok2 := ghToken(t, "lfs"), ghToken(t, "lfs2")
	lfsStage(t, r, "assets/model.bin", "\x00\x01weights\n"+strings.Repeat("w\n", 40000)+"token = \""+tok+"\"\n", true)
	lfsStage(t, r, "prod.env", "GITHUB_TOKEN="+tok2+"\n", false)
	r.Git("add", "-A")
	for _, backend := range []string{BackendAuto, BackendGit, BackendInProcess} {
		for _, cap := range []int64{rules.DefaultMaxFileSize, 32 << 10} {
			_, ch := readStaged(t, r.Dir, backend, cap)
			fs := scanAll(t, ch)
			mustFindAt(t, fs, backend, "assets/model.bin", tok, 40002)
			if len(ch.Skipped) != 1 || ch.Skipped[0].Path != "prod.env" || !strings.Contains(ch.Skipped[0].Reason, "not scanned (LFS)") {
				t.Errorf("backend %q: skipped %+v, want prod.env not scanned (LFS)", backend, ch.Skipped)
			}
		}
	}
	r.Git("commit", "-q", "-m", "lfs")
	repo := mustOpen(t, r)
	ch := &Changes{}
	if err := History(context.Background(), repo, HistoryQuery{Revs: []string{"HEAD"}}, rules.DefaultMaxFileSize, ch.add, ch.skip); err != nil {
		t.Fatal(err)
	}
	mustFindAt(t, scanAll(t, ch), "history", "assets/model.bin", tok, 40002)
	if len(ch.Skipped) != 1 || ch.Skipped[0].Path != "prod.env" {
		t.Errorf("history: skipped %+v", ch.Skipped)
	}
}

// TestInputWholeFilesOverSizeCap: explicit runs (pre-commit --files outside
// git commit) and HEAD's files (baseline) read a blob over the cap in
// windows too, instead of reporting it not scanned.
func TestInputWholeFilesOverSizeCap(t *testing.T) {
	r := gittest.New(t)
	tok, tok2 := ghToken(t, "index"), ghToken(t, "disk")
	body := strings.Repeat("x = 1\n", 40000)
	r.Write("big.cfg", body+"token = \""+tok+"\"\n")
	r.Commit("big")
	r.Write("untracked.cfg", body+"token = \""+tok2+"\"\n")
	repo := mustOpen(t, r)
	ctx := context.Background()
	ch, err := IndexFiles(ctx, repo, []string{"big.cfg", "untracked.cfg"}, 32<<10)
	if err != nil {
		t.Fatal(err)
	}
	fs := scanAll(t, ch)
	mustFindAt(t, fs, "IndexFiles", "big.cfg", tok, 40001)
	mustFindAt(t, fs, "IndexFiles", "untracked.cfg", tok2, 40001)
	if ch, err = HeadFiles(ctx, repo, 32<<10); err != nil {
		t.Fatal(err)
	}
	mustFindAt(t, scanAll(t, ch), "HeadFiles", "big.cfg", tok, 40001)
	if len(ch.Skipped) > 0 {
		t.Errorf("skipped %+v", ch.Skipped)
	}
}
