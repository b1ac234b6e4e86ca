package install

import (
	"errors"
	"fmt"
	"io"
	"strings"
)

// Where says where `leakhook install` puts the hooks.
type Where int

const (
	InRepo   Where = iota // the repository containing the directory
	InGlobal              // every repository: leakhook's global hooks directory
	InServer              // a server's bare repository: pre-receive
)

// Install is `leakhook install`: it installs hooks (a comma-separated
// list; ignored on a server) where says, with o's settings, and tells o.Log
// what now guards what. serverConfig goes with InServer only.
func Install(dir string, where Where, hooks, serverConfig string, o Options) error {
	switch where {
	case InServer:
		d, err := Server(dir, ServerOptions{Options: Options{Force: o.Force, Log: o.Log}, ServerConfig: serverConfig})
		if err != nil {
			return err
		}
		fmt.Fprintf(o.Log, "leakhook checks every push to this repository (pre-receive in %s).\n", d)
		return nil
	}
	for _, h := range strings.Split(hooks, ",") {
		if h = strings.TrimSpace(h); h != "" {
			o.Hooks = append(o.Hooks, h)
		}
	}
	if len(o.Hooks) == 0 {
		return errors.New("--hooks names no hook (use pre-commit, pre-push or both)")
	}
	if where == InGlobal {
		d, err := Global(o)
		if err != nil {
			return err
		}
		fmt.Fprintf(o.Log, "leakhook now guards every repository on this machine (hooks in %s).\n", d)
		fmt.Fprintln(o.Log, "A repository that sets its own core.hooksPath other than husky's is not covered: run 'leakhook install' there.")
		return nil
	}
	d, err := Repo(dir, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.Log, "leakhook guards this repository (its hooks directory: %s).\n", d)
	return nil
}

// Uninstall is `leakhook uninstall`: the global hooks, or those of the
// repository containing dir.
func Uninstall(dir string, global bool, log io.Writer) error {
	var err error
	if global {
		_, err = UninstallGlobal(log)
	} else {
		_, err = UninstallRepo(dir, log)
	}
	return err
}

// Doctor is `leakhook doctor`: one line per hook on w, saying whether git
// runs leakhook for it in the repository containing dir and how (Check).
// It says whether every hook is guarded.
func Doctor(dir string, w io.Writer) (guarded bool, err error) {
	sts, err := Check(dir)
	if err != nil {
		return false, err
	}
	guarded = true
	for _, st := range sts {
		word := "ok"
		if !st.Guarded {
			word, guarded = "NOT GUARDED", false
		}
		fmt.Fprintf(w, "%s: %s: %s\n", st.Hook, word, st.How)
	}
	return guarded, nil
}
