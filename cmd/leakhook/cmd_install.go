package main

import (
	"flag"
	"os"
	"strings"

	"github.com/leakhook/leakhook/install"
)

func runInstall(c *cli, fs *flag.FlagSet, args []string) int {
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
	if *server && *global {
		return c.problem("--server and --global do not go together: a server's hooks go in each repository (a global core.hooksPath would silence the repositories' own hooks)")
	}
	where := install.InRepo
	if *server {
		where = install.InServer
	} else if *global {
		where = install.InGlobal
	}
	wd, err := os.Getwd()
	if err != nil {
		return c.problem("%v", err)
	}
	if err := install.Install(wd, where, *hooks, *serverConfig, install.Options{Force: *force, Team: *team, Log: c.stdout}); err != nil {
		return c.problem("%v", err)
	}
	return exitClean
}

func runDoctor(c *cli, fs *flag.FlagSet, args []string) int {
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
	guarded, err := install.Doctor(wd, c.stdout)
	if err != nil {
		return c.problem("%v", err)
	}
	if !guarded {
		return exitFound
	}
	return exitClean
}

func runUninstall(c *cli, fs *flag.FlagSet, args []string) int {
	global := fs.Bool("global", false, "remove the global hooks and unset git config --global core.hooksPath if it points at them")
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return c.problem("uninstall takes no arguments (got %q)", rest[0])
	}
	wd, err := os.Getwd()
	if err != nil {
		return c.problem("%v", err)
	}
	if err := install.Uninstall(wd, *global, c.stdout); err != nil {
		return c.problem("%v", err)
	}
	return exitClean
}
