package hook

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

// PushInput is where pre-push learns which refs are pushed: the pre-commit
// framework's PRE_COMMIT_* variables when it runs us (it has consumed git's
// stdin), else git's lines on standard input.
type PushInput struct {
	FromRef, ToRef, LocalBranch, RemoteBranch string    // PRE_COMMIT_FROM_REF, _TO_REF, _LOCAL_BRANCH, _REMOTE_BRANCH
	Stdin                                     io.Reader // git's ref lines; nil when standard input is a terminal
}

// PushUpdates returns the refs being pushed: from FromRef and ToRef when the
// pre-commit framework runs us, else every line of standard input.
func PushUpdates(in PushInput) ([]gitread.RefUpdate, error) {
	from, to := in.FromRef, in.ToRef
	local := in.LocalBranch
	remoteRef := in.RemoteBranch
	if from != "" && to != "" {
		if local == "" {
			local = to
		}
		return []gitread.RefUpdate{{LocalRef: local, LocalSHA: to, RemoteRef: remoteRef, RemoteSHA: from}}, nil
	}
	var updates []gitread.RefUpdate
	if in.Stdin != nil {
		var err error
		if updates, err = gitread.ParsePushInput(in.Stdin); err != nil {
			return nil, err
		}
	}
	if len(updates) == 0 && local != "" {
		// The framework's "new branch with its root commit" case: it sets
		// no FROM/TO, only the branch; everything the remote lacks is new.
		return []gitread.RefUpdate{{LocalRef: local, LocalSHA: local, RemoteRef: remoteRef, RemoteSHA: strings.Repeat("0", 40)}}, nil
	}
	return updates, nil
}

// PrePushOptions say what a pre-push run scans.
type PrePushOptions struct {
	Dir        string // working directory
	ConfigFile string // --config; "" is .leakhook.toml at the repository root
	Remote     string // the remote pushed to
	Updates    []gitread.RefUpdate
	NoReceipts bool      // scan every commit, even those pre-commit scanned clean
	Stderr     io.Writer // configuration warnings
}

// PrePush scans every commit the push sends that the remote lacks, skipping
// those pre-commit already scanned clean with the same rules. A *ConfigError
// is a configuration problem; any other error means the push was not checked.
func PrePush(ctx context.Context, o PrePushOptions) (*Outcome, error) {
	repo, err := gitread.OpenForPush(ctx, o.Dir)
	if err != nil {
		return nil, err
	}
	cfg, err := LoadConfig(repo.Root, o.ConfigFile, o.Stderr)
	if err != nil {
		return nil, &ConfigError{err}
	}
	plan, err := gitread.PlanPush(ctx, repo, o.Remote, o.Updates)
	if err != nil {
		return nil, BudgetError(ctx, err, "listing the pushed commits")
	}
	todo := plan.Commits
	if !o.NoReceipts && len(todo) > 0 {
		todo, err = withoutReceipts(repo, cfg, todo)
		if err != nil {
			return nil, err
		}
	}
	gitread.Debugf("pre-push: %d commits pushed, %d scanned, %d skipped by receipts", len(plan.Commits), len(todo), len(plan.Commits)-len(todo))
	res := &scan.Result{}
	if len(todo) > 0 {
		ids := make([]string, len(todo))
		for i, c := range todo {
			ids[i] = c.ID
		}
		res, err = ScanHistory(ctx, repo, cfg, gitread.HistoryQuery{Revs: ids, Exact: true, Refs: plan.Refs})
		if err != nil {
			return nil, BudgetError(ctx, err, "scanning the pushed commits")
		}
	}
	return &Outcome{Repo: repo, Config: cfg, Result: res, History: findingCommits(res.Findings, todo, plan.Refs)}, nil
}

// withoutReceipts drops the commits pre-commit already scanned clean with
// this rule set (see gitread/receipt.go).
func withoutReceipts(repo *gitread.Repo, cfg *rules.Config, commits []gitread.CommitInfo) ([]gitread.CommitInfo, error) {
	rec, err := gitread.LoadReceipts(repo)
	if err != nil || len(rec) == 0 {
		return commits, err
	}
	rs, err := gitread.RuleSetHash(cfg)
	if err != nil {
		return nil, err
	}
	var out []gitread.CommitInfo
	for _, c := range commits {
		if !rec.Has(rs, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// pendingReceipt is a scan receipt being prepared while git reads the staged
// change: the index's tree and HEAD are read concurrently (on a commit they
// cost as much as the scan itself), and the receipt is written only once the
// scan came out clean. It is best effort: without a receipt pre-push scans
// the commit itself.
type pendingReceipt struct {
	repo       *gitread.Repo
	done       chan struct{}
	head, tree string
	err        error
}

func newPendingReceipt(repo *gitread.Repo) *pendingReceipt {
	return &pendingReceipt{repo: repo, done: make(chan struct{})}
}

// prepare reads the index's tree and HEAD; p may be nil (no receipt wanted).
func (p *pendingReceipt) prepare(ctx context.Context) {
	if p == nil {
		return
	}
	defer close(p.done)
	if p.tree, p.err = gitread.StagedTree(p.repo); p.err != nil {
		return
	}
	p.head, p.err = gitread.HeadCommit(ctx, p.repo)
	if p.err == nil && len(p.head) != 0 && len(p.head) != 40 {
		p.err = fmt.Errorf("not a SHA-1 repository")
	}
}

// write records the clean pass for the rule set cfg describes.
func (p *pendingReceipt) write(cfg *rules.Config) {
	<-p.done
	err := p.err
	if err == nil {
		var rs string
		if rs, err = gitread.RuleSetHash(cfg); err == nil {
			err = gitread.WriteReceipt(p.repo, rs, p.head, p.tree)
		}
	}
	if err != nil {
		gitread.Debugf("no scan receipt written: %v", err)
	}
}

// findingCommits lists the commits with findings in history order (children
// before parents), for the rebase advice.
func findingCommits(fs []rules.Finding, commits []gitread.CommitInfo, refs map[string]string) []scan.Commit {
	subject := map[string]string{}
	for _, f := range fs {
		if f.Commit != "" {
			subject[f.Commit] = f.Subject
		}
	}
	var out []scan.Commit
	for _, c := range commits {
		if s, ok := subject[c.ID]; ok {
			out = append(out, scan.Commit{ID: c.ID, Parent: c.Parent, Subject: s, Ref: refs[c.ID]})
		}
	}
	return out
}
