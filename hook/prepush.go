package hook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/leakhook/leakhook/baseline"
	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
	"github.com/sourcegraph/conc"
)

// PushInput is where pre-push learns which refs are pushed: git's lines on
// standard input, else the pre-commit framework's PRE_COMMIT_* variables
// (it has consumed git's stdin and passes one ref of a push).
type PushInput struct {
	FromRef, ToRef, LocalBranch, RemoteBranch string    // PRE_COMMIT_FROM_REF, _TO_REF, _LOCAL_BRANCH, _REMOTE_BRANCH
	Stdin                                     io.Reader // git's ref lines; nil when standard input is a terminal
}

// PushUpdates returns the refs being pushed, and whether they may be only
// part of the push. git's lines on standard input always win: variables
// left in the environment (a shell that once ran the framework) never
// replace them. Without them, the framework's one ref, or nothing (lefthook
// without use_stdin, a manual run), is partial: PrePush then adds every
// local branch and tag, so a missing ref never means a pass.
//
// Standard input is read within ctx: a hook manager that leaves it open and
// silent fails the push rather than hang it.
func PushUpdates(ctx context.Context, in PushInput) (updates []gitread.RefUpdate, partial bool, err error) {
	if in.Stdin != nil {
		data, err := readWithin(ctx, in.Stdin)
		if err != nil {
			return nil, false, BudgetError(ctx, err, "reading the pushed refs from standard input")
		}
		if updates, err = gitread.ParsePushInput(bytes.NewReader(data)); err != nil {
			return nil, false, err
		}
		if len(updates) > 0 {
			return updates, false, nil
		}
	}
	local, remoteRef := in.LocalBranch, in.RemoteBranch
	switch {
	case in.FromRef != "" && in.ToRef != "":
		if local == "" {
			local = in.ToRef
		}
		updates = []gitread.RefUpdate{{LocalRef: local, LocalSHA: in.ToRef, RemoteRef: remoteRef, RemoteSHA: in.FromRef}}
	case local != "":
		// The framework's "new branch with its root commit" case: it sets
		// no FROM/TO, only the branch; everything the remote lacks is new.
		updates = []gitread.RefUpdate{{LocalRef: local, LocalSHA: local, RemoteRef: remoteRef, RemoteSHA: strings.Repeat("0", 40)}}
	}
	return updates, true, nil
}

// PrePushOptions say what a pre-push run scans.
type PrePushOptions struct {
	Dir        string // working directory
	ConfigFile string // --config; "" is .leakhook.toml at the repository root
	Remote     string // the remote pushed to
	Updates    []gitread.RefUpdate
	// Partial says Updates may miss refs of the push (PushUpdates): every
	// local branch and tag is planned too, and the run says so on Stderr.
	Partial    bool
	NoReceipts bool // scan every commit, even those pre-commit scanned clean
	// LazyGC lets the garbage collector run late (see lazyGC), as
	// pre-commit does; the caller leaves it off when GOGC or GOMEMLIMIT
	// are set.
	LazyGC bool
	Reader gitread.Options // the git reader's settings
	Stderr io.Writer       // configuration warnings
}

