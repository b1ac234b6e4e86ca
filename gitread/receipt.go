package gitread

// Scan receipts let pre-push skip commits that pre-commit already scanned.
//
// What pre-commit scans is the staged change: the index's tree against
// HEAD's. A commit's history scan is its tree against its first parent's. So
// a receipt is keyed by (parent commit id, tree id, rule-set hash): when a
// pushed commit's first parent and tree equal what pre-commit saw as HEAD and
// the index, its diff is byte for byte the diff that passed. Anything else —
// --no-verify, an amend (its parent is HEAD^, not the HEAD pre-commit saw),
// rebases, cherry-picks, commits from other machines, a changed rule set or
// binary — has no receipt and is scanned. Receipts hold hashes only, never
// content; losing the file only costs time.
//
// The tree id is computed here from the index (the same bytes git commits),
// not with `git write-tree`: that would write tree objects and could rewrite
// the index's cache-tree while git commit holds its lock. Directories the
// index's cache-tree marks valid are taken from it, so the cost follows the
// size of the change, not of the repository.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/leakhook/leakhook/internal/gitindex"
	"github.com/leakhook/leakhook/internal/gitrun"
	"github.com/leakhook/leakhook/rules"
)

// receiptsMax bounds the receipts file; past it the oldest half is dropped.
const receiptsMax = 4 << 20

// RuleSetHash identifies what a scan detects: the leakhook binary (its code
// and embedded rules), the rules and allowlists in effect, the repository's
// configuration file and the size cap. Any change makes old receipts miss.
func RuleSetHash(cfg *rules.Config) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "leakhook-receipt-v1\n%d\n", cfg.MaxFileSize)
	if bi, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprintf(h, "%s %s %s\n", bi.GoVersion, bi.Main.Path, bi.Main.Version)
		for _, s := range bi.Settings {
			fmt.Fprintf(h, "%s=%s\n", s.Key, s.Value)
		}
	}
	// A rebuilt binary is a different binary, even at the same version.
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "%s %d %d\n", exe, fi.Size(), fi.ModTime().UnixNano())
	// The binary identifies the built-in rules; configuration files (and the
	// files they extend) and .gitleaksignore add to them. Encoding the whole
	// rule set costs ~2 ms, so it is done only when a configuration applies.
	enc := json.NewEncoder(h)
	if d := cfg.Digest(); len(d) > 0 {
		_, allows, err := rules.Builtin()
		if err != nil {
			return "", err
		}
		if err := enc.Encode(cfg.Engine.Rules()); err != nil {
			return "", err
		}
		if err := enc.Encode(allows); err != nil {
			return "", err
		}
		h.Write(d) // the files as loaded: read again, they could have changed
	}
	if err := enc.Encode(cfg.Ignore); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func receiptKey(ruleSet, parent, tree string) string {
	sum := sha256.Sum256([]byte(ruleSet + "\x00" + parent + "\x00" + tree))
	return hex.EncodeToString(sum[:])
}

// ReceiptsFile is where receipts live: in the common git dir, so every
// linked worktree shares them, and never in the working tree.
func ReceiptsFile(repo *Repo) string {
	return filepath.Join(repo.CommonDir, "leakhook", "receipts")
}

// Receipts is the set of receipt keys read from ReceiptsFile.
type Receipts map[string]bool

// LoadReceipts reads the receipts; a missing file is an empty set.
func LoadReceipts(repo *Repo) (Receipts, error) {
	data, err := os.ReadFile(ReceiptsFile(repo))
	if os.IsNotExist(err) {
		return Receipts{}, nil
	}
	if err != nil {
		return nil, err
	}
	r := Receipts{}
	for _, l := range strings.Split(string(data), "\n") {
		if len(l) == 64 {
			r[l] = true
		}
	}
	return r, nil
}

// MayHaveReceipts reports whether pre-commit may have left receipts here:
// the receipts file is there and not empty, or it cannot be told (LoadReceipts
// then says why). Without any, every pushed commit is scanned.
func MayHaveReceipts(repo *Repo) bool {
	fi, err := os.Stat(ReceiptsFile(repo))
	return !os.IsNotExist(err) && (err != nil || fi.Size() > 0)
}

// Has reports whether c was scanned clean by pre-commit with this rule set.
func (r Receipts) Has(ruleSet string, c CommitInfo) bool {
	return r[receiptKey(ruleSet, c.Parent, c.Tree)]
}

// WriteReceipt records that the change from parent (a commit id, "" on an
// unborn branch) to tree was scanned clean with ruleSet.
func WriteReceipt(repo *Repo, ruleSet, parent, tree string) error {
	file := ReceiptsFile(repo)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	if fi, err := os.Stat(file); err == nil && fi.Size() > receiptsMax {
		if err := trimReceipts(file); err != nil {
			return err
		}
	}
	return appendLine(file, receiptKey(ruleSet, parent, tree)+"\n")
}

