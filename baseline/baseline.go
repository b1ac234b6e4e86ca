// Package baseline reads and writes .leakhook-baseline, the list of secrets
// a repository already had when it adopted leakhook, so that they stop
// blocking while every new one still does.
//
// It is its own package because it is the one piece of leakhook that reads
// and writes a file in the user's repository, a file teams commit and merge.
// Its format is therefore built for merging: one line per secret,
// "rule-id fingerprint [expires=YYYY-MM-DD] [# reason]", sorted, keyed by a
// hash of the secret's value (never the value), with no line numbers (code
// moves) and no timestamps (every regeneration would conflict). Two branches
// that each baseline a different secret add two different lines, which git
// merges like any sorted list.
package baseline

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/leakhook/leakhook/rules"
)

// FileName is the baseline's name at the repository root.
const FileName = ".leakhook-baseline"

// dateLayout is the expiry format: a day, so the file has no clock times.
const dateLayout = "2006-01-02"

const header = `# leakhook baseline: secrets known when this was made. They do not block;
# new ones do. One line per secret: rule-id fingerprint [expires=YYYY-MM-DD] [# reason]
# The fingerprint is a slow salted hash of the value (v2: argon2id), never the
# value; still, a weak password is rotated, not baselined. After the expiry
# date the secret blocks again. Update: leakhook baseline [--prune]
`

// saltLine starts the header line that holds the repository's salt.
const saltLine = "# salt: "

// Entry is one known secret.
type Entry struct {
	RuleID string
	// Fingerprint is "v2:" and FingerprintV2's hex digits (a prefix of 16+
	// is accepted), or a v1 rules.Fingerprint (8+ hex digits), honoured
	// with a warning until leakhook baseline --migrate rewrites it.
	Fingerprint string
	Expires     string // YYYY-MM-DD, or "" for never
	Reason      string
}

func (e *Entry) key() string { return e.RuleID + " " + e.Fingerprint }

// String is the entry's line in the file.
func (e *Entry) String() string {
	s := e.RuleID + " " + e.Fingerprint
	if e.Expires != "" {
		s += " expires=" + e.Expires
	}
	if e.Reason != "" {
		s += " # " + e.Reason
	}
	return s
}

// V1 reports whether the entry still has a v1 fingerprint.
func (e *Entry) V1() bool { return !IsV2(e.Fingerprint) }

// Baseline is a parsed baseline file.
type Baseline struct {
	Path    string
	Salt    []byte // the repository's salt for v2 fingerprints; nil if the file has none
	entries map[string]*Entry
}

// New returns an empty baseline that will be written to path.
func New(path string) *Baseline { return &Baseline{Path: path, entries: map[string]*Entry{}} }

// Load reads the baseline at path; a missing file is (nil, nil).
func Load(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse reads baseline text. Errors name the file and line. Duplicate lines
// (a merge that kept both sides) are merged, keeping the later expiry.
func Parse(name string, data []byte) (*Baseline, error) {
	b := New(name)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, saltLine); ok {
			salt, err := hex.DecodeString(strings.TrimSpace(v))
			if err != nil || len(salt) < 8 {
				return nil, fmt.Errorf("%s:%d: the salt is not 16 or more hex digits", name, n)
			}
			if b.Salt != nil && !bytes.Equal(b.Salt, salt) {
				return nil, fmt.Errorf("%s:%d: a second, different salt (a merge of two baselines made with different salts?): keep one salt line and run leakhook baseline --migrate", name, n)
			}
			b.Salt = salt
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		for _, m := range []string{"<<<<<<<", "=======", ">>>>>>>", "|||||||"} {
			if strings.HasPrefix(line, m) {
				return nil, fmt.Errorf("%s:%d: unresolved merge conflict; keep the lines of both sides (the file is a sorted set) and remove the markers", name, n)
			}
		}
		e, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, n, err)
		}
		if old, ok := b.entries[e.key()]; ok {
			if old.Expires != "" && (e.Expires == "" || e.Expires > old.Expires) {
				old.Expires = e.Expires
			}
			if old.Reason == "" {
				old.Reason = e.Reason
			}
			continue
		}
		b.entries[e.key()] = e
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	return b, nil
}

func parseLine(line string) (*Entry, error) {
	e := &Entry{}
	if i := strings.Index(line, "#"); i >= 0 {
		e.Reason = strings.TrimSpace(line[i+1:])
		line = line[:i]
	}
	f := strings.Fields(line)
	if len(f) < 2 {
		return nil, fmt.Errorf("want \"rule-id fingerprint [expires=YYYY-MM-DD] [# reason]\", got %q", line)
	}
	e.RuleID, e.Fingerprint = f[0], strings.ToLower(f[1])
	if hexPart, ok := strings.CutPrefix(e.Fingerprint, V2Prefix); ok {
		if len(hexPart) < 16 || strings.Trim(hexPart, "0123456789abcdef") != "" {
			return nil, fmt.Errorf("rule %q: fingerprint is not v2: and 16 or more hex digits", e.RuleID)
		}
	} else if len(e.Fingerprint) < 8 || strings.Trim(e.Fingerprint, "0123456789abcdef") != "" {
		return nil, fmt.Errorf("rule %q: fingerprint is not 8 or more hex digits (v1) or v2: and 16 or more", e.RuleID)
	}
	for _, opt := range f[2:] {
		v, ok := strings.CutPrefix(opt, "expires=")
		if !ok {
			return nil, fmt.Errorf("rule %q: unknown field %q (want expires=YYYY-MM-DD or # reason)", e.RuleID, opt)
		}
		if _, err := time.Parse(dateLayout, v); err != nil {
			return nil, fmt.Errorf("rule %q: expires=%s is not a date YYYY-MM-DD", e.RuleID, v)
		}
		e.Expires = v
	}
	return e, nil
}

