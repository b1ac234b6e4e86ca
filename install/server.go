package install

import (
	"fmt"
	"path/filepath"
)

// ServerOptions control a server install.
type ServerOptions struct {
	Options
	// ServerConfig is the server's trusted configuration the hook names
	// (pre-receive --server-config); "" leaves it to LEAKHOOK_SERVER_CONFIG.
	ServerConfig string
}

// Server installs the pre-receive hook into the bare repository dir (an
// existing pre-receive hook is chained, runs first, and sees the same ref
// lines) and sets receive.advertisePushOptions in that repository, so a
// pusher can send -o leakhook.skip=REASON. It never sets core.hooksPath: on
// a server that would silence every repository's own hooks (Gitea's).
func Server(dir string, o ServerOptions) (string, error) {
	o.Hooks = []string{"pre-receive"}
	if err := o.prepare(); err != nil {
		return "", err
	}
	bare, err := gitCmd(dir, "rev-parse", "--is-bare-repository")
	if err != nil {
		return "", fmt.Errorf("%s is not in a git repository", dir)
	}
	if bare != "true" {
		return "", fmt.Errorf("install --server is for a server's bare repository (the one pushes go to); in a clone run 'leakhook install'")
	}
	hd, err := hooksDir(dir)
	if err != nil {
		return "", err
	}
	command := hookCommands["pre-receive"]
	if o.ServerConfig != "" {
		abs, err := filepath.Abs(o.ServerConfig)
		if err != nil {
			return "", err
		}
		command += " --server-config " + shQuote(filepath.ToSlash(abs))
	}
	if err := installOne(hd, "pre-receive", scriptRunning("pre-receive", o.Binary, repoMode, command), &o.Options); err != nil {
		return "", err
	}
	if _, err := gitCmd(dir, "config", "receive.advertisePushOptions", "true"); err != nil {
		return "", err
	}
	o.logf("receive.advertisePushOptions = true (push options reach the hook: -o leakhook.skip=REASON)")
	return hd, nil
}
