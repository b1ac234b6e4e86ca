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
	"sync/atomic"
	"unicode/utf8"

	"github.com/sourcegraph/conc/pool"

	"github.com/leakhook/leakhook/rules"
)

// Result is what a scan found and what it could not look at.
type Result struct {
	Findings []rules.Finding
	Skipped  []Skipped
	Scanned  int // targets scanned
	// Suppressed are the findings an inline allow marker or a
	// configuration's allowlist dropped (rules.Target.Suppressed), in the
	// same order, for the reports' counts.
	Suppressed []rules.Finding
}

// Items scans items with a bounded pool and returns the findings sorted by
// path, line and column (then commit order is kept by a stable sort).
func Items(ctx context.Context, e *rules.Engine, items []Item) (*Result, error) {
	ch := make(chan Item)
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
func Stream(ctx context.Context, e *rules.Engine, items <-chan Item) (*Result, error) {
	var c collector
	p := pool.New().WithErrors().WithContext(ctx).WithMaxGoroutines(runtime.GOMAXPROCS(0)).WithCancelOnError().WithFirstError()
	// Items that are already waiting go to one task together: a history
	// stream is thousands of small hunks, and a task (a goroutine handoff)
	// per hunk cost more than scanning it.
	// A batch's slice is used again once its task is done: a fresh one for
	// each was most of a short push's memory, and fresh memory is paid in
	// page faults.
	batches := sync.Pool{New: func() any { return new([maxBatch]Item) }}
	seq := 0
	for it := range items {
		buf := batches.Get().(*[maxBatch]Item)
		batch, first := append(buf[:0], it), seq
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
			defer func() {
				clear(batch) // hold no scanned content
				batches.Put(buf)
			}()
			for i := range batch {
				if err := c.scan(ctx, e, &batch[i], first+i); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := p.Wait(); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err // the producer stopped early: not everything was scanned
	}
	return &Result{Findings: sortFound(c.found), Suppressed: sortFound(c.suppressed), Scanned: seq}, nil
}

// collector gathers findings from concurrent scans and sorts them
// deterministically, whatever order the scans finished in.
type collector struct {
	mu         sync.Mutex
	found      []keyedFinding
	suppressed []keyedFinding
}

type keyedFinding struct {
	order int // its commit's Order
	seq   int // the target's place in the input
	f     rules.Finding
}

// scan scans one target; seq is its place in the input.
func (c *collector) scan(ctx context.Context, e *rules.Engine, it *Item, seq int) error {
	fs, err := e.ScanContext(ctx, &it.Target)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // the budget ran out inside this target
		}
		return fmt.Errorf("%s: %v", it.Path, err)
	}
	sup := it.Target.Suppressed
	if len(fs) == 0 && len(sup) == 0 {
		return nil
	}
	fs, sup = place(it, fs), place(it, sup)
	order := OrderOf(it.Commit)
	c.mu.Lock()
	for _, f := range fs {
		c.found = append(c.found, keyedFinding{order, seq, f})
	}
	for _, f := range sup {
		c.suppressed = append(c.suppressed, keyedFinding{order, seq, f})
	}
	c.mu.Unlock()
	return nil
}

// place gives findings of it their place: the column within a long line
// that came in pieces, and the commit.
func place(it *Item, fs []rules.Finding) []rules.Finding {
	if len(fs) == 0 {
		return fs
	}
	if it.Column > 0 || it.Seen > 0 {
		fs = placePiece(it, fs)
	}
	for i := range fs {
		if cm := it.Commit; cm != nil {
			fs[i].Commit, fs[i].Subject, fs[i].Ref = cm.ID, cm.Subject, cm.Ref
		}
	}
	return fs
}

// sortFound returns the findings by path, line and column, then their
// commits' order in history, then input order.
func sortFound(found []keyedFinding) []rules.Finding {
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
		if found[i].order != found[j].order {
			return found[i].order < found[j].order
		}
		if found[i].seq != found[j].seq {
			return found[i].seq < found[j].seq
		}
		return a.RuleID < b.RuleID
	})
	out := make([]rules.Finding, 0, len(found))
	for _, k := range found {
		out = append(out, k.f)
	}
	return out
}