// appendLine appends line to file with one write, so that concurrent
// commits in several worktrees cannot interleave within a line. If the
// write fails (a full disk), the part it wrote is cut off again: the file
// never keeps part of a line, and a file it created is removed.
func appendLine(file, line string) error {
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	if _, err := f.WriteString(line); err != nil {
		f.Truncate(fi.Size())
		f.Close()
		if fi.Size() == 0 {
			os.Remove(file)
		}
		return err
	}
	return f.Close()
}

// trimReceipts keeps the newer half of the receipts.
func trimReceipts(file string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	half := data[len(data)/2:]
	if i := bytes.IndexByte(half, '\n'); i >= 0 {
		half = half[i+1:]
	}
	return replaceFile(file, half)
}

// replaceFile replaces file with data atomically: data goes to a new
// temporary file beside it, which is synced and renamed over file. On any
// failure the temporary file is removed and file is left as it was.
func replaceFile(file string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}

// HeadCommit is HEAD's commit id, or "" on an unborn branch. The common
// layouts (HEAD naming a branch stored loose or in packed-refs, or a detached
// HEAD) are read from the files, saving a git process on every commit;
// anything else (symbolic refs beyond HEAD, a ref that is nowhere, which is
// also how an unborn branch looks, other ref storage) is asked of git.
func HeadCommit(ctx context.Context, repo *Repo) (string, error) {
	if id := readHead(repo); id != "" {
		return id, nil
	}
	out, err := runGit(ctx, repoDir(repo), "rev-parse", "-q", "--verify", "HEAD^{commit}")
	if err != nil {
		if len(bytes.TrimSpace(out)) == 0 && gitrun.ExitCode(err) == 1 && isUnborn(ctx, repo) {
			return "", nil // unborn: rev-parse -q says nothing and exits 1
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// isUnborn reports whether HEAD names a branch with no commits yet (and not,
// say, a detached HEAD whose commit is missing).
func isUnborn(ctx context.Context, repo *Repo) bool {
	ref, err := runGit(ctx, repoDir(repo), "symbolic-ref", "-q", "HEAD")
	if err != nil {
		return false
	}
	_, err = runGit(ctx, repoDir(repo), "rev-parse", "--verify", "-q", strings.TrimSpace(string(ref)))
	return gitrun.ExitCode(err) == 1
}

// readHead resolves HEAD from the ref files, or returns "" when the layout is
// not one it fully understands.
func readHead(repo *Repo) string {
	for _, v := range []string{"GIT_DIR", "GIT_COMMON_DIR", "GIT_REF_PARANOIA"} {
		if os.Getenv(v) != "" {
			return ""
		}
	}
	head, err := os.ReadFile(filepath.Join(repo.GitDir, "HEAD"))
	if err != nil {
		return ""
	}
	h := strings.TrimSpace(string(head))
	if isSHA1(h) {
		return h // detached
	}
	ref, ok := strings.CutPrefix(h, "ref: ")
	if !ok || !strings.HasPrefix(ref, "refs/heads/") || strings.Contains(ref, "..") {
		return ""
	}
	if data, err := os.ReadFile(filepath.Join(repo.CommonDir, filepath.FromSlash(ref))); err == nil {
		if id := strings.TrimSpace(string(data)); isSHA1(id) {
			return id
		}
		return "" // a symbolic ref: let git follow it
	}
	packed, err := os.ReadFile(filepath.Join(repo.CommonDir, "packed-refs"))
	if err != nil {
		return ""
	}
	for _, l := range strings.Split(string(packed), "\n") {
		if id, name, ok := strings.Cut(l, " "); ok && name == ref && isSHA1(id) {
			return id
		}
	}
	return ""
}

// StagedTree computes the id of the tree `git commit` would write from the
// index, without writing anything. It supports SHA-1 repositories only and
// errs on anything it does not model (unmerged entries, sparse directory
// entries); callers then simply write no receipt.
func StagedTree(repo *Repo) (string, error) {
	// Unverified: the staged reader has read this same index, through git
	// (its checksum checked beside it) or in-process (a cut or damaged one
	// refused by the decoding), and git commit holds index.lock meanwhile; and a
	// corrupt index could only yield a tree id no commit has. The index the
	// in-process reader decoded is used again; otherwise only what the tree
	// id needs is decoded (gitindex.TreeIDOf).
	var h [20]byte
	var err error
	if idx := cachedIndex(repo.IndexFile()); idx != nil {
		h, err = idx.TreeID()
	} else {
		h, err = gitindex.TreeIDOf(repo.IndexFile())
	}
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h[:]), nil
}
