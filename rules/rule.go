// Package rules holds leakhook's detection rules and the engine that applies them.
//
// Rules are data: TOML files embedded in the binary (rules/data/*.toml) plus a
// repository's own .leakhook.toml. The schema is a superset of gitleaks' so that
// existing gitleaks rules load unchanged; leakhook adds what a developer needs
// when a rule fires (a display name, the environment variable to move the secret
// to, how to rotate it) and the examples that the test suite checks.
package rules

// Rule is one secret type as written in TOML.
type Rule struct {
	// Fields shared with gitleaks.
	ID          string      `toml:"id"`
	Description string      `toml:"description"`
	Regex       string      `toml:"regex"`
	SecretGroup int         `toml:"secretGroup"`
	Entropy     float64     `toml:"entropy"`
	Keywords    []string    `toml:"keywords"`
	Path        string      `toml:"path"`
	Tags        []string    `toml:"tags"`
	Allowlists  []Allowlist `toml:"allowlists"`
	// Allowlist is gitleaks' older single-allowlist form; it is appended to Allowlists.
	Allowlist *Allowlist `toml:"allowlist"`

	// leakhook's own fields.
	Name        string   `toml:"name"`        // display name, e.g. "Mailgun API key"
	EnvVar      string   `toml:"envVar"`      // suggested environment variable, e.g. MAILGUN_API_KEY
	RotateURL   string   `toml:"rotateURL"`   // provider page where the secret is revoked or rotated
	RotateSteps []string `toml:"rotateSteps"` // short steps to revoke and rotate
	// Context, when set, must match within ContextLines lines of the secret
	// (e.g. an SMTP host near an SMTP password). ContextLines defaults to 5.
	Context      string `toml:"context"`
	ContextLines int    `toml:"contextLines"`
	// Lines widens the regex's window to this many lines before and after the
	// keyword's line: for multi-line formats (a PEM block) and for secrets whose
	// keyword sits on a nearby line. Single-line rules leave it 0.
	Lines int `toml:"lines"`
	// Validate names a structural check the secret must pass: "github" (CRC32
	// checksum), "jwt" (three base64url parts, JSON header), "base64" (decodes),
	// "not-example" (not a provider's documented example value, validate.go).
	Validate string `toml:"validate"`
	// Binary is accepted for old rule files and means nothing: every rule
	// runs on binary content's text runs (text.go).
	Binary bool `toml:"binary"`
	// Generic rules give way to a specific rule that finds the same secret.
	Generic bool `toml:"generic"`
	// Structural rules know where a credential sits (an Authorization
	// header, a URL, a command line, a JWT's claims) but not whose it is:
	// they win over generic rules and give way to a provider's rule that
	// finds the same secret (which knows how to rotate it).
	Structural bool `toml:"structural"`
	// TP and FP are examples: each TP must produce a finding of this rule, each
	// FP must not. They may use generators such as {{hex:32}} (see Expand), so
	// that no secret-shaped value is stored in the repository.
	TP []string `toml:"tp"`
	FP []string `toml:"fp"`
}

// Allowlist suppresses findings. Field names follow gitleaks.
type Allowlist struct {
	Description string   `toml:"description"`
	Condition   string   `toml:"condition"`   // "OR" (default) or "AND"
	RegexTarget string   `toml:"regexTarget"` // "secret" (default), "match" or "line"
	Regexes     []string `toml:"regexes"`
	Paths       []string `toml:"paths"`
	Stopwords   []string `toml:"stopwords"`
	Commits     []string `toml:"commits"`
	TargetRules []string `toml:"targetRules"` // global allowlists only: limit to these rule ids

	// Advisory, on a built-in allowlist only, reports what it matches
	// without blocking instead of dropping it, with its description as the
	// reason: a value that looks made up (it counts 1234567) may still be a
	// real, weak one. A configuration may not set it (an untrusted one
	// could turn any finding into a note).
	Advisory bool `toml:"advisory"`

	// snake_case spellings, accepted so configs written either way load;
	// parse folds them into the fields above.
	RegexTargetAlias string   `toml:"regex_target"`
	TargetRulesAlias []string `toml:"target_rules"`

	origin origin // where a configuration set it (empty for built-ins)
}

// origin is where a setting came from, for messages and counts: "file:
// line:col: key", and whether that file is trusted.
type origin struct {
	key     string
	trusted bool
}

// File is the top level of a rule file or a .leakhook.toml.
type File struct {
	Title      string      `toml:"title"`
	Extend     Extend      `toml:"extend"`
	Rules      []Rule      `toml:"rules"`
	Allowlists []Allowlist `toml:"allowlists"`
	Allowlist  *Allowlist  `toml:"allowlist"`
	Scan       ScanOptions `toml:"scan"`
	// DisabledRules at the top level is a convenience for [extend] disabledRules.
	DisabledRules      []string `toml:"disabledRules"`
	DisabledRulesAlias []string `toml:"disabled_rules"`
}

// Extend says how a configuration relates to the built-in rules.
type Extend struct {
	// UseDefault keeps the built-in rules. leakhook's default is true (unlike
	// gitleaks, where a custom config silently drops them); set it to false
	// explicitly to run only your own rules.
	UseDefault    *bool    `toml:"useDefault"`
	Path          string   `toml:"path"`
	DisabledRules []string `toml:"disabledRules"`

	// snake_case spellings (folded into the fields above by parse).
	UseDefaultAlias    *bool    `toml:"use_default"`
	DisabledRulesAlias []string `toml:"disabled_rules"`
}

// ScanOptions are run-time limits a repository may set.
type ScanOptions struct {
	MaxFileSize int64 `toml:"maxFileSize"` // bytes; default 10 MiB
}
