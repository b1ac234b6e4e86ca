package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/report"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

func init() {
	register(&command{
		name:    "pre-push",
		args:    "[--format F] [--no-receipts] [REMOTE [URL]]",
		summary: "scan every commit a push sends (refs on stdin, as git gives them); exit 1 blocks the push",
		run:     runPrePush,
	})
}

func runPrePush(args []string) int {
	c := commands["pre-push"]
	fs := newFlags(c)
	var of outputFlags
	of.register(fs)
	noReceipts := fs.Bool("no-receipts", false, "scan every commit, even those pre-commit already scanned clean")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) > 2 {
		return problem("pre-push takes at most REMOTE and URL (got %q)", rest)
	}
	if err := of.check(); err != nil {
		return problem("%v", err)
	}
	remote := os.Getenv("PRE_COMMIT_REMOTE_NAME")
	if len(rest) > 0 {
		remote = rest[0]
	}
	ctx, cancel := of.withBudget()
	defer cancel()

	updates, err := pushUpdates()
	if err != nil {
		return pushFailure(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		return problem("%v", err)
	}
	repo, err := gitread.OpenForPush(ctx, wd)
	if err != nil {
		return pushFailure(err)
	}
	cfg, err := loadConfig(repo.Root, of.config)
	if err != nil {
		return problem("%v", err)
	}
	plan, err := gitread.PlanPush(ctx, repo, remote, updates)
	if err != nil {
		return pushFailure(budgetError(ctx, err, "listing the pushed commits"))
	}
	todo := plan.Commits
	if !*noReceipts && len(todo) > 0 {
		todo, err = withoutReceipts(repo, cfg, todo)
		if err != nil {
			return pushFailure(err)
		}
	}
	gitread.Debugf("pre-push: %d commits pushed, %d scanned, %d skipped by receipts", len(plan.Commits), len(todo), len(plan.Commits)-len(todo))
	res := &scan.Result{}
	if len(todo) > 0 {
		ids := make([]string, len(todo))
		for i, c := range todo {
			ids[i] = c.ID
		}
		res, err = scanHistory(ctx, repo, cfg, gitread.HistoryQuery{Revs: ids, Exact: true, Refs: plan.Refs})
		if err != nil {
			return pushFailure(budgetError(ctx, err, "scanning the pushed commits"))
		}
	}
	of.history = findingCommits(res.Findings, todo, plan.Refs)
	return of.emit(res, cfg, report.ModePush, repo.Root)
}

// pushUpdates returns the refs being pushed: from PRE_COMMIT_FROM_REF and
// PRE_COMMIT_TO_REF when the pre-commit framework runs us (it has consumed
// git's stdin), else every line of standard input.
func pushUpdates() ([]gitread.RefUpdate, error) {
	from, to := os.Getenv("PRE_COMMIT_FROM_REF"), os.Getenv("PRE_COMMIT_TO_REF")
	local := os.Getenv("PRE_COMMIT_LOCAL_BRANCH")
	remoteRef := os.Getenv("PRE_COMMIT_REMOTE_BRANCH")
	if from != "" && to != "" {
		if local == "" {
			local = to
		}
		return []gitread.RefUpdate{{LocalRef: local, LocalSHA: to, RemoteRef: remoteRef, RemoteSHA: from}}, nil
	}
	var updates []gitread.RefUpdate
	if !isTerminal(os.Stdin) {
		var err error
		if updates, err = gitread.ParsePushInput(os.Stdin); err != nil {
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

// withoutReceipts drops the commits pre-commit already scanned clean with
// this rule set (see hook/receipt.go).
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

// scanHistory streams a history query through the scanner.
func scanHistory(ctx context.Context, repo *gitread.Repo, cfg *rules.Config, q gitread.HistoryQuery) (*scan.Result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	items, wait := gitread.HistoryItems(ctx, repo, q, cfg.MaxFileSize)
	res, err := scan.Stream(ctx, cfg.Engine, items)
	if err != nil {
		cancel()
		wait()
		return nil, err
	}
	skipped, err := wait()
	if err != nil {
		return nil, err
	}
	res.Skipped = skipped
	return res, nil
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

// pushFailure blocks when the push could not be read or scanned.
func pushFailure(err error) int {
	fmt.Fprintf(os.Stderr, `leakhook: could not scan what is being pushed: %v
The push was not checked, so leakhook blocked it. Fix the problem above and try again;
to bypass the hook once, knowing nothing was checked: git push --no-verify
`, err)
	return exitProblem
}

// progressMin is the range length from which scan --git shows progress.
const progressMin = 500

// scanGit is `leakhook scan --git [RANGE...]`: every commit's own change,
// for CI. Findings name their commit; output formats are scan's.
func scanGit(of *outputFlags, revs []string) int {
	if len(revs) == 0 {
		revs = []string{"HEAD"}
	}
	for _, r := range revs {
		if strings.HasPrefix(r, "-") || strings.ContainsAny(r, "\n\x00") {
			return problem("scan --git: %q is not a revision or range", r)
		}
	}
	ctx, cancel := of.withBudget()
	defer cancel()
	wd, err := os.Getwd()
	if err != nil {
		return problem("%v", err)
	}
	repo, err := gitread.OpenForPush(ctx, wd)
	if err != nil {
		return problem("%v", err)
	}
	cfg, err := loadConfig(repo.Root, of.config)
	if err != nil {
		return problem("%v", err)
	}
	q := gitread.HistoryQuery{Revs: revs}
	var bar *progress
	if isTerminal(os.Stderr) {
		n, err := gitread.CountCommits(ctx, repo, revs)
		if err != nil {
			return problem("%v", err)
		}
		if n >= progressMin {
			bar = &progress{total: n}
			q.Progress = bar.update
		}
	}
	res, err := scanHistory(ctx, repo, cfg, q)
	bar.done()
	if err != nil {
		return problem("%v", budgetError(ctx, err, "scanning history"))
	}
	return of.emit(res, cfg, report.ModeScan, repo.Root)
}

// progress draws a one-line progress bar on stderr (a terminal).
type progress struct {
	total, shown int
}

func (p *progress) update(n int) {
	pct := n * 100 / p.total
	if pct > 100 {
		pct = 100
	}
	if pct == p.shown && n != 1 {
		return
	}
	p.shown = pct
	fill := pct / 5
	fmt.Fprintf(os.Stderr, "\rleakhook: scanning history [%s%s] %3d%% (%d/%d commits)", strings.Repeat("#", fill), strings.Repeat(".", 20-fill), pct, n, p.total)
}

func (p *progress) done() {
	if p != nil {
		fmt.Fprintf(os.Stderr, "\r%s\r", strings.Repeat(" ", 79))
	}
}
