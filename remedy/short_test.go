package remedy

import (
	"strings"
	"testing"
)

var mailgun = Secret{RuleID: "mailgun-api-key", Name: "Mailgun API key", EnvVar: "MAILGUN_API_KEY"}

// shows8 is an independent check that out reveals no 8-byte piece of secret.
func shows8(out, secret string) bool {
	if len(secret) < 8 {
		return strings.Contains(out, secret)
	}
	for i := 0; i+8 <= len(secret); i++ {
		if strings.Contains(out, secret[i:i+8]) {
			return true
		}
	}
	return false
}

func TestShortNeverShowsTheSecret(t *testing.T) {
	secret := randomSecret(t)
	lines := []string{
		`KEY = "S"`, `key: S`, `x = "prefix-S-suffix" + "S"`, `S`, `K=S`, `ENV K=S`,
		`const u = "https://api:S@example.com";`, `  password = "S"`,
		`{"key": "S"}`, strings.Repeat("a();", 100) + `k="S"`, `no secret here`,
		`two copies: S and "S"`,
	}
	paths := []string{"a.py", "a.js", "a.ts", "a.go", "A.java", "a.rb", "a.php", "a.cs", "a.sh",
		"a.yml", ".env", "Dockerfile", "main.tf", "a.json", "a.properties", "README", "a.kt", "a.rs"}
	rules := []Secret{mailgun, {RuleID: "acme", RotateSteps: []string{"open the console"}}, {}}
	for _, ln := range lines {
		line := strings.ReplaceAll(ln, "S", secret)
		for _, p := range paths {
			for _, v := range []string{"", "env", "aws", "hashicorp", "conjur", "bogus"} {
				for _, s := range rules {
					out := Short(s, p, line, secret, Options{Vault: v, Repo: "shop"})
					if len(out) < 3 {
						t.Fatalf("%s %s: only %d lines", p, v, len(out))
					}
					for _, o := range out {
						if shows8(o, secret) {
							t.Fatalf("%s vault=%s: line shows the secret: %q", p, v, o)
						}
					}
				}
			}
		}
	}
}

// The final guard withholds any line that would show the secret, whatever
// produced it (here a rule whose rotation step quotes it).
func TestShortWithholdsLeakingLines(t *testing.T) {
	secret := randomSecret(t)
	s := Secret{RuleID: "x", RotateSteps: []string{"revoke " + secret[3:15] + " now"}}
	out := strings.Join(Short(s, "a.py", `k = "`+secret+`"`, secret, Options{}), "\n")
	if shows8(out, secret) || !strings.Contains(out, "withheld") {
		t.Errorf("leaking line not withheld:\n%s", out)
	}
}

func TestShortEnv(t *testing.T) {
	secret := randomSecret(t)
	out := Short(mailgun, "app/mail.py", `    MAILGUN_API_KEY = "`+secret+`"`, secret, Options{Repo: "shop"})
	want := []string{
		`fix:    MAILGUN_API_KEY = os.environ["MAILGUN_API_KEY"]`,
		`        then put the value in .env (git-ignored) or your shell: read -rs MAILGUN_API_KEY && export MAILGUN_API_KEY`,
		`vault:  or keep it in AWS Secrets Manager, HashiCorp Vault or CyberArk Conjur: leakhook explain mailgun-api-key --lang python`,
		`rotate: it may already be exposed: revoke and rotate it at https://app.mailgun.com/settings/api_security`,
	}
	if strings.Join(out, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(out, "\n"), strings.Join(want, "\n"))
	}
}

func TestShortVaults(t *testing.T) {
	secret := randomSecret(t)
	for vault, want := range map[string][]string{
		"aws": {"aws secretsmanager create-secret --name 'shop/mailgun_api_key' --secret-string file:///dev/stdin",
			"--vault aws", "get-secret-value --secret-id 'shop/mailgun_api_key'"},
		"hashicorp": {"vault kv put -mount=secret shop/mailgun_api_key MAILGUN_API_KEY=-", "--vault hashicorp"},
		"conjur":    {"- !variable shop/mailgun_api_key", "conjur variable set -i 'shop/mailgun_api_key'", "--vault conjur"},
	} {
		out := strings.Join(Short(mailgun, "index.js", `const k = "`+secret+`";`, secret, Options{Vault: vault, Repo: "shop"}), "\n")
		if !strings.HasPrefix(out, "fix:    const k = process.env.MAILGUN_API_KEY;\n") {
			t.Errorf("%s: fix line:\n%s", vault, out)
		}
		for _, w := range append(want, "leakhook explain mailgun-api-key --lang javascript") {
			if !strings.Contains(out, w) {
				t.Errorf("%s: missing %q in\n%s", vault, w, out)
			}
		}
		if strings.Contains(out, ".env (git-ignored)") {
			t.Errorf("%s: env advice shown for a vault", vault)
		}
	}
}

func TestShortSpecialFiles(t *testing.T) {
	secret := randomSecret(t)
	s := Secret{RuleID: "acme-token", EnvVar: "ACME_TOKEN", RotateURL: "https://acme.example/tokens",
		RotateSteps: []string{"create a token", "revoke the old one"}}
	for _, tc := range []struct{ path, line, want string }{
		{"config/.env.production", "ACME_TOKEN=" + secret, "git rm --cached config/.env.production && echo .env.production >> .gitignore"},
		{"Dockerfile", "ENV ACME_TOKEN=" + secret, "RUN --mount=type=secret,id=acme_token,env=ACME_TOKEN"},
		{"main.tf", `token = "` + secret + `"`, `TF_VAR_acme_token`},
		{"cfg.json", `"token": "` + secret + `"`, "move the value out of this file into the environment variable ACME_TOKEN"},
		{"a.py", "token = " + secret, `read it with os.environ["ACME_TOKEN"] instead of the literal`},
		{"a.py", "t = '" + secret + "'", "in .env.local (git-ignored)"},
		{"a.py", "t = '" + secret + "'", "rotate it at https://acme.example/tokens"},
		{"a.py", "t = '" + secret + "'", "        2. revoke the old one"},
	} {
		out := strings.Join(Short(s, tc.path, tc.line, secret, Options{EnvFile: ".env.local"}), "\n")
		if !strings.Contains(out, tc.want) {
			t.Errorf("%s: missing %q in\n%s", tc.path, tc.want, out)
		}
	}
	// Without a URL anywhere, the rotate line points at explain.
	out := Short(Secret{RuleID: "smtp-password"}, "a.py", "", secret, Options{})
	if last := out[len(out)-1]; !strings.Contains(last, "leakhook explain smtp-password") {
		t.Errorf("rotate line %q", last)
	}
}

// TestShortCargoCredentials: a committed .cargo/credentials.toml gets
// cargo's own advice, not the generic move-it-to-the-environment one.
func TestShortCargoCredentials(t *testing.T) {
	secret := randomSecret(t)
	s := Secret{RuleID: "crates-io-token", Name: "crates.io API token", EnvVar: "CARGO_REGISTRY_TOKEN"}
	out := strings.Join(Short(s, ".cargo/credentials.toml", `token = "`+secret+`"`, secret, Options{}), "\n")
	for _, w := range []string{"git rm --cached .cargo/credentials.toml", "cargo login", "CARGO_REGISTRY_TOKEN"} {
		if !strings.Contains(out, w) {
			t.Errorf("missing %q in\n%s", w, out)
		}
	}
	if strings.Contains(out, "TOKEN = ") || strings.Contains(out, ".env (git-ignored)") {
		t.Errorf("generic advice:\n%s", out)
	}
}
