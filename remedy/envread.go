package remedy

import "strings"

// EnvRead is the expression that reads environment variable name in l: what
// replaces a hard-coded literal. Configuration formats get their reference
// idiom (${NAME} in YAML and properties, var.name with TF_VAR_name in
// Terraform, a build secret in a Dockerfile). It returns "" for formats that
// cannot read the environment (JSON, TOML, INI, XML, unknown): the value must
// be read in code and passed in.
func EnvRead(l Lang, name string) string {
	switch l {
	case Python:
		return `os.environ["` + name + `"]`
	case JavaScript, TypeScript:
		return "process.env." + name
	case Go:
		return `os.Getenv("` + name + `")`
	case Java, Kotlin:
		return `System.getenv("` + name + `")`
	case Ruby:
		return `ENV.fetch("` + name + `")`
	case PHP:
		return `getenv('` + name + `')`
	case CSharp:
		return `Environment.GetEnvironmentVariable("` + name + `")`
	case Rust:
		return `std::env::var("` + name + `").expect("` + name + ` is not set")`
	case Shell:
		return `"${` + name + `}"`
	case YAML, Properties:
		return "${" + name + "}"
	case Dotenv:
		return name + "="
	case Dockerfile:
		lower := strings.ToLower(name)
		return "RUN --mount=type=secret,id=" + lower + ",env=" + name + " <command>"
	case Terraform:
		return "var." + strings.ToLower(name)
	}
	return ""
}

// envHint is the second line of advice after the rewrite: where the value
// goes instead, in words for l.
func envHint(l Lang, name, envFile string) string {
	switch l {
	case Terraform:
		lower := strings.ToLower(name)
		return `declare variable "` + lower + `" { sensitive = true } and set TF_VAR_` + lower +
			` in the environment (never in a committed .tfvars)`
	case Dockerfile:
		return "build with: docker build --secret id=" + strings.ToLower(name) + ",env=" + name +
			" .   run with: docker run -e " + name + " IMAGE (never ARG/ENV: they stay in the image)"
	case Dotenv:
		return "keep " + envFile + " out of git: git rm --cached " + envFile + " && echo " + envFile +
			" >> .gitignore; commit a .env.example with " + name + "= and no value"
	}
	return "then put the value in " + envFile + " (git-ignored) or your shell: read -rs " + name +
		" && export " + name
}
