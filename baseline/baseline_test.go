package baseline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakhook/leakhook/rules"
)

func finding(rule, secret string) rules.Finding {
	return rules.Finding{RuleID: rule, Secret: secret, Fingerprint: rules.Fingerprint(secret), Path: "x", Line: 3}
}

// stored sets a finding's v2 fingerprint, as triage does.
func stored(salt []byte, f rules.Finding) rules.Finding {
	f.StoredFingerprint = FingerprintV2(salt, f.RuleID, f.Secret)
	return f
}

func TestParseErrors(t *testing.T) {
	for text, want := range map[string]string{
		"github-token\n":                           "f:1: want",
		"# c\ngithub-token zz12zz12\n":             "f:2: rule \"github-token\": fingerprint",
		"github-token abcdef12 expires=tomorrow\n": "not a date",
		"github-token abcdef12 until=2027-01-01\n": "unknown field \"until=2027-01-01\"",
		"a abcdef12\n<<<<<<< HEAD\n":               "f:2: unresolved merge conflict",
	} {
		_, err := Parse("f", []byte(text))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", text, err, want)
		}
	}
}

// TestUnionMergeResult: what git's union merge leaves (unsorted, duplicated)
// parses, and writing sorts and dedupes it.
func TestUnionMergeResult(t *testing.T) {
	text := "zz-rule 0123456789ab\naa-rule ba9876543210 # reason\nzz-rule 0123456789ab expires=2030-01-01\n"
	b, err := Parse("f", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b.Bytes())), "\n")
	var entries []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "#") {
			entries = append(entries, l)
		}
	}
	want := []string{"aa-rule ba9876543210 # reason", "zz-rule 0123456789ab"}
	if strings.Join(entries, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q (an entry without expiry wins over one with)", entries, want)
	}
}

func TestStatus(t *testing.T) {
	known, expiring, fresh := finding("r", "value-one"), finding("r", "value-two"), finding("r", "value-three")
	b, err := Parse("f", []byte("r "+known.Fingerprint[:8]+"\nr "+expiring.Fingerprint+" expires=2027-01-31\n"))
	if err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	if st, _ := b.Status(&known, day("2030-01-01")); st != Known {
		t.Errorf("abbreviated fingerprint: %v", st)
	}
	if st, _ := b.Status(&fresh, day("2026-01-01")); st != Unknown {
		t.Errorf("fresh: %v", st)
	}
	if st, _ := b.Status(&expiring, day("2027-01-31")); st != Known {
		t.Errorf("on the expiry day: %v, want still known", st)
	}
	if st, e := b.Status(&expiring, day("2027-02-01")); st != Expired || e.Expires != "2027-01-31" {
		t.Errorf("after expiry: %v", st)
	}
	other := finding("other-rule", "value-one")
	if st, _ := b.Status(&other, day("2026-01-01")); st != Unknown {
		t.Errorf("same value under another rule matched")
	}
}

func TestUpdateWriteNeverStoresValues(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	salt := DeriveSalt("")
	a, c := stored(salt, finding("r", "secret-value-a")), stored(salt, finding("r", "secret-value-c"))
	b1, st := Update(nil, p, salt, []rules.Finding{a, a, c}, "fixture", false)
	if st.Added != 2 || b1.Len() != 2 {
		t.Fatalf("stats %+v len %d", st, b1.Len())
	}
	if err := b1.Write(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	if strings.Contains(string(data), "secret-value") || strings.Contains(string(data), "x:3") {
		t.Fatalf("baseline stores a value or location:\n%s", data)
	}
	old, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	b2, st := Update(old, p, salt, []rules.Finding{a}, "", true)
	if st != (Stats{Kept: 1, Pruned: 1}) || b2.Len() != 1 {
		t.Fatalf("prune: %+v", st)
	}
	if b2.Entries()[0].Reason != "fixture" {
		t.Errorf("reason lost on update")
	}
	if b, err := Load(filepath.Join(dir, "missing")); b != nil || err != nil {
		t.Errorf("missing file: %v %v", b, err)
	}
}

func TestEnsureUnionMerge(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".gitattributes"), []byte("*.png binary"), 0o644)
	if wrote, err := EnsureUnionMerge(dir); !wrote || err != nil {
		t.Fatal(wrote, err)
	}
	if wrote, _ := EnsureUnionMerge(dir); wrote {
		t.Error("added the line twice")
	}
	data, _ := os.ReadFile(filepath.Join(dir, ".gitattributes"))
	if string(data) != "*.png binary\n.leakhook-baseline merge=union\n" {
		t.Errorf("got %q", data)
	}
}
