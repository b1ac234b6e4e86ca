package rules

import (
	"encoding/base64"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
)

func TestEncodedSecrets(t *testing.T) {
	e := builtinEngine(t)
	tok, _ := Expand("{{github:ghp}}", "decode")
	b64 := base64.StdEncoding.EncodeToString([]byte(tok))
	basic := base64.StdEncoding.EncodeToString([]byte("deploy:" + tok))
	cases := []struct {
		name, path, text string
		line, column     int
	}{
		{"kubernetes secret", "k8s/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: gh\ndata:\n  token: " + b64 + "\n", 6, 10},
		{"docker auth", ".dockerconfigjson", `{"auths": {"ghcr.io": {"auth": "` + basic + `"}}}`, 1, 33},
		{"basic auth header", "client.py", "headers = {'Authorization': 'Basic " + basic + "'}", 1, 36},
		{"percent-encoded", "app.env", "WEBHOOK=https://ci.example.com/hook?t=" + url.QueryEscape(tok[:4]) + "%5F" + tok[4:] + "\n", 1, 39},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "percent-encoded" {
				c.text = strings.Replace(c.text, tok[:4]+"%5F", "ghp%5F", 1)
			}
			fs := scanText(t, e, c.path, c.text, nil)
			if len(fs) != 1 || fs[0].RuleID != "github-token" || fs[0].Secret != tok {
				t.Fatalf("findings: %+v", fs)
			}
			f := fs[0]
			if f.Line != c.line || f.Column != c.column || f.Encoded == "" {
				t.Errorf("at %d:%d (encoded %q), want %d:%d", f.Line, f.Column, f.Encoded, c.line, c.column)
			}
			if m := f.MaskedLine(); strings.Contains(m, tok) || strings.Contains(m, f.Encoded) {
				t.Errorf("masked line shows the secret: %s", m)
			}
		})
	}
}