// PrePush scans every commit the push sends that the remote lacks, skipping
// those pre-commit already scanned clean with the same rules. A *ConfigError
// is a configuration problem; any other error means the push was not checked.
func PrePush(ctx context.Context, o PrePushOptions) (*Outcome, error) {
	if o.LazyGC {
		// A push's heap is as short-lived as a commit's (a push of 200
		// new branches collected once, freeing nothing it needed).
		defer lazyGC()()
	}
	repo, err := gitread.OpenForPush(ctx, o.Dir)
	if err != nil {
		return nil, err
	}
	repo.Options = o.Reader
	if !o.Partial && !gitread.RemoteIsURL(o.Remote) && (o.NoReceipts || !gitread.MayHaveReceipts(repo)) {
		return prePushListed(ctx, repo, o)
	}
	// The configuration and the plan are independent, and each is a few
	// short git processes: they run side by side (a push of 200 branches
	// spent most of its time waiting on them one by one). What loading the
	// configuration says is held until the plan is made. A panic in a
	// goroutine is raised again by Wait, where the command line's handler
	// sees it.
	var (
		cfg     *rules.Config
		bl      *baseline.Baseline
		cfgErr  error
		cfgSaid bytes.Buffer
		loading conc.WaitGroup
	)
	loading.Go(func() {
		co := o
		co.Stderr = &cfgSaid
		cfg, bl, cfgErr = pushConfig(ctx, repo, co, pushedTips(o.Updates), nil)
	})
	loading.Go(gitread.PrepareHistory) // what the history stream asks git once, beside the plan
	updates := o.Updates
	var plan *gitread.PushPlan
	if o.Partial {
		var local []gitread.RefUpdate
		if local, err = gitread.LocalRefs(ctx, repo); err != nil {
			err = BudgetError(ctx, err, "listing the local refs")
		}
		updates = append(append([]gitread.RefUpdate{}, updates...), local...)
	}
	if err == nil {
		if plan, err = gitread.PlanPush(ctx, repo, o.Remote, updates); err != nil {
			err = BudgetError(ctx, err, "listing the pushed commits")
		}
	}
	loading.Wait()
	o.Stderr.Write(cfgSaid.Bytes())
	if cfgErr != nil {
		return nil, cfgErr
	}
	if err != nil {
		return nil, err
	}
	if o.Partial {
		fmt.Fprintf(o.Stderr, "leakhook: %s, so pre-push scanned every local branch and tag (%d refs) for commits %s lacks: %d commits\n",
			partialWhy(o.Updates), len(updates)-len(o.Updates), remoteName(o.Remote), len(plan.Commits))
	}
	todo := plan.Commits
	if !o.NoReceipts && len(todo) > 0 {
		todo, err = withoutReceipts(repo, cfg, todo)
		if err != nil {
			return nil, err
		}
	}
	repo.Debugf("pre-push: %d commits pushed, %d scanned, %d skipped by receipts", len(plan.Commits), len(todo), len(plan.Commits)-len(todo))
	// Messages are scanned for every pushed commit, whatever the receipts
	// say: pre-commit never saw them. Pushed annotated tags too.
	res, err := scanPushed(ctx, repo, cfg, plan, todo, updates)
	if err != nil {
		return nil, err
	}
	return &Outcome{Repo: repo, Root: repo.Root, Config: cfg, Result: res, History: findingCommits(res.Findings, plan.Commits, plan.Refs), Baseline: bl, BaselineAtBase: o.ConfigFile == ""}, nil
}

