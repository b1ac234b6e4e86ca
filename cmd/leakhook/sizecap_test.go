package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/rules"
)

// TestSizeCapChangesNotCoverage (issue 20, item 5): pre-commit reads the
// staged change while the configuration loads, in windows of the default
// cap. A raised cap used to make it read the change a second time and hold
// all of it in memory (a 20 MB minified file: read twice, 138 MiB); now that
// first read stands. Whatever the cap, raised or lowered, a secret at the
// end of a 12 MB one-line file (over the default cap) is found, once.
func TestSizeCapChangesNotCoverage(t *testing.T) {
	tok, err := rules.Expand("{{github:ghp}}", t.Name())
	if err != nil {
		t.Fatal(err)
	}
	for _, capBytes := range []string{"104857600", "1048576"} {
		t.Run(capBytes, func(t *testing.T) {
			dir := t.TempDir()
			gitIn(t, dir, "init", "-q", "-b", "main")
			body := bytes.Repeat([]byte("a=1;b=2;"), 12<<20/8)
			body = append(body, "var k=\""+tok+"\";\n"...)
			if err := os.WriteFile(filepath.Join(dir, "min.js"), body, 0o644); err != nil {
				t.Fatal(err)
			}
			cfg := filepath.Join(t.TempDir(), "cfg.toml")
			if err := os.WriteFile(cfg, []byte("[scan]\nmaxFileSize = "+capBytes+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			gitIn(t, dir, "add", "min.js")
			t.Chdir(dir)
			var stdout, stderr strings.Builder
			code := run([]string{"pre-commit", "--config", cfg, "--format", "json"}, strings.NewReader(""), &stdout, &stderr)
			if code != exitFound {
				t.Fatalf("exit %d, want 1 (the token at the end of min.js):\n%s", code, stderr.String())
			}
			if n := strings.Count(stdout.String(), `"min.js"`); n != 1 {
				t.Errorf("min.js reported %d times, want once:\n%s", n, stdout.String())
			}
		})
	}
}
