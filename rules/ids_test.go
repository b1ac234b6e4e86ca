package rules

import (
	"io/fs"
	"testing"
)

// TestBuiltinIDsUnique fails when two built-in rule files define the same id:
// both rules would run, explain would show only one of them, and the rule
// count would count one secret type twice.
func TestBuiltinIDsUnique(t *testing.T) {
	names, err := fs.Glob(builtinFS, "data/*.toml")
	if err != nil {
		t.Fatal(err)
	}
	where := map[string]string{}
	for _, name := range names {
		data, err := builtinFS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, _, err := Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range f.Rules {
			if prev, ok := where[r.ID]; ok {
				t.Errorf("rule id %q is defined in %s and again in %s", r.ID, prev, name)
			}
			where[r.ID] = name
		}
	}
}