// Len is the number of entries.
func (b *Baseline) Len() int {
	if b == nil {
		return 0
	}
	return len(b.entries)
}

// Entries returns the entries sorted as in the file.
func (b *Baseline) Entries() []*Entry {
	if b == nil {
		return nil
	}
	out := make([]*Entry, 0, len(b.entries))
	for _, e := range b.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

// Lookup returns the entry for a finding, or nil: a v2 entry by the
// finding's stored fingerprint (rules.Finding.StoredFingerprint, set by
// triage under this baseline's salt), a v1 entry by its short one.
// Hand-written entries may abbreviate the fingerprint.
func (b *Baseline) Lookup(f *rules.Finding) *Entry {
	if b == nil {
		return nil
	}
	for _, fp := range []string{f.StoredFingerprint, f.Fingerprint} {
		if fp == "" {
			continue
		}
		if e, ok := b.entries[f.RuleID+" "+fp]; ok {
			return e
		}
	}
	for _, e := range b.entries {
		if e.RuleID != f.RuleID {
			continue
		}
		if e.V1() && f.Fingerprint != "" && strings.HasPrefix(f.Fingerprint, e.Fingerprint) ||
			!e.V1() && f.StoredFingerprint != "" && strings.HasPrefix(f.StoredFingerprint, e.Fingerprint) {
			return e
		}
	}
	return nil
}

// V1Entries counts the entries that still have a v1 fingerprint.
func (b *Baseline) V1Entries() int {
	n := 0
	if b != nil {
		for _, e := range b.entries {
			if e.V1() {
				n++
			}
		}
	}
	return n
}

// Status is what the baseline says about a finding.
type Status int

const (
	Unknown Status = iota // not in the baseline (a new secret): blocks
	Known                 // in the baseline: does not block
	Expired               // in the baseline past its expiry date: blocks again
)

// Status classifies f on the given day.
func (b *Baseline) Status(f *rules.Finding, today time.Time) (Status, *Entry) {
	e := b.Lookup(f)
	if e == nil {
		return Unknown, nil
	}
	if e.Expires != "" && today.Format(dateLayout) > e.Expires {
		return Expired, e
	}
	return Known, e
}

// Bytes is the file's content: the header, then the sorted entries.
func (b *Baseline) Bytes() []byte {
	var buf bytes.Buffer
	buf.WriteString(header)
	if b.Salt != nil {
		buf.WriteString(saltLine + hex.EncodeToString(b.Salt) + "\n")
	}
	for _, e := range b.Entries() {
		buf.WriteString(e.String())
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

// Write saves the baseline to b.Path, replacing the file atomically.
func (b *Baseline) Write() error {
	tmp, err := os.CreateTemp(filepath.Dir(b.Path), ".leakhook-baseline-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), b.Path)
}

// Stats says what Update changed.
type Stats struct {
	Added, Kept, Pruned int
	Migrated            int // v1 entries rewritten as v2 (counted in Kept too)
}

// Update returns the baseline after recording findings, which carry their
// v2 fingerprints under salt: entries for new secrets are added (with
// reason), existing entries keep their expiry and reason (a v1 entry a
// finding matches is rewritten as v2: that is the migration), and entries
// no finding matches are dropped only with prune.
func Update(old *Baseline, path string, salt []byte, findings []rules.Finding, reason string, prune bool) (*Baseline, Stats) {
	nb := New(path)
	nb.Salt = salt
	var st Stats
	seen := map[*Entry]bool{}
	for i := range findings {
		f := &findings[i]
		if e := old.Lookup(f); e != nil {
			if !seen[e] {
				seen[e] = true
				if e.V1() && f.StoredFingerprint != "" {
					m := *e
					m.Fingerprint = f.StoredFingerprint
					nb.entries[m.key()] = &m
					st.Migrated++
				} else {
					nb.entries[e.key()] = e
				}
				st.Kept++
			}
			continue
		}
		e := &Entry{RuleID: f.RuleID, Fingerprint: f.StoredFingerprint, Reason: reason}
		if _, dup := nb.entries[e.key()]; !dup {
			nb.entries[e.key()] = e
			st.Added++
		}
	}
	for _, e := range old.Entries() {
		if seen[e] {
			continue
		}
		if prune {
			st.Pruned++
			continue
		}
		nb.entries[e.key()] = e
		st.Kept++
	}
	return nb, st
}

// attrLine tells git to merge the baseline with its built-in union driver:
// two branches that each add an entry at the same place keep both lines
// instead of conflicting. Parse accepts the unsorted or duplicated result,
// and the next `leakhook baseline` sorts it again.
const attrLine = FileName + " merge=union"

// EnsureUnionMerge adds attrLine to root/.gitattributes unless the file
// already says something about the baseline. It reports whether it wrote.
func EnsureUnionMerge(root string) (bool, error) {
	p := filepath.Join(root, ".gitattributes")
	data, err := os.ReadFile(p)
	if err != nil && !os.IsNotExist(err) {
		return false, err
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) > 0 && (f[0] == FileName || f[0] == "/"+FileName) {
			return false, nil
		}
	}
	if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n")) {
		data = append(data, '\n')
	}
	data = append(data, attrLine+"\n"...)
	return true, os.WriteFile(p, data, 0o644)
}
