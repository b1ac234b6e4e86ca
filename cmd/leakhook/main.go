// Command leakhook finds secrets in what is about to be committed or pushed and
// tells the developer how to move them into an environment variable or a vault.
//
// This package is only the command line: flags, environment, exit codes and
// the progress bar. The commands table lists the subcommands; each lives in
// its own cmd_*.go file and calls into hook (the flows), install or report,
// passing in the standard streams it was given.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/sourcegraph/conc/panics"

	"github.com/leakhook/leakhook/report"
)

// Exit codes, the contract with git hooks and CI.
const (
	exitClean   = 0 // nothing found
	exitFound   = 1 // secrets found: block
	exitProblem = 2 // usage, configuration or repository error: block
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = ""

type command struct {
	name    string
	args    string // usage synopsis after the name
	summary string
	run     func(c *cli, fs *flag.FlagSet, args []string) int
}

// cli is one run of the command line: its standard streams. Commands read
// and write only through it, never through os.Stdin, os.Stdout or os.Stderr.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// commands are leakhook's subcommands, in the order --help lists them;
// each runs in its cmd_*.go file with its flag set made and its -h wired.
var commands = []*command{
	{name: "baseline", args: "[--history] [--prune] [--migrate] [--file F] [--reason TEXT]", summary: "record the secrets already in the repository so they stop blocking (new ones still do)", run: runBaseline},
	{name: "commit-msg", args: "[--format F] [--config FILE] FILE", summary: "scan a commit message (git's commit-msg hook passes FILE); exit 1 blocks the commit", run: runCommitMsg},
	{name: "doctor", args: "", summary: "say whether git runs leakhook here for each hook, and what to do when a hook manager dropped it (exit 1)", run: runDoctor},
	{name: "explain", args: "RULE [--lang L] [--vault env|aws|hashicorp|conjur|all]", summary: "how to move a secret type into env or a vault, rotate it and check for misuse (offline)", run: runExplain},
	{name: "fix", args: "[--yes] [--vault aws|hashicorp|conjur] [PATH...]", summary: "move staged secrets into .env (or a vault) and read them from the environment; dry run unless --yes", run: runFix},
	{name: "install", args: "[--global | --server [--server-config FILE]] [--hooks LIST] [--force] [--team]", summary: "install leakhook's git hooks in this repository (or globally), keeping existing hooks", run: runInstall},
	{name: "pre-commit", args: "[--format F] [--config FILE] [--files PATH...]", summary: "scan the staged change (index vs HEAD); exit 1 blocks the commit", run: runPreCommit},
	{name: "pre-push", args: "[--format F] [--no-receipts] [REMOTE [URL]]", summary: "scan every commit a push sends (refs on stdin, as git gives them); exit 1 blocks the push", run: runPrePush},
	{name: "pre-receive", args: "[--server-config FILE]", summary: "server hook: check every commit a push brings (git's <old> <new> <ref> lines on stdin); exit 1 rejects the push", run: runPreReceive},
	{name: "rules", args: "[--config FILE]", summary: "list the rules in effect, one per line: ID  NAME", run: runRules},
	{name: "scan", args: "[--format F] [PATH...|-] | --git [RANGE...]", summary: "scan files and directories on disk (default .; - reads standard input), or with --git every commit of a range (default HEAD)", run: runScan},
	{name: "uninstall", args: "[--global]", summary: "remove leakhook's git hooks and restore the hooks they had set aside", run: runUninstall},
	{name: "version", summary: "print leakhook's version", run: runVersion},
}

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// run dispatches to a subcommand. A panic anywhere becomes exit 2 with a
// clear paragraph: a security hook that crashes must block, not pass.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr}
	defer func() {
		if p := recover(); p != nil {
			stack, err := panicError(p)
			code = c.internalError(err, stack)
		}
	}()
	if len(args) == 0 {
		usage(c.stderr)
		return exitProblem
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(c.stdout)
		return exitClean
	case "-version", "--version":
		args[0] = "version"
	}
	i := slices.IndexFunc(commands, func(cmd *command) bool { return cmd.name == args[0] })
	if i < 0 {
		if near := nearest(args[0]); near != "" {
			fmt.Fprintf(c.stderr, "leakhook: unknown command %q; did you mean %q?\nRun 'leakhook --help' for the list of commands.\n", args[0], near)
			return exitProblem
		}
		fmt.Fprintf(c.stderr, "leakhook: unknown command %q\n\n", args[0])
		usage(c.stderr)
		return exitProblem
	}
	return commands[i].run(c, c.newFlags(commands[i]), args[1:])
}

