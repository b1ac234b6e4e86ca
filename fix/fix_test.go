package fix

import (
	"context"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/internal/gittest"
	"github.com/leakhook/leakhook/rules"
)

// mailgunKey is a generated Mailgun-shaped key; seed makes it differ per use.
func mailgunKey(t *testing.T, seed string) string {
	t.Helper()
	k, err := rules.Expand("{{hex:32}}-{{hex:8}}-{{hex:8}}", seed)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func planOptions(t *testing.T, r *gittest.Repo) Options {
	t.Helper()
	repo, err := gitread.Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := rules.Load(repo.Root, "")
	if err != nil {
		t.Fatal(err)
	}
	return Options{Repo: repo, Config: cfg, Backend: gitread.BackendGit}
}

func plan(t *testing.T, r *gittest.Repo, vault string, paths ...string) *Plan {
	t.Helper()
	o := planOptions(t, r)
	o.Vault, o.Paths = vault, paths
	p, err := NewPlan(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func apply(t *testing.T, r *gittest.Repo, vault string, paths ...string) *Plan {
	t.Helper()
	p := plan(t, r, vault, paths...)
	if err := p.Apply(context.Background()); err != nil {
		t.Fatal(err)
	}
	return p
}

func read(t *testing.T, r *gittest.Repo, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(r.Dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// diffOf is git diff for one path without line numbers and blob ids, which
// legitimately shift when a fix adds an import or changes the blob.
func diffOf(r *gittest.Repo, args ...string) string {
	out, _ := r.TryGit(append([]string{"diff", "-U0", "--no-color"}, args...)...)
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "@@") || strings.HasPrefix(l, "index ") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

// languages are one file per supported language, with @KEY@ for the secret
// (the same one in every file, so all read app/mail.py's MAILGUN_KEY), the
// read the fix must produce, and an unrelated line the test edits unstaged.
var languages = []struct {
	path, src, want string
}{
	{"app/mail.py", "\"\"\"Mail.\"\"\"\nfrom __future__ import annotations\n\nimport requests\n\nMAILGUN_KEY = \"@KEY@\"\n\n\ndef send(m):\n    return requests.post(\"u\", auth=(\"api\", MAILGUN_KEY), data=m)\n", `os.environ["MAILGUN_KEY"]`},
	{"web/mail.js", "const mailgun = require('mailgun.js');\nconst mg = mailgun.client({ username: 'api', key: '@KEY@' });\nmodule.exports = mg;\n", `key: process.env.MAILGUN_KEY }`},
	{"web/mail.ts", "export const mailgunKey: string = \"@KEY@\";\n", `process.env.MAILGUN_KEY`},
	{"cmd/mail.go", "package main\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\nconst mailgunKey = \"@KEY@\"\n\nfunc main() { fmt.Println(strings.ToUpper(mailgunKey)) }\n", `var mailgunKey = os.Getenv("MAILGUN_KEY")`},
	{"src/Mail.java", "class Mail {\n    static final String MAILGUN_KEY = \"@KEY@\";\n}\n", `System.getenv("MAILGUN_KEY")`},
	{"lib/mail.rb", "Mailgun.configure do |c|\n  c.api_key = '@KEY@'\nend\n", `ENV.fetch("MAILGUN_KEY")`},
	{"src/mail.php", "<?php\n$mg = Mailgun::create('@KEY@');\n", `getenv('MAILGUN_KEY')`},
	{"bin/send.sh", "#!/bin/sh\ncurl -s --user \"api:@KEY@\" https://api.mailgun.net/v3/x/messages\n", `"api:${MAILGUN_KEY}"`},
	{"deploy/mail.yaml", "mailgun:\n  api_key: @KEY@\n", `api_key: ${MAILGUN_KEY}`},
	{"deploy/prod.env", "MAILGUN_SENDING_KEY=@KEY@\nOTHER=1\n", `MAILGUN_SENDING_KEY=${MAILGUN_KEY}`},
}

// TestFixEveryLanguage fixes one file per supported language in one run
// and checks that nothing else moves: the value is in .env byte-for-byte,
// each literal became the env read in both the index and the working tree,
// and unrelated staged and unstaged content is unchanged.
func TestFixEveryLanguage(t *testing.T) {
	r := gittest.New(t)
	r.Write("README.md", "base\n")
	r.Write("notes.txt", "one\ntwo\n")
	r.Commit("base")
	key := mailgunKey(t, "every-language")
	for _, l := range languages {
		r.Write(l.path, strings.ReplaceAll(l.src, "@KEY@", key))
		r.Git("add", l.path)
	}
	r.Write("notes.txt", "one\ntwo\nstaged\n")
	r.Git("add", "notes.txt")
	r.Write("notes.txt", "one\ntwo\nstaged\nunstaged\n")
	// An unstaged edit far from the secret in one of the fixed files.
	r.Write("app/mail.py", read(t, r, "app/mail.py")+"# unstaged note\n")
	otherCached, otherWork := diffOf(r, "--cached", "--", "notes.txt"), diffOf(r, "--", "notes.txt")
	pyWork := diffOf(r, "--", "app/mail.py")

	p := apply(t, r, "")
	if len(p.Manual) > 0 {
		for _, m := range p.Manual {
			t.Errorf("manual: %s:%d %s", m.Finding.Path, m.Finding.Line, m.Reason)
		}
	}
	// The value is named after the first file's own identifier (MAILGUN_KEY),
	// not the rule's envVar, and every file reads that one name.
	if got, want := read(t, r, ".env"), "MAILGUN_KEY="+key+"\n"; got != want {
		t.Errorf(".env = %q, want %q", got, want)
	}
	if fi, _ := os.Stat(filepath.Join(r.Dir, ".env")); fi.Mode().Perm() != 0o600 {
		t.Errorf(".env mode %v, want 0600", fi.Mode().Perm())
	}
	if out, err := r.TryGit("check-ignore", "-q", ".env"); err != nil {
		t.Errorf(".env not ignored after fix: %v %s", err, out)
	}
	for _, l := range languages {
		staged := r.Git("show", ":"+l.path)
		work := read(t, r, l.path)
		for what, s := range map[string]string{"index": staged, "working tree": work} {
			if strings.Contains(s, key) {
				t.Errorf("%s: %s still holds the key", l.path, what)
			}
			if !strings.Contains(s, l.want) {
				t.Errorf("%s: %s lacks %q:\n%s", l.path, what, l.want, s)
			}
		}
	}
	if got := diffOf(r, "--cached", "--", "notes.txt"); got != otherCached {
		t.Errorf("staged notes.txt changed:\n%s\nwas\n%s", got, otherCached)
	}
	if got := diffOf(r, "--", "notes.txt"); got != otherWork {
		t.Errorf("unstaged notes.txt changed:\n%s\nwas\n%s", got, otherWork)
	}
	if got := diffOf(r, "--", "app/mail.py"); got != pyWork {
		t.Errorf("unstaged edit of app/mail.py changed:\n%s\nwas\n%s", got, pyWork)
	}
	if left := plan(t, r, ""); len(left.Findings) != 0 {
		t.Errorf("still staged: %+v", left.Findings)
	}
	checkSyntax(t, r)
}

// checkSyntax compiles the rewritten files where the toolchain is present:
// a fix that breaks the build is not a fix.
func checkSyntax(t *testing.T, r *gittest.Repo) {
	goSrc := []byte(r.Git("show", ":cmd/mail.go") + "\n")
	if f, err := format.Source(goSrc); err != nil {
		t.Errorf("cmd/mail.go does not parse: %v", err)
	} else if string(f) != string(goSrc) {
		t.Errorf("cmd/mail.go is not gofmt-clean:\n%s", goSrc)
	}
	for _, c := range []struct {
		tool, file string
		args       []string
	}{
		{"python3", "app/mail.py", []string{"-m", "py_compile"}},
		{"node", "web/mail.js", []string{"--check"}},
		{"sh", "bin/send.sh", []string{"-n"}},
		{"ruby", "lib/mail.rb", []string{"-c"}},
		{"php", "src/mail.php", []string{"-l"}},
		{"javac", "src/Mail.java", []string{"-d", t.TempDir()}},
	} {
		if _, err := exec.LookPath(c.tool); err != nil {
			t.Logf("%s not installed: %s not compiled", c.tool, c.file)
			continue
		}
		cmd := exec.Command(c.tool, append(c.args, filepath.Join(r.Dir, c.file))...)
		cmd.Env = append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s %s: %v\n%s", c.tool, c.file, err, out)
		}
	}
}

// TestDryRunChangesNothing: the plan alone leaves the index byte-identical
// and writes no file.
func TestDryRunChangesNothing(t *testing.T) {
	r := gittest.New(t)
	r.Write("app/mail.py", "KEY = \"mailgun "+mailgunKey(t, "dry")+"\"\n")
	r.Write(".env.example", "")
	r.Git("add", "app/mail.py")
	before := r.Snapshot()
	p := plan(t, r, "")
	if len(p.Fixed) != 1 {
		t.Fatalf("fixed %d, want 1 (manual: %+v)", len(p.Fixed), p.Manual)
	}
	var out strings.Builder
	p.Print(&out, false)
	if after := r.Snapshot(); after != before {
		t.Error("planning changed the repository")
	}
	if _, err := os.Stat(filepath.Join(r.Dir, ".env")); err == nil {
		t.Error("planning created .env")
	}
	if read(t, r, ".env.example") != "" {
		t.Error("planning wrote .env.example")
	}
	if strings.Contains(out.String(), mailgunKey(t, "dry")) {
		t.Error("the dry run printed the key")
	}
	if !strings.Contains(out.String(), `+KEY = "mailgun " + os.environ["MAILGUN_API_KEY"]`) {
		t.Errorf("dry run does not show the rewrite:\n%s", out.String())
	}
}

// TestWorktreeLineDiffers: when the developer edited the staged line again
// without staging it, only the index is fixed and the working tree keeps
// the edit.
func TestWorktreeLineDiffers(t *testing.T) {
	r := gittest.New(t)
	key := mailgunKey(t, "wt")
	r.Write("app/mail.py", "import os\n\nKEY = \"mailgun "+key+"\"\n")
	r.Git("add", "app/mail.py")
	edited := "import os\n\nKEY = \"mailgun " + key + "\"  # edited\n"
	r.Write("app/mail.py", edited)
	p := apply(t, r, "")
	if got := read(t, r, "app/mail.py"); got != edited {
		t.Errorf("working tree changed:\n%s", got)
	}
	if s := r.Git("show", ":app/mail.py"); strings.Contains(s, key) || !strings.Contains(s, `os.environ["MAILGUN_API_KEY"]`) {
		t.Errorf("index not fixed:\n%s", s)
	}
	if len(p.files) != 1 || p.files[0].work != nil || len(p.files[0].workNotes) == 0 {
		t.Error("plan does not say the working tree was left alone")
	}
}

// TestExistingNameOtherValue: an existing variable is never overwritten; the
// new value gets NAME_2 and the code reads NAME_2. .env.example gains the
// name, and a .gitignore that already ignores .env is left alone.
func TestExistingNameOtherValue(t *testing.T) {
	r := gittest.New(t)
	old, key := mailgunKey(t, "old"), mailgunKey(t, "new")
	r.Write(".gitignore", ".env\n")
	r.Write(".env", "MAILGUN_API_KEY="+old)
	r.Write(".env.example", "OTHER=\n")
	r.Write("app/mail.py", "import os\nKEY = \"mailgun "+key+"\"\n")
	r.Git("add", "app/mail.py")
	apply(t, r, "")
	if got, want := read(t, r, ".env"), "MAILGUN_API_KEY="+old+"\nMAILGUN_API_KEY_2="+key+"\n"; got != want {
		t.Errorf(".env = %q, want %q", got, want)
	}
	if s := r.Git("show", ":app/mail.py"); !strings.Contains(s, `os.environ["MAILGUN_API_KEY_2"]`) {
		t.Errorf("index does not read MAILGUN_API_KEY_2:\n%s", s)
	}
	if got := read(t, r, ".gitignore"); got != ".env\n" {
		t.Errorf(".gitignore = %q", got)
	}
	if got := read(t, r, ".env.example"); got != "OTHER=\nMAILGUN_API_KEY_2=\n" {
		t.Errorf(".env.example = %q", got)
	}
	// The same value again reuses its name and adds nothing.
	r.Write("lib/mail.rb", "Mailgun.api_key = '"+key+"'\n")
	r.Git("add", "lib/mail.rb")
	apply(t, r, "")
	if got := strings.Count(read(t, r, ".env"), key); got != 1 {
		t.Errorf("value written %d times", got)
	}
}

// TestUnsupportedTouchesNothing: a JSON file cannot read the environment, so
// it is left alone with manual steps, and no env file is written.
func TestUnsupportedTouchesNothing(t *testing.T) {
	r := gittest.New(t)
	r.Write("config/mail.json", "{\"mailgun_api_key\": \""+mailgunKey(t, "json")+"\"}\n")
	r.Git("add", "config/mail.json")
	before := r.Snapshot()
	p := apply(t, r, "")
	if len(p.Manual) != 1 || len(p.Fixed) != 0 || len(p.Manual[0].Steps) == 0 {
		t.Fatalf("fixed %d, manual %+v", len(p.Fixed), p.Manual)
	}
	if r.Snapshot() != before {
		t.Error("the repository changed")
	}
	if _, err := os.Stat(filepath.Join(r.Dir, ".env")); err == nil {
		t.Error(".env was written")
	}
}

// TestVaultWritesNoEnvFile: with a vault the value is not written anywhere;
// the plan carries the store command, which reads from stdin.
func TestVaultWritesNoEnvFile(t *testing.T) {
	r := gittest.New(t)
	r.Write("app/mail.py", "KEY = \"mailgun "+mailgunKey(t, "vault")+"\"\n")
	r.Git("add", "app/mail.py")
	p := apply(t, r, "hashicorp")
	if _, err := os.Stat(filepath.Join(r.Dir, ".env")); err == nil {
		t.Error(".env was written")
	}
	if len(p.vaultCmds) != 1 || !strings.Contains(strings.Join(p.vaultCmds[0].store, "\n"), "vault kv put") {
		t.Fatalf("vault commands: %+v", p.vaultCmds)
	}
	if s := r.Git("show", ":app/mail.py"); !strings.Contains(s, "import os\n") || !strings.Contains(s, `os.environ["MAILGUN_API_KEY"]`) {
		t.Errorf("index:\n%s", s)
	}
}

// TestGitIndexFile: git commit -a and git commit <path> run the hook with a
// temporary index in GIT_INDEX_FILE; fix must read and write that one.
func TestGitIndexFile(t *testing.T) {
	r := gittest.New(t)
	r.Write("README.md", "x\n")
	r.Commit("base")
	key := mailgunKey(t, "gif")
	r.Write("app/mail.py", "import os\nKEY = \"mailgun "+key+"\"\n")
	alt := filepath.Join(t.TempDir(), "index")
	data, err := os.ReadFile(filepath.Join(r.Dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alt, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_INDEX_FILE", alt)
	r.Git("add", "app/mail.py")
	mainBefore, _ := os.ReadFile(filepath.Join(r.Dir, ".git", "index"))
	apply(t, r, "")
	if s := r.Git("show", ":app/mail.py"); strings.Contains(s, key) {
		t.Errorf("GIT_INDEX_FILE index not fixed:\n%s", s)
	}
	if after, _ := os.ReadFile(filepath.Join(r.Dir, ".git", "index")); string(after) != string(mainBefore) {
		t.Error("the main index changed")
	}
}

// TestCRLFAndNoFinalNewline: line endings and a missing final newline
// survive.
func TestCRLFAndNoFinalNewline(t *testing.T) {
	r := gittest.New(t)
	key := mailgunKey(t, "crlf")
	r.Write("web/mail.js", "// mail\r\nconst mailgunKey = \""+key+"\";\r\nexport default mailgunKey;")
	r.Git("add", "web/mail.js")
	apply(t, r, "")
	want := "// mail\r\nconst mailgunKey = process.env.MAILGUN_KEY;\r\nexport default mailgunKey;"
	if got := r.Git("show", ":web/mail.js"); got != want {
		t.Errorf("index = %q", got)
	}
	if got := read(t, r, "web/mail.js"); got != want {
		t.Errorf("working tree = %q", got)
	}
}
