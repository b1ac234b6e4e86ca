package rules

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func testJWT(alg, claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"`+alg+`","typ":"JWT"}`)) + "." + enc([]byte(claims)) + "." + strings.Repeat("Sg", 22)
}

// TestJWTVerdict checks what the jwt-claims check says of each kind of
// token, at a fixed time.
func TestJWTVerdict(t *testing.T) {
	defer func(f func() time.Time) { timeNow = f }(timeNow)
	timeNow = func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	cases := []struct {
		name, tok        string
		reject, advisory bool
		detail           []string // substrings of the detail
	}{
		{"service role, no expiry", testJWT("HS256", `{"iss":"supabase","ref":"abc","role":"service_role","iat":1700000000}`),
			false, false, []string{"role=service_role", "iss=supabase", "no expiry"}},
		{"future expiry", testJWT("RS256", `{"sub":"svc","scope":"read write","exp":1798761600}`),
			false, false, []string{"scope=read write", "sub=svc", "expires 2027-01-01 (in 365 days)"}},
		{"expired", testJWT("HS256", `{"sub":"svc","exp":1500000000}`),
			false, true, []string{"expired on 2017-07-14", "sub=svc"}},
		{"anon key", testJWT("HS256", `{"iss":"supabase","role":"anon","exp":4102444800}`),
			false, true, []string{"public anon token", "expires 2100-01-01"}},
		{"no identity", testJWT("HS256", `{"confidence":0.8}`),
			false, true, []string{"no claim names", "claims confidence=0.8"}},
		{"secret-like claim hidden", testJWT("HS256", `{"sub":"x","api_key":"abcdef"}`),
			false, false, []string{"api_key=(hidden)"}},
		{"jwt.io example", testJWT("HS256", `{"sub":"1234567890","name":"John Doe","iat":1516239022}`), true, false, nil},
		{"unsigned", testJWT("none", `{"sub":"admin"}`), true, false, nil},
		{"no signature", strings.TrimSuffix(testJWT("HS256", `{"sub":"x"}`), strings.Repeat("Sg", 22)), true, false, nil},
		{"payload not JSON", testJWT("HS256", `not json`), true, false, nil},
		{"header without alg", "eyJ0eXAiOiJKV1QifQ." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"x"}`)) + ".c2lnbmF0dXJlc2lnbmF0dXJl", true, false, nil},
	}
	for _, c := range cases {
		v := jwtVerdict(c.tok)
		if v.reject != c.reject || v.advisory != c.advisory {
			t.Errorf("%s: reject=%v advisory=%v, want %v %v (%s)", c.name, v.reject, v.advisory, c.reject, c.advisory, v.detail)
		}
		for _, d := range c.detail {
			if !strings.Contains(v.detail, d) {
				t.Errorf("%s: detail %q lacks %q", c.name, v.detail, d)
			}
		}
	}
}

// TestJWTFindingCarriesVerdict checks the hook end to end in the engine: the
// finding holds the detail and the advisory flag, and a provider's rule for
// the same token wins over the format rule.
func TestJWTFindingCarriesVerdict(t *testing.T) {
	e := builtinEngine(t)
	expired := testJWT("HS256", `{"sub":"svc","exp":1500000000}`)
	fs, err := e.Scan(&Target{Path: "a.env", Content: []byte("TOKEN=" + expired + "\n")})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].RuleID != "jwt" || !fs[0].Advisory || !strings.Contains(fs[0].Detail, "expired on 2017-07-14") {
		t.Fatalf("got %+v", fs)
	}
	role := testJWT("HS256", `{"iss":"supabase","role":"service_role"}`)
	fs, err = e.Scan(&Target{Path: "a.env", Content: []byte("SUPABASE_SERVICE_ROLE_KEY=" + role + "\n")})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].RuleID == "jwt" || fs[0].Advisory {
		t.Fatalf("want the provider's rule, blocking; got %+v", fs)
	}
}

// TestStructuralRulesGiveWay checks that a rule which knows only where a
// credential sits (curl -u, an Authorization header) gives way to the
// provider's rule for the same secret, which knows how to rotate it, and
// still wins over the generic rules.
func TestStructuralRulesGiveWay(t *testing.T) {
	e := builtinEngine(t)
	key, err := Expand("{{hex:32}}-{{hex:8}}-{{hex:8}}", "structural")
	if err != nil {
		t.Fatal(err)
	}
	line := `curl -s --user "api:` + key + `" https://api.mailgun.net/v3/mg.example.com/messages` + "\n"
	fs, err := e.Scan(&Target{Path: "send.sh", Content: []byte(line)})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].RuleID == "curl-user-password" {
		t.Errorf("want the Mailgun rule alone, got %v", ruleIDs(fs))
	}
	tok, _ := Expand("{{alnum:40}}", "structural")
	fs, err = e.Scan(&Target{Path: "a.py", Content: []byte(`headers = {"Authorization": "Bearer ` + tok + `"}` + "\n")})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].RuleID != "http-bearer-token" {
		t.Errorf("want http-bearer-token alone, got %v", ruleIDs(fs))
	}
}
