// Package scan runs the rule engine over many targets in parallel: staged
// hunks, commits, or files on disk. It exists so that the hook flows and the
// scan command share one bounded worker pool and one deterministic ordering.
package scan

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/sourcegraph/conc/pool"

	"github.com/leakhook/leakhook/hook"
	"github.com/leakhook/leakhook/rules"
)

// Result is what a scan found and what it could not look at.
type Result struct {
	Findings []rules.Finding
	Skipped  []hook.Skipped
	Scanned  int // targets scanned
}

// Items scans items with a bounded pool and returns the findings sorted by
// path, line and column (then commit order is kept by a stable sort).
func Items(ctx context.Context, e *rules.Engine, items []hook.Item) (*Result, error) {
	ch := make(chan hook.Item)
	go func() {
		defer close(ch)
		for _, it := range items {
			select {
			case ch <- it:
			case <-ctx.Done():
				return
			}
		}
	}()
	return Stream(ctx, e, ch)
}

// maxBatch bounds the items one task scans, so that work still spreads
// over the workers when the producer is far ahead.
const maxBatch = 32

// Stream scans items as they arrive, so history scans need not hold every
// commit's diff in memory.
func Stream(ctx context.Context, e *rules.Engine, items <-chan hook.Item) (*Result, error) {
	var mu sync.Mutex
	res := &Result{}
	type keyed struct {
		seq int
		f   rules.Finding
	}
	var found []keyed
	p := pool.New().WithErrors().WithContext(ctx).WithMaxGoroutines(runtime.GOMAXPROCS(0)).WithCancelOnError()
	scanOne := func(it *hook.Item, n int) error {
		fs, err := e.Scan(&it.Target)
		if err != nil {
			return fmt.Errorf("%s: %v", it.Path, err)
		}
		if len(fs) == 0 {
			return nil
		}
		for i := range fs {
			if c := it.Commit; c != nil {
				fs[i].Commit, fs[i].Subject, fs[i].Ref = c.ID, c.Subject, c.Ref
			}
		}
		mu.Lock()
		for _, f := range fs {
			found = append(found, keyed{n, f})
		}
		mu.Unlock()
		return nil
	}
	// Items that are already waiting go to one task together: a history
	// stream is thousands of small hunks, and a task (a goroutine handoff)
	// per hunk cost more than scanning it.
	seq := 0
	for it := range items {
		batch, first := []hook.Item{it}, seq
	more:
		for len(batch) < maxBatch {
			select {
			case it, ok := <-items:
				if !ok {
					break more
				}
				batch = append(batch, it)
			default:
				break more
			}
		}
		seq += len(batch)
		p.Go(func(ctx context.Context) error {
			for i := range batch {
				if err := scanOne(&batch[i], first+i); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := p.Wait(); err != nil {
		return nil, err
	}
	sort.SliceStable(found, func(i, j int) bool {
		a, b := &found[i].f, &found[j].f
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		if found[i].seq != found[j].seq {
			return found[i].seq < found[j].seq
		}
		return a.RuleID < b.RuleID
	})
	for _, k := range found {
		res.Findings = append(res.Findings, k.f)
	}
	res.Scanned = seq
	return res, nil
}

// Paths scans files and directories on disk ("-" is standard input). Paths
// in findings are relative to base when they lie under it. Directories named
// .git are skipped; symlinks are not followed.
func Paths(ctx context.Context, e *rules.Engine, base string, paths []string, maxSize int64) (*Result, error) {
	var skipped []hook.Skipped
	var walkErr error
	ch := make(chan hook.Item)
	go func() {
		defer close(ch)
		send := func(it hook.Item) bool {
			select {
			case ch <- it:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for _, root := range paths {
			if root == "-" {
				data, err := io.ReadAll(io.LimitReader(os.Stdin, maxSize+1))
				if err != nil {
					walkErr = fmt.Errorf("reading standard input: %v", err)
					return
				}
				if int64(len(data)) > maxSize {
					skipped = append(skipped, hook.Skipped{Path: "-", Reason: fmt.Sprintf("larger than the size cap (%d bytes)", maxSize)})
					continue
				}
				if !send(fileItem("-", data)) {
					return
				}
				continue
			}
			err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if d.IsDir() {
					if d.Name() == ".git" && p != root {
						return filepath.SkipDir
					}
					return nil
				}
				if !d.Type().IsRegular() {
					return nil
				}
				rel := displayPath(base, p)
				info, err := d.Info()
				if err != nil {
					return err
				}
				if info.Size() > maxSize {
					skipped = append(skipped, hook.Skipped{Path: rel, Reason: fmt.Sprintf("larger than the size cap (%d bytes)", maxSize)})
					return nil
				}
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				if !send(fileItem(rel, data)) {
					return ctx.Err()
				}
				return nil
			})
			if err != nil {
				walkErr = err
				return
			}
		}
	}()
	res, err := Stream(ctx, e, ch)
	if err != nil {
		return nil, err
	}
	if walkErr != nil {
		return nil, walkErr
	}
	res.Skipped = skipped
	return res, nil
}

func fileItem(path string, data []byte) hook.Item {
	sniff := data
	if len(sniff) > 8000 {
		sniff = sniff[:8000]
	}
	return hook.Item{Target: rules.Target{Path: path, Content: data, StartLine: 1, Binary: bytes.IndexByte(sniff, 0) >= 0}}
}

// displayPath makes p relative to base (slash-separated) when it is inside it.
func displayPath(base, p string) string {
	if base != "" {
		if abs, err := filepath.Abs(p); err == nil {
			if rel, err := filepath.Rel(base, abs); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.ToSlash(rel)
			}
		}
	}
	return filepath.ToSlash(filepath.Clean(p))
}
