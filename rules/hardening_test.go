package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeRepo writes files (name -> content) under a new root and returns it.
func writeRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// Issue 16 item 5: a repository's .leakhook.toml must not switch detection
// off with no word. Each of these loaded cleanly before.
func TestRepoConfigCannotSwitchDetectionOff(t *testing.T) {
	for _, c := range []struct{ name, toml, key string }{
		{"all paths", "[[allowlists]]\npaths = [\".*\"]\n", "allowlists[1]"},
		{"all secrets", "[allowlist]\nregexes = [\".\"]\n", "allowlist"},
		{"no built-ins", "[extend]\nuseDefault = false\n" + tokenRule, "extend.useDefault"},
		{"size cap", "[scan]\nmaxFileSize = 1\n", "scan.maxFileSize"},
		{"first-class only", "[extend]\ndisabledRules = [\"mailgun-sending-key\"]\n", "extend.disabledRules"},
		{"first-class allowlist", "[[allowlists]]\ntargetRules = [\"aws-access-key-id\"]\nregexes = ['''^AKIA''']\n", "allowlists[1]"},
		// A rule's own allowlist in the repository's [[rules]] entry was
		// taken for a built-in one, so it silenced a first-class rule unseen.
		{"first-class rule's allowlist", "[[rules]]\nid = \"mailgun-api-key\"\n[[rules.allowlists]]\nregexes = ['''.''']\n", "rules[1].allowlists[1]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadToml(t, map[string]string{".leakhook.toml": c.toml})
			if err == nil {
				t.Fatalf("loaded without error")
			}
			if !strings.Contains(err.Error(), ".leakhook.toml:") || !strings.Contains(err.Error(), c.key) || !strings.Contains(err.Error(), "allowSuppression") {
				t.Errorf("error does not name the file, the key %s and the way out:\n%v", c.key, err)
			}
		})
	}
}

// Everyday configurations still load: path allowlists for docs and
// fixtures, a disabled noisy rule, a bigger size cap, own rules.
func TestRepoConfigEverydaySuppressionsLoad(t *testing.T) {
	for _, toml := range []string{
		"[[allowlists]]\npaths = [\"docs/**\", \"*.md\", '''^testdata/''']\n",
		"[extend]\ndisabledRules = [\"generic-secret\"]\n",
		"[allowlist]\nregexes = ['''^sk_test_''']\nstopwords = [\"example\"]\n",
		"[scan]\nmaxFileSize = 52428800\n" + tokenRule,
	} {
		if _, err := loadToml(t, map[string]string{".leakhook.toml": toml}); err != nil {
			t.Errorf("%q: %v", toml, err)
		}
	}
}

// A trusted configuration may allow what the repository's may not: the
// user's own config.toml (or --config) with [trust] allowSuppression; the
// repository cannot vouch for itself.
func TestTrustedConfigAllowsSuppression(t *testing.T) {
	root := writeRepo(t, map[string]string{".leakhook.toml": "[[allowlists]]\npaths = [\".*\"]\n[trust]\nallowSuppression = true\n"})
	if _, err := LoadWith(Options{Root: root}); err == nil {
		t.Fatal("a repository's own [trust] was honoured")
	}
	user := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(user, []byte("[trust]\nallowSuppression = true\n"), 0o644)
	cfg, err := LoadWith(Options{Root: root, User: user})
	if err != nil {
		t.Fatalf("user config's allowSuppression not honoured: %v", err)
	}
	if !strings.Contains(strings.Join(cfg.Warnings, "\n"), "[trust] is honoured only") {
		t.Errorf("the repository's [trust] was ignored without a word: %v", cfg.Warnings)
	}
	// --config is trusted itself: what it suppresses is its owner's choice.
	p := filepath.Join(t.TempDir(), "ci.toml")
	os.WriteFile(p, []byte("[[allowlists]]\npaths = [\".*\"]\n"), 0o644)
	if _, err := Load(t.TempDir(), p); err != nil {
		t.Errorf("--config suppressing: %v", err)
	}
}

