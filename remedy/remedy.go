// Package remedy turns a finding into instructions a developer can act on:
// how to read the secret from an environment variable or a vault in the
// language of the file, and how to revoke and rotate it.
//
// The content is data (data/*.toml, embedded): hand-written pages for the
// secret types that have them, snippet templates per backend and language,
// and generic text built from the rule's fields for every other type. This
// package does not import rules: callers fill a Secret from the rule.
//
// Nothing this package returns may contain the secret itself; Short checks
// its own output and falls back to generic text rather than echo a value.
package remedy

import (
	"strings"
	"unicode"
)

// Secret describes a secret type, filled from the rule that found it.
type Secret struct {
	RuleID, Name, Description, EnvVar, RotateURL string
	RotateSteps                                  []string
}

// Options is the team's choice of where secrets live ([remediation] in
// .leakhook.toml).
type Options struct {
	Vault      string // "" or "env" (default), "aws", "hashicorp", "conjur"
	SecretPath string // template, e.g. "secret/data/{repo}/{name}"; {name} is the env var lower-cased
	EnvFile    string // default ".env"
	Repo       string // repository directory base name
	// Program is how the advice names leakhook in commands to run: ""
	// means "leakhook", on PATH. Under the pre-commit framework leakhook
	// lives in the framework's own environment, off PATH, and cmd passes
	// its absolute path.
	Program string
	// EnvTracked says git tracks the env file (or this commit adds it): the
	// advice then says to untrack it rather than to put the value there.
	EnvTracked bool
}

func (o Options) program() string {
	if o.Program == "" {
		return "leakhook"
	}
	return o.Program
}

// Backends are the places a secret can live, in the order Explain shows them.
var Backends = []string{"env", "aws", "hashicorp", "conjur"}

// BackendTitle is a backend's display name.
func BackendTitle(b string) string {
	switch b {
	case "aws":
		return "AWS Secrets Manager"
	case "hashicorp":
		return "HashiCorp Vault (KV v2)"
	case "conjur":
		return "CyberArk Conjur"
	}
	return "Environment variable"
}

// ParseVault normalises a vault name from a flag or configuration; "" and
// "env" mean environment variables, "all" is accepted only when all is true.
func ParseVault(s string, all bool) (string, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "env", "environment", "dotenv":
		return "env", true
	case "aws", "aws-secrets-manager", "secretsmanager":
		return "aws", true
	case "hashicorp", "vault", "hashicorp-vault":
		return "hashicorp", true
	case "conjur", "cyberark", "cyberark-conjur":
		return "conjur", true
	case "all":
		return "all", all
	}
	return "", false
}

// envName is the environment variable for s: the rule's, else one derived
// from the rule id, reduced to characters every language accepts in a name.
func envName(s Secret) string {
	n := s.EnvVar
	if n == "" {
		n = s.RuleID
	}
	if n == "" {
		n = s.Name
	}
	// A valid name the rule gives is kept as written (TF_TOKEN_app_terraform_io
	// and ConnectionStrings__Default are case-sensitive conventions); any
	// other is upper-cased and cleaned.
	if s.EnvVar == "" || strings.Trim(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		n = strings.ToUpper(n)
	}
	var b strings.Builder
	for _, r := range n {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := strings.Trim(b.String(), "_")
	if out == "" {
		return "SECRET"
	}
	if out[0] >= '0' && out[0] <= '9' {
		out = "X_" + out
	}
	return out
}

// displayName is a human name for s.
func displayName(s Secret) string {
	if s.Name != "" {
		return s.Name
	}
	if s.RuleID != "" {
		return s.RuleID
	}
	return "secret"
}

// reserved are words no generated identifier may be, in any target language.
var reserved = map[string]bool{
	"and": true, "as": true, "break": true, "case": true, "catch": true, "class": true,
	"const": true, "def": true, "default": true, "do": true, "else": true, "end": true,
	"for": true, "func": true, "function": true, "if": true, "import": true, "in": true,
	"is": true, "new": true, "not": true, "or": true, "package": true, "pass": true,
	"private": true, "public": true, "return": true, "static": true, "string": true,
	"switch": true, "try": true, "type": true, "var": true, "while": true, "with": true,
	"yield": true, "secret": true, "value": true, "config": true, "client": true, "vault": true,
}

// idents derives identifiers from an env var name: snake_case for Python and
// Ruby, lowerCamel and PascalCase for the others. Names that collide with a
// keyword or with a name the snippets use get a suffix.
func idents(env string) (snake, camel, pascal string) {
	words := strings.FieldsFunc(strings.ToLower(env), func(r rune) bool { return r == '_' })
	if len(words) == 0 {
		words = []string{"secret"}
	}
	snake = strings.Join(words, "_")
	if reserved[snake] {
		words = append(words, "value")
		snake = strings.Join(words, "_")
	}
	for i, w := range words {
		r := []rune(w)
		r[0] = unicode.ToUpper(r[0])
		pascal += string(r)
		if i == 0 {
			camel += w
		} else {
			camel += string(r)
		}
	}
	if camel[0] >= '0' && camel[0] <= '9' {
		camel, snake = "x"+camel, "x_"+snake
	}
	return snake, camel, pascal
}

// leaks reports whether out contains secret or any 8-character piece of it.
// Every line this package builds from a real line passes through it.
func leaks(out, secret string) bool {
	if secret == "" {
		return false
	}
	r := []rune(secret)
	if len(r) <= 8 {
		return strings.Contains(out, secret)
	}
	for i := 0; i+8 <= len(r); i++ {
		if strings.Contains(out, string(r[i:i+8])) {
			return true
		}
	}
	return false
}
