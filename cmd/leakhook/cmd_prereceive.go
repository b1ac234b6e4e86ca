package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/leakhook/leakhook/hook"
	"github.com/leakhook/leakhook/report"
	"github.com/leakhook/leakhook/triage"
)

// serverTimeout is pre-receive's default time budget: GitHub Enterprise
// Server stops a pre-receive hook after 5 s.
const serverTimeout = 5 * time.Second

func runPreReceive(c *cli, fs *flag.FlagSet, args []string) (code int) {
	// A crash rejects with the server's message (main's names --no-verify,
	// which does not exist on this side).
	defer func() {
		if p := recover(); p != nil {
			stack, err := panicError(p)
			if os.Getenv("LEAKHOOK_DEBUG") == "1" {
				c.stderr.Write(stack)
			}
			code = c.receiveFailure(fmt.Errorf("internal error: %v", err))
		}
	}()
	var of outputFlags
	of.register(c, fs)
	serverConfig := fs.String("server-config", os.Getenv("LEAKHOOK_SERVER_CONFIG"), "the server's trusted configuration (default LEAKHOOK_SERVER_CONFIG)")
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return c.receiveFailure(fmt.Errorf("pre-receive takes no arguments (got %q)", rest))
	}
	if err := of.check(); err != nil {
		return c.receiveFailure(err)
	}
	timeoutSet := false
	fs.Visit(func(f *flag.Flag) { timeoutSet = timeoutSet || f.Name == "timeout" })
	if !timeoutSet && os.Getenv("LEAKHOOK_TIMEOUT") == "" {
		of.timeout = serverTimeout
	}
	wd, err := os.Getwd()
	if err != nil {
		return c.receiveFailure(err)
	}
	ctx, cancel := budget(of.timeout)
	defer cancel()
	o := hook.PreReceiveOptions{Dir: wd, Stdin: c.stdin, ServerConfig: *serverConfig, Stderr: c.stderr}
	o.FromEnv(os.Getenv)
	out, err := hook.PreReceive(ctx, o)
	if err != nil {
		return c.receiveFailure(err)
	}
	if out.Passed != "" {
		fmt.Fprintln(c.stderr, out.Passed)
		return exitClean
	}
	of.baseline = triage.None // PreReceive triaged with the baseline committed before the push
	code = of.emit(ctx, c, &out.Outcome, report.ModeReceive)
	if code == exitFound && out.Warn {
		fmt.Fprintln(c.stderr, `leakhook: the server is in warn-only mode ([server] mode = "warn"): this push is accepted, but remove the secrets above and rotate them`)
		return exitClean
	}
	return code
}

// receiveFailure rejects a push the server could not check.
func (c *cli) receiveFailure(err error) int {
	fmt.Fprintf(c.stderr, `leakhook: the server could not check this push: %v
The push was rejected so that nothing unchecked lands. Push in smaller parts
(fewer commits or one branch at a time), or ask the server's owner.
`, err)
	return exitProblem
}
