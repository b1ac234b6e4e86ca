package rules

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParse loads arbitrary TOML as a rule file: errors are fine, panics are
// not, and an accepted file builds an engine or fails with an error.
func FuzzParse(f *testing.F) {
	f.Add([]byte("[[rules]]\nid = \"x\"\nregex = '''ab+c'''\nkeywords = [\"ab\"]\n"))
	f.Add([]byte("[extend]\nuseDefault = false\ndisabledRules = [\"a\"]\n[scan]\nmaxFileSize = 10\n"))
	f.Add([]byte("[[rules]]\nid = \"y\"\nregex = '''('''\n[[rules.allowlists]]\nregexes = ['''[''']\n"))
	f.Add([]byte("[allowlist]\npaths = ['''\\.md$''']\n[[allowlists]]\ntargetRules = [\"x\"]\nstopwords = [\"a\"]\n"))
	f.Add([]byte("[[rules]]\nid = 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, _, err := Parse("fuzz.toml", data)
		if err != nil {
			return
		}
		e, err := NewEngine(file.Rules, file.Allowlists)
		if err != nil {
			return
		}
		_ = e.CompileAll()
	})
}

// FuzzEngineScan runs the built-in rules over arbitrary content: no panic,
// and every finding points inside the content at the secret it reports.
func FuzzEngineScan(f *testing.F) {
	cfg, err := Load("", "")
	if err != nil {
		f.Fatal(err)
	}
	e := cfg.Engine
	for i, s := range []string{
		`token = "{{github:ghp}}"`,
		"-----BEGIN\x00 {{pem:RSA PRIVATE KEY}}\r\n",
		`mailgun: "{{hex:32}}-{{hex:8}}-{{hex:8}}"` + "\n\xff\xfe",
		"aws_access_key_id = AKIA{{upalnum:16}}\naws_secret_access_key = {{b64:40}}\n",
		"é\tü key-{{hex:32}}",
	} {
		v, err := Expand(s, strings.Repeat("s", i))
		if err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(v), uint8(0))
	}
	f.Fuzz(func(t *testing.T, content []byte, start uint8) {
		target := Target{Path: "f.txt", Content: content, StartLine: int(start)}
		fs, err := e.Scan(&target)
		if err != nil {
			t.Fatal(err)
		}
		// Each finding holds in one of the forms the rules saw (text.go):
		// the content, its text runs, or its UTF-16 decoding.
		first := max(int(start), 1)
		for _, f := range fs {
			var why string
			for _, form := range textForms(&target) {
				if why = checkFinding(f, form.Content, first); why == "" {
					break
				}
			}
			if why != "" {
				t.Fatal(why)
			}
		}
	})
}

// checkFinding says what is wrong with f as a finding in content whose first
// line is first, or "".
func checkFinding(f Finding, content []byte, first int) string {
	lines := bytes.Count(content, []byte{'\n'}) + 1
	if f.Line < first || f.EndLine < f.Line || f.EndLine >= first+lines {
		return fmt.Sprintf("%s: lines %d-%d outside %d-%d", f.RuleID, f.Line, f.EndLine, first, first+lines-1)
	}
	line := strings.Split(string(content), "\n")[f.Line-first]
	if f.Column < 1 || f.Column > utf8.RuneCountInString(line)+1 {
		return fmt.Sprintf("%s: column %d outside line of %d characters", f.RuleID, f.Column, utf8.RuneCountInString(line))
	}
	if f.Secret == "" || !bytes.Contains(content, []byte(f.Secret)) {
		return fmt.Sprintf("%s: secret %q not in content", f.RuleID, f.Secret)
	}
	if f.LineText != line {
		return fmt.Sprintf("%s: line text %q, want %q", f.RuleID, f.LineText, line)
	}
	return ""
}
