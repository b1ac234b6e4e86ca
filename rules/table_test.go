package rules

import (
	"reflect"
	"testing"
)

// TestTableCurrent checks that table_gen.go holds exactly the embedded TOML
// rules. When it fails, run: go generate ./rules
func TestTableCurrent(t *testing.T) {
	if tableHash != EmbeddedHash() {
		t.Fatal("rules/table_gen.go is stale: run go generate ./rules")
	}
	rs, allows, err := parseBuiltin()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rs, tableRules) || !reflect.DeepEqual(allows, tableAllowlists) {
		t.Fatal("rules/table_gen.go differs from the TOML it claims to come from: run go generate ./rules")
	}
}
