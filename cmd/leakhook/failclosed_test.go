package main

import (
	"context"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

// TestPanicInScanWorkerFailsClosed: a panic inside one of scan's pool
// goroutines (here a nil engine) reaches run's recover through conc's
// re-panic in Wait, blocks with exit 2 and one paragraph, and shows the
// stack only with LEAKHOOK_DEBUG=1.
func TestPanicInScanWorkerFailsClosed(t *testing.T) {
	commands = append(commands, &command{name: "test-worker-panic", run: func(*cli, *flag.FlagSet, []string) int {
		items := []scan.Item{{Target: rules.Target{Path: "a.txt", Content: []byte("x\n")}}}
		scan.Items(context.Background(), nil, items)
		return exitClean
	}})
	defer func() { commands = commands[:len(commands)-1] }()

	for _, debug := range []string{"", "1"} {
		t.Setenv("LEAKHOOK_DEBUG", debug)
		var stderr strings.Builder
		code := run([]string{"test-worker-panic"}, strings.NewReader(""), io.Discard, &stderr)
		out := stderr.String()
		if code != exitProblem {
			t.Fatalf("LEAKHOOK_DEBUG=%q: exit %d, want %d", debug, code, exitProblem)
		}
		for _, want := range []string{"internal error: panic: runtime error: invalid memory address", "blocked this operation", "--no-verify", "LEAKHOOK_DEBUG=1"} {
			if !strings.Contains(out, want) {
				t.Fatalf("LEAKHOOK_DEBUG=%q: message lacks %q:\n%s", debug, want, out)
			}
		}
		hasStack := strings.Contains(out, "goroutine ") || strings.Contains(out, ".go:")
		if hasStack != (debug == "1") {
			t.Fatalf("LEAKHOOK_DEBUG=%q: stack shown = %v:\n%s", debug, hasStack, out)
		}
		if debug == "" && strings.Count(strings.TrimSpace(out), "\n") > 5 {
			t.Fatalf("message is not one short paragraph:\n%s", out)
		}
	}
}
