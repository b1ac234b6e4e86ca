package main

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/leakhook/leakhook/rules"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"leakhook": func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the CLI end-to-end scripts in testdata/script. Each runs
// the real binary in a fresh directory with git isolated from the machine.
func TestScript(t *testing.T) {
	testscript.Run(t, scriptParams(t, nil))
}

// TestScriptThroughGit runs the scripts again with the staged change read
// through git, the path large repositories take (there the diff is started
// before main by internal/prestart); the scripts' small repositories are
// otherwise read in-process.
func TestScriptThroughGit(t *testing.T) {
	testscript.Run(t, scriptParams(t, map[string]string{"LEAKHOOK_BACKEND": "git"}))
}

// scriptParams are the scripts' settings, with env added to their environment.
// The scripts' directories are under t's, removed when it ends (testscript's
// own left an empty go-test-script* directory in /tmp for every run).
func scriptParams(t *testing.T, env map[string]string) testscript.Params {
	return testscript.Params{
		Dir:         "testdata/script",
		WorkdirRoot: t.TempDir(),
		Setup: func(e *testscript.Env) error {
			for k, v := range env {
				e.Setenv(k, v)
			}
			env := e
			home := filepath.Join(env.WorkDir, ".home")
			env.Setenv("HOME", home)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			env.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(home, ".gitconfig"))
			env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
			env.Setenv("GIT_AUTHOR_NAME", "Test")
			env.Setenv("GIT_AUTHOR_EMAIL", "test@example.com")
			env.Setenv("GIT_COMMITTER_NAME", "Test")
			env.Setenv("GIT_COMMITTER_EMAIL", "test@example.com")
			env.Setenv("NO_COLOR", "1")
			return os.MkdirAll(home, 0o755)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"expand": cmdExpand,
			"recode": cmdRecode,
		},
	}
}

// cmdExpand rewrites files in place, replacing generators such as
// {{hex:32}} with random values, so scripts can commit realistic secrets
// without the repository storing any: expand FILE...
func cmdExpand(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) == 0 {
		ts.Fatalf("usage: expand FILE...")
	}
	for _, name := range args {
		p := ts.MkAbs(name)
		data, err := os.ReadFile(p)
		ts.Check(err)
		out, err := rules.Expand(string(data), name)
		ts.Check(err)
		ts.Check(os.WriteFile(p, []byte(out), 0o644))
	}
}

// cmdRecode rewrites a file in place as Windows tools and binary formats
// would hold it: recode utf16le|utf16be|utf16le-bom|utf16be-bom FILE encodes
// it as UTF-16; recode nul@N FILE puts a NUL byte at the end of line N.
func cmdRecode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: recode utf16le|utf16be|utf16le-bom|utf16be-bom|nul@N FILE")
	}
	p := ts.MkAbs(args[1])
	data, err := os.ReadFile(p)
	ts.Check(err)
	var out []byte
	switch how := args[0]; {
	case strings.HasPrefix(how, "nul@"):
		n, err := strconv.Atoi(how[4:])
		ts.Check(err)
		lines := strings.SplitAfter(string(data), "\n")
		if n < 1 || n > len(lines) {
			ts.Fatalf("%s has no line %d", args[1], n)
		}
		lines[n-1] = strings.TrimSuffix(lines[n-1], "\n") + "\x00\n"
		out = []byte(strings.Join(lines, ""))
	case strings.HasPrefix(how, "utf16"):
		units := utf16.Encode([]rune(string(data)))
		if strings.HasSuffix(how, "-bom") {
			units = append([]uint16{0xfeff}, units...)
		}
		var order binary.AppendByteOrder = binary.LittleEndian
		if strings.HasPrefix(how, "utf16be") {
			order = binary.BigEndian
		}
		for _, u := range units {
			out = order.AppendUint16(out, u)
		}
	default:
		ts.Fatalf("recode: unknown encoding %q", how)
	}
	ts.Check(os.WriteFile(p, out, 0o644))
}
