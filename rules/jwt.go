package rules

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// JSON Web Tokens (RFC 7519). A JWT is a credential when it identifies or
// authorises someone and has not expired: a Supabase service_role key, an
// OAuth access token, a service account's token. Many JWTs in code are not:
// expired tokens in tests and docs, Supabase's public anon key (meant for
// browsers), payloads with no identity at all. The "jwt-claims" check decodes
// the token and says which it is, so that the report can show the claims and
// the expiry, and so that the tokens that are not credentials are reported
// without blocking.

// timeNow is the clock expiry is judged by (tests replace it).
var timeNow = time.Now

// A verdict is what a rule's check says of a candidate secret: reject it
// (not a secret of this kind), or accept it with a detail for the report
// and, for a real token that grants nothing by itself, as advisory (shown,
// but not blocking).
type verdict struct {
	reject   bool
	advisory bool
	detail   string
}

// credentialClaims are claims that say who a token acts for or what it may
// do; a token with none of them authorises nothing a server could look up.
var credentialClaims = []string{
	"sub", "iss", "aud", "azp", "client_id", "cid", "appid", "app_id", "oid", "tid",
	"role", "roles", "scope", "scp", "permissions", "groups", "grants", "entitlements",
	"user_id", "userid", "uid", "username", "preferred_username", "email", "upn",
	"account", "account_id", "project", "project_id", "org", "org_id", "tenant",
	"tenant_id", "ref", "key", "api_key",
}

// publicRoles are roles whose tokens are published on purpose (a browser
// holds them); the credential behind such an app is a different key.
var publicRoles = map[string]bool{"anon": true, "anonymous": true, "public": true}

// jwtVerdict decodes tok (header.payload.signature, base64url) and judges it.
func jwtVerdict(tok string) verdict {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[2] == "" {
		return verdict{reject: true} // unsigned: it proves nothing
	}
	var head, claims map[string]any
	if !decodeJSONPart(parts[0], &head) || !decodeJSONPart(parts[1], &claims) {
		return verdict{reject: true}
	}
	alg, _ := head["alg"].(string)
	if alg == "" || strings.EqualFold(alg, "none") {
		return verdict{reject: true}
	}
	if isDocExample(claims) {
		return verdict{reject: true}
	}
	detail := describeClaims(claims)
	role, _ := claims["role"].(string)
	exp, hasExp := numberClaim(claims, "exp")
	now := timeNow()
	switch {
	case publicRoles[strings.ToLower(role)]:
		return verdict{advisory: true, detail: "public " + role + " token (meant to be published; its claims grant only the public role); " + detail + "; " + expiry(exp, hasExp, now)}
	case hasExp && exp < float64(now.Unix()):
		return verdict{advisory: true, detail: "expired on " + unixDate(exp) + "; " + detail}
	case !hasCredentialClaim(claims):
		return verdict{advisory: true, detail: "no claim names a user, client, role or scope; " + detail + "; " + expiry(exp, hasExp, now)}
	}
	return verdict{detail: detail + "; " + expiry(exp, hasExp, now)}
}

func decodeJSONPart(s string, v any) bool {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return false
	}
	return json.Unmarshal(b, v) == nil && v != nil
}

// isDocExample reports the example payload of RFC 7519 and jwt.io's debugger
// ("John Doe", subject 1234567890), copied into countless docs and tests.
func isDocExample(c map[string]any) bool {
	sub, _ := c["sub"].(string)
	name, _ := c["name"].(string)
	return sub == "1234567890" && name == "John Doe"
}

func hasCredentialClaim(c map[string]any) bool {
	for _, k := range credentialClaims {
		if v, ok := c[k]; ok && v != nil && v != "" {
			return true
		}
	}
	return false
}

func numberClaim(c map[string]any, k string) (float64, bool) {
	n, ok := c[k].(float64)
	return n, ok && !math.IsNaN(n) && !math.IsInf(n, 0)
}

func unixDate(n float64) string {
	if n > 1e11 || n < -1e11 {
		return fmt.Sprintf("%.0f (not a date)", n)
	}
	return time.Unix(int64(n), 0).UTC().Format("2006-01-02")
}

// expiry says when a live token expires.
func expiry(exp float64, ok bool, now time.Time) string {
	if !ok {
		return "no expiry"
	}
	if exp < float64(now.Unix()) {
		return "expired on " + unixDate(exp)
	}
	days := int((exp - float64(now.Unix())) / 86400)
	return fmt.Sprintf("expires %s (in %d days)", unixDate(exp), days)
}

// describeClaims lists the claims briefly: names with short values, the
// well-known ones first. A value whose name suggests a secret is not shown.
func describeClaims(c map[string]any) string {
	keys := make([]string, 0, len(c))
	for k := range c {
		if k != "exp" && k != "iat" && k != "nbf" {
			keys = append(keys, k)
		}
	}
	order := map[string]int{"role": 0, "scope": 1, "scp": 1, "iss": 2, "sub": 3, "aud": 4, "azp": 5, "client_id": 5}
	sort.Slice(keys, func(i, j int) bool {
		oi, iok := order[keys[i]]
		oj, jok := order[keys[j]]
		if iok != jok {
			return iok
		}
		if oi != oj {
			return oi < oj
		}
		return keys[i] < keys[j]
	})
	const most = 6
	var b strings.Builder
	b.WriteString("claims ")
	if len(keys) == 0 {
		b.WriteString("(none)")
	}
	for i, k := range keys {
		if i == most {
			fmt.Fprintf(&b, ", +%d more", len(keys)-most)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k + "=" + claimValue(k, c[k]))
	}
	return b.String()
}

func claimValue(k string, v any) string {
	low := strings.ToLower(k)
	for _, w := range []string{"secret", "pass", "pwd", "key", "token", "cred"} {
		if strings.Contains(low, w) {
			return "(hidden)"
		}
	}
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case nil:
		s = "null"
	default:
		b, _ := json.Marshal(v)
		s = string(b)
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return s
}
