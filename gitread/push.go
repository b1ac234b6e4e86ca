package gitread

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/leakhook/leakhook/internal/gitrun"
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

// PlanPush works out, in one pass for all updates, which commits the remote
// does not have yet: every commit reachable from a pushed tip and from none
// of what the remote is known to have, that is
//   - the remote's old value of each ref pushed over, when this repository
//     has it (git read it from the remote for this push), and
//   - the commits under refs/remotes/REMOTE/ (REMOTE's name, or the remote
//     whose URL REMOTE is).
//
// A remote with no tracking refs (a first push, a URL of no configured
// remote) excludes nothing else: its history goes unscanned only where
// receipts vouch for it, never because another remote has it. Deletions need
// nothing. The whole plan is one `git log` over every tip, whatever the
// number of refs (it was one per ref: 2.5 s for 200 new branches).
func PlanPush(ctx context.Context, repo *Repo, remote string, updates []RefUpdate) (*PushPlan, error) {
	return planPush(ctx, repo, updates, func(ctx context.Context, repo *Repo) ([]string, error) {
		return remoteTips(ctx, repo, remote)
	})
}

// PlanReceive is PlanPush on the receiving side (pre-receive): the commits
// of the updates that no ref of this repository holds yet, the `--not
// --all` of githooks(5), worked out once for all refs. Inside git's
// quarantine the pushed objects are found through the environment git
// gives the hook, which every git this package runs inherits.
func PlanReceive(ctx context.Context, repo *Repo, updates []RefUpdate) (*PushPlan, error) {
	return planPush(ctx, repo, updates, allTips)
}

// allTips returns the object every ref of the repository points at.
func allTips(ctx context.Context, repo *Repo) ([]string, error) {
	out, err := runGit(ctx, repoDir(repo), "for-each-ref", "--format=%(objectname)")
	if err != nil {
		return nil, err
	}
	var tips []string
	seen := map[string]bool{}
	for _, id := range strings.Fields(string(out)) {
		if !seen[id] {
			seen[id] = true
			tips = append(tips, id)
		}
	}
	return tips, nil
}

func planPush(ctx context.Context, repo *Repo, updates []RefUpdate, exclude func(context.Context, *Repo) ([]string, error)) (*PushPlan, error) {
	plan := &PushPlan{Refs: map[string]string{}, Tips: map[string]bool{}}
	var pushed []RefUpdate
	for _, u := range updates {
		if !u.IsDeletion() {
			pushed = append(pushed, u)
		}
	}
	if len(pushed) == 0 {
		return plan, nil
	}
	revs, name, err := PushRevs(ctx, repo, pushed, nil)
	if err != nil {
		return nil, err
	}
	excluded := map[string]bool{}
	for _, r := range revs {
		if id, ok := strings.CutPrefix(r, "^"); ok {
			excluded[id] = true
		}
	}
	tips, err := exclude(ctx, repo)
	if err != nil {
		return nil, err
	}
	for _, id := range tips {
		if !excluded[id] {
			excluded[id] = true
			revs = append(revs, "^"+id)
		}
	}
	list, err := listPushed(ctx, repo, revs)
	if err != nil {
		return nil, err
	}
	for _, c := range list {
		plan.Refs[c.ID] = name[c.source]
		plan.Commits = append(plan.Commits, c.CommitInfo)
	}
	for _, u := range pushed {
		if _, ok := plan.Refs[u.LocalSHA]; ok {
			plan.Tips[u.LocalSHA] = true
		}
	}
	return plan, nil
}

// PushRevs returns the revisions a push selects, before what the remote is
// known to hold is left out: each pushed tip once, and "^" the remote's old
// value of each ref pushed over that this repository has (git read it from
// the remote for this push); and the ref each tip (as given) is reported
// under. Deletions select nothing. A pushed tip that is not a commit here
// is an error. objs are LookUp's answers for (at least) PushLookups; nil:
// it asks git itself, with one `git cat-file --batch-check`.
func PushRevs(ctx context.Context, repo *Repo, updates []RefUpdate, objs map[string]Object) (revs []string, names map[string]string, err error) {
	var pushed []RefUpdate
	for _, u := range updates {
		if !u.IsDeletion() {
			pushed = append(pushed, u)
		}
	}
	names = map[string]string{}
	if len(pushed) == 0 {
		return nil, names, nil
	}
	known, err := knownCommits(ctx, repo, pushed, objs)
	if err != nil {
		return nil, nil, err
	}
	revs, names, bad := pushRevs(pushed, func(id string) bool { return known[id] })
	if bad != nil {
		return nil, nil, fmt.Errorf("%s: %s is not a commit in this repository", bad.LocalRef, bad.LocalSHA)
	}
	return revs, names, nil
}

