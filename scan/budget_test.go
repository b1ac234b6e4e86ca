package scan

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/leakhook/leakhook/rules"
)

func builtinEngine(t *testing.T) *rules.Engine {
	t.Helper()
	cfg, err := rules.Load("", "")
	if err != nil {
		t.Fatal(err)
	}
	return cfg.Engine
}

// pipeStdin returns the read end of a pipe, standard input for the test;
// write (if not nil) is written to it and closed.
func pipeStdin(t *testing.T, write []byte) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	if write != nil {
		go func() { w.Write(write); w.Close() }()
	}
	return r
}

// TestPathsStdinBudget: `leakhook scan -` reported nothing found (exit 0,
// "[]") when the time budget ran out, and waited for standard input past
// it. Both must be a budget error.
func TestPathsStdinBudget(t *testing.T) {
	e := builtinEngine(t)
	tok, _ := rules.Expand("{{github:ghp}}", "stdin")

	// Budget already spent, input ready.
	stdin := pipeStdin(t, []byte("token = \""+tok+"\"\n"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if res, err := Paths(ctx, e, "", []string{"-"}, stdin, rules.DefaultMaxFileSize); !errors.Is(err, context.Canceled) {
		t.Fatalf("spent budget: result %+v, error %v; want the budget's error", res, err)
	}

	// Standard input never closes: the budget still holds.
	stdin = pipeStdin(t, nil)
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if res, err := Paths(ctx, e, "", []string{"-"}, stdin, rules.DefaultMaxFileSize); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("open stdin: result %+v, error %v; want the budget's error", res, err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("returned after %v, budget 200ms", d)
	}

	// With time to spare, the token is found.
	stdin = pipeStdin(t, []byte("token = \""+tok+"\"\n"))
	res, err := Paths(context.Background(), e, "", []string{"-"}, stdin, rules.DefaultMaxFileSize)
	if err != nil || len(res.Findings) != 1 {
		t.Fatalf("stdin: %+v, %v", res, err)
	}
}
