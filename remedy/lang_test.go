package remedy

import "testing"

func TestLangOf(t *testing.T) {
	for path, want := range map[string]Lang{
		"app/settings.py": Python, "src/index.js": JavaScript, "web/App.tsx": TypeScript,
		"main.go": Go, "Mail.java": Java, "build.gradle.kts": Kotlin, "lib/mail.rb": Ruby,
		"Gemfile": Ruby, "config/mail.php": PHP, "Mail.cs": CSharp, "deploy.sh": Shell,
		".envrc": Shell, "src/main.rs": Rust, "docker-compose.yml": YAML, "ci.yaml": YAML,
		".env": Dotenv, ".env.local": Dotenv, "config/prod.env": Dotenv, "x/.env.example": Dotenv,
		"Dockerfile": Dockerfile, "docker/Dockerfile.prod": Dockerfile, "api.dockerfile": Dockerfile,
		"main.tf": Terraform, "prod.tfvars": Terraform, "Cargo.toml": TOML, "package.json": JSON,
		"application.properties": Properties, "setup.cfg": INI, "pom.xml": XML,
		`C:\src\app.PY`: Python, "README": Unknown, "notes.txt": Unknown,
	} {
		if got := LangOf(path); got != want {
			t.Errorf("LangOf(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{
		"py": Python, "Python": Python, "js": JavaScript, "ts": TypeScript, "golang": Go,
		"go": Go, "java": Java, "rb": Ruby, "php": PHP, "cs": CSharp, "C#": CSharp,
		"csharp": CSharp, "sh": Shell, "bash": Shell, "yml": YAML, "env": Dotenv,
		"docker": Dockerfile, "tf": Terraform, " terraform ": Terraform,
	} {
		if got, ok := ParseLang(in); !ok || got != want {
			t.Errorf("ParseLang(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "cobol", "pyt"} {
		if _, ok := ParseLang(bad); ok {
			t.Errorf("ParseLang(%q) accepted", bad)
		}
	}
	// Every language the package knows can be named on the command line and has a title.
	for l := range titles {
		if got, ok := ParseLang(string(l)); l != Unknown && (!ok || got != l) {
			t.Errorf("ParseLang(%q) = %q, %v", l, got, ok)
		}
	}
	if CSharp.Title() != "C#" || JavaScript.Title() != "JavaScript" || Lang("zig").Title() != "zig" {
		t.Error("Title")
	}
}

func TestEnvRead(t *testing.T) {
	for l, want := range map[Lang]string{
		Python: `os.environ["K"]`, JavaScript: "process.env.K", TypeScript: "process.env.K",
		Go: `os.Getenv("K")`, Java: `System.getenv("K")`, Ruby: `ENV.fetch("K")`,
		PHP: `getenv('K')`, CSharp: `Environment.GetEnvironmentVariable("K")`,
		Shell: `"${K}"`, YAML: "${K}", Dotenv: "K=", Terraform: "var.k",
		Dockerfile: "RUN --mount=type=secret,id=k,env=K <command>", JSON: "", Unknown: "",
	} {
		if got := EnvRead(l, "K"); got != want {
			t.Errorf("EnvRead(%s) = %q, want %q", l, got, want)
		}
	}
}

func TestIdents(t *testing.T) {
	for env, want := range map[string][3]string{
		"MAILGUN_API_KEY": {"mailgun_api_key", "mailgunApiKey", "MailgunApiKey"},
		"CLASS":           {"class_value", "classValue", "ClassValue"},
		"X_2FA_SEED":      {"x_2fa_seed", "x2faSeed", "X2faSeed"},
	} {
		s, c, p := idents(env)
		if [3]string{s, c, p} != want {
			t.Errorf("idents(%s) = %s %s %s, want %v", env, s, c, p, want)
		}
	}
	if got := envName(Secret{RuleID: "2fa-seed"}); got != "X_2FA_SEED" {
		t.Errorf("envName = %s", got)
	}
	if got := envName(Secret{RuleID: "x", EnvVar: "my-key"}); got != "MY_KEY" {
		t.Errorf("envName = %s", got)
	}
}

func TestSecretPaths(t *testing.T) {
	for _, tc := range []struct {
		o                      Options
		aws, mount, path, cjur string
	}{
		{Options{Repo: "shop"}, "shop/mailgun_api_key", "secret", "shop/mailgun_api_key", "shop/mailgun_api_key"},
		{Options{}, "myapp/mailgun_api_key", "secret", "myapp/mailgun_api_key", "myapp/mailgun_api_key"},
		{Options{Repo: "shop", SecretPath: "kv/data/{repo}/prod/{name}"}, "kv/data/shop/prod/mailgun_api_key", "kv", "shop/prod/mailgun_api_key", "kv/data/shop/prod/mailgun_api_key"},
		{Options{Repo: "shop", SecretPath: "secret/data/{repo}"}, "shop/mailgun_api_key", "secret", "shop", "shop/mailgun_api_key"},
		{Options{Repo: "my shop; rm -rf", SecretPath: "apps/{repo}"}, "apps/my-shop--rm--rf/mailgun_api_key", "apps", "my-shop--rm--rf", "apps/my-shop--rm--rf/mailgun_api_key"},
	} {
		r := newRef(Secret{EnvVar: "MAILGUN_API_KEY"}, tc.o)
		if r.AWSID != tc.aws || r.KVMount != tc.mount || r.KVPath != tc.path || r.ConjurID != tc.cjur {
			t.Errorf("%+v: got aws=%s kv=%s/%s conjur=%s", tc.o, r.AWSID, r.KVMount, r.KVPath, r.ConjurID)
		}
	}
}
