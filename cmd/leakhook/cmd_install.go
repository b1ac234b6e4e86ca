package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/leakhook/leakhook/install"
)

func init() {
	register(&command{
		name:    "install",
		args:    "[--global | --server [--server-config FILE]] [--hooks LIST] [--force] [--team]",
		summary: "install leakhook's git hooks in this repository (or globally), keeping existing hooks",
		run:     runInstall,
	})
	register(&command{
		name:    "doctor",
		args:    "",
		summary: "say whether git runs leakhook here for each hook, and what to do when a hook manager dropped it (exit 1)",
		run:     runDoctor,
	})
	register(&command{
		name:    "uninstall",
		args:    "[--global]",
		summary: "remove leakhook's git hooks and restore the hooks they had set aside",
		run:     runUninstall,
	})
}

func runInstall(c *cli, args []string) int {
	fs := c.newFlags(commands["install"])
	global := fs.Bool("global", false, "install for every repository: hooks in leakhook's config dir, set with git config --global core.hooksPath")
	hooks := fs.String("hooks", strings.Join(install.HookNames, ","), "comma-separated hooks to install")
	force := fs.Bool("force", false, "replace an existing hook instead of chaining it (kept aside, restored by uninstall); with --global, replace another core.hooksPath")
	team := fs.Bool("team", false, "with husky or lefthook: edit the team's committed hook files (.husky/<hook>, lefthook.yml) instead of your own (husky's init.sh, lefthook-local.yml)")
	server := fs.Bool("server", false, "in a server's bare repository: install the pre-receive hook (chaining an existing one) and set receive.advertisePushOptions")
	serverConfig := fs.String("server-config", "", "with --server: the server's trusted configuration the hook reads")
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return c.problem("install takes no arguments (got %q)", rest[0])
	}
	if *serverConfig != "" && !*server {
		return c.problem("--server-config goes with --server")
	}
	if *server {
		if *global {
			return c.problem("--server and --global do not go together: a server's hooks go in each repository (a global core.hooksPath would silence the repositories' own hooks)")
		}
		wd, err := os.Getwd()
		if err != nil {
			return c.problem("%v", err)
		}
		dir, err := install.Server(wd, install.ServerOptions{Options: install.Options{Force: *force, Log: c.stdout}, ServerConfig: *serverConfig})
		if err != nil {
			return c.problem("%v", err)
		}
		fmt.Fprintf(c.stdout, "leakhook checks every push to this repository (pre-receive in %s).\n", dir)
		return exitClean
	}
	var names []string
	for _, h := range strings.Split(*hooks, ",") {
		if h = strings.TrimSpace(h); h != "" {
			names = append(names, h)
		}
	}
	if len(names) == 0 {
		return c.problem("--hooks names no hook (use pre-commit, pre-push or both)")
	}
	o := install.Options{Hooks: names, Force: *force, Team: *team, Log: c.stdout}
	if *global {
		dir, err := install.Global(o)
		if err != nil {
			return c.problem("%v", err)
		}
		fmt.Fprintf(c.stdout, "leakhook now guards every repository on this machine (hooks in %s).\n", dir)
		fmt.Fprintln(c.stdout, "A repository that sets its own core.hooksPath other than husky's is not covered: run 'leakhook install' there.")
		return exitClean
	}
	wd, err := os.Getwd()
	if err != nil {
		return c.problem("%v", err)
	}
	dir, err := install.Repo(wd, o)
	if err != nil {
		return c.problem("%v", err)
	}
	fmt.Fprintf(c.stdout, "leakhook guards this repository (its hooks directory: %s).\n", dir)
	return exitClean
}

func runDoctor(c *cli, args []string) int {
	fs := c.newFlags(commands["doctor"])
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return c.problem("doctor takes no arguments (got %q)", rest[0])
	}
	wd, err := os.Getwd()
	if err != nil {
		return c.problem("%v", err)
	}
	sts, err := install.Check(wd)
	if err != nil {
		return c.problem("%v", err)
	}
	code = exitClean
	for _, st := range sts {
		word := "ok"
		if !st.Guarded {
			word, code = "NOT GUARDED", exitFound
		}
		fmt.Fprintf(c.stdout, "%s: %s: %s\n", st.Hook, word, st.How)
	}
	return code
}

func runUninstall(c *cli, args []string) int {
	fs := c.newFlags(commands["uninstall"])
	global := fs.Bool("global", false, "remove the global hooks and unset git config --global core.hooksPath if it points at them")
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return c.problem("uninstall takes no arguments (got %q)", rest[0])
	}
	if *global {
		if _, err := install.UninstallGlobal(c.stdout); err != nil {
			return c.problem("%v", err)
		}
		return exitClean
	}
	wd, err := os.Getwd()
	if err != nil {
		return c.problem("%v", err)
	}
	if _, err := install.UninstallRepo(wd, os.Stdout); err != nil {
		return c.problem("%v", err)
	}
	return exitClean
}