func TestEncodedNoise(t *testing.T) {
	e := builtinEngine(t)
	harmless := base64.StdEncoding.EncodeToString([]byte("changeme-not-a-token"))
	binary := base64.StdEncoding.EncodeToString([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	for _, text := range []string{
		"kind: Secret\ndata:\n  password: " + harmless + "\n",
		"kind: Secret\ndata:\n  blob: " + binary + "\n",
		"auth: Basic dXNlcjpwYXNzd29yZA==", // user:password
		"see https://example.com/a%20b",
	} {
		if fs := scanText(t, e, "x.yaml", text, nil); len(fs) != 0 {
			t.Errorf("%q: %+v", text, fs)
		}
	}
	// Encoded values on lines that are not added are not reported.
	tok, _ := Expand("{{github:ghp}}", "decode")
	text := "kind: Secret\ndata:\n  token: " + base64.StdEncoding.EncodeToString([]byte(tok)) + "\n"
	if fs := scanText(t, e, "s.yaml", text, []bool{true, true, false}); len(fs) != 0 {
		t.Errorf("unadded line reported: %+v", fs)
	}
	// Decoding is bounded per line: a line of many encoded values is not
	// decoded past the budget.
	var b strings.Builder
	b.WriteString("kind: Secret\n")
	long := strings.Repeat(base64.StdEncoding.EncodeToString([]byte(strings.Repeat("x", 3000))), 1)
	for i := 0; i < 100; i++ {
		b.WriteString("  k: " + long + "\n")
	}
	if _, err := e.Scan(&Target{Path: "big.yaml", Content: []byte(b.String())}); err != nil {
		t.Fatal(err)
	}
}

// TestBase64PEM: a private key stored base64-encoded whole (an environment
// variable, a JSON field) is decoded and found; an encoded public key is not.
func TestBase64PEM(t *testing.T) {
	e := builtinEngine(t)
	key, _ := Expand("{{pem:RSA PRIVATE KEY}}", "b64pem")
	pub, _ := Expand("{{pem:PUBLIC KEY}}", "b64pem")
	enc := base64.StdEncoding.EncodeToString([]byte(key + "\n"))
	for _, text := range []string{
		"PRIVATE_KEY_B64=" + enc + "\n",
		`{"privateKey": "` + enc + `"}`,
	} {
		fs := scanText(t, e, "app.env", text, nil)
		if len(fs) != 1 || fs[0].RuleID != "private-key" || fs[0].Line != 1 || fs[0].Encoded != enc {
			t.Errorf("%.40q: findings %+v", text, fs)
		}
	}
	if fs := scanText(t, e, "app.env", "PUBLIC_KEY_B64="+base64.StdEncoding.EncodeToString([]byte(pub))+"\n", nil); len(fs) != 0 {
		t.Errorf("encoded public key reported: %+v", fs)
	}
}

// TestEncodedAfterManyLines puts each decoder's value far down a file whose
// other lines hold the decoders' first bytes in both cases but never their
// literals, staged or not: the lines passed over without a candidate must be
// counted, so the finding keeps its line, and an unstaged line stays unread.
func TestEncodedAfterManyLines(t *testing.T) {
	e := builtinEngine(t)
	tok, _ := Expand("{{github:ghp}}", "decode-far")
	basic := base64.StdEncoding.EncodeToString([]byte("deploy:" + tok))
	filler := "b B bas BASI a%20 :/ /: \"aut LS0t ls0t\n"
	for _, c := range []struct{ name, path, line string }{
		{"docker auth", "config.json", `{"auths": {"ghcr.io": {"auth": "` + basic + `"}}}`},
		{"basic auth header", "client.py", "headers = {'Authorization': 'bAsIc " + basic + "'}"},
		{"percent-encoded", "app.env", "WEBHOOK=https://ci.example.com/hook?t=ghp%5F" + tok[4:]},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := strings.Repeat(filler, 700) + c.line + "\n" + strings.Repeat(filler, 300) + c.line + "\n"
			added := make([]bool, 1002)
			added[700] = true // the first copy is staged, the second not
			fs := scanText(t, e, c.path, text, added)
			if len(fs) != 1 || fs[0].RuleID != "github-token" || fs[0].Line != 701 || fs[0].Encoded == "" {
				t.Fatalf("findings %+v, want the staged copy's on line 701", fs)
			}
			fs = scanText(t, e, c.path, text, nil)
			if len(fs) != 2 || fs[0].Line != 701 || fs[1].Line != 1002 {
				t.Fatalf("findings %+v, want lines 701 and 1002", fs)
			}
		})
	}
}

// TestIndexFoldAgainstNaive compares indexFold, and a foldFinder asked from
// growing positions, with a byte-by-byte search.
func TestIndexFoldAgainstNaive(t *testing.T) {
	naive := func(s []byte, lit string, from int) int {
		for i := from; i+len(lit) <= len(s); i++ {
			if strings.EqualFold(string(s[i:i+len(lit)]), lit) {
				return i
			}
		}
		return -1
	}
	const alphabet = "bBaAsSiIcC:/\n"
	for seed := uint64(0); seed < 400; seed++ {
		rng := rand.New(rand.NewPCG(seed, 9))
		s := make([]byte, rng.IntN(60))
		for i := range s {
			s[i] = alphabet[rng.IntN(len(alphabet))]
		}
		for _, lit := range []string{"basic", "b", "://", "ab"} {
			f := newFoldFinder(lit)
			for from := 0; from <= len(s)+1; from += 1 + rng.IntN(3) {
				if got, want := indexFold(s, lit, from), naive(s, lit, from); got != want {
					t.Fatalf("indexFold(%q, %q, %d) = %d, want %d", s, lit, from, got, want)
				}
				if got, want := f.next(s, from), naive(s, lit, from); got != want {
					t.Fatalf("foldFinder(%q).next(%q, %d) = %d, want %d", lit, s, from, got, want)
				}
			}
		}
	}
}
