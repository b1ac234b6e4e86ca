package install

import (
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// shells that must run the hooks: dash (Debian's /bin/sh), posh (strict
// POSIX, rejects bash-isms), busybox sh (Alpine), and bash in POSIX mode
// (what Git for Windows and macOS run as sh). Missing ones are skipped; CI
// installs posh and busybox.
var shells = [][]string{{"dash"}, {"posh"}, {"busybox", "sh"}, {"bash", "--posix"}}

// Every hook script, run directly by each shell, calls leakhook with the
// right arguments, feeds pre-push's stdin to both leakhook and the chained
// hook, and honours the chained hook's failure.
func TestScriptRunsUnderPOSIXShells(t *testing.T) {
	isolate(t)
	bin, log := fakeLeakhook(t)
	found := 0
	for _, sh := range shells {
		if _, err := exec.LookPath(sh[0]); err != nil {
			t.Logf("%s not installed: skipped", sh[0])
			continue
		}
		found++
		for _, m := range []mode{repoMode, globalMode} {
			for _, name := range HookNames {
				t.Run(strings.Join(sh, "-")+"/"+map[mode]string{repoMode: "repo", globalMode: "global"}[m]+"/"+name, func(t *testing.T) {
					t.Setenv("FAKE_LOG_COMMIT_MSG", "1")
					repo := newRepo(t)
					hd := filepath.Join(repo, ".git", "hooks")
					hook := filepath.Join(t.TempDir(), name)
					if m == repoMode {
						hook = filepath.Join(hd, name)
					}
					writeScript(t, hook, script(name, bin, m))
					chained := filepath.Join(hd, name)
					if m == repoMode {
						chained += ChainedSuffix
					}
					writeScript(t, chained, "#!/bin/sh\necho \"own $*\" >> \"$FAKE_LOG\"\ncat >> \"$FAKE_LOG\"\nexit \"${OWN_EXIT:-0}\"\n")

					args, stdin := []string{}, ""
					if name == "pre-push" {
						args = []string{"origin", "https://example.invalid/r.git"}
						stdin = "refs/heads/a 1111 refs/heads/a 0000\nrefs/heads/b 2222 refs/heads/b 0000\n"
					}
					if name == "commit-msg" {
						args = []string{".git/COMMIT_EDITMSG"}
					}
					runHook := func(env ...string) error {
						resetLog(t, log)
						cmd := exec.Command(sh[0], append(append(sh[1:], hook), args...)...)
						cmd.Dir = repo
						cmd.Stdin = strings.NewReader(stdin)
						cmd.Env = append(cmd.Environ(), env...)
						out, err := cmd.CombinedOutput()
						if len(out) > 0 {
							t.Logf("output: %s", out)
						}
						return err
					}
					if err := runHook(); err != nil {
						t.Fatal(err)
					}
					lh := strings.TrimSpace("leakhook " + strings.Fields(hookCommands[name])[0] + " " + strings.Join(args, " "))
					own := "own " + strings.Join(args, " ")
					in := strings.Split(strings.TrimSpace(stdin), "\n")
					if stdin == "" {
						in = nil
					}
					var want []string
					if m == repoMode {
						want = append(append(append([]string{own}, in...), lh), inIfPush(name, in)...)
					} else {
						want = append(append(append([]string{lh}, inIfPush(name, in)...), own), in...)
					}
					if got := logLines(t, log); !reflect.DeepEqual(got, want) {
						t.Fatalf("calls:\n got %q\nwant %q", got, want)
					}
					if err := runHook("OWN_EXIT=5"); err == nil {
						t.Fatal("a failing chained hook did not fail the hook")
					}
					if err := runHook("FAKE_LEAKHOOK_EXIT=1"); err == nil {
						t.Fatal("a failing leakhook did not fail the hook")
					}
				})
			}
		}
	}
	if found == 0 {
		t.Skip("no POSIX shell found")
	}
}

func inIfPush(name string, in []string) []string {
	if name == "pre-push" {
		return in
	}
	return nil
}

// Constructs outside POSIX sh, or tools outside POSIX, that would break on
// some platform. The shells above catch most; this catches what a
// forgiving shell accepts silently.
var nonPOSIX = regexp.MustCompile(`\[\[|\bfunction\b|\blocal\b|<<<|\$'|\bsource\b|==|pipefail|\breadlink\b|\brealpath\b|\bmktemp\b|\bsed -i\b|\becho -e\b|\$\{[a-zA-Z_]+/`)

func TestScriptIsPortable(t *testing.T) {
	for _, m := range []mode{repoMode, globalMode} {
		for _, name := range HookNames {
			s := script(name, "/opt/O'Brien/bin/leakhook", m)
			if loc := nonPOSIX.FindStringIndex(s); loc != nil {
				t.Errorf("%s: non-portable %q in\n%s", name, s[loc[0]:loc[1]], s)
			}
			if !strings.HasPrefix(s, "#!/bin/sh\n"+Marker+"\n") {
				t.Errorf("%s: must start with #!/bin/sh and the marker", name)
			}
			if !strings.Contains(s, `'/opt/O'\''Brien/bin/leakhook'`) {
				t.Errorf("%s: binary path not quoted for sh:\n%s", name, s)
			}
			if strings.Contains(s, "\r") {
				t.Errorf("%s: CR in script", name)
			}
			if out, err := exec.Command("sh", "-n", "-c", s).CombinedOutput(); err != nil {
				t.Errorf("%s: sh -n: %v\n%s", name, err, out)
			}
		}
	}
}
