package scan

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/rules"
)

var expectRE = regexp.MustCompile(`expect(-next-line)?:([a-z0-9,\-]+)`)

// TestRealisticCode scans testdata/realistic, after expanding its generators,
// and checks findings against the expect: annotations: every annotated line
// gives exactly its rules, and no other line gives anything. This is recall
// and precision on code shaped like what users commit.
func TestRealisticCode(t *testing.T) {
	src := filepath.Join("..", "testdata", "realistic")
	dir := t.TempDir()
	if err := rules.ExpandTree(src, dir); err != nil {
		t.Fatal(err)
	}
	// Read the expectations from the expanded files (annotations survive expansion).
	want := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			if m := expectRE.FindStringSubmatch(line); m != nil {
				n := i + 1
				if m[1] != "" {
					n++
				}
				for _, id := range strings.Split(m[2], ",") {
					want[fmt.Sprintf("%s:%d:%s", filepath.ToSlash(rel), n, id)] = true
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := rules.Load("", "")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Paths(context.Background(), cfg.Engine, dir, []string{dir}, nil, cfg.MaxFileSize)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, f := range res.Findings {
		got[fmt.Sprintf("%s:%d:%s", f.Path, f.Line, f.RuleID)] = true
	}
	var missing, extra []string
	for k := range want {
		if !got[k] {
			missing = append(missing, k)
		}
	}
	for k := range got {
		if !want[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("missed:\n  %s", strings.Join(missing, "\n  "))
	}
	if len(extra) > 0 {
		t.Errorf("false alarms:\n  %s", strings.Join(extra, "\n  "))
	}
	if len(want) < 20 {
		t.Fatalf("only %d expectations: the annotations were not read", len(want))
	}
}