// prePushListed is PrePush when no receipt can skip a commit (there are
// none, or --no-receipts): every pushed commit is scanned, so the plan is
// the scan itself. One `git log` over the pushed tips, with what the
// remote's tracking refs hold left out by git, lists the commits and
// prints their changes and messages (a listed history). Before it runs
// one git only, which says whether each pushed tip is a commit here (and
// which of the remote's old tips this repository has), where the
// configuration is and what configuration files each tip holds; the
// configuration loads (its files read, when the base has any) beside
// git's start, and the stream is read once it is loaded. A push of 200
// new branches ran four rounds of git, one after another (configuration,
// plan, then changes and messages), eight gits in all; this is two.
func prePushListed(ctx context.Context, repo *gitread.Repo, o PrePushOptions) (*Outcome, error) {
	var (
		cfg     *rules.Config
		bl      *baseline.Baseline
		cfgErr  error
		cfgSaid bytes.Buffer
		loaded  = make(chan struct{})
		tags    []scan.Item
		tagsErr error
		loading conc.WaitGroup
	)
	// Pushed annotated tags' messages, beside everything else.
	var tagging conc.WaitGroup
	tagging.Go(func() { tags, tagsErr = pushedTagMessages(ctx, repo, o.Updates) })
	defer tagging.Wait()
	// git log starts at once, over the revisions the push gives (tips, and
	// the remote's old tips of refs pushed over). Beside it one git says
	// whether each is a commit here, where the configuration is and which
	// configuration files each tip holds; the log's output is read only
	// once that is known and the configuration loaded, and should the
	// revisions be other than guessed (a tip that is no commit here: an
	// error; a remote's old tip never fetched: left out), git log starts
	// again over them before anything of it was read.
	guess, names := gitread.GuessPushRevs(o.Updates)
	var (
		revs    []string
		revsErr error
		looked  = make(chan struct{})
		listed  []*gitread.ListedCommit
		msgs    = make(chan scan.Item, 64) // their messages, to scan as they come
		items   <-chan scan.Item
		wait    func() ([]scan.Skipped, error)
		stop    = func() {}        // ends the stream started, if any
		cancel  context.CancelFunc // its context's
	)
	defer func() { stop() }()
	start := func(from []string) {
		var streamCtx context.Context
		streamCtx, cancel = context.WithCancel(ctx)
		q := gitread.HistoryQuery{Revs: from, ExcludeRemote: o.Remote, Sources: names,
			Listed: func(c *gitread.ListedCommit) error {
				listed = append(listed, c)
				select {
				case msgs <- c.Message:
					return nil
				case <-streamCtx.Done():
					return streamCtx.Err()
				}
			},
			Ready: func() (int64, error) {
				<-looked
				if revsErr != nil || !slices.Equal(from, revs) {
					return 0, errors.New("not the pushed revisions")
				}
				<-loaded
				if cfg == nil {
					return 0, errors.New("the configuration was not loaded")
				}
				return cfg.MaxFileSize, nil
			}}
		items, wait = gitread.HistoryItems(streamCtx, repo, q, 0)
		stop = func() {
			cancel()
			wait()
		}
	}
	if len(guess) > 0 {
		start(guess)
	}
	// One git answers, in turn: where the configuration is (it loads as
	// soon as that is known), whether each pushed sha is a commit (then
	// the log's output can be read), and which configuration files each
	// tip holds (needed only to say, after the scan, that a push changes
	// them).
	cands, tips := pushBaseCandidates(o.Remote, o.Updates), pushedTips(o.Updates)
	var baseNames, tipNames []string
	if o.ConfigFile == "" {
		baseNames, tipNames = committedLookups(cands, nil), committedLookups(nil, tips)
	}
	var (
		answers  = make(chan map[string]gitread.Object, 3)
		tipObjs  map[string]gitread.Object
		lookErr  error
		lookDone = make(chan struct{})
	)
	go func() {
		defer close(lookDone)
		lookErr = gitread.LookUpInTurn(ctx, repo, [][]string{baseNames, gitread.PushLookups(o.Updates), tipNames}, func(_ int, objs map[string]gitread.Object) { answers <- objs })
	}()
	// answer is the next group's answers, or the error that ended git.
	answer := func() (map[string]gitread.Object, error) {
		select {
		case objs := <-answers:
			return objs, nil
		case <-lookDone:
			select {
			case objs := <-answers:
				return objs, nil
			default:
				return nil, lookErr
			}
		}
	}
	baseObjs, err := answer()
	if err != nil {
		revsErr = err
		close(looked)
		return nil, BudgetError(ctx, err, "looking up the pushed commits and the configuration")
	}
	loading.Go(func() {
		defer close(loaded)
		co := o
		co.Stderr = &cfgSaid
		cfg, bl, cfgErr = pushConfig(ctx, repo, co, nil, baseObjs)
	})
	pushObjs, err := answer()
	if err != nil {
		revsErr = err
		close(looked)
		loading.Wait()
		return nil, BudgetError(ctx, err, "looking up the pushed commits and the configuration")
	}
	revs, _, revsErr = gitread.PushRevs(ctx, repo, o.Updates, pushObjs)
	close(looked)
	loading.Wait()
	o.Stderr.Write(cfgSaid.Bytes())
	if cfgErr != nil {
		return nil, cfgErr
	}
	if revsErr != nil {
		return nil, BudgetError(ctx, revsErr, "listing the pushed commits")
	}
	if !slices.Equal(revs, guess) {
		stop() // nothing of it was read
		items, stop = nil, func() {}
		if len(revs) > 0 {
			start(revs)
		}
	}
	// Messages are scanned for every pushed commit (pre-commit never saw
	// them), as the log lists them, beside its changes; then the tags'.
	var (
		mres     *scan.Result
		mErr     error
		scanning conc.WaitGroup
	)
	msgCtx, stopMessages := context.WithCancel(ctx)
	defer stopMessages()
	scanning.Go(func() { mres, mErr = scan.Stream(msgCtx, cfg.Engine, msgs) })
	closed := false
	defer func() {
		if !closed {
			stop() // the log lists no more: nothing sends to msgs
			stopMessages()
			close(msgs)
			scanning.Wait()
		}
	}()
	res := &scan.Result{}
	if items != nil {
		if res, err = scanHistoryItems(ctx, cancel, cfg, items, wait); err != nil {
			return nil, BudgetError(ctx, err, "scanning the pushed commits")
		}
	}
	tagging.Wait()
	if tagsErr != nil {
		return nil, BudgetError(ctx, tagsErr, "scanning the pushed commit and tag messages")
	}
	for _, it := range tags {
		msgs <- it
	}
	closed = true
	close(msgs)
	scanning.Wait()
	if mErr != nil {
		return nil, BudgetError(ctx, mErr, "scanning the pushed commit and tag messages")
	}
	res.Findings = append(mres.Findings, res.Findings...)
	res.Suppressed = append(mres.Suppressed, res.Suppressed...)
	res.Scanned += mres.Scanned
	if tipObjs, err = answer(); err != nil {
		return nil, BudgetError(ctx, err, "looking up the pushed commits' configuration files")
	}
	if o.ConfigFile == "" {
		maps.Copy(tipObjs, baseObjs)
		sayChanged(o.Stderr, cands, pushNone(o), tips, tipObjs, pushChanged(o))
	}
	commits := make([]gitread.CommitInfo, len(listed))
	refs := make(map[string]string, len(listed))
	for i, c := range listed {
		commits[i] = c.CommitInfo
		refs[c.ID] = c.Ref
	}
	repo.Debugf("pre-push: %d commits pushed, %d scanned, 0 skipped by receipts (none apply: listed with the scan)", len(commits), len(commits))
	return &Outcome{Repo: repo, Root: repo.Root, Config: cfg, Result: res, History: findingCommits(res.Findings, commits, refs), Baseline: bl, BaselineAtBase: o.ConfigFile == ""}, nil
}

