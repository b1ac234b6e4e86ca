package rules

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// The self-check. A repository's .leakhook.toml is written by whoever
// commits, and a few lines of it (`paths = [".*"]`, `regexes = ["."]`,
// `useDefault = false` plus a dummy rule, `maxFileSize = 1`) used to switch
// detection off without a word. So after loading, the built-in rules' own
// true-positive examples (the generators expanded with fixed seeds, as the
// test suite does) are run through the effective configuration. A
// repository configuration that suppresses any example of a first-class
// type, more than SuppressLimit of all examples, or every built-in rule is
// a configuration error naming the keys, unless a trusted configuration
// says [trust] allowSuppression = true. Suppressions a trusted file makes
// are its owner's choice and do not count. The limits are relative, so
// they hold as rules are added.

// SuppressLimit is the share of the built-in examples a repository's
// configuration may suppress (path allowlists for docs and fixtures,
// a disabled noisy rule) before it counts as switching detection off.
const SuppressLimit = 0.05

// firstClass are the rule id prefixes of the types leakhook was built for
// (SMTP, Mailjet, Mailgun, crates.io), and firstClassIDs the AWS SES
// credentials (other AWS services' rules are not): a repository
// configuration may not silence any of their examples.
var (
	firstClass    = []string{"smtp-", "mailjet-", "mailgun-", "crates-io-"}
	firstClassIDs = map[string]bool{"aws-access-key-id": true, "aws-secret-access-key": true, "aws-ses-smtp-password": true}
)

// IsFirstClass reports whether a rule id belongs to a first-class type.
func IsFirstClass(id string) bool {
	for _, p := range firstClass {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return firstClassIDs[id]
}

// suppressors records which settings can drop a built-in rule's findings
// without an allowlist: removing the rule, changing it, the size cap.
type suppressors struct {
	maxFileSize origin
	removed     map[string]origin // rule id -> the key that removed it
	changed     map[string]origin // rule id -> the [[rules]] entry that changed it
}

// trace collects, during one self-check scan, the allowlists that dropped
// a finding.
type trace struct {
	by map[string]origin // rule id -> allowlist origin
}

func (t *trace) drop(rule string, o origin) {
	if t == nil {
		return
	}
	if t.by == nil {
		t.by = map[string]origin{}
	}
	if _, ok := t.by[rule]; !ok {
		t.by[rule] = o
	}
}

// SelfCheckResult is what the self-check found.
type SelfCheckResult struct {
	Examples   int            // built-in true-positive examples run
	Suppressed int            // of those, how many the repository's configuration suppresses
	ByKey      map[string]int // "file:line:col: key" -> examples it suppresses
	FirstClass []string       // first-class rule ids with a suppressed example
	Builtins   int            // built-in rules left in effect
}

// selfCheckVersion changes when the check's logic changes, so cached
// verdicts of an older check are not trusted.
const selfCheckVersion = "leakhook-selfcheck-v1"

// selfCheck runs SelfCheck unless cacheDir holds a passing verdict for the
// same configuration bytes and built-in rules, and records a pass there.
func (c *Config) selfCheck(cacheDir string) error {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n%d\n", selfCheckVersion, tableHash, EmbeddedStamp(), len(tableRules))
	h.Write(c.digest)
	key := hex.EncodeToString(h.Sum(nil))
	cache := ""
	if cacheDir != "" {
		cache = filepath.Join(cacheDir, "selfcheck")
		if data, err := os.ReadFile(cache); err == nil && bytes.Contains(data, []byte(key+"\n")) {
			return nil
		}
	}
	res, err := c.SelfCheck()
	if err != nil {
		return err
	}
	if err := res.verdict(); err != nil {
		return err
	}
	if cache != "" {
		rememberPass(cache, key)
	}
	return nil
}

// rememberPass appends a passing key to the cache file, keeping the last
// 32, atomically; failing to write it only costs a check next time.
func rememberPass(cache, key string) {
	data, _ := os.ReadFile(cache)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) > 31 {
		lines = lines[len(lines)-31:]
	}
	lines = append(lines, key)
	out := strings.TrimLeft(strings.Join(lines, "\n"), "\n") + "\n"
	if err := os.MkdirAll(filepath.Dir(cache), 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(cache), ".selfcheck-*")
	if err != nil {
		return
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(out); err != nil {
		tmp.Close()
		return
	}
	if tmp.Close() == nil {
		os.Rename(tmp.Name(), cache)
	}
}

// SelfCheck runs every built-in rule's true-positive examples through the
// configuration and counts those that untrusted settings suppress, by key.
//
// It scans only where it must. Removed rules and the size cap need no
// scan; allowlists that look only at paths are decided by the example's
// path. The examples are scanned (compiling the rules they touch) only for
// rules a repository's [[rules]] entry changed, or when its allowlists
// look at values (regexes, stopwords): ~0.3 s on two cores, once per
// configuration, as the verdict is cached.
func (c *Config) SelfCheck() (*SelfCheckResult, error) {
	bRules, _, err := Builtin()
	if err != nil {
		return nil, err
	}
	global, err := c.Engine.global.get()
	if err != nil {
		return nil, err
	}
	var pathOnly []*compiledAllowlist // untrusted allowlists decided by the path alone
	scanAll := false
	for _, a := range global {
		if a.origin.trusted || a.origin.key == "" {
			continue
		}
		if len(a.regexes)+len(a.stopwords) > 0 {
			scanAll = true
		}
		pathOnly = append(pathOnly, a)
	}
	inEffect := map[string]bool{}
	for _, r := range c.Engine.rules {
		inEffect[r.ID] = true
	}
	res := &SelfCheckResult{ByKey: map[string]int{}}
	first := map[string]bool{}
	var mu sync.Mutex
	count := func(rule string, o origin) {
		if o.trusted || o.key == "" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		res.Suppressed++
		res.ByKey[o.key]++
		if IsFirstClass(rule) {
			first[rule] = true
		}
	}
	type example struct {
		rule       string
		path, text string
	}
	var toScan []example
	for _, r := range bRules {
		if inEffect[r.ID] {
			res.Builtins++
		}
		changed, isChanged := c.check.changed[r.ID]
		for i, tmpl := range r.TP {
			path, text, err := ExampleText(r.ID, i, tmpl)
			if err != nil {
				return nil, err
			}
			res.Examples++
			if o, ok := c.check.removed[r.ID]; ok && !inEffect[r.ID] {
				count(r.ID, o)
				continue
			}
			if int64(len(text)) > c.MaxFileSize {
				count(r.ID, c.check.maxFileSize)
				continue
			}
			if scanAll || isChanged && !changed.trusted {
				toScan = append(toScan, example{r.ID, path, text})
				continue
			}
			for _, a := range pathOnly {
				if a.targets(r.ID) && a.allows(path, []byte{}, nil, nil, 0) {
					count(r.ID, a.origin)
					break
				}
			}
		}
	}
	var wg sync.WaitGroup
	var scanErr error
	workers := runtime.GOMAXPROCS(0)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(toScan); i += workers {
				ex := toScan[i]
				tr := &trace{}
				fs, err := c.Engine.Scan(&Target{Path: ex.path, Content: []byte(ex.text), trace: tr})
				if err != nil {
					mu.Lock()
					scanErr = err
					mu.Unlock()
					return
				}
				if hasRuleID(fs, ex.rule) {
					continue
				}
				if o, ok := tr.by[ex.rule]; ok {
					count(ex.rule, o)
				} else if o, ok := c.check.changed[ex.rule]; ok {
					count(ex.rule, o)
				}
			}
		}(w)
	}
	wg.Wait()
	if scanErr != nil {
		return nil, scanErr
	}
	for id := range first {
		res.FirstClass = append(res.FirstClass, id)
	}
	sort.Strings(res.FirstClass)
	return res, nil
}

