package install

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServerInstallChainsAndAdvertisesPushOptions: install --server in a
// bare repository writes pre-receive naming the server configuration, keeps
// the server's own pre-receive (it runs first and reads the same ref lines),
// sets receive.advertisePushOptions locally, never core.hooksPath, and
// uninstall puts the old hook back.
func TestServerInstallChainsAndAdvertisesPushOptions(t *testing.T) {
	isolate(t)
	bin, log := fakeLeakhook(t)
	writeScript(t, bin, `#!/bin/sh
echo "leakhook $*" >> "$FAKE_LOG"
cat >> "$FAKE_LOG"
exit "${FAKE_LEAKHOOK_EXIT:-0}"
`)
	srv := filepath.Join(t.TempDir(), "srv.git")
	run(t, "", "git", "init", "-q", "--bare", srv)
	own := filepath.Join(srv, "hooks", "pre-receive")
	writeScript(t, own, "#!/bin/sh\nsed 's/^/own /' >> \"$FAKE_LOG\"\n")
	cfg := filepath.Join(t.TempDir(), "server.toml")
	if _, err := Server(srv, ServerOptions{Options: Options{Binary: bin}, ServerConfig: cfg}); err != nil {
		t.Fatal(err)
	}
	if got := run(t, srv, "git", "config", "receive.advertisePushOptions"); strings.TrimSpace(got) != "true" {
		t.Errorf("receive.advertisePushOptions = %q", got)
	}
	if out, err := try("", nil, "git", "config", "--global", "core.hooksPath"); err == nil {
		t.Errorf("core.hooksPath set globally: %s", out)
	}
	if _, err := os.Stat(own + ChainedSuffix); err != nil {
		t.Fatalf("the server's own hook was not kept: %v", err)
	}

	work := newRepo(t)
	out, err := try(work, nil, "git", "push", "-q", srv, "HEAD:refs/heads/main")
	if err != nil {
		t.Fatalf("push: %v\n%s", err, out)
	}
	lines := logLines(t, log)
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "own 0000000") || lines[1] != "leakhook pre-receive --server-config "+cfg || !strings.HasSuffix(lines[2], " refs/heads/main") {
		t.Errorf("hooks ran as %q", lines)
	}

	// A rejecting leakhook rejects the push.
	writeFile(t, filepath.Join(work, "x"), "x\n")
	run(t, work, "git", "add", "x")
	run(t, work, "git", "commit", "-q", "--no-verify", "-m", "x")
	t.Setenv("FAKE_LEAKHOOK_EXIT", "1")
	if out, err := try(work, nil, "git", "push", "-q", srv, "HEAD:refs/heads/main"); err == nil {
		t.Errorf("push went through a rejecting hook: %s", out)
	}

	if _, err := UninstallRepo(srv, nil); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, own); !strings.Contains(got, "sed 's/^/own /'") {
		t.Errorf("the server's own hook was not restored: %q", got)
	}
}

// TestServerInstallRefusesAClone: a clone is guarded by 'leakhook install'.
func TestServerInstallRefusesAClone(t *testing.T) {
	isolate(t)
	bin, _ := fakeLeakhook(t)
	_, err := Server(newRepo(t), ServerOptions{Options: Options{Binary: bin}})
	if err == nil || !strings.Contains(err.Error(), "bare repository") {
		t.Fatalf("err = %v", err)
	}
}
