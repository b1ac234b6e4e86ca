package remedy

import (
	"path"
	"strings"
)

// Lang is a source language or configuration format, detected from a file
// path. It selects the idiom used to read an environment variable and the
// snippets shown by Explain.
type Lang string

// Languages and formats leakhook knows. Unknown is what LangOf returns for a
// file it cannot place; remediation text for it stays language-neutral.
const (
	Python     Lang = "python"
	JavaScript Lang = "javascript"
	TypeScript Lang = "typescript"
	Go         Lang = "go"
	Java       Lang = "java"
	Kotlin     Lang = "kotlin"
	Ruby       Lang = "ruby"
	PHP        Lang = "php"
	CSharp     Lang = "csharp"
	Shell      Lang = "shell"
	Rust       Lang = "rust"
	YAML       Lang = "yaml"
	Dotenv     Lang = "dotenv"
	Dockerfile Lang = "dockerfile"
	Terraform  Lang = "terraform"
	TOML       Lang = "toml"
	JSON       Lang = "json"
	Properties Lang = "properties"
	INI        Lang = "ini"
	XML        Lang = "xml"
	Unknown    Lang = "unknown"
)

// MainLangs are the programming languages Explain shows when no language is
// given: each has a snippet for every backend.
var MainLangs = []Lang{Python, JavaScript, TypeScript, Go, Java, Ruby, PHP, CSharp, Shell}

// ConfigLangs are formats that reference an environment variable rather than
// read it; Explain shows their idioms in the environment-variable section.
var ConfigLangs = []Lang{YAML, Dotenv, Dockerfile, Terraform}

var titles = map[Lang]string{
	Python: "Python", JavaScript: "JavaScript", TypeScript: "TypeScript", Go: "Go",
	Java: "Java", Kotlin: "Kotlin", Ruby: "Ruby", PHP: "PHP", CSharp: "C#",
	Shell: "Shell", Rust: "Rust", YAML: "YAML", Dotenv: ".env", Dockerfile: "Dockerfile",
	Terraform: "Terraform", TOML: "TOML", JSON: "JSON", Properties: "Java properties",
	INI: "INI", XML: "XML", Unknown: "unknown",
}

// Title is the language's display name.
func (l Lang) Title() string {
	if t, ok := titles[l]; ok {
		return t
	}
	return string(l)
}

var byExt = map[string]Lang{
	".py": Python, ".pyw": Python, ".pyi": Python,
	".js": JavaScript, ".mjs": JavaScript, ".cjs": JavaScript, ".jsx": JavaScript,
	".ts": TypeScript, ".tsx": TypeScript, ".mts": TypeScript, ".cts": TypeScript,
	".go": Go, ".java": Java, ".kt": Kotlin, ".kts": Kotlin, ".groovy": Java,
	".rb": Ruby, ".rake": Ruby, ".gemspec": Ruby, ".php": PHP, ".phtml": PHP,
	".cs": CSharp, ".csx": CSharp,
	".sh": Shell, ".bash": Shell, ".zsh": Shell, ".ksh": Shell,
	".rs": Rust, ".yaml": YAML, ".yml": YAML, ".env": Dotenv,
	".dockerfile": Dockerfile, ".tf": Terraform, ".tfvars": Terraform, ".hcl": Terraform,
	".toml": TOML, ".json": JSON, ".properties": Properties,
	".ini": INI, ".cfg": INI, ".conf": INI, ".config": XML, ".xml": XML, ".csproj": XML,
}

var byBase = map[string]Lang{
	"dockerfile": Dockerfile, "containerfile": Dockerfile,
	"gemfile": Ruby, "rakefile": Ruby, "vagrantfile": Ruby, "podfile": Ruby, "fastfile": Ruby,
	".bashrc": Shell, ".zshrc": Shell, ".profile": Shell, ".bash_profile": Shell, ".envrc": Shell,
	"jenkinsfile": Java, ".npmrc": INI, ".pypirc": INI, ".netrc": INI, ".gitconfig": INI,
	"credentials": INI, // ~/.aws/credentials
	"cargo.lock":  TOML,
}

// LangOf detects the language of a file from its name: the base name first
// (Dockerfile, .env.local, Gemfile), then the extension.
func LangOf(p string) Lang {
	base := strings.ToLower(path.Base(strings.ReplaceAll(p, `\`, "/")))
	if l, ok := byBase[base]; ok {
		return l
	}
	switch {
	case base == ".env" || strings.HasPrefix(base, ".env."):
		return Dotenv // .env, .env.local, .env.production
	case strings.HasPrefix(base, "dockerfile.") || strings.HasPrefix(base, "containerfile."):
		return Dockerfile
	case strings.HasSuffix(base, ".env.example") || strings.HasSuffix(base, ".env.sample"):
		return Dotenv
	}
	if l, ok := byExt[path.Ext(base)]; ok {
		return l
	}
	return Unknown
}

var aliases = map[string]Lang{
	"py": Python, "python": Python, "python3": Python,
	"js": JavaScript, "javascript": JavaScript, "node": JavaScript, "nodejs": JavaScript,
	"ts": TypeScript, "typescript": TypeScript,
	"go": Go, "golang": Go, "java": Java, "kt": Kotlin, "kotlin": Kotlin,
	"rb": Ruby, "ruby": Ruby, "php": PHP,
	"cs": CSharp, "csharp": CSharp, "c#": CSharp, "dotnet": CSharp, ".net": CSharp,
	"sh": Shell, "bash": Shell, "shell": Shell, "zsh": Shell,
	"rs": Rust, "rust": Rust, "yaml": YAML, "yml": YAML,
	"env": Dotenv, "dotenv": Dotenv, ".env": Dotenv,
	"docker": Dockerfile, "dockerfile": Dockerfile,
	"tf": Terraform, "terraform": Terraform, "hcl": Terraform,
	"toml": TOML, "json": JSON, "properties": Properties, "ini": INI, "xml": XML,
}

// ParseLang reads a --lang flag value. It is case-insensitive and accepts the
// usual short names (py, js, ts, golang, rb, cs, c#, sh, yml, env, tf ...).
func ParseLang(s string) (Lang, bool) {
	l, ok := aliases[strings.ToLower(strings.TrimSpace(s))]
	return l, ok
}

// LangOrFile accepts a language name or a file name ("app/mail.py"); ""
// is every language.
func LangOrFile(s string) (Lang, bool) {
	if s == "" {
		return "", true
	}
	if l, ok := ParseLang(s); ok {
		return l, true
	}
	if strings.ContainsAny(s, "./") {
		if l := LangOf(s); l != Unknown {
			return l, true
		}
	}
	return "", false
}
