package remedy

import (
	"bytes"
	"strings"
	"testing"
)

// seeds are the rule ids with hand-written pages.
var seeds = []string{
	"smtp-password", "mailjet-api-key", "mailjet-secret-key", "aws-ses-smtp-password",
	"aws-access-key-id", "aws-secret-access-key", "mailgun-api-key", "mailgun-sending-key",
	"mailgun-webhook-signing-key", "crates-io-token",
}

func explain(t *testing.T, s Secret, l Lang, vault string) string {
	t.Helper()
	var b bytes.Buffer
	if err := Explain(&b, s, l, vault); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestSeedPagesAreComplete(t *testing.T) {
	c, err := data()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range seeds {
		p, ok := c.byID[id]
		if !ok {
			t.Errorf("no page for %s", id)
			continue
		}
		if p.Name == "" || p.What == "" || p.Usage == "" || len(p.Risks) < 3 || len(p.Generate) == 0 ||
			len(p.Revoke) < 2 || len(p.Misuse) < 3 || len(p.Breakage) == 0 || len(p.Leaks) == 0 {
			t.Errorf("page for %s is incomplete", id)
		}
		if p.RotateURL == "" && id != "smtp-password" {
			t.Errorf("page for %s has no rotation URL", id)
		}
	}
}

func TestExplainFullPage(t *testing.T) {
	for _, id := range seeds {
		out := explain(t, Secret{RuleID: id}, "", "all")
		for _, want := range []string{
			"(rule " + id + ")", "What it is", "What someone can do with it", "1. Move it out of the code",
			"2. Create a new one", "3. Find what will break", "Inventory:", "Staging test:", "Fallback plan:",
			"4. Revoke the leaked one", "5. Check whether it was misused", "git filter-repo",
			"file:///dev/stdin", "vault kv put", "conjur variable set", "conjur policy update",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: page lacks %q", id, want)
			}
		}
		for _, l := range append(append([]Lang{}, MainLangs...), ConfigLangs...) {
			if !strings.Contains(out, "\n  "+l.Title()) {
				t.Errorf("%s: page lacks %s code", id, l.Title())
			}
		}
		for _, b := range Backends {
			if !strings.Contains(out, BackendTitle(b)) {
				t.Errorf("%s: page lacks %s", id, BackendTitle(b))
			}
		}
		if m := leftover.FindString(out); m != "" {
			t.Errorf("%s: placeholder %s left in the page", id, m)
		}
	}
}

func TestExplainFiltersLanguageAndVault(t *testing.T) {
	out := explain(t, mailgun, Python, "aws")
	for _, want := range []string{"pip install boto3", `SecretId="myapp/mailgun_api_key"`, "AWS Secrets Manager"} {
		if !strings.Contains(out, want) {
			t.Errorf("python/aws page lacks %q", want)
		}
	}
	for _, not := range []string{"GetSecretValueCommand", "HashiCorp", "Conjur", "os.Getenv", "\n  Go:"} {
		if strings.Contains(out, not) {
			t.Errorf("python/aws page contains %q", not)
		}
	}
	// Only the requested backend; the env section is not repeated.
	if strings.Contains(out, "Environment variable: ") {
		t.Error("env section shown for --vault aws")
	}
	if !strings.Contains(explain(t, mailgun, Go, "hashicorp"), `client.KVv2("secret").Get(ctx, "myapp/mailgun_api_key")`) {
		t.Error("go/hashicorp snippet missing")
	}
}

func TestExplainFallbacks(t *testing.T) {
	if out := explain(t, mailgun, Kotlin, "env"); !strings.Contains(out, `System.getenv("MAILGUN_API_KEY")`) {
		t.Errorf("kotlin env fallback:\n%s", out)
	}
	out := explain(t, mailgun, JSON, "aws")
	if !strings.Contains(out, "JSON cannot read environment variables") ||
		!strings.Contains(out, "aws secretsmanager get-secret-value --secret-id 'myapp/mailgun_api_key'") {
		t.Errorf("json/aws fallback:\n%s", out)
	}
	if out := explain(t, mailgun, Dockerfile, "conjur"); !strings.Contains(out, "conjur variable get -i") {
		t.Errorf("dockerfile/conjur fallback:\n%s", out)
	}
}

func TestExplainGenericPage(t *testing.T) {
	s := Secret{RuleID: "acme-token", Name: "Acme API token", Description: "Grants access to the Acme API.",
		EnvVar: "ACME_TOKEN", RotateURL: "https://acme.example/tokens", RotateSteps: []string{"Open the tokens page", "Revoke the token"}}
	out := explain(t, s, Ruby, "env")
	for _, want := range []string{"Acme API token  (rule acme-token)", "Grants access to the Acme API.",
		"1. Open the tokens page", "2. Revoke the token", "Where: https://acme.example/tokens",
		`acme_token = ENV.fetch("ACME_TOKEN")`, "Inventory:", "Access and audit logs"} {
		if !strings.Contains(out, want) {
			t.Errorf("generic page lacks %q:\n%s", want, out)
		}
	}
	// The rule's URL also wins on a bespoke page.
	if out := explain(t, Secret{RuleID: "crates-io-token", RotateURL: "https://example.org/x"}, Shell, "env"); !strings.Contains(out, "Where: https://example.org/x") {
		t.Error("rule URL ignored on bespoke page")
	}
}

func TestExplainRejectsUnknownVault(t *testing.T) {
	if err := Explain(&bytes.Buffer{}, mailgun, Python, "keepass"); err == nil {
		t.Error("unknown vault accepted")
	}
	if out := explain(t, mailgun, Python, ""); !strings.Contains(out, "CyberArk Conjur") {
		t.Error(`vault "" should mean all`)
	}
}

func TestExplainWrapsProse(t *testing.T) {
	out := explain(t, Secret{RuleID: "aws-access-key-id"}, Python, "all")
	for _, ln := range strings.Split(out, "\n")[2:] { // after the title
		if !strings.HasPrefix(ln, "      ") && len([]rune(ln)) > width && strings.Contains(strings.TrimSpace(ln), " ") {
			t.Errorf("prose line longer than %d: %q", width, ln)
		}
	}
}