// GuessPushRevs is PushRevs before git is asked anything: as if every sha
// of updates were a commit here, which it is unless the remote's old tip
// of a force push was never fetched (PushRevs then leaves it out) or the
// push is broken (PushRevs then fails). pre-push starts git log with it
// while it asks, and starts again should PushRevs say otherwise.
func GuessPushRevs(updates []RefUpdate) (revs []string, names map[string]string) {
	var pushed []RefUpdate
	for _, u := range updates {
		if !u.IsDeletion() {
			pushed = append(pushed, u)
		}
	}
	revs, names, _ = pushRevs(pushed, func(string) bool { return true })
	return revs, names
}

// pushRevs lists the revisions of the pushed updates given which shas are
// commits here; bad is a pushed update whose tip is none.
func pushRevs(pushed []RefUpdate, known func(id string) bool) (revs []string, names map[string]string, bad *RefUpdate) {
	names = map[string]string{}
	excluded := map[string]bool{}
	for i, u := range pushed {
		if !known(u.LocalSHA) {
			return nil, nil, &pushed[i]
		}
		if _, dup := names[u.LocalSHA]; !dup {
			names[u.LocalSHA] = u.Name()
			revs = append(revs, u.LocalSHA)
		}
		if !isZeroID(u.RemoteSHA) && known(u.RemoteSHA) && !excluded[u.RemoteSHA] {
			excluded[u.RemoteSHA] = true
			revs = append(revs, "^"+u.RemoteSHA)
		}
	}
	return revs, names, nil
}

// pushedCommit is a listed commit and the tip (as given to git) it was
// reached from.
type pushedCommit struct {
	CommitInfo
	source string
}

// listPushed lists the commits revs select, children before parents, each
// with the revision it was reached from (%S), in one `git log`.
func listPushed(ctx context.Context, repo *Repo, revs []string) ([]pushedCommit, error) {
	args := []string{"log", "--no-show-signature", "--topo-order", "--format=tformat:%H %T %S %P", "--stdin"}
	var out []pushedCommit
	err := streamGit(ctx, repoDir(repo), revInput(revs), func(r io.Reader) error {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 3 {
				return fmt.Errorf("git log printed %q", sc.Text())
			}
			c := pushedCommit{CommitInfo: CommitInfo{ID: f[0], Tree: f[1]}, source: f[2]}
			if len(f) > 3 {
				c.Parent = f[3]
			}
			out = append(out, c)
		}
		return sc.Err()
	}, args...)
	return out, err
}

// PushLookups are the names PushRevs asks git about (LookUp): the shas of
// the pushed updates, each as it is. A pushed sha is a commit but for a
// tag's (knownCommits peels those): asking each `<sha>^{commit}` made git
// parse and check every commit, a third of its time on a push of 200 refs.
func PushLookups(updates []RefUpdate) []string {
	var names []string
	for _, u := range updates {
		if u.IsDeletion() {
			continue
		}
		for _, id := range []string{u.LocalSHA, u.RemoteSHA} {
			if !isZeroID(id) {
				names = append(names, id)
			}
		}
	}
	return names
}

