package gitread

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// RefUpdate is one line of pre-push's standard input (githooks(5)):
// "<local ref> <local sha> <remote ref> <remote sha>".
type RefUpdate struct {
	LocalRef, LocalSHA, RemoteRef, RemoteSHA string
}

// IsDeletion reports a push that deletes RemoteRef: nothing to scan.
func (u RefUpdate) IsDeletion() bool { return isZeroID(u.LocalSHA) }

// Name is the ref the findings of this update are reported under.
func (u RefUpdate) Name() string {
	if u.RemoteRef != "" {
		return u.RemoteRef
	}
	return u.LocalRef
}

func isZeroID(id string) bool { return id != "" && strings.Trim(id, "0") == "" }

// ParsePushInput reads every line of pre-push's standard input. Reading
// every line matters: a push of several refs must scan all of them.
func ParsePushInput(r io.Reader) ([]RefUpdate, error) {
	var out []RefUpdate
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 || !isHexID(f[1]) || !isHexID(f[3]) {
			return nil, fmt.Errorf("pre-push input line %d: want \"<local ref> <local sha> <remote ref> <remote sha>\", got %q", n, line)
		}
		out = append(out, RefUpdate{LocalRef: f[0], LocalSHA: f[1], RemoteRef: f[2], RemoteSHA: f[3]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading pre-push input: %v", err)
	}
	return out, nil
}

// isSHA1 reports whether s is a full lower-case SHA-1 object id.
func isSHA1(s string) bool { return len(s) == 40 && isHexID(s) }

func isHexID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// PushPlan is what a push sends: the commits to scan, children before
// parents, each with the ref it is reported under, deduplicated across refs.
type PushPlan struct {
	Commits []CommitInfo
	Refs    map[string]string // commit id → ref name
	Tips    map[string]bool   // commits that are the tip of a pushed ref
}

// PlanPush works out, for every update, which commits the remote does not
// have yet:
//   - deletion: none;
//   - update whose remote sha this repository has: remote..local;
//   - new ref, or a remote sha unknown here (a force push over work we never
//     fetched): local minus everything under refs/remotes/REMOTE/, or, when
//     that remote has no tracking refs (a URL, a first push), minus every
//     remote-tracking ref. With no tracking refs at all that is the whole
//     history of local, which is then all new to the remote.
func PlanPush(ctx context.Context, repo *Repo, remote string, updates []RefUpdate) (*PushPlan, error) {
	plan := &PushPlan{Refs: map[string]string{}, Tips: map[string]bool{}}
	var known map[string]bool
	var exclude []string
	for _, u := range updates {
		if u.IsDeletion() {
			continue
		}
		if known == nil {
			var err error
			if known, err = knownCommits(ctx, repo, updates); err != nil {
				return nil, err
			}
		}
		if !known[u.LocalSHA] {
			return nil, fmt.Errorf("%s: %s is not a commit in this repository", u.LocalRef, u.LocalSHA)
		}
		revs := []string{u.LocalSHA}
		if !isZeroID(u.RemoteSHA) && known[u.RemoteSHA] {
			revs = append(revs, "^"+u.RemoteSHA)
		} else {
			if exclude == nil {
				var err error
				if exclude, err = remoteTips(ctx, repo, remote); err != nil {
					return nil, err
				}
			}
			revs = append(revs, exclude...)
		}
		list, err := ListCommits(ctx, repo, revs)
		if err != nil {
			return nil, err
		}
		if len(list) > 0 {
			plan.Tips[list[0].ID] = true
		}
		for _, c := range list {
			if _, seen := plan.Refs[c.ID]; seen {
				continue
			}
			plan.Refs[c.ID] = u.Name()
			plan.Commits = append(plan.Commits, c)
		}
	}
	return plan, nil
}

// knownCommits says which of the updates' shas name commits (or tags of
// commits) in this repository, with one `git cat-file --batch-check`.
func knownCommits(ctx context.Context, repo *Repo, updates []RefUpdate) (map[string]bool, error) {
	var in strings.Builder
	var ids []string
	for _, u := range updates {
		for _, id := range []string{u.LocalSHA, u.RemoteSHA} {
			if !isZeroID(id) {
				ids = append(ids, id)
				fmt.Fprintf(&in, "%s^{commit}\n", id)
			}
		}
	}
	known := map[string]bool{}
	err := streamGit(ctx, repoDir(repo), strings.NewReader(in.String()), func(r io.Reader) error {
		sc := bufio.NewScanner(r)
		i := 0
		for sc.Scan() {
			if i >= len(ids) {
				return fmt.Errorf("git cat-file printed more lines than asked")
			}
			known[ids[i]] = !strings.HasSuffix(sc.Text(), " missing")
			i++
		}
		if i != len(ids) {
			return fmt.Errorf("git cat-file answered %d of %d objects", i, len(ids))
		}
		return sc.Err()
	}, "cat-file", "--batch-check=%(objectname) %(objecttype)")
	return known, err
}

// remoteTips returns "^<sha>" for every ref under refs/remotes/REMOTE/, or
// for every remote-tracking ref when that remote has none. (git 2.39 takes
// no --remotes=... pseudo-option on --stdin, so the refs are expanded here.)
func remoteTips(ctx context.Context, repo *Repo, remote string) ([]string, error) {
	list := func(pattern string) ([]string, error) {
		out, err := runGit(ctx, repoDir(repo), "for-each-ref", "--format=%(objectname)", pattern)
		if err != nil {
			return nil, err
		}
		var tips []string
		seen := map[string]bool{}
		for _, id := range strings.Fields(string(out)) {
			if !seen[id] {
				seen[id] = true
				tips = append(tips, "^"+id)
			}
		}
		return tips, nil
	}
	if remote != "" { // a URL or path matches no tracking ref and falls through
		tips, err := list("refs/remotes/" + remote + "/")
		if err != nil || len(tips) > 0 {
			return tips, err
		}
	}
	tips, err := list("refs/remotes/")
	if tips == nil && err == nil {
		tips = []string{} // nothing to exclude; non-nil so it is computed once
	}
	return tips, err
}

// OpenForPush is Open for hooks that may run in a bare repository (a push
// from a mirror): git 2.39's rev-parse refuses --show-toplevel there.
func OpenForPush(ctx context.Context, dir string) (*Repo, error) {
	repo, err := Open(ctx, dir)
	if err == nil || !strings.Contains(err.Error(), "must be run in a work tree") {
		return repo, err
	}
	out, err2 := runGit(ctx, dir, "rev-parse", "--is-bare-repository", "--absolute-git-dir", "--git-common-dir")
	if err2 != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != 3 || lines[0] != "true" {
		return nil, err
	}
	r := &Repo{Bare: true, GitDir: lines[1], CommonDir: lines[2]}
	if !filepath.IsAbs(r.CommonDir) {
		r.CommonDir = filepath.Join(dir, r.CommonDir)
	}
	return r, nil
}
