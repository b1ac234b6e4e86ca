package gitread

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/internal/genhistory"
	"github.com/leakhook/leakhook/internal/gittest"
	"github.com/leakhook/leakhook/rules"
)

// BenchmarkStaged compares the two staged-change readers, and the receipt's
// index-to-tree hashing that pre-commit also runs, on a repository with a
// long history: a copy of a Go source directory (LEAKHOOK_BENCH_SRC, default
// $GOROOT/src/net) plus LEAKHOOK_BENCH_COMMITS generated commits (default
// 5000, ~90k objects, one pack), with 5 files / 600 lines staged. Set
// LEAKHOOK_BENCH_REPO to an existing repository with something staged (e.g.
// the one bench/compare.sh keeps under BENCH_DIR) to measure that instead.
//
//	go test ./hook -run '^$' -bench Staged -benchtime 20x
func BenchmarkStaged(b *testing.B) {
	dir := os.Getenv("LEAKHOOK_BENCH_REPO")
	if dir == "" {
		dir = benchRepo(b)
	}
	ctx := context.Background()
	repo, err := Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("preflight: %q (empty: go-git is fit)", goGitUnfit(repo))
	for _, backend := range []string{BackendGit, BackendInProcess} {
		b.Run(backend, func(b *testing.B) {
			for b.Loop() {
				ch, err := Staged(ctx, repo, rules.DefaultMaxFileSize, backend)
				if err != nil {
					b.Fatal(err)
				}
				if len(ch.Items) == 0 {
					b.Fatal("nothing staged")
				}
			}
		})
	}
	b.Run("StagedTree", func(b *testing.B) {
		for b.Loop() {
			if _, err := StagedTree(repo); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("RuleSetHash", func(b *testing.B) {
		cfg, err := rules.Load(dir, "")
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := RuleSetHash(cfg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("HeadCommit", func(b *testing.B) {
		for b.Loop() {
			if _, err := HeadCommit(ctx, repo); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchRepo builds the default benchmark repository in a temporary directory.
func benchRepo(b *testing.B) string {
	src := os.Getenv("LEAKHOOK_BENCH_SRC")
	if src == "" {
		out, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			b.Skipf("go env GOROOT: %v", err)
		}
		src = filepath.Join(strings.TrimSpace(string(out)), "src", "net")
	}
	commits := 5000
	if s := os.Getenv("LEAKHOOK_BENCH_COMMITS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("LEAKHOOK_BENCH_COMMITS: %v", err)
		}
		commits = n
	}
	r := gittest.New(b)
	if out, err := exec.Command("cp", "-R", src+"/.", r.Dir).CombinedOutput(); err != nil {
		b.Fatalf("copy %s: %v\n%s", src, err, out)
	}
	base := r.Commit("source tree")
	fi := exec.Command("git", "fast-import", "--quiet")
	fi.Dir = r.Dir
	in, err := fi.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := fi.Start(); err != nil {
		b.Fatal(err)
	}
	werr := genhistory.Write(in, genhistory.Options{Ref: "refs/heads/main", From: base, Commits: commits, Files: 5, Lines: 40, Fanout: 32})
	in.Close()
	if err := fi.Wait(); err != nil || werr != nil {
		b.Fatalf("fast-import: %v %v", err, werr)
	}
	r.Git("reset", "-q", "--hard")
	r.Git("repack", "-adq")
	// Stage 5 files with 120 added lines each, whatever the source tree.
	files := r.Git("ls-files", "*.go")
	var picked []string
	for _, f := range strings.Split(files, "\n") {
		if len(picked) == 5 {
			break
		}
		if !strings.HasPrefix(f, "gen/") {
			picked = append(picked, f)
		}
	}
	var add []byte
	for i := range 120 {
		add = append(add, "func added"+strconv.Itoa(i)+"() int { return "+strconv.Itoa(i)+" }\n"...)
	}
	for _, f := range picked {
		fh, err := os.OpenFile(filepath.Join(r.Dir, f), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		fh.Write(add)
		fh.Close()
	}
	r.Git(append([]string{"add", "--"}, picked...)...)
	b.Logf("%s", r.Git("count-objects", "-v"))
	return r.Dir
}
