package remedy

import (
	"crypto/rand"
	"strings"
	"testing"
)

// randomSecret returns a fresh secret-shaped value, so that none is ever
// stored in the repository (which scans itself).
func randomSecret(t *testing.T) string {
	t.Helper()
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// rewriteCases use S where the secret goes.
var rewriteCases = []struct {
	lang       Lang
	line, want string // want "" means: cannot rewrite
}{
	{Python, `KEY = "S"`, `KEY = os.environ["K"]`},
	{Python, `client = Client(key='S', region="eu")`, `client = Client(key=os.environ["K"], region="eu")`},
	{Python, `url = "smtp://user:S@smtp.example.com:587"`, `url = "smtp://user:" + os.environ["K"] + "@smtp.example.com:587"`},
	{Python, `KEY = r"S"`, `KEY = os.environ["K"]`},
	{Python, `KEY = b"S"`, ""},
	{Python, `KEY = f"x{y}S"`, ""},
	{Python, `KEY = """S"""`, ""},
	{Python, `KEY = S`, ""},
	{Python, `a = "S"; b = "S"`, `a = os.environ["K"]; b = os.environ["K"]`},
	{Python, `msg = "say \"hi\"", "S"`, `msg = "say \"hi\"", os.environ["K"]`},
	{JavaScript, `const key = "S";`, `const key = process.env.K;`},
	{JavaScript, "const url = `https://api:S@x`;", "const url = `https://api:${process.env.K}@x`;"},
	{TypeScript, `headers: { Authorization: 'Bearer S' },`, `headers: { Authorization: 'Bearer ' + process.env.K },`},
	{Go, `const key = "S"`, `const key = os.Getenv("K")`},
	{Go, "key := `S`", `key := os.Getenv("K")`},
	{Go, "key := `x S`", ""},
	{Java, `String key = "S";`, `String key = System.getenv("K");`},
	{Ruby, `Mailgun.api_key = 'S'`, `Mailgun.api_key = ENV.fetch("K")`},
	{PHP, `$mg = Mailgun::create('S');`, `$mg = Mailgun::create(getenv('K'));`},
	{PHP, `$dsn = "smtp://u:S@host";`, `$dsn = "smtp://u:" . getenv('K') . "@host";`},
	{CSharp, `var key = "S";`, `var key = Environment.GetEnvironmentVariable("K");`},
	{CSharp, `var key = $"x{y}S";`, ""},
	{Shell, `export K="S"`, `export K="${K}"`},
	{Shell, `curl -u "api:S" https://x`, `curl -u "api:${K}" https://x`},
	{Shell, `curl -u 'api:S' https://x`, `curl -u 'api:'"${K}" https://x`},
	{Shell, `TOKEN=S ./run`, `TOKEN="${K}" ./run`},
	{YAML, `  password: S`, `  password: ${K}`},
	{YAML, `  password: "S"`, `  password: "${K}"`},
	{Properties, `spring.mail.password=S`, `spring.mail.password=${K}`},
	{Terraform, `  password = "S"`, `  password = var.k`},
	{Terraform, `  url = "https://u:S@h"`, `  url = "https://u:${var.k}@h"`},
	{JSON, `"key": "S"`, ""},
	{Dotenv, `K=S`, ""},
	{Rust, `let k = "S";`, `let k = std::env::var("K").expect("K is not set");`},
	{Rust, `let k = "x S";`, ""},
}

func TestRewrite(t *testing.T) {
	secret := randomSecret(t)
	for _, tc := range rewriteCases {
		got, ok := Rewrite(tc.lang, placeholder(tc.line, secret), secret, "K")
		if tc.want == "" {
			if ok {
				t.Errorf("%s %q: rewrote to %q, want no rewrite", tc.lang, tc.line, got)
			}
			continue
		}
		if !ok || got != tc.want {
			t.Errorf("%s %q:\n got %q, %v\nwant %q", tc.lang, tc.line, got, ok, tc.want)
		}
		if strings.Contains(got, secret) {
			t.Errorf("%s: rewritten line still holds the secret", tc.lang)
		}
	}
}

// placeholder replaces the standalone placeholder S (not the S in words
// like String or Client) with secret.
func placeholder(line, secret string) string {
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		if line[i] == 'S' && (i == 0 || !isIdent(line[i-1])) && (i+1 == len(line) || !isIdent(line[i+1])) {
			b.WriteString(secret)
			continue
		}
		b.WriteByte(line[i])
	}
	return b.String()
}

func TestRewriteWithoutSecret(t *testing.T) {
	if _, ok := Rewrite(Python, `x = "abc"`, "zzzzzzzzzz", "K"); ok {
		t.Error("rewrote a line without the secret")
	}
	if _, ok := Rewrite(Python, `x = "abc"`, "", "K"); ok {
		t.Error("rewrote with an empty secret")
	}
}
