package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/leakhook/leakhook/baseline"
	"github.com/leakhook/leakhook/hook"
	"github.com/leakhook/leakhook/report"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

func init() {
	register(&command{
		name:    "baseline",
		args:    "[--history] [--prune] [--file F] [--reason TEXT]",
		summary: "record the secrets already in the repository so they stop blocking (new ones still do)",
		run:     runBaseline,
	})
}

func runBaseline(args []string) int {
	c := commands["baseline"]
	fs := newFlags(c)
	history := fs.Bool("history", false, "also record secrets in the history of HEAD (every commit), not only the files at HEAD")
	prune := fs.Bool("prune", false, "drop entries whose secret is no longer found")
	file := fs.String("file", "", "baseline file (default: "+baseline.FileName+" at the repository root)")
	reason := fs.String("reason", "", "reason recorded with each new entry (after '#')")
	config := fs.String("config", "", "configuration file (default: .leakhook.toml at the repository root)")
	timeout := fs.Duration("timeout", 10*time.Minute, "time budget")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 0 {
		return problem("baseline takes no arguments (got %q)", rest)
	}
	if strings.ContainsAny(*reason, "\n\r") {
		return problem("--reason must be one line")
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	wd, err := os.Getwd()
	if err != nil {
		return problem("%v", err)
	}
	repo, err := hook.Open(ctx, wd)
	if err != nil {
		return problem("%v", err)
	}
	if repo.Bare {
		return problem("%s is a bare repository: run leakhook baseline in a working tree", repo.GitDir)
	}
	cfg, err := loadConfig(repo.Root, *config)
	if err != nil {
		return problem("%v", err)
	}
	path := *file
	if path == "" {
		path = filepath.Join(repo.Root, baseline.FileName)
	}

	items, skipped, err := headItems(ctx, repo.Root, cfg.MaxFileSize)
	if err != nil {
		return problem("reading the files at HEAD: %v", budgetError(ctx, err, "reading HEAD"))
	}
	res, err := scan.Items(ctx, cfg.Engine, items)
	if err != nil {
		return problem("%v", budgetError(ctx, err, "scanning HEAD"))
	}
	findings := res.Findings
	if *history && len(items) > 0 {
		ch, wait := hook.HistoryItems(ctx, repo, hook.HistoryQuery{Revs: []string{"HEAD"}}, cfg.MaxFileSize)
		hres, err := scan.Stream(ctx, cfg.Engine, ch)
		hskipped, werr := wait()
		if err == nil {
			err = werr
		}
		if err != nil {
			return problem("scanning history: %v", budgetError(ctx, err, "scanning history"))
		}
		findings = append(findings, hres.Findings...)
		skipped = append(skipped, hskipped...)
	}
	for _, s := range skipped {
		where := s.Path
		if s.Commit != nil {
			where += " (commit " + s.Commit.ID[:min(10, len(s.Commit.ID))] + ")"
		}
		fmt.Fprintf(os.Stderr, "leakhook: not scanned: %s: %s\n", where, s.Reason)
	}
	kept := findings[:0]
	for i := range findings {
		if !cfg.Suppressed(&findings[i]) {
			kept = append(kept, findings[i])
		}
	}
	findings = kept

	old, err := baseline.Load(path)
	if err != nil {
		return problem("%v", err)
	}
	nb, st := baseline.Update(old, path, findings, *reason, *prune)
	added := map[string]bool{}
	for i := range findings {
		f := &findings[i]
		if old.Lookup(f) != nil || added[f.RuleID+f.Fingerprint] {
			continue
		}
		added[f.RuleID+f.Fingerprint] = true
		where := fmt.Sprintf("%s:%d", f.Path, f.Line)
		if f.Commit != "" {
			where += " in commit " + f.Commit[:min(10, len(f.Commit))]
		}
		fmt.Fprintf(os.Stderr, "  + %s %s  (%s)\n", f.RuleID, f.Fingerprint, where)
	}
	if err := nb.Write(); err != nil {
		return problem("writing the baseline: %v", err)
	}
	if *file == "" {
		wrote, err := baseline.EnsureUnionMerge(repo.Root)
		if err != nil {
			return problem("updating .gitattributes: %v", err)
		}
		if wrote {
			fmt.Fprintf(os.Stderr, "leakhook: added %q to .gitattributes so branches that both add entries merge without conflicts\n", baseline.FileName+" merge=union")
		}
	}
	rel := path
	if r, err := filepath.Rel(wd, path); err == nil && !strings.HasPrefix(r, "..") {
		rel = r
	}
	fmt.Fprintf(os.Stderr, "leakhook: %s: %s (%d added, %d kept, %d pruned).\n", rel, plural(nb.Len(), "known secret"), st.Added, st.Kept, st.Pruned)
	if st.Added > 0 {
		fmt.Fprintf(os.Stderr, "These stop blocking; every new secret still blocks. Rotate them when you can. Commit the file: git add %s\n", rel)
	}
	if !*history {
		fmt.Fprintln(os.Stderr, "Only the files at HEAD were read; add --history to record secrets in older commits (for pre-push and history scans).")
	}
	return exitClean
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// applyBaseline drops what must not block from res: findings a
// .gitleaksignore or an allowlist's commits suppress, and secrets the
// baseline knows. What remains is labelled new, or baselined but expired.
func (o *outputFlags) applyBaseline(res *scan.Result, cfg *rules.Config, root string, ro *report.Options) error {
	kept := res.Findings[:0]
	for i := range res.Findings {
		if !cfg.Suppressed(&res.Findings[i]) {
			kept = append(kept, res.Findings[i])
		}
	}
	res.Findings = kept
	if o.baseline == "none" || len(res.Findings) == 0 {
		return nil
	}
	path := o.baseline
	if path == "" {
		if root == "" {
			return nil
		}
		path = findBaseline(root)
	} else if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("--baseline: %v", err)
	}
	b, err := baseline.Load(path)
	if err != nil || b == nil {
		return err
	}
	today := time.Now()
	notes := map[string]string{}
	kept = res.Findings[:0]
	for _, f := range res.Findings {
		switch st, e := b.Status(&f, today); st {
		case baseline.Known:
			ro.Known++
			continue
		case baseline.Expired:
			notes[f.RuleID+" "+f.Fingerprint] = "baselined, but the entry expired on " + e.Expires
		default:
			notes[f.RuleID+" "+f.Fingerprint] = "new"
		}
		kept = append(kept, f)
	}
	res.Findings = kept
	ro.Note = func(f *rules.Finding) string { return notes[f.RuleID+" "+f.Fingerprint] }
	return nil
}

// findBaseline looks for the baseline in root and, for a scan of a
// subdirectory, in its parents up to the repository's top (the directory
// holding .git).
func findBaseline(root string) string {
	dir, err := filepath.Abs(root)
	if err != nil {
		return filepath.Join(root, baseline.FileName)
	}
	for {
		p := filepath.Join(dir, baseline.FileName)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return p
		}
		up := filepath.Dir(dir)
		if up == dir {
			return filepath.Join(root, baseline.FileName)
		}
		dir = up
	}
}

