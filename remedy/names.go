package remedy

import (
	"regexp"
	"strings"
	"unicode"
)

// toolReads are variables a tool reads by itself, by exact name or (ending
// in "_") prefix: renaming them breaks the tool, so they win over the
// user's identifier and keep their case.
var toolReads = []string{
	"CARGO_REGISTRY_TOKEN", "CARGO_REGISTRIES_", // cargo publish / cargo login
	"TF_TOKEN_",                                  // terraform: TF_TOKEN_app_terraform_io
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", // every AWS SDK and the CLI
	"GH_TOKEN", "GITHUB_TOKEN", "GITLAB_TOKEN", // gh, glab
	"TWINE_PASSWORD", "HF_TOKEN", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "STRIPE_API_KEY",
}

// ToolReads reports whether a tool reads the variable name by itself.
func ToolReads(name string) bool {
	for _, t := range toolReads {
		if name == t || strings.HasSuffix(t, "_") && strings.HasPrefix(name, t) && len(name) > len(t) {
			return true
		}
	}
	return false
}

// VarName is the one environment variable name the block message, explain
// and fix use for a secret, in this order: a name the consuming tool reads
// itself (kept as written: CARGO_REGISTRY_TOKEN, TF_TOKEN_app_terraform_io),
// else the identifier the user assigns the literal to on line
// (MAILGUN_API_KEY = "...", mailjetKey := "..." -> MAILJET_KEY), else the
// rule's envVar (or one derived from its id). line and secret may be empty.
func VarName(s Secret, line, secret string) string {
	if s.EnvVar != "" && ToolReads(s.EnvVar) {
		return envName(s)
	}
	if id := userIdent(line, secret); id != "" {
		return id
	}
	return envName(s)
}

// assignment is an identifier followed by an assignment operator (or a key
// followed by a colon and a space or quote, not user:pass in a URL) and the
// literal's opening, right before the secret.
var assignment = regexp.MustCompile(`(^|[^A-Za-z0-9_/@.:-])([A-Za-z_][A-Za-z0-9_]*)["']?\s*(:=|=>|=|:)(\s*)([a-z]*["'` + "`" + `])?$`)

// generic are identifiers too vague to name a variable in a shared env file.
var generic = map[string]bool{
	"KEY": true, "TOKEN": true, "SECRET": true, "PASSWORD": true, "PASS": true, "PWD": true,
	"PASSWD": true, "STRING": true, "STR": true, "ANY": true, "API_KEY": true, "APIKEY": true, "AUTH": true, "VALUE": true,
	"ACCESS_TOKEN": true, "SECRET_KEY": true, "AUTH_TOKEN": true, "CREDENTIALS": true,
	"CREDENTIAL": true, "API_TOKEN": true, "PRIVATE_KEY": true, "CLIENT_SECRET": true,
	"DEFAULT": true, "CONST": true, "VAR": true, "LET": true,
}

// userIdent is the identifier the literal holding secret is assigned to on
// line, as an upper snake-case variable name, or "" when there is none or
// it is too generic.
func userIdent(line, secret string) string {
	if line == "" || secret == "" {
		return ""
	}
	i := strings.Index(line, secret)
	if i < 0 {
		return ""
	}
	m := assignment.FindStringSubmatch(line[:i])
	if m == nil || m[3] == ":" && m[4] == "" && m[5] == "" {
		return ""
	}
	n := upperSnake(m[2])
	if len(n) < 3 || generic[n] || n[0] >= '0' && n[0] <= '9' {
		return ""
	}
	return n
}

// upperSnake turns mailjetApiKey, MailjetKey or mailjet_key into
// MAILJET_API_KEY, MAILJET_KEY, MAILJET_KEY.
func upperSnake(id string) string {
	var b strings.Builder
	rs := []rune(id)
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1]) && rs[i-1] != '_') {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return strings.Trim(b.String(), "_")
}
