package fix

import (
	"context"
	"go/format"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/internal/gittest"
	"github.com/leakhook/leakhook/remedy"
	"github.com/leakhook/leakhook/rules"
)

// envBesideSource stages .env (holding one key) beside app.py (holding
// another): the fix must untrack .env, append app.py's key to it and rewrite
// app.py.
func envBesideSource(t *testing.T) (r *gittest.Repo, inEnv, inApp string) {
	r = gittest.New(t)
	r.Commit("init")
	inEnv, inApp = mailgunKey(t, "env"), mailgunKey(t, "app")
	r.Write(".env", "OTHER_KEY="+inEnv+"\n")
	r.Write("app.py", "import requests\n\nMAILGUN_API_KEY = \""+inApp+"\"\n")
	r.Git("add", ".env", "app.py")
	return r, inEnv, inApp
}

// TestEnvStagedBesideSource is issue 17 item 6: fix --yes stopped half-way
// (git rm --cached refused .env once its value was appended), leaving the
// values in .env, .gitignore created and app.py unchanged.
func TestEnvStagedBesideSource(t *testing.T) {
	r, inEnv, inApp := envBesideSource(t)
	apply(t, r, "")
	if got := r.Git("ls-files", "--", ".env"); got != "" {
		t.Errorf(".env is still tracked: %q", got)
	}
	env := read(t, r, ".env")
	if !strings.Contains(env, inEnv) || !strings.Contains(env, "MAILGUN_API_KEY="+inApp) {
		t.Errorf(".env = %q", env)
	}
	for _, s := range []string{r.Git("show", ":app.py"), read(t, r, "app.py")} {
		if strings.Contains(s, inApp) || !strings.Contains(s, `os.environ["MAILGUN_API_KEY"]`) {
			t.Errorf("app.py not fixed:\n%s", s)
		}
	}
	if got := read(t, r, ".gitignore"); got != "/.env\n" {
		t.Errorf(".gitignore = %q", got)
	}
}

// TestApplyRollsBack: when the index cannot be written (another git holds
// its lock), Apply undoes the env file and .gitignore, leaves the index and
// app.py as they were, and a re-run once the lock is gone completes.
func TestApplyRollsBack(t *testing.T) {
	r, _, inApp := envBesideSource(t)
	p := plan(t, r, "")
	before := r.Snapshot()
	envBefore := read(t, r, ".env")
	lock := filepath.Join(r.Dir, ".git", "index.lock")
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := p.Apply(context.Background())
	if err == nil {
		t.Fatal("Apply succeeded with the index locked")
	}
	if !strings.Contains(err.Error(), "nothing was changed") || strings.Contains(err.Error(), inApp) {
		t.Errorf("error = %v", err)
	}
	os.Remove(lock)
	if r.Snapshot() != before {
		t.Error("the index or the status changed")
	}
	if read(t, r, ".env") != envBefore {
		t.Errorf(".env not restored: %q", read(t, r, ".env"))
	}
	if _, err := os.Stat(filepath.Join(r.Dir, ".gitignore")); err == nil {
		t.Error(".gitignore was left behind")
	}
	if !strings.Contains(read(t, r, "app.py"), inApp) {
		t.Error("app.py lost the value")
	}
	apply(t, r, "")
	if s := r.Git("show", ":app.py"); strings.Contains(s, inApp) {
		t.Errorf("the re-run did not fix app.py:\n%s", s)
	}
}