// scanPushed scans the changes of the commits todo (the pushed commits no
// receipt covers) and the messages of every pushed commit and annotated tag.
func scanPushed(ctx context.Context, repo *gitread.Repo, cfg *rules.Config, plan *gitread.PushPlan, todo []gitread.CommitInfo, updates []gitread.RefUpdate) (*scan.Result, error) {
	ids := make([]string, len(todo))
	for i, c := range todo {
		ids[i] = c.ID
	}
	var stream func() (*scan.Result, error)
	if len(ids) > 0 {
		stream = func() (*scan.Result, error) {
			return ScanHistory(ctx, repo, cfg, gitread.HistoryQuery{Revs: ids, Exact: true, Refs: plan.Refs})
		}
	}
	return scanWithMessages(ctx, cfg, stream,
		func() ([]scan.Item, error) { return pushMessages(ctx, repo, plan, updates) }, nil,
		"scanning the pushed commits", "scanning the pushed commit and tag messages")
}

// pushMessages reads the messages of the pushed commits and annotated tags.
func pushMessages(ctx context.Context, repo *gitread.Repo, plan *gitread.PushPlan, updates []gitread.RefUpdate) ([]scan.Item, error) {
	var items []scan.Item
	if len(plan.Commits) > 0 {
		ids := make([]string, len(plan.Commits))
		for i, c := range plan.Commits {
			ids[i] = c.ID
		}
		var err error
		if items, err = gitread.CommitMessages(ctx, repo, gitread.HistoryQuery{Revs: ids, Exact: true, Refs: plan.Refs}); err != nil {
			return nil, err
		}
	}
	tagItems, err := pushedTagMessages(ctx, repo, updates)
	if err != nil {
		return nil, err
	}
	return append(items, tagItems...), nil
}

// pushedTagMessages reads the messages of the pushed annotated tags.
func pushedTagMessages(ctx context.Context, repo *gitread.Repo, updates []gitread.RefUpdate) ([]scan.Item, error) {
	var tags []string
	refs := map[string]string{}
	for _, u := range updates {
		if !u.IsDeletion() && strings.HasPrefix(u.Name(), "refs/tags/") && refs[u.LocalSHA] == "" {
			tags = append(tags, u.LocalSHA)
			refs[u.LocalSHA] = u.Name()
		}
	}
	if len(tags) == 0 {
		return nil, nil
	}
	return gitread.TagMessages(ctx, repo, tags, refs)
}

// partialWhy says why the refs pre-push was given may not be the whole push.
func partialWhy(given []gitread.RefUpdate) string {
	if len(given) == 0 {
		return "git's refs were not on standard input (a hook manager that does not pass it on, such as lefthook without use_stdin)"
	}
	return "the pre-commit framework passes one ref of a push"
}