// verdict is the self-check's rule: an error naming the keys, or nil.
func (r *SelfCheckResult) verdict() error {
	var why string
	switch {
	case r.Builtins == 0:
		why = "it switches off every built-in rule"
	case len(r.FirstClass) > 0:
		ids := r.FirstClass
		if len(ids) > 4 {
			ids = append(ids[:4:4], fmt.Sprintf("and %d more", len(r.FirstClass)-4))
		}
		why = "it silences first-class secret types (" + strings.Join(ids, ", ") + ")"
	case float64(r.Suppressed) > SuppressLimit*float64(r.Examples):
		why = fmt.Sprintf("it suppresses more than %.0f%% of them", SuppressLimit*100)
	default:
		return nil
	}
	keys := make([]string, 0, len(r.ByKey))
	for k := range r.ByKey {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if r.ByKey[keys[i]] != r.ByKey[keys[j]] {
			return r.ByKey[keys[i]] > r.ByKey[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var b strings.Builder
	fmt.Fprintf(&b, "this repository's configuration switches detection off: %s; it suppresses %d of the %d examples of the built-in rules", why, r.Suppressed, r.Examples)
	for _, k := range keys {
		fmt.Fprintf(&b, "\n  %s: suppresses %d", k, r.ByKey[k])
	}
	b.WriteString("\nA repository's own configuration may not do that: narrow the key above (allow paths like docs/** or single values instead)." +
		"\nIf it is intended, say so in a trusted configuration, which the repository cannot edit: [trust] allowSuppression = true" +
		"\nin your own ~/.config/leakhook/config.toml, or in a file passed with --config.")
	return fmt.Errorf("%s", b.String())
}

// ExampleText expands a rule's example as the test suite does: the seed
// is "<rule>/tp/<i>", and an example may start with "@path\n" to say which
// file it stands for.
func ExampleText(rule string, i int, tmpl string) (path, text string, err error) {
	path = "example.txt"
	if strings.HasPrefix(tmpl, "@") {
		nl := strings.IndexByte(tmpl, '\n')
		if nl < 0 {
			return "", "", fmt.Errorf("rule %s tp[%d]: @path line without content", rule, i)
		}
		path, tmpl = tmpl[1:nl], tmpl[nl+1:]
	}
	text, err = Expand(tmpl, fmt.Sprintf("%s/%s/%d", rule, "tp", i))
	return path, text, err
}

func hasRuleID(fs []Finding, id string) bool {
	for _, f := range fs {
		if f.RuleID == id {
			return true
		}
	}
	return false
}