// TestNoWriteThroughSymlink is issue 16 item 15: a committed
// .env.example -> ../../.bashrc or .gitignore -> a file outside the
// repository must not make fix append to the link's target.
func TestNoWriteThroughSymlink(t *testing.T) {
	for _, name := range []string{".env.example", ".gitignore", ".env"} {
		t.Run(name, func(t *testing.T) {
			r := gittest.New(t)
			outside := filepath.Join(t.TempDir(), "bashrc")
			if err := os.WriteFile(outside, []byte("alias ll='ls -l'\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, filepath.Join(r.Dir, name)); err != nil {
				t.Fatal(err)
			}
			key := mailgunKey(t, "link")
			r.Write("app.py", "KEY = \"mailgun "+key+"\"\n")
			r.Git("add", "app.py")
			before := r.Snapshot()
			_, err := NewPlan(context.Background(), planOptions(t, r))
			if err == nil || !strings.Contains(err.Error(), "symbolic link") {
				t.Fatalf("NewPlan error = %v, want a refusal naming the link", err)
			}
			if b, _ := os.ReadFile(outside); string(b) != "alias ll='ls -l'\n" {
				t.Errorf("the link's target was written: %q", b)
			}
			if r.Snapshot() != before || !strings.Contains(read(t, r, "app.py"), key) {
				t.Error("the repository changed")
			}
		})
	}
}

// TestNoWriteOutsideRoot: an envFile setting that leaves the repository is
// refused before anything is written.
func TestNoWriteOutsideRoot(t *testing.T) {
	if err := insideRoot(t.TempDir(), "../.env"); err == nil || !strings.Contains(err.Error(), "outside the repository") {
		t.Errorf("insideRoot(../.env) = %v", err)
	}
	if err := insideRoot(t.TempDir(), "config/.env"); err != nil {
		t.Errorf("insideRoot(config/.env) = %v", err)
	}
}

// TestToolReadNameKeepsCase: terraform reads TF_TOKEN_app_terraform_io
// itself, so fix names the variable exactly that (the block message and
// explain say the same), not TF_TOKEN_APP_TERRAFORM_IO nor the user's TFE.
func TestToolReadNameKeepsCase(t *testing.T) {
	r := gittest.New(t)
	tok, err := rules.Expand("{{alnum:14}}.atlasv1.{{alnum:67}}", "tf")
	if err != nil {
		t.Fatal(err)
	}
	r.Write("deploy.py", "TFE_TOKEN = \""+tok+"\"\n")
	r.Git("add", "deploy.py")
	p := apply(t, r, "")
	if len(p.Fixed) != 1 {
		t.Fatalf("fixed %d, manual %+v", len(p.Fixed), p.Manual)
	}
	if got := read(t, r, ".env"); got != "TF_TOKEN_app_terraform_io="+tok+"\n" {
		t.Errorf(".env = %q", got)
	}
	if s := r.Git("show", ":deploy.py"); !strings.Contains(s, `os.environ["TF_TOKEN_app_terraform_io"]`) {
		t.Errorf("deploy.py:\n%s", s)
	}
	s := p.secretOf(p.Fixed[0], "")
	for _, l := range remedy.Short(s, "deploy.py", p.Fixed[0].LineText, tok, remedy.Options{}) {
		if strings.Contains(l, "TF_TOKEN_APP") {
			t.Errorf("block message names the variable differently: %s", l)
		}
	}
}

// TestGoSingleImportJoined: fix turns import "fmt" into a block with "os",
// gofmt-clean, instead of adding a second import declaration.
func TestGoSingleImportJoined(t *testing.T) {
	r := gittest.New(t)
	key := mailgunKey(t, "goimport")
	r.Write("main.go", "package main\n\nimport \"fmt\"\n\nvar mailgunKey = \""+key+"\"\n\nfunc main() { fmt.Println(mailgunKey) }\n")
	r.Git("add", "main.go")
	apply(t, r, "")
	for what, s := range map[string]string{"index": r.Git("show", ":main.go") + "\n", "working tree": read(t, r, "main.go")} {
		want := "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nvar mailgunKey = os.Getenv(\"MAILGUN_KEY\")\n"
		if !strings.HasPrefix(s, want) {
			t.Errorf("%s:\n%s", what, s)
		}
		if f, err := format.Source([]byte(s)); err != nil || string(f) != s {
			t.Errorf("%s is not gofmt-clean (%v)", what, err)
		}
	}
}
