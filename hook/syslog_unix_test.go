//go:build unix

package hook

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestSyslogWritesToTheLocalLogger: a skip record reaches a logger
// listening on a Unix datagram socket, with the auth facility's notice
// priority, the tag and pid, as log/syslog (no longer linked in) wrote it.
func TestSyslogWritesToTheLocalLogger(t *testing.T) {
	dir, err := os.MkdirTemp("", "lh-syslog") // short: a socket path is limited to ~100 bytes
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	sock := filepath.Join(dir, "log")
	l, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Skipf("no unixgram sockets here: %v", err)
	}
	defer l.Close()
	old := syslogPaths
	syslogPaths = []string{filepath.Join(dir, "missing"), sock}
	defer func() { syslogPaths = old }()
	if err := toSyslog("skipped check for refs/heads/main"); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1024)
	n, err := l.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^<37>[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d leakhook\[\d+\]: skipped check for refs/heads/main\n$`)
	if !re.Match(buf[:n]) {
		t.Errorf("logged %q", buf[:n])
	}
	syslogPaths = []string{filepath.Join(dir, "missing")}
	if err := toSyslog("x"); err == nil {
		t.Error("no logger listening, yet no error")
	}
}