// knownCommits says which of the updates' shas name commits (or tags of
// commits) in this repository, from objs (LookUp's answers for
// PushLookups), or with one `git cat-file --batch-check` when objs is nil;
// the tags among them are peeled with one more.
func knownCommits(ctx context.Context, repo *Repo, updates []RefUpdate, objs map[string]Object) (map[string]bool, error) {
	if objs == nil {
		var err error
		if objs, err = LookUp(ctx, repo, PushLookups(updates)); err != nil {
			return nil, err
		}
	}
	known := map[string]bool{}
	var tags []string
	for _, u := range updates {
		for _, id := range []string{u.LocalSHA, u.RemoteSHA} {
			if isZeroID(id) {
				continue
			}
			switch objs[id].Type {
			case "commit":
				known[id] = true
			case "tag":
				tags = append(tags, id+"^{commit}")
			}
		}
	}
	if len(tags) > 0 {
		peeled, err := LookUp(ctx, repo, tags)
		if err != nil {
			return nil, err
		}
		for _, name := range tags {
			if peeled[name].Type == "commit" {
				known[strings.TrimSuffix(name, "^{commit}")] = true
			}
		}
	}
	return known, nil
}

// remoteTips returns the commits of every ref under refs/remotes/REMOTE/.
// When REMOTE is a URL (git gives the URL for `git push URL`), it is the
// configured remotes with that URL whose tracking refs count. Other remotes'
// tracking refs never do: what origin has says nothing of what public has.
func remoteTips(ctx context.Context, repo *Repo, remote string) ([]string, error) {
	if remote == "" {
		return nil, nil
	}
	names := []string{remote}
	if RemoteIsURL(remote) {
		more, err := remotesWithURL(ctx, repo, remote)
		if err != nil {
			return nil, err
		}
		names = append(names, more...)
	}
	var patterns []string
	for _, n := range names {
		patterns = append(patterns, "refs/remotes/"+n+"/")
	}
	out, err := runGit(ctx, repoDir(repo), append([]string{"for-each-ref", "--format=%(objectname)"}, patterns...)...)
	if err != nil {
		return nil, err
	}
	var tips []string
	seen := map[string]bool{}
	for _, id := range strings.Fields(string(out)) {
		if !seen[id] {
			seen[id] = true
			tips = append(tips, id)
		}
	}
	return tips, nil
}

// RemoteIsURL reports whether pre-push's REMOTE may be a URL or a path (`git push
// URL`), not only a configured remote's name: it holds ':', '/' or '\\'.
// Remote names may hold '/' too; those are looked up as URLs as well.
func RemoteIsURL(remote string) bool { return strings.ContainsAny(remote, ":/\\") }

// remotesWithURL names the configured remotes whose url or pushurl is url.
func remotesWithURL(ctx context.Context, repo *Repo, url string) ([]string, error) {
	out, err := runGit(ctx, repoDir(repo), "config", "--get-regexp", `^remote\..*\.(push)?url$`)
	if err != nil {
		return nil, nil // no remotes configured: git config exits 1
	}
	var names []string
	for _, line := range strings.Split(string(out), "\n") {
		key, val, ok := strings.Cut(line, " ")
		if !ok || val != url {
			continue
		}
		key = strings.TrimPrefix(key, "remote.")
		key = strings.TrimSuffix(strings.TrimSuffix(key, ".url"), ".pushurl")
		names = append(names, key)
	}
	return names, nil
}

// LocalRefs returns an update for every local branch and tag, as if each
// were pushed to a ref of the same name that the remote lacks: what
// pre-push scans when it is given no refs (lefthook without use_stdin) or
// only one of several (the pre-commit framework). The plan then keeps what
// the remote's tracking refs lack.
func LocalRefs(ctx context.Context, repo *Repo) ([]RefUpdate, error) {
	out, err := runGit(ctx, repoDir(repo), "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads/", "refs/tags/")
	if err != nil {
		return nil, err
	}
	zero := strings.Repeat("0", 40)
	var us []RefUpdate
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		ref, id, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		if len(id) == 64 {
			zero = strings.Repeat("0", 64)
		}
		us = append(us, RefUpdate{LocalRef: ref, LocalSHA: id, RemoteRef: ref, RemoteSHA: zero})
	}
	return us, nil
}

// OpenForPush is Open for hooks that may run in a bare repository (a push
// from a mirror): git 2.39's rev-parse refuses --show-toplevel there.
func OpenForPush(ctx context.Context, dir string) (*Repo, error) {
	repo, err := Open(ctx, dir)
	if err == nil || !gitrun.Says(err, "must be run in a work tree") {
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
