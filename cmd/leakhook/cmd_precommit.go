package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/hook"
	"github.com/leakhook/leakhook/report"
)

func runPreCommit(c *cli, fs *flag.FlagSet, args []string) int {
	var of outputFlags
	of.register(c, fs)
	fs.Bool("files", false, "scan these files (the pre-commit framework passes them): within git commit, their staged change;\n"+
		"otherwise (pre-commit run --all-files/--files) their whole staged content. Everything after --files is a path.")
	// Everything after --files is a path, even one that starts with '-'.
	var files []string
	filesMode := false
	for i, a := range args {
		if a == "--files" || a == "-files" {
			files, args, filesMode = args[i+1:], args[:i], true
			break
		}
	}
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return c.problem("pre-commit takes no arguments (got %q); to scan files use --files PATH...", rest)
	}
	if err := of.check(); err != nil {
		return c.problem("%v", err)
	}
	if filesMode && frameworkStage() == "push" {
		return exitClean // the framework's push stage: leakhook-push scans the pushed commits
	}
	ctx, cancel := budget(of.timeout)
	defer cancel()

	wd, err := os.Getwd()
	if err != nil {
		return c.problem("%v", err)
	}
	backend, err := gitread.ParseBackend(os.Getenv("LEAKHOOK_BACKEND"))
	if err != nil {
		return c.problem("%v", err)
	}
	phase := c.phaseTimer()
	out, err := hook.PreCommit(ctx, hook.PreCommitOptions{
		Dir:        wd,
		ConfigFile: of.config,
		Backend:    backend,
		FilesMode:  filesMode,
		Files:      files,
		InCommit:   os.Getenv("GIT_INDEX_FILE") != "",
		LazyGC:     os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "",
		Reader:     c.readerOptions(),
		Stderr:     c.stderr,
		Phase:      phase,
	})
	if err != nil {
		return c.flowError(err, c.readFailure)
	}
	code = of.emit(ctx, c, out, report.ModeCommit)
	phase("report")
	if code == exitClean {
		out.WriteReceipt()
		phase("write scan receipt")
	}
	return code
}

// readFailure blocks when what is being committed could not be read: a
// failure to read is never "nothing found".
func (c *cli) readFailure(err error) int {
	fmt.Fprintf(c.stderr, `leakhook: could not read what is being committed: %v
Nothing was scanned, so leakhook blocked. Fix the problem above and try again;
to bypass the hook once, knowing nothing was checked: git commit --no-verify
`, err)
	return exitProblem
}