// Paths scans files and directories on disk ("-" is stdin, the command's
// standard input). Paths in findings are relative to base when they lie
// under it. Directories named .git are skipped; symlinks are not followed.
// A read of stdin that the budget (ctx) abandons is left running; stdin may
// be nil when no path is "-".
func Paths(ctx context.Context, e *rules.Engine, base string, paths []string, stdin io.Reader, maxSize int64) (*Result, error) {
	// The walk only lists files; the workers read and scan them, so reading
	// (a few syscalls per file) is spread over the workers too.
	type job struct {
		seq       int
		path, rel string
		data      []byte // standard input, already read
	}
	var skipped []Skipped
	var walkErr error
	jobs := make(chan job, 256)
	go func() {
		defer close(jobs)
		seq := 0
		send := func(j job) bool {
			j.seq = seq
			seq++
			select {
			case jobs <- j:
				return true
			case <-ctx.Done():
				return false
			}
		}
		for _, root := range paths {
			if root == "-" {
				data, err := io.ReadAll(io.LimitReader(stdin, maxSize+1))
				if err != nil {
					walkErr = fmt.Errorf("reading standard input: %v", err)
					return
				}
				if int64(len(data)) > maxSize {
					skipped = append(skipped, Skipped{Path: "-", Reason: fmt.Sprintf("larger than the size cap (%d bytes)", maxSize)})
					continue
				}
				if !send(job{rel: "-", data: data}) {
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
					skipped = append(skipped, Skipped{Path: rel, Reason: fmt.Sprintf("larger than the size cap (%d bytes)", maxSize)})
					return nil
				}
				if !send(job{path: p, rel: rel}) {
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

	var c collector
	var scanned atomic.Int64
	p := pool.New().WithErrors().WithContext(ctx).WithCancelOnError().WithFirstError()
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		p.Go(func(ctx context.Context) error {
			// One buffer per worker, reused file after file: findings copy
			// what they keep, and a fresh buffer per file was most of the
			// garbage.
			var buf bytes.Buffer
			for {
				var j job
				var ok bool
				select {
				case j, ok = <-jobs:
				case <-ctx.Done(): // the walk may be blocked reading standard input
					return ctx.Err()
				}
				if !ok {
					return nil
				}
				data := j.data
				if data == nil {
					var err error
					if data, err = readInto(&buf, j.path); err != nil {
						return err
					}
				}
				it := fileItem(j.rel, data)
				if err := c.scan(ctx, e, &it, j.seq); err != nil {
					return err
				}
				scanned.Add(1)
			}
		})
	}
	err := p.Wait()
	if ctx.Err() != nil {
		// The budget ran out: what was scanned is not everything (the walk
		// may still be reading standard input; it is left behind).
		return nil, ctx.Err()
	}
	for range jobs { // the walk may still be sending after an error
	}
	if err != nil {
		return nil, err
	}
	if walkErr != nil {
		return nil, walkErr
	}
	return &Result{Findings: sortFound(c.found), Suppressed: sortFound(c.suppressed), Skipped: skipped, Scanned: int(scanned.Load())}, nil
}

// readInto reads the file at path into buf, replacing what buf held.
func readInto(buf *bytes.Buffer, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf.Reset()
	if fi, err := f.Stat(); err == nil {
		buf.Grow(int(fi.Size()) + 1)
	}
	if _, err := buf.ReadFrom(f); err != nil {
		return nil, fmt.Errorf("reading %s: %v", path, err)
	}
	return buf.Bytes(), nil
}

func fileItem(path string, data []byte) Item {
	return Item{Target: rules.Target{Path: path, Content: data, StartLine: 1}}
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

// placePiece places findings in a piece of a long line (Item.Column) on
// that line, and drops those the previous piece reported (Item.Seen).
func placePiece(it *Item, fs []rules.Finding) []rules.Finding {
	out := fs[:0]
	for _, f := range fs {
		if f.Line == max(it.StartLine, 1) {
			if f.Column-1+utf8.RuneCountInString(f.Secret) <= it.Seen {
				continue
			}
			f.Column += it.Column
		}
		out = append(out, f)
	}
	return out
}
