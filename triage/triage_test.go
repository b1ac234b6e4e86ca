package triage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/rules"
)

// TestApply decides four findings in one repository: one a .gitleaksignore
// entry suppresses, one the baseline knows, one whose baseline entry
// expired (blocks, labelled), and a new one (blocks, labelled "new").
func TestApply(t *testing.T) {
	root := t.TempDir()
	f := func(path, fp string) rules.Finding {
		return rules.Finding{RuleID: "r", Path: path, Line: 1, Fingerprint: fp, Secret: "value of " + path}
	}
	ignored, known, expired, fresh := f("a.txt", "aaaaaaaa11"), f("b.txt", "bbbbbbbb22"), f("c.txt", "cccccccc33"), f("d.txt", "dddddddd44")
	write(t, filepath.Join(root, ".gitleaksignore"), "a.txt:r:1\n")
	write(t, filepath.Join(root, ".leakhook-baseline"), "r bbbbbbbb\nr cccccccc33 expires=2000-01-01\n")
	write(t, filepath.Join(root, ".git"), "") // the repository's top
	cfg, err := rules.Load(root, "")
	if err != nil {
		t.Fatal(err)
	}
	in := []rules.Finding{ignored, known, expired, fresh}
	v, err := New(cfg, root, "").Apply(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Suppressed) != 2 || v.Known != 1 || len(v.Blocking) != 2 {
		t.Fatalf("suppressed %v, known %d, blocking %v", v.Suppressed, v.Known, v.Blocking)
	}
	// Each suppressed finding says by what, its file named from the root.
	if s := v.Suppressed[0].Suppressed; v.Suppressed[0].Path != "a.txt" || s == nil || s.Kind != rules.SuppressedIgnore || s.Key != ".gitleaksignore" {
		t.Errorf("ignored: %+v by %+v", v.Suppressed[0], s)
	}
	if s := v.Suppressed[1].Suppressed; v.Suppressed[1].Path != "b.txt" || s == nil || s.Kind != rules.SuppressedBaseline || s.Key != ".leakhook-baseline" {
		t.Errorf("known: %+v by %+v", v.Suppressed[1], s)
	}
	if v.Blocking[0].Path != "c.txt" || v.Blocking[1].Path != "d.txt" {
		t.Fatalf("blocking %v", v.Blocking)
	}
	if n := v.Note(&v.Blocking[0]); !strings.Contains(n, "expired on 2000-01-01") {
		t.Fatalf("expired note %q", n)
	}
	if n := v.Note(&v.Blocking[1]); n != "new" {
		t.Fatalf("new note %q", n)
	}
	if in[0].Path != "a.txt" || len(in) != 4 {
		t.Fatal("Apply modified its input")
	}

	// --baseline none: the baseline is not read, .gitleaksignore still is.
	v, err = New(cfg, root, None).Apply(in)
	if err != nil || len(v.Suppressed) != 1 || len(v.Blocking) != 3 || v.Note(&v.Blocking[0]) != "" {
		t.Fatalf("none: %v %+v", err, v)
	}
	// An explicit baseline that does not exist is an error, once there is
	// something to look up.
	if _, err := New(cfg, root, filepath.Join(root, "missing")).Apply(in); err == nil || !strings.Contains(err.Error(), "--baseline") {
		t.Fatalf("missing baseline: %v", err)
	}
	if v, err := New(cfg, root, filepath.Join(root, "missing")).Apply(nil); err != nil || len(v.Blocking) != 0 {
		t.Fatalf("no findings: %v", err)
	}
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