// panicError turns a recovered value into the error and stack internalError
// shows. A panic in a worker of scan's conc pool is re-panicked by Wait
// wrapped in *panics.Recovered, whose %v carries the worker's whole stack:
// unwrap it so that the default message stays one paragraph.
func panicError(p any) (stack []byte, err error) {
	if r, ok := p.(*panics.Recovered); ok && r != nil {
		return r.Stack, fmt.Errorf("panic: %v", r.Value)
	}
	if e, ok := p.(error); ok {
		var r *panics.ErrRecovered
		if errors.As(e, &r) {
			return r.Stack, fmt.Errorf("panic: %v", r.Value)
		}
	}
	return debug.Stack(), fmt.Errorf("panic: %v", p)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "leakhook finds secrets before they are committed or pushed.\n\nUsage:")
	for _, c := range commands {
		report.Wrap(w, "leakhook "+strings.TrimSpace(c.name+" "+c.args), "  ", "          ", helpWidth)
		report.Wrap(w, c.summary, "      ", "      ", helpWidth)
	}
	fmt.Fprintln(w, "\nRun 'leakhook COMMAND --help' for a command's options.")
	fmt.Fprintln(w, "Exit codes: 0 clean, 1 secrets found, 2 usage, configuration or repository\nerror.")
}

// newFlags returns a flag set whose -h prints the command's usage.
func (c *cli) newFlags(cmd *command) *flag.FlagSet {
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		w := fs.Output()
		report.Wrap(w, "Usage: leakhook "+strings.TrimSpace(cmd.name+" "+cmd.args), "", "         ", helpWidth)
		fmt.Fprintln(w)
		report.Wrap(w, cmd.summary, "", "", helpWidth)
		if hasFlags(fs) {
			fmt.Fprintln(w, "\nOptions:")
			fs.VisitAll(func(f *flag.Flag) {
				name, text := flag.UnquoteUsage(f)
				fmt.Fprintf(w, "  -%s %s\n", f.Name, name)
				if f.DefValue != "" && f.DefValue != "false" {
					text += " (default " + f.DefValue + ")"
				}
				report.Wrap(w, text, "      ", "      ", helpWidth)
			})
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parseFlags parses args, allowing flags after positional arguments. It
// returns ok=false with the exit code when parsing ended the command.
func (c *cli) parseFlags(fs *flag.FlagSet, args []string) (rest []string, code int, ok bool) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(c.stdout)
				fs.Usage()
				return nil, exitClean, false
			}
			return nil, exitProblem, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, 0, true
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), 0, true
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// problem reports a usage, configuration or repository error and returns exit 2.
func (c *cli) problem(format string, a ...any) int {
	fmt.Fprintf(c.stderr, "leakhook: "+format+"\n", a...)
	return exitProblem
}

// internalError is the fail-closed path: what failed, how to report it, how
// to bypass once. The Go stack is shown only with LEAKHOOK_DEBUG=1.
func (c *cli) internalError(err error, stack []byte) int {
	fmt.Fprintf(c.stderr, `leakhook: internal error: %v
leakhook could not finish, so it blocked this operation rather than let a secret through.
Please report it with the command you ran and 'leakhook version' at
https://github.com/leakhook/leakhook/issues (set LEAKHOOK_DEBUG=1 to include details).
To bypass the hook once, knowing nothing was checked: git commit --no-verify (or git push --no-verify).
`, err)
	if os.Getenv("LEAKHOOK_DEBUG") == "1" && stack != nil {
		c.stderr.Write(stack)
	}
	return exitProblem
}

// helpWidth is the width --help text is wrapped at: 80 columns fit every
// terminal and review tool.
const helpWidth = 80

// nearest returns the command a mistyped name most likely meant: one with
// the name as a prefix, or within two edits of it; "" if none.
func nearest(name string) string {
	best, bestD := "", 3
	for _, cmd := range commands {
		n := cmd.name
		d := editDistance(name, n)
		if strings.HasPrefix(n, name) && len(name) >= 3 {
			d = 1
		}
		if d < bestD || d == bestD && n < best {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is Levenshtein's distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