// The self-check's verdict is cached by configuration bytes and rule set,
// so the hook's hot path pays for it once per configuration.
func TestSelfCheckVerdictCached(t *testing.T) {
	root := writeRepo(t, map[string]string{".leakhook.toml": "[[allowlists]]\npaths = [\"docs/**\"]\n"})
	cache := t.TempDir()
	t0 := time.Now()
	if _, err := LoadWith(Options{Root: root, CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	cold := time.Since(t0)
	data, err := os.ReadFile(filepath.Join(cache, "selfcheck"))
	if err != nil || len(strings.TrimSpace(string(data))) != 64 {
		t.Fatalf("no verdict cached: %q %v", data, err)
	}
	t0 = time.Now()
	if _, err := LoadWith(Options{Root: root, CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	t.Logf("load with self-check: %v cold, %v cached", cold, time.Since(t0))
	// A changed configuration is checked again, not passed on the old verdict.
	os.WriteFile(filepath.Join(root, ".leakhook.toml"), []byte("[[allowlists]]\npaths = [\"**\"]\n"), 0o644)
	if _, err := LoadWith(Options{Root: root, CacheDir: cache}); err == nil {
		t.Error("a changed configuration passed on the cached verdict")
	}
}

// Issue 16 item 12: configuration errors and warnings never echo a value
// that could be a secret; they name file, line, column and key.
func TestConfigErrorsMaskValues(t *testing.T) {
	tok := gen(t, "{{github:ghp}}", "cfg")
	for _, c := range []struct{ name, toml, want string }{
		{"disabled rule", "[extend]\ndisabledRules = [\"" + tok + "\"]\n", ".leakhook.toml:2:1: extend.disabledRules"},
		{"bad allowlist regex", "[[allowlists]]\nregexes = ['''(" + tok + "''']\n", ".leakhook.toml:2:1: allowlists[1].regexes"},
		{"bad rule regex", "[[rules]]\nid = \"x\"\nkeywords = [\"x\"]\nregex = '''(" + tok + "'''\n", ".leakhook.toml:4:1: rules[1].regex"},
		{"token-named key", "[allowlist]\n" + tok + " = 1\n", ".leakhook.toml:2:1: unknown key"},
		{"quoted token key", "\"" + tok + "\" = 1\n", ".leakhook.toml:1:1: unknown key"},
		{"bad value", "[scan]\nmaxFileSize = \"" + tok + "\"\n", ".leakhook.toml:2"},
		{"syntax", "[extend]\npath = " + tok + "\n", ".leakhook.toml:2"},
		{"rule id", "[[rules]]\nid = \"" + tok + "\"\n", ".leakhook.toml:1:1: rules[1]"},
		{"targetRules", "[[allowlists]]\ntargetRules = [\"" + tok + "\"]\npaths = [\"a/**\"]\n", ".leakhook.toml"},
	} {
		check := func(t *testing.T, cfg *Config, err error, want string) {
			msg := ""
			if err != nil {
				msg = err.Error()
			} else {
				msg = strings.Join(cfg.Warnings, "\n")
			}
			if msg == "" {
				t.Fatal("no error or warning")
			}
			if strings.Contains(msg, tok[:10]) {
				t.Errorf("message echoes the value:\n%s", msg)
			}
			if !strings.Contains(msg, want) {
				t.Errorf("message does not say %q:\n%s", want, msg)
			}
		}
		t.Run(c.name, func(t *testing.T) {
			cfg, err := loadToml(t, map[string]string{".leakhook.toml": c.toml})
			check(t, cfg, err, c.want)
		})
		// As committed (pre-push, scan --git): the message names the
		// commit, then the file, line and column, none of them masked.
		t.Run(c.name+" committed", func(t *testing.T) {
			at := "the range's base 1a3e64c6c4"
			cfg, err := LoadWith(Options{Root: t.TempDir(), CommittedAt: at, Committed: func(rel string) ([]byte, error) {
				if rel == ".leakhook.toml" {
					return []byte(c.toml), nil
				}
				return nil, os.ErrNotExist
			}})
			check(t, cfg, err, at+":"+c.want)
		})
	}
}

// Issue 16 item 14: a repository's configuration reads no file outside the
// repository ([extend] path, a symlinked .leakhook.toml), and no error
// quotes a foreign file's bytes. Trusted configurations may point anywhere.
func TestRepoConfigReadsNothingOutside(t *testing.T) {
	secret := gen(t, "aws_secret_access_key = {{b64:40}}", "outside")
	outside := filepath.Join(t.TempDir(), "credentials")
	os.WriteFile(outside, []byte("[default]\n"+secret+"\n"), 0o600)
	check := func(t *testing.T, root string, wantErr bool) {
		t.Helper()
		_, err := Load(root, "")
		if !wantErr {
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		if err == nil {
			t.Fatal("read a file outside the repository")
		}
		if strings.Contains(err.Error(), secret[len(secret)-20:]) || strings.Contains(err.Error(), "[default]") {
			t.Errorf("error quotes the foreign file: %v", err)
		}
		if !strings.Contains(err.Error(), "outside the repository") {
			t.Errorf("error does not say why: %v", err)
		}
	}
	t.Run("extend absolute", func(t *testing.T) {
		check(t, writeRepo(t, map[string]string{".leakhook.toml": "[extend]\npath = \"" + outside + "\"\n"}), true)
	})
	t.Run("extend relative", func(t *testing.T) {
		root := writeRepo(t, map[string]string{})
		rel, _ := filepath.Rel(root, outside)
		os.WriteFile(filepath.Join(root, ".leakhook.toml"), []byte("[extend]\npath = \""+rel+"\"\n"), 0o644)
		check(t, root, true)
	})
	t.Run("symlinked config", func(t *testing.T) {
		root := writeRepo(t, map[string]string{})
		os.Symlink(outside, filepath.Join(root, ".leakhook.toml"))
		check(t, root, true)
	})
	t.Run("extend via symlink inside", func(t *testing.T) {
		root := writeRepo(t, map[string]string{".leakhook.toml": "[extend]\npath = \"team.toml\"\n"})
		os.Symlink(outside, filepath.Join(root, "team.toml"))
		check(t, root, true)
	})
	t.Run("gitleaksignore symlink", func(t *testing.T) {
		root := writeRepo(t, map[string]string{})
		os.Symlink(outside, filepath.Join(root, ".gitleaksignore"))
		check(t, root, true)
	})
	t.Run("inside is fine", func(t *testing.T) {
		check(t, writeRepo(t, map[string]string{".leakhook.toml": "[extend]\npath = \"cfg/team.toml\"\n", "cfg/team.toml": "[allowlist]\npaths = [\"docs/**\"]\n"}), false)
	})
	t.Run("trusted may point anywhere", func(t *testing.T) {
		team := filepath.Join(t.TempDir(), "team.toml")
		os.WriteFile(team, []byte("[allowlist]\npaths = [\"docs/**\"]\n"), 0o644)
		p := filepath.Join(t.TempDir(), "ci.toml")
		os.WriteFile(p, []byte("[extend]\npath = \""+team+"\"\n"), 0o644)
		if _, err := Load(t.TempDir(), p); err != nil {
			t.Fatal(err)
		}
		// and a foreign file that is not TOML is still not quoted
		os.WriteFile(p, []byte("[extend]\npath = \""+outside+"\"\n"), 0o644)
		_, err := Load(t.TempDir(), p)
		if err == nil || strings.Contains(err.Error(), secret[len(secret)-20:]) {
			t.Errorf("foreign file quoted or accepted: %v", err)
		}
	})
}

// Issue 16 item 18: loading a configuration is bounded in size, depth,
// rule count and regex complexity, and fails in well under a second.
func TestConfigLoadingIsBounded(t *testing.T) {
	many := func(n int, rule string) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, rule, i)
		}
		return b.String()
	}
	words := make([]string, 20000) // no common prefixes
	for i := range words {
		words[i] = fmt.Sprintf("%x", uint32(i*2654435761))
	}
	for _, c := range []struct{ name, toml, want string }{
		{"huge", many(200000, "[[rules]]\nid = \"r%d\"\nregex = 'a'\n"), "at most"},
		{"nested", "a = " + strings.Repeat("{b = ", 10000) + "1" + strings.Repeat("}", 10000) + "\n", "nested more than"},
		{"nested arrays", "a = " + strings.Repeat("[", 10000) + strings.Repeat("]", 10000) + "\n", "nested more than"},
		{"many rules", many(MaxConfigRules+1, "[[rules]]\nid=\"r%d\"\nregex='a'\n"), "rules; a configuration may have at most"},
		{"alternation", "[[rules]]\nid = \"alt\"\nregex = '''(" + strings.Join(words, "|") + ")'''\n", "rules[1].regex"},
		{"keyword-less", "[[rules]]\nid = \"kwless\"\nregex = '''(" + strings.Join(words[:200], "|") + ")'''\n", "give the rule keywords"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t0 := time.Now()
			_, err := loadToml(t, map[string]string{".leakhook.toml": c.toml})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("want an error saying %q, got %v", c.want, err)
			}
			if d := time.Since(t0); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	t.Run("dev zero", func(t *testing.T) {
		root := t.TempDir()
		os.Symlink("/dev/zero", filepath.Join(root, ".leakhook.toml"))
		_, err := Load(root, "")
		if err == nil || !strings.Contains(err.Error(), "outside the repository") {
			t.Errorf("got %v", err)
		}
		root = t.TempDir()
		if err := syscall.Mkfifo(filepath.Join(root, ".leakhook.toml"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = Load(root, "")
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("a FIFO: %v", err)
		}
		_, err = Load(t.TempDir(), "/dev/zero") // trusted, still bounded
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("--config /dev/zero: %v", err)
		}
	})
}

// The self-check names every key that suppresses, also when an allowlist
// that looks at paths sits beside one that looks at values (the engine
// then skips the rule on that path before it runs).
func TestSelfCheckNamesEveryKey(t *testing.T) {
	_, err := loadToml(t, map[string]string{".leakhook.toml": "[[allowlists]]\nregexes = ['''^zz_never_''']\n[[allowlists]]\npaths = [\"*.txt\", \"*.py\", \"*.go\", \"*.env\", \"**\"]\n"})
	if err == nil || !strings.Contains(err.Error(), "allowlists[2]: suppresses") {
		t.Errorf("the paths allowlist is not named: %v", err)
	}
}
