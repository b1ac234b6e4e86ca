package main

import (
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
)

func runVersion(c *cli, fs *flag.FlagSet, args []string) int {
	rest, code, ok := c.parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return c.problem("version takes no arguments (got %q)", rest[0])
	}
	v := version
	if v == "" {
		v = "(devel)"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
			v = bi.Main.Version
		}
	}
	fmt.Fprintf(c.stdout, "leakhook %s %s/%s\n", v, runtime.GOOS, runtime.GOARCH)
	return exitClean
}
