// Package prestart starts git's staged diff for `leakhook pre-commit` from a
// package initialiser, so that git reads the index while the Go runtime is
// still initialising the rest of leakhook and main is still finding the
// repository. On a 17k-file repository that head start was about 3 ms of a
// ~14 ms hook run (2-core machine, bench/compare.sh case a).
//
// The hook package adopts the running git with Take when it would have
// started exactly this command in the same directory; the pre-commit command
// calls Discard when it is done, which stops a git nobody adopted. It starts
// git only where the in-process reader would not be used anyway (large pack
// indexes, or LEAKHOOK_BACKEND=git) and only for the plain hook invocation
// `leakhook pre-commit` run at the top of a working tree with a .git
// directory, which is how git runs the hook outside linked worktrees.
//
// It imports only os, sync and syscall (which os imports). The linker
// orders package initialisation lexicographically among the packages whose
// imports are done, and os is done ~0.7 ms into the run; importing even
// strings (which sorts after every github.com path) held this init back
// behind ~20 other packages. Keep it that way: prestart_test.go checks
// every file of the package.
package prestart

import (
	"os"
	"sync"
)

// ConfigFlags override configuration that changes how git prints paths.
var ConfigFlags = []string{"-c", "core.quotePath=false", "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false"}

// DiffFlags pin git's diff output to the one format hook's patch parser
// reads, whatever the user's configuration says: no colour, no external diff
// or textconv, content even for files that .gitattributes marks binary or
// -diff, full blob ids, plain a/ b/ prefixes, paths relative to the top
// level.
var DiffFlags = []string{
	"--no-color", "--no-ext-diff", "--no-textconv", "--text", "--full-index",
	"--submodule=short", "--no-relative", "--src-prefix=a/", "--dst-prefix=b/",
	"-U3", "-M",
}

// Env is added to the environment of every git leakhook runs: no optional
// locks (never rewrite the index), C locale messages, and the objects as
// they are: replacements (git replace) must not change what a scan sees.
var Env = []string{"GIT_OPTIONAL_LOCKS=0", "LC_ALL=C", "GIT_NO_REPLACE_OBJECTS=1"}

// GoGitMaxIdxBytes is where the staged reader's preflight stops reading
// in-process on object-store size alone: pack indexes larger than this
// (about 30k objects) mean a repository where git's own diff is faster,
// unless the index is big (InProcessMinEntries).
const GoGitMaxIdxBytes = 1 << 20

// InProcessMinEntries is the index size from which the in-process reader
// costs less than git whatever the object store: reading the index and
// skipping unchanged directories by their cache-tree ids is cheaper in
// process than git's diff-index plus the pipe to us. Measured in CPU time
// (leakhook and its children, perf stat, load ~25), one file staged: 100k
// files and 3.1 MB of pack index: in-process 92-100 ms, git reader 145-169 ms
// (git diff --cached alone 74-79 ms); Go's source tree, 17k files and 372k
// objects: in-process ~16 ms, git ~7 ms (wall, quiet machine).
const InProcessMinEntries = 50_000

// InProcessCheaper says whether the in-process staged reader is expected to
// cost less than git for the repository whose common git dir is gitDir and
// whose index is the file index: a small object store, or a big index.
func InProcessCheaper(gitDir, index string) bool {
	return PackIndexBytes(gitDir) <= GoGitMaxIdxBytes || IndexEntries(index) >= InProcessMinEntries
}

// IndexEntries is the number of entries the index file's header declares,
// or 0 if it cannot be read (read from its first 12 bytes only).
func IndexEntries(index string) int {
	f, err := os.Open(index)
	if err != nil {
		return 0
	}
	defer f.Close()
	var h [12]byte
	if n, _ := f.Read(h[:]); n != 12 || string(h[:4]) != "DIRC" {
		return 0
	}
	return int(uint32(h[8])<<24 | uint32(h[9])<<16 | uint32(h[10])<<8 | uint32(h[11]))
}

// StagedArgs are the arguments after "git" of the staged diff, which runs in
// the git directory (see StagedWorkTree).
func StagedArgs() []string {
	args := append([]string{}, ConfigFlags...)
	args = append(args, StagedWorkTree...)
	args = append(args, "diff", "--cached")
	return append(args, DiffFlags...)
}

// StagedWorkTree keeps the staged diff away from the working tree. To save
// inflating a blob, git diff --cached reads a file of the working tree
// instead whenever the index's stat data says it is unchanged, and with
// core.checkStat=minimal or core.trustctime=false (or in the second git
// add wrote it: ctime is compared to the second) a file edited after git
// add with its size and mtime kept passes for the staged blob. So git runs
// in its git directory and is told that is its working tree: the paths it
// would look up there are not the working tree's files (and should one of
// git's own files share a tracked file's name, full stat checking tells
// them apart).
var StagedWorkTree = []string{"--git-dir=.", "--work-tree=.", "-c", "core.checkStat=default", "-c", "core.trustctime=true"}

