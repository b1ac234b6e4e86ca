package rules

import (
	"encoding/base64"
	"fmt"
	"hash/fnv"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Example values are written with generators so that the repository never
// stores a secret-shaped string: {{hex:32}} becomes 32 random hex digits at
// test time. Expand is deterministic for a given seed.
//
//	hex:N HEX:N b32:N alnum:N upper:N lower:N digits:N upalnum:N lowalnum:N
//	b64:N b64url:N           N random characters of that alphabet
//	github:PREFIX            a GitHub token with a valid CRC32 checksum
//	pem:LABEL                a PEM block "-----BEGIN LABEL-----" with random body
//	jwt[:CLAIMS]             a JWT-shaped token (CLAIMS: name=value,...; see jwtExample)
//	base64:[PREFIX|]NAME:ARG the base64 of PREFIX and what NAME:ARG makes
var generator = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{\{([a-zA-Z0-9]+)(?::([^}]*))?\}\}`) })

var alphabets = map[string]string{
	"hex":      "0123456789abcdef",
	"b32":      "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
	"HEX":      "0123456789ABCDEF",
	"alnum":    base62,
	"upper":    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
	"lower":    "abcdefghijklmnopqrstuvwxyz",
	"digits":   "0123456789",
	"upalnum":  "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
	"lowalnum": "abcdefghijklmnopqrstuvwxyz0123456789",
	"b64":      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
	"b64url":   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
}

// Expand replaces every generator in template with random text drawn from a
// generator seeded by seed.
func Expand(template, seed string) (string, error) {
	h := fnv.New64a()
	h.Write([]byte(seed))
	rng := rand.New(rand.NewPCG(h.Sum64(), 0x1ea4))
	var err error
	out := generator().ReplaceAllStringFunc(template, func(m string) string {
		sub := generator().FindStringSubmatch(m)
		v, e := generate(rng, sub[1], sub[2])
		if e != nil && err == nil {
			err = fmt.Errorf("%s: %v", m, e)
		}
		return v
	})
	return out, err
}

func randomString(rng *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

func generate(rng *rand.Rand, name, arg string) (string, error) {
	if alpha, ok := alphabets[name]; ok {
		n, err := strconv.Atoi(arg)
		if err != nil || n <= 0 || n > 1<<16 {
			return "", fmt.Errorf("want a length, got %q", arg)
		}
		return randomString(rng, alpha, n), nil
	}
	switch name {
	case "github":
		if arg == "" {
			return "", fmt.Errorf("want a prefix such as ghp")
		}
		r := randomString(rng, base62, 30)
		return arg + "_" + r + GitHubChecksum(r), nil
	case "pem":
		if arg == "" {
			arg = "PRIVATE KEY"
		}
		body := make([]byte, 900)
		for i := range body {
			body[i] = byte(rng.IntN(256))
		}
		enc := base64.StdEncoding.EncodeToString(body)
		var b strings.Builder
		b.WriteString("-----BEGIN " + arg + "-----\n")
		for len(enc) > 64 {
			b.WriteString(enc[:64] + "\n")
			enc = enc[64:]
		}
		b.WriteString(enc + "\n-----END " + arg + "-----")
		return b.String(), nil
	case "base64":
		// {{base64:[PREFIX|]NAME:ARG}}: the standard base64 of PREFIX followed
		// by generator NAME's output, for secrets stored encoded (Kubernetes
		// Secret data, Docker auths, basic-auth headers).
		prefix, spec, ok := strings.Cut(arg, "|")
		if !ok {
			prefix, spec = "", arg
		}
		name, arg, _ := strings.Cut(spec, ":")
		inner, err := generate(rng, name, arg)
		if err != nil {
			return "", err
		}
		return base64.StdEncoding.EncodeToString([]byte(prefix + inner)), nil
	case "jwt":
		return jwtExample(rng, arg)
	}
	return "", fmt.Errorf("unknown generator %q", name)
}

// jwtExample makes a signed-looking JWT. With no argument its claims are a
// random subject and issue time; otherwise arg lists them, name=value
// separated by commas (numbers stay numbers unless quoted 'so'), and alg=X sets the header's
// algorithm: {{jwt:role=anon,exp=1500000000}}.
func jwtExample(rng *rand.Rand, arg string) (string, error) {
	alg := "HS256"
	claims := fmt.Sprintf(`"sub":"%d","iat":%d`, rng.IntN(1e9), 1700000000+rng.IntN(1e8))
	if arg != "" {
		var parts []string
		for _, kv := range strings.Split(arg, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return "", fmt.Errorf("want name=value claims, got %q", kv)
			}
			if k == "alg" {
				alg = v
				continue
			}
			if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
				v = strconv.Quote(v[1 : len(v)-1]) // 'text' stays a string
			} else if _, err := strconv.ParseFloat(v, 64); err != nil {
				v = strconv.Quote(v)
			}
			parts = append(parts, strconv.Quote(k)+":"+v)
		}
		claims = strings.Join(parts, ",")
	}
	enc := base64.RawURLEncoding.EncodeToString
	head := enc([]byte(`{"alg":` + strconv.Quote(alg) + `,"typ":"JWT"}`))
	return head + "." + enc([]byte("{"+claims+"}")) + "." + randomString(rng, alphabets["b64url"], 43), nil
}

// ExpandTree copies the files under src to dst with their generators
// expanded, each seeded by its relative path. Files named README.md are
// skipped: they describe a fixture tree, they are not part of it.
func ExpandTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "README.md" {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		text, err := Expand(string(data), filepath.ToSlash(rel))
		if err != nil {
			return fmt.Errorf("%s: %v", rel, err)
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		return os.WriteFile(out, []byte(text), 0o644)
	})
}
