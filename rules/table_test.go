package rules

import (
	"reflect"
	"testing"

	"github.com/leakhook/leakhook/rules/internal/keywords"
)

// TestTableCurrent checks that table_gen.go holds exactly the embedded TOML
// rules. When it fails, run: go generate ./rules
func TestTableCurrent(t *testing.T) {
	if tableHash != EmbeddedHash() || tableStamp != EmbeddedStamp() {
		t.Fatal("rules/table_gen.go is stale: run go generate ./rules")
	}
	rs, allows, err := parseBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rs, tableRules) || !reflect.DeepEqual(allows, tableAllowlists) {
		t.Fatal("rules/table_gen.go differs from the TOML it claims to come from: run go generate ./rules")
	}
	if !reflect.DeepEqual(indexKeywords(rs), tableIndex) {
		t.Fatal("rules/table_gen.go's keyword index is not the one NewEngine builds: run go generate ./rules")
	}
	// The built-in engine takes the generated index; a copy of the rules
	// (as a configuration's layers make) gets one built, the same.
	e, err := NewEngine(tableRules, tableAllowlists)
	if err != nil {
		t.Fatal(err)
	}
	if &e.words[0] != &tableIndex.words[0] {
		t.Error("the built-in engine built its own keyword index")
	}
	if c, err := NewEngine(append([]Rule(nil), tableRules...), tableAllowlists); err != nil || &c.words[0] == &tableIndex.words[0] || !reflect.DeepEqual(c.index, e.index) {
		t.Errorf("a copy of the built-in rules: %v; own index %v, same index %v", err, &c.words[0] != &tableIndex.words[0], reflect.DeepEqual(c.index, e.index))
	}
}

// TestKeywordsCurrent checks that keywords_gen.bin is the automaton the
// built-in rules build today, and that the built-in engine uses it rather
// than building its own. When it fails, run: go generate ./rules
func TestKeywordsCurrent(t *testing.T) {
	rs, allows, err := parseBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := EncodeKeywords(rs, allows)
	if err != nil {
		t.Fatal(err)
	}
	if string(fresh) != builtinKeywords {
		t.Fatal("rules/keywords_gen.bin is stale: run go generate ./rules")
	}
	e, err := NewEngine(rs, allows)
	if err != nil {
		t.Fatal(err)
	}
	if keywords.Decode(builtinKeywords, e.words) == nil {
		t.Fatal("the built-in engine's keywords do not decode from keywords_gen.bin")
	}
	// A rule of one's own adds a keyword: the engine builds its automaton.
	own := append(append([]Rule{}, rs...), Rule{ID: "own", Regex: `(zq-[a-z0-9]{12})`, Keywords: []string{"zq-"}})
	e, err = NewEngine(own, allows)
	if err != nil {
		t.Fatal(err)
	}
	if keywords.Decode(builtinKeywords, e.words) != nil {
		t.Fatal("keywords_gen.bin decoded for a different keyword list")
	}
	fs, err := e.Scan(&Target{Path: "x.txt", Content: []byte("token = zq-k3x9q2m7w4p8\n")})
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, f := range fs {
		found = append(found, f.RuleID)
	}
	if !reflect.DeepEqual(found, []string{"own"}) {
		t.Fatalf("own rule's keyword: found %v", found)
	}
}

// TestTableRulesNeedNoDefaults checks what NewEngine no longer checks of the
// built-in table at start-up (it reads none of its rules there): every rule
// has an id, a regex and a name, and no singular allowlist to fold in.
func TestTableRulesNeedNoDefaults(t *testing.T) {
	for i, r := range tableRules {
		if r.ID == "" || r.Regex == "" || r.Name == "" || r.Allowlist != nil {
			t.Errorf("table rule %d (%q): id, regex and name must be set and allowlist (singular) unset", i, r.ID)
		}
	}
}
