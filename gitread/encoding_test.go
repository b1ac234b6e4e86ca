package gitread

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/leakhook/leakhook/internal/gittest"
	"github.com/leakhook/leakhook/rules"
)

// UTF-16 files and binary content: whatever the encoding, and whatever NUL
// bytes sit around it, a secret staged or pushed is found, and both staged
// readers find the same.

// utf16Of encodes s as Windows tools save text: UTF-16, little- or
// big-endian, with or without a byte-order mark.
func utf16Of(s string, bigEndian, bom bool) string {
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
	return string(out)
}

// historyFindings scans the commits of rev as pre-push and scan --git read
// them: one git log -p stream.
func historyFindings(t *testing.T, r *gittest.Repo, rev string) []rules.Finding {
	t.Helper()
	ctx := context.Background()
	repo, err := Open(ctx, r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	ch := &Changes{}
	if err := History(ctx, repo, HistoryQuery{Revs: []string{rev}}, rules.DefaultMaxFileSize, ch.add, ch.skip); err != nil {
		t.Fatal(err)
	}
	if len(ch.Skipped) > 0 {
		t.Fatalf("history skipped %+v", ch.Skipped)
	}
	return scanAll(t, ch)
}

// findingsOf scans what backend reads from the staged change.
func findingsOf(t *testing.T, r *gittest.Repo, backend string) []rules.Finding {
	t.Helper()
	_, ch := readStaged(t, r.Dir, backend, rules.DefaultMaxFileSize)
	return scanAll(t, ch)
}

// mustFindAt asserts that secret is found in path on line, by the git CLI
// reader, the in-process reader and the history reader (after committing).
func mustFindAt(t *testing.T, fs []rules.Finding, who, path, secret string, line int) {
	t.Helper()
	for _, f := range fs {
		if f.Path == path && f.Secret == secret {
			if f.Line != line {
				t.Errorf("%s: %s: found on line %d, want %d", who, path, f.Line, line)
			}
			return
		}
	}
	t.Errorf("%s: the secret in %s was not found; found:\n%s", who, path, describe(fs))
}

// TestInputUTF16: files saved as UTF-16 (PowerShell scripts, .reg exports,
// C# sources from Visual Studio; little- and big-endian, with and without a
// byte-order mark) are decoded: a GitHub token and a PEM key in them block
// in pre-commit (both readers) and in pre-push (the history reader), on the
// right lines, also when the file is edited in the middle.
func TestInputUTF16(t *testing.T) {
	r := gittest.New(t)
	key := pemKey(t)
	type file struct {
		path           string
		bigEndian, bom bool
		tok            string
	}
	files := []file{
		{"deploy.ps1", false, true, ghToken(t, "ps1")},
		{"settings.reg", false, true, ghToken(t, "reg")},
		{"src/Client.cs", false, false, ghToken(t, "cs")},
		{"tools/run.ps1", true, true, ghToken(t, "be")},
		{"tools/old.cs", true, false, ghToken(t, "benobom")},
	}
	head := func(i int) string { return fmt.Sprintf("# settings, line %d\r\n", i) }
	var base strings.Builder
	for i := 1; i <= 20; i++ {
		base.WriteString(head(i))
	}
	for _, f := range files {
		r.Write(f.path, utf16Of(base.String(), f.bigEndian, f.bom))
	}
	r.Write("keys/id.txt", utf16Of("key:\r\n"+strings.ReplaceAll(key, "\n", "\r\n")+"\r\n", false, true))
	r.Commit("base")
	// Line 11 gains the token: a hunk in the middle of the file.
	for _, f := range files {
		s := strings.Replace(base.String(), head(11), "$token = \""+f.tok+"\"\r\n", 1)
		r.Write(f.path, utf16Of(s, f.bigEndian, f.bom))
	}
	r.Write("keys/new.txt", utf16Of("key:\r\n"+strings.ReplaceAll(key, "\n", "\r\n")+"\r\n", true, false))
	r.Git("add", "-A")
	bothBackends(t, r)
	for _, backend := range []string{BackendGit, BackendInProcess} {
		fs := findingsOf(t, r, backend)
		for _, f := range files {
			mustFindAt(t, fs, backend, f.path, f.tok, 11)
		}
		if !findRule(fs, "keys/new.txt", "private-key") {
			t.Errorf("%s: the PEM key in UTF-16BE was not found:\n%s", backend, describe(fs))
		}
	}
	r.Git("commit", "-q", "-m", "tokens")
	fs := historyFindings(t, r, "HEAD")
	for _, f := range files {
		mustFindAt(t, fs, "history", f.path, f.tok, 11)
	}
	for _, p := range []string{"keys/id.txt", "keys/new.txt"} {
		if !findRule(fs, p, "private-key") {
			t.Errorf("history: the PEM key in %s was not found:\n%s", p, describe(fs))
		}
	}
}

// storedZip is a zip archive whose one entry is stored, not compressed.
func storedZip(t *testing.T, name, content string) string {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, err := w.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte(content))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestInputBinaryTextRuns: a NUL byte on the token's line, one elsewhere in
// its hunk or file, and an uncompressed zip do not hide a token: every rule
// runs on the text runs of binary content, through every reader.
func TestInputBinaryTextRuns(t *testing.T) {
	r := gittest.New(t)
	toks := map[string]string{}
	for _, p := range []string{"line.cfg", "hunk.cfg", "file.dat", "bundle.zip"} {
		toks[p] = ghToken(t, p)
	}
	filler := numberedLines("setting%d = 1\n", 40)
	r.Write("line.cfg", filler)
	r.Write("hunk.cfg", filler)
	r.Write("file.dat", "\x00\x01\x02header\n"+filler)
	r.Commit("base")
	lineAt := func(s string, n int, with string) string {
		ls := strings.SplitAfter(s, "\n")
		ls[n-1] = with
		return strings.Join(ls, "")
	}
	r.Write("line.cfg", lineAt(filler, 20, "token = \""+toks["line.cfg"]+"\"\x00\n"))
	r.Write("hunk.cfg", lineAt(lineAt(filler, 20, "token = \""+toks["hunk.cfg"]+"\"\n"), 21, "\x00\x00\x00\n"))
	// A NUL in the file's first 8000 bytes, far from the change.
	r.Write("file.dat", lineAt("\x00\x01\x02header\n"+filler, 30, "token = \""+toks["file.dat"]+"\"\n"))
	r.Write("bundle.zip", storedZip(t, "config/app.env", "GITHUB_TOKEN="+toks["bundle.zip"]+"\n"))
	r.Git("add", "-A")
	bothBackends(t, r)
	want := map[string]int{"line.cfg": 20, "hunk.cfg": 20, "file.dat": 30}
	for _, backend := range []string{BackendGit, BackendInProcess} {
		fs := findingsOf(t, r, backend)
		for p, line := range want {
			mustFindAt(t, fs, backend, p, toks[p], line)
		}
		if !hasFinding(fs, "bundle.zip", toks["bundle.zip"]) {
			t.Errorf("%s: the token in a stored zip was not found:\n%s", backend, describe(fs))
		}
	}
	r.Git("commit", "-q", "-m", "binary")
	fs := historyFindings(t, r, "HEAD")
	for p, line := range want {
		mustFindAt(t, fs, "history", p, toks[p], line)
	}
	if !hasFinding(fs, "bundle.zip", toks["bundle.zip"]) {
		t.Errorf("history: the token in a stored zip was not found:\n%s", describe(fs))
	}
}

// findingRows renders findings as sorted "path rule secret" rows.
func findingRows(fs []rules.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Path+" "+f.RuleID+" "+rules.Fingerprint(f.Secret))
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// TestRandomBinaryAgree stages random edits of files that mix text, NUL
// bytes and UTF-16, with tokens on some added lines, and checks that the git
// CLI reader (which sees hunks) and the in-process reader (which sees whole
// files) find the same secrets, and every one that was added: the two once
// judged "binary" differently (git the hunk, go-git the file), so one
// passed what the other blocked, and left a scan receipt behind.
func TestRandomBinaryAgree(t *testing.T) {
	gittest.Isolate(t)
	rnd := rand.New(rand.NewPCG(16, 3))
	line := func(i int) string {
		switch rnd.IntN(6) {
		case 0:
			return fmt.Sprintf("bin\x00%d\x01\n", i)
		default:
			return fmt.Sprintf("value%d = %d\n", i, rnd.IntN(1000))
		}
	}
	for round := range 12 {
		repo := gittest.New(t)
		type file struct {
			lines          []string
			utf16, be, bom bool
		}
		enc := func(f *file) string {
			s := strings.Join(f.lines, "")
			if f.utf16 {
				return utf16Of(s, f.be, f.bom)
			}
			return s
		}
		files := map[string]*file{}
		for i := range 4 {
			f := &file{utf16: rnd.IntN(3) == 0, be: rnd.IntN(2) == 0, bom: rnd.IntN(2) == 0}
			for j := range 30 + rnd.IntN(400) {
				f.lines = append(f.lines, line(j))
			}
			name := fmt.Sprintf("f%d.txt", i)
			files[name] = f
			repo.Write(name, enc(f))
		}
		repo.Commit("base")
		var added []string // "path token"
		for name, f := range files {
			for range 1 + rnd.IntN(3) {
				at := rnd.IntN(len(f.lines))
				tok := ghToken(t, fmt.Sprint(round, name, at, len(added)))
				l := "token = \"" + tok + "\"\n"
				if rnd.IntN(3) == 0 {
					l = "token = \"" + tok + "\"\x00\n"
				}
				f.lines = slices.Insert(f.lines, at, l)
				if rnd.IntN(3) == 0 {
					f.lines = slices.Insert(f.lines, at+1, "\x00\x00\n")
				}
				added = append(added, name+" "+tok)
			}
			repo.Write(name, enc(f))
		}
		repo.Git("add", "-A")
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			cli, gg := findingsOf(t, repo, BackendGit), findingsOf(t, repo, BackendInProcess)
			a, b := findingRows(cli), findingRows(gg)
			if !slices.Equal(a, b) {
				t.Fatalf("readers disagree\ngit CLI:\n%s\ngo-git:\n%s", strings.Join(a, "\n"), strings.Join(b, "\n"))
			}
			for _, pt := range added {
				p, tok, _ := strings.Cut(pt, " ")
				if !hasFinding(cli, p, tok) {
					t.Errorf("token added to %s (utf16=%v) not found:\n%s", p, files[p].utf16, describe(cli))
				}
			}
		})
	}
}