// headItems reads the files tracked at HEAD from the object store (not the
// working tree, which may hold uncommitted edits): `git ls-tree` lists the
// blobs and one `git cat-file --batch` streams them. Symlinks and
// submodules are not files; blobs over the size cap are skipped and said so.
func headItems(ctx context.Context, root string, maxSize int64) ([]hook.Item, []hook.Skipped, error) {
	if err := gitRun(ctx, root, nil, nil, "rev-parse", "--verify", "-q", "HEAD^{commit}"); err != nil {
		return nil, nil, nil // no commits yet: nothing at HEAD
	}
	var list bytes.Buffer
	if err := gitRun(ctx, root, nil, &list, "ls-tree", "-r", "-z", "-l", "--full-tree", "HEAD"); err != nil {
		return nil, nil, err
	}
	type blob struct{ oid, path string }
	var blobs []blob
	var skipped []hook.Skipped
	for _, rec := range strings.Split(strings.TrimSuffix(list.String(), "\x00"), "\x00") {
		meta, path, ok := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 4 {
			continue
		}
		if f[1] != "blob" || f[0] == "120000" {
			continue
		}
		if size, err := strconv.ParseInt(f[3], 10, 64); err == nil && size > maxSize {
			skipped = append(skipped, hook.Skipped{Path: path, Reason: fmt.Sprintf("larger than the size cap (%d bytes)", maxSize)})
			continue
		}
		blobs = append(blobs, blob{f[2], path})
	}
	var in bytes.Buffer
	for _, b := range blobs {
		in.WriteString(b.oid + "\n")
	}
	var items []hook.Item
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- gitRun(ctx, root, bytes.NewReader(in.Bytes()), pw, "cat-file", "--batch")
		pw.Close()
	}()
	br := bufio.NewReaderSize(pr, 64<<10)
	for _, b := range blobs {
		head, err := br.ReadString('\n')
		if err != nil {
			pr.CloseWithError(err)
			<-done
			return nil, nil, fmt.Errorf("git cat-file: %v", err)
		}
		f := strings.Fields(head)
		if len(f) != 3 || f[1] != "blob" {
			pr.Close()
			<-done
			return nil, nil, fmt.Errorf("git cat-file: unexpected %q for %s", strings.TrimSpace(head), b.path)
		}
		n, _ := strconv.Atoi(f[2])
		data := make([]byte, n+1) // content and the trailing newline
		if _, err := io.ReadFull(br, data); err != nil {
			pr.Close()
			<-done
			return nil, nil, fmt.Errorf("git cat-file: %s: %v", b.path, err)
		}
		data = data[:n]
		sniff := data[:min(len(data), 8000)]
		items = append(items, hook.Item{Target: rules.Target{Path: b.path, Content: data, StartLine: 1, Binary: bytes.IndexByte(sniff, 0) >= 0}})
	}
	io.Copy(io.Discard, br)
	if err := <-done; err != nil {
		return nil, nil, err
	}
	return items, skipped, nil
}

// gitRun runs git in dir with LC_ALL=C; its error carries git's message.
func gitRun(ctx context.Context, dir string, stdin io.Reader, stdout io.Writer, args ...string) error {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-c", "core.quotePath=false"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "GIT_OPTIONAL_LOCKS=0")
	cmd.Stdin = stdin
	cmd.Stdout = stdout
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return fmt.Errorf("git %s: %s", args[0], msg)
		}
		return fmt.Errorf("git %s: %v", args[0], err)
	}
	return nil
}