// PackIndexBytes is the total size of the pack indexes of the object store
// in gitDir (a repository's common git dir).
func PackIndexBytes(gitDir string) int64 {
	dir := gitDir + string(os.PathSeparator) + "objects" + string(os.PathSeparator) + "pack"
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	var total int64
	for _, e := range entries {
		name := e.Name()
		if len(name) < 4 || name[len(name)-4:] != ".idx" {
			continue
		}
		if fi, err := os.Stat(dir + string(os.PathSeparator) + name); err == nil {
			total += fi.Size()
		}
	}
	return total
}

// Proc is a git started early, with its output unread.
type Proc struct {
	Process *os.Process
	Stdout  *os.File // git's standard output
	Stderr  *os.File // git's standard error
	args    []string
	dir     os.FileInfo // the directory git runs in
}

var (
	mu      sync.Mutex
	started *Proc
)

func init() { started = start() }

// start starts the staged diff when this process is the plain pre-commit hook
// of a repository the in-process reader would not read, or returns nil.
func start() *Proc {
	if len(os.Args) != 2 || os.Args[1] != "pre-commit" {
		return nil
	}
	backend := os.Getenv("LEAKHOOK_BACKEND")
	if backend != "" && backend != "git" {
		return nil
	}
	for _, v := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR"} {
		if os.Getenv(v) != "" {
			return nil
		}
	}
	if fi, err := os.Lstat(".git"); err != nil || !fi.IsDir() {
		return nil
	}
	if backend == "" && InProcessCheaper(".git", indexFile()) {
		return nil
	}
	dir, err := os.Stat(".git")
	if err != nil {
		return nil
	}
	env := os.Environ()
	// git runs in .git (StagedWorkTree): a relative GIT_INDEX_FILE (git
	// commit sets .git/index) is made absolute, as the hook package does.
	if f := os.Getenv("GIT_INDEX_FILE"); f != "" && f[0] != '/' {
		wd, err := os.Getwd()
		if err != nil {
			return nil
		}
		for i, kv := range env {
			if len(kv) > len("GIT_INDEX_FILE=") && kv[:len("GIT_INDEX_FILE=")] == "GIT_INDEX_FILE=" {
				env[i] = "GIT_INDEX_FILE=" + wd + "/" + f
			}
		}
	}
	git := lookPath("git")
	if git == "" {
		return nil
	}
	null, err := os.Open(os.DevNull)
	if err != nil {
		return nil
	}
	defer null.Close()
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil
	}
	args := StagedArgs()
	p, err := startProcess(git, append([]string{"git"}, args...), ".git", append(env, Env...), []*os.File{null, outW, errW})
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		return nil
	}
	return &Proc{Process: p, Stdout: outR, Stderr: errR, args: args, dir: dir}
}

// indexFile is the index git commits from, as seen from the working tree.
func indexFile() string {
	if f := os.Getenv("GIT_INDEX_FILE"); f != "" {
		return f
	}
	return ".git/index"
}

// lookPath finds an executable named file in PATH's absolute directories
// (as os/exec does, which refuses relative ones), or returns "".
func lookPath(file string) string {
	rest := os.Getenv("PATH")
	for rest != "" {
		dir := rest
		rest = ""
		for i := 0; i < len(dir); i++ {
			if dir[i] == os.PathListSeparator {
				dir, rest = dir[:i], dir[i+1:]
				break
			}
		}
		if dir == "" || dir[0] != '/' {
			continue
		}
		f := dir + "/" + file
		if fi, err := os.Stat(f); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			return f
		}
	}
	return ""
}

// Started reports whether a git started early is waiting to be taken.
func Started() bool {
	mu.Lock()
	defer mu.Unlock()
	return started != nil
}

// Take hands over the early git if it runs args (the arguments after "git",
// with Env added to the environment) in dir, and stops it otherwise. It
// returns nil when there is no early git to take.
func Take(dir string, args []string) *Proc {
	mu.Lock()
	p := started
	started = nil
	mu.Unlock()
	if p == nil {
		return nil
	}
	if fi, err := os.Stat(dir); err != nil || !os.SameFile(fi, p.dir) || !equal(p.args, args) {
		p.stop()
		return nil
	}
	return p
}

// Discard stops the early git if nobody took it.
func Discard() {
	mu.Lock()
	p := started
	started = nil
	mu.Unlock()
	if p != nil {
		p.stop()
	}
}

// Kill kills the early git and every process it started.
func (p *Proc) Kill() { kill(p.Process) }

// stop kills and reaps a git nobody took.
func (p *Proc) stop() {
	if os.Getenv("LEAKHOOK_DEBUG") == "1" {
		os.Stderr.WriteString("leakhook debug: stopped the git diff started before main: not needed\n")
	}
	p.Kill()
	p.Stdout.Close()
	p.Stderr.Close()
	p.Process.Wait()
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
