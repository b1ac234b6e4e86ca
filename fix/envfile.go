package fix

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// envFile is the env file as it is on disk, plus what this fix adds.
type envFile struct {
	path    string // relative to the repository root, slash-separated
	exists  bool
	values  map[string]string // NAME -> value already in the file
	added   []envEntry        // entries this fix appends
	byValue map[string]string // secret -> name chosen in this run
}

// envEntry is one NAME=value line to append.
type envEntry struct {
	Name, Value string
}

var envLine = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$`)
})

func readEnvFile(root, rel string) (*envFile, error) {
	f := &envFile{path: rel, values: map[string]string{}, byValue: map[string]string{}}
	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if os.IsNotExist(err) {
		return f, nil
	}
	if err != nil {
		return nil, err
	}
	f.exists = true
	for _, l := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
		if m := envLine().FindStringSubmatch(l); m != nil {
			f.values[m[1]] = unquoteEnv(m[2])
		}
	}
	return f, nil
}

// unquoteEnv reads a value the way dotenv loaders do for the forms this
// package writes: bare, single-quoted (literal) or double-quoted.
func unquoteEnv(v string) string {
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		return v[1 : len(v)-1]
	}
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		return strings.NewReplacer(`\\`, `\`, `\"`, `"`, `\$`, `$`).Replace(v[1 : len(v)-1])
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	return v
}

// quoteEnv formats a value so every common dotenv loader (python-dotenv,
// dotenv for Node and Ruby, phpdotenv, docker compose, sh's set -a; .)
// reads back the same bytes: bare when it is plain, else single quotes
// (no escapes, no interpolation). It fails for values with a single quote
// or a line break, which have no form all loaders agree on.
func quoteEnv(v string) (string, error) {
	if regexp.MustCompile(`^[A-Za-z0-9_./:@+,=%^~-]*$`).MatchString(v) {
		return v, nil
	}
	if strings.ContainsAny(v, "'\r\n") {
		return "", fmt.Errorf("the value contains a quote or a line break")
	}
	return "'" + v + "'", nil
}

// pick returns the variable to use for secret: the one already holding
// this value, else want if it is free, else want_2, want_3, ... An existing
// variable is never reassigned. isNew says the entry must be added; call
// take once the rewrite that uses the name has succeeded.
func (f *envFile) pick(want, secret string) (name string, isNew bool) {
	if n, ok := f.byValue[secret]; ok {
		return n, false
	}
	for i := 1; ; i++ {
		n := want
		if i > 1 {
			n = fmt.Sprintf("%s_%d", want, i)
		}
		v, taken := f.values[n]
		if taken && v == secret {
			return n, false
		}
		if !taken {
			return n, true
		}
	}
}

// take records that name now holds secret.
func (f *envFile) take(name, secret string, isNew bool) {
	f.byValue[secret] = name
	if isNew {
		f.values[name] = secret
		f.added = append(f.added, envEntry{name, secret})
	}
}

// appendEntries adds the new lines, creating the file with mode 0600. An
// existing file keeps its mode; a missing final newline is added first.
func (f *envFile) appendEntries(root string) error {
	if len(f.added) == 0 {
		return nil
	}
	p := filepath.Join(root, filepath.FromSlash(f.path))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	old, err := os.ReadFile(p)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	var b strings.Builder
	if len(old) > 0 && old[len(old)-1] != '\n' {
		b.WriteByte('\n')
	}
	for _, e := range f.added {
		q, err := quoteEnv(e.Value)
		if err != nil {
			return err
		}
		b.WriteString(e.Name + "=" + q + "\n")
	}
	w, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if _, err := w.WriteString(b.String()); err != nil {
		w.Close()
		return err
	}
	// On disk before the index or the source file loses the value.
	if err := w.Sync(); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// appendLine adds line to a text file (creating it with mode 0644) unless a
// line equal to it is already there.
func appendLine(p, line string) error {
	old, err := os.ReadFile(p)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	for _, l := range strings.Split(strings.ReplaceAll(string(old), "\r\n", "\n"), "\n") {
		if strings.TrimSpace(l) == line {
			return nil
		}
	}
	pre := ""
	if len(old) > 0 && old[len(old)-1] != '\n' {
		pre = "\n"
	}
	w, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := w.WriteString(pre + line + "\n"); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// hasVar reports whether an env example file already declares name.
func hasVar(p, name string) bool {
	data, err := os.ReadFile(p)
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(data), "\n") {
		if m := envLine().FindStringSubmatch(l); m != nil && m[1] == name {
			return true
		}
	}
	return false
}