// remoteName is how the summary names the remote.
func remoteName(remote string) string {
	if remote == "" {
		return "the remote (unknown, so everything)"
	}
	return remote
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
		p.repo.Debugf("no scan receipt written: %v", err)
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

// pushConfig loads the rules and baseline pre-push checks with. With
// --config (trusted) that file rules. Otherwise the repository's
// .leakhook.toml, .gitleaksignore and .leakhook-baseline are read as
// committed at what the remote already has (pushBaseCandidates), never
// from the commits being pushed, which could switch detection off for
// themselves; when the pushed tips change the configuration, it says so.
// The baseline is nil when there is none at that base. objs holds git's
// answers to committedLookups(pushBaseCandidates, tips), or is nil to ask
// them here. tips are the pushed commits compared with the base (the
// listed pre-push passes none and compares them after its scan, as git
// answers them last).
func pushConfig(ctx context.Context, repo *gitread.Repo, o PrePushOptions, tips []string, objs map[string]gitread.Object) (*rules.Config, *baseline.Baseline, error) {
	if o.ConfigFile != "" {
		cfg, err := LoadConfig(repo.Root, o.ConfigFile, o.Stderr)
		if err != nil {
			return nil, nil, &ConfigError{err}
		}
		return cfg, nil, nil
	}
	return committedConfig(ctx, repo, o.Stderr, pushBaseCandidates(o.Remote, o.Updates), pushNone(o), tips, objs, pushChanged(o))
}

// pushNone names, in messages, the absence of a base on the remote.
func pushNone(o PrePushOptions) string { return "nothing on " + remoteName(o.Remote) + " yet" }

// pushChanged is pre-push's sentence for sayChanged.
func pushChanged(o PrePushOptions) func(file, at string) string {
	return func(file, at string) string {
		return fmt.Sprintf("the pushed commits change %s; they are checked with the configuration %s already has (%s): the new one applies once it is there", file, remoteName(o.Remote), at)
	}
}

// pushedTips are the pushed commits of updates (deletions push none).
func pushedTips(updates []gitread.RefUpdate) []string {
	var tips []string
	for _, u := range updates {
		if !u.IsDeletion() {
			tips = append(tips, u.LocalSHA)
		}
	}
	return tips
}

// committedLookups are the names committedConfig asks git about: which
// base candidate is a commit and the configuration files at each, and the
// configuration files at each tip.
func committedLookups(cands []baseCandidate, tips []string) []string {
	var names []string
	for _, c := range cands {
		names = append(names, c.rev+"^{commit}")
		for _, file := range configFiles {
			names = append(names, c.rev+":"+file)
		}
	}
	for _, tip := range tips {
		for _, file := range committedFiles {
			names = append(names, tip+":"+file)
		}
	}
	return names
}

// configFiles are the repository's files a committed configuration is
// read from, read ahead together.
var configFiles = []string{".leakhook.toml", ".gitleaksignore", baseline.FileName}

// committedFiles are the repository's files that configure a check, read
// as committed by committedConfig.
var committedFiles = []string{".leakhook.toml", baseline.FileName}

// committedConfig loads the rules and the baseline as committed at the
// first of cands that is a commit (none names the absence of one in
// messages: then the built-in rules and the user's own configuration).
// When one of tips, the commits being checked, holds another version of a
// committedFiles file, it says so on stderr (sayChanged). The baseline is
// nil when the base has none. objs holds git's answers to
// committedLookups(cands, tips), or is nil to ask them here, with one git.
func committedConfig(ctx context.Context, repo *gitread.Repo, stderr io.Writer, cands []baseCandidate, none string, tips []string, objs map[string]gitread.Object, changed func(file, at string) string) (*rules.Config, *baseline.Baseline, error) {
	if objs == nil {
		var err error
		if objs, err = gitread.LookUp(ctx, repo, committedLookups(cands, tips)); err != nil {
			return nil, nil, BudgetError(ctx, err, "looking up the configuration's base and the checked commits' configuration files")
		}
	}
	base, at := baseOf(cands, none, objs)
	read := func(string) ([]byte, error) { return nil, os.ErrNotExist }
	if base >= 0 {
		commit := objs[cands[base].rev+"^{commit}"].ID
		atBase := blobsAt(cands[base].rev, configFiles, objs)
		var ids []string
		of := map[string]string{}
		for _, file := range configFiles {
			if id := atBase[file]; id != "" && of[id] == "" {
				ids = append(ids, id)
				of[id] = commit[:12] + ":" + file
			}
		}
		var blobs map[string][]byte
		var err error
		if len(ids) > 0 {
			blobs, err = gitread.Blobs(ctx, repo, ids, func(id string) string { return of[id] })
		}
		one := gitread.FileAt(ctx, repo, commit)
		read = func(rel string) ([]byte, error) {
			if !slices.Contains(configFiles, rel) {
				return one(rel)
			}
			if err != nil {
				return nil, err
			}
			id, ok := atBase[rel]
			if !ok {
				return nil, os.ErrNotExist
			}
			return blobs[id], nil
		}
	}
	cfg, bl, err := loadCommitted(ctx, repo, stderr, read, at)
	if err != nil {
		return nil, nil, err
	}
	sayChanged(stderr, cands, none, tips, objs, changed)
	return cfg, bl, nil
}

// baseOf is the first of cands that is a commit by objs (git's answers to
// committedLookups), and how messages name it: -1 and none when there is
// none (a failure to tell is an error before, never taken for none).
func baseOf(cands []baseCandidate, none string, objs map[string]gitread.Object) (int, string) {
	for i, c := range cands {
		if objs[c.rev+"^{commit}"].Type == "commit" {
			return i, c.at
		}
	}
	return -1, none
}

// blobsAt are the blob ids of files at rev, by objs; a file rev does not
// hold as a blob is absent.
func blobsAt(rev string, files []string, objs map[string]gitread.Object) map[string]string {
	ids := map[string]string{}
	for _, file := range files {
		if obj := objs[rev+":"+file]; obj.Type == "blob" {
			ids[file] = obj.ID
		}
	}
	return ids
}

// sayChanged says on stderr, with changed's sentence, which committedFiles
// one of tips, the commits being checked, holds another version of than
// the base (baseOf): those commits cannot vouch for themselves. objs holds
// git's answers to committedLookups(cands, tips).
func sayChanged(stderr io.Writer, cands []baseCandidate, none string, tips []string, objs map[string]gitread.Object, changed func(file, at string) string) {
	base, at := baseOf(cands, none, objs)
	atBase := map[string]string{}
	if base >= 0 {
		atBase = blobsAt(cands[base].rev, committedFiles, objs)
	}
	for _, file := range committedFiles {
		if slices.ContainsFunc(tips, func(tip string) bool { return blobsAt(tip, []string{file}, objs)[file] != atBase[file] }) {
			fmt.Fprintf(stderr, "leakhook: %s\n", changed(file, at))
		}
	}
}

// loadCommitted loads the rules and the baseline from read, the files as
// committed at what at names. The baseline is nil when there is none.
func loadCommitted(ctx context.Context, repo *gitread.Repo, stderr io.Writer, read func(string) ([]byte, error), at string) (*rules.Config, *baseline.Baseline, error) {
	cfg, err := LoadConfigWith(rules.Options{Root: repo.Root, Committed: read, CommittedAt: at}, stderr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, BudgetError(ctx, err, "loading the configuration")
		}
		return nil, nil, &ConfigError{err}
	}
	var bl *baseline.Baseline
	if data, err := read(baseline.FileName); err == nil {
		if bl, err = baseline.Parse(at+":"+baseline.FileName, data); err != nil {
			return nil, nil, &ConfigError{err}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, nil, BudgetError(ctx, err, "reading the baseline at "+at)
	}
	return cfg, bl, nil
}

// pushBaseCandidates are the revisions a push's configuration is read
// from, the first that is a commit here: the remote's old tip of a pushed
// ref, else its default branch (refs/remotes/<remote>/HEAD, then main or
// master); none of them: the remote has nothing of ours.
func pushBaseCandidates(remote string, updates []gitread.RefUpdate) []baseCandidate {
	var cands []baseCandidate
	for _, u := range updates {
		if u.IsDeletion() || strings.Trim(u.RemoteSHA, "0") == "" {
			continue
		}
		cands = append(cands, baseCandidate{u.RemoteSHA, remoteName(remote) + "'s " + strings.TrimPrefix(u.RemoteRef, "refs/heads/")})
	}
	if remote != "" && !strings.Contains(remote, "/") && !strings.Contains(remote, ":") {
		for _, b := range []string{"HEAD", "main", "master"} {
			cands = append(cands, baseCandidate{"refs/remotes/" + remote + "/" + b, remote + "/" + b})
		}
	}
	return cands
}

// baseCandidate is a revision committedConfig may take the configuration
// from, and how messages name it.
type baseCandidate struct{ rev, at string }
