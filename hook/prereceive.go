package hook

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/leakhook/leakhook/baseline"
	"github.com/leakhook/leakhook/gitread"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
	"github.com/leakhook/leakhook/triage"
)

// The server guard: `leakhook pre-receive` checks what a push brings into a
// repository on the server, where --no-verify cannot reach. It is pre-push
// seen from the other side: the same planner (gitread.PlanReceive: the
// pushed commits no ref of the server holds), the same history reader and
// message scan, with the repository's configuration and baseline read as
// committed before the push, and a server-wide trusted configuration on top.

// ServerConfig is the [server] section of the server's own configuration
// (--server-config or LEAKHOOK_SERVER_CONFIG). The same file may hold rules
// and allowlists: it is loaded as a trusted configuration beneath each
// repository's.
type ServerConfig struct {
	Path string `toml:"-"`
	// Mode is "block" (the default) or "warn": report, accept the push.
	Mode string `toml:"mode"`
	// AllowInlineMarkers false refuses leakhook:allow and the other inline
	// comments in pushed commits.
	AllowInlineMarkers *bool `toml:"allowInlineMarkers"`
	// Repositories, when set, are globs (path.Match, "**" not special)
	// matched against the repository's path; only those are guarded.
	Repositories []string `toml:"repositories"`
	// SkipUsers may skip the check with the push option leakhook.skip=REASON.
	SkipUsers []string `toml:"skipUsers"`
	// Log is the file skips are logged to (relative: to the configuration
	// file's directory); "" logs to syslog.
	Log string `toml:"log"`
}

// LoadServerConfig reads the [server] section of the server configuration
// at p. A file that does not load is an error: the hook then rejects.
func LoadServerConfig(p string) (*ServerConfig, error) {
	var f struct {
		Server ServerConfig `toml:"server"`
	}
	if _, err := toml.DecodeFile(p, &f); err != nil {
		return nil, fmt.Errorf("server configuration %s: %v", p, rules.SanitizeMessage(err.Error()))
	}
	sc := f.Server
	sc.Path = p
	if sc.Log != "" && !filepath.IsAbs(sc.Log) {
		sc.Log = filepath.Join(filepath.Dir(p), sc.Log) // beside the configuration, not in each repository
	}
	switch sc.Mode {
	case "", "block", "warn":
	default:
		return nil, fmt.Errorf("server configuration %s: [server] mode = %q (want \"block\" or \"warn\")", p, sc.Mode)
	}
	for _, g := range sc.Repositories {
		if _, err := path.Match(g, ""); err != nil {
			return nil, fmt.Errorf("server configuration %s: [server] repositories: %q is not a glob", p, g)
		}
	}
	return &sc, nil
}

// ParseReceiveInput reads pre-receive's standard input, one
// "<old> <new> <ref>" line per updated ref (githooks(5)), as the updates
// the push planner takes: the server's old value is the "remote" side.
func ParseReceiveInput(r io.Reader) ([]gitread.RefUpdate, error) {
	var out []gitread.RefUpdate
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 || !isHex(f[0]) || !isHex(f[1]) {
			return nil, fmt.Errorf("pre-receive input line %d: want \"<old> <new> <ref>\", got %q", n, line)
		}
		out = append(out, gitread.RefUpdate{LocalRef: f[2], LocalSHA: f[1], RemoteRef: f[2], RemoteSHA: f[0]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading pre-receive input: %v", err)
	}
	return out, nil
}

func isHex(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	return strings.Trim(s, "0123456789abcdef") == ""
}

// PreReceiveOptions say what a pre-receive run checks.
type PreReceiveOptions struct {
	Dir          string    // the repository (git runs the hook in its git dir)
	Stdin        io.Reader // git's "<old> <new> <ref>" lines
	ServerConfig string    // the server's trusted configuration file ("": none)
	RepoName     string    // the hosting's name of the repository (GL_PROJECT_PATH...), also matched by [server] repositories
	PushOptions  []string  // GIT_PUSH_OPTION_0...
	User         string    // who pushes
	Stderr       io.Writer // what the pusher reads (remote: lines)
}

// FromEnv sets RepoName, User and PushOptions from the variables git and
// the hosting (GitLab, Gitea, GitHub Enterprise) give a pre-receive hook,
// read with getenv (os.Getenv).
func (o *PreReceiveOptions) FromEnv(getenv func(string) string) {
	first := func(names ...string) string {
		for _, n := range names {
			if v := getenv(n); v != "" {
				return v
			}
		}
		return ""
	}
	o.RepoName = first("GL_PROJECT_PATH", "GITEA_REPO_NAME", "GITHUB_REPO_NAME")
	o.User = first("GL_USERNAME", "GITEA_PUSHER_NAME", "GITHUB_USER_LOGIN", "USER", "LOGNAME")
	o.PushOptions = nil
	if n, err := strconv.Atoi(getenv("GIT_PUSH_OPTION_COUNT")); err == nil {
		for i := 0; i < n; i++ {
			o.PushOptions = append(o.PushOptions, getenv("GIT_PUSH_OPTION_"+strconv.Itoa(i)))
		}
	}
}

// ReceiveOutcome is what pre-receive found, after triage: what it left
// out (baselined, allowlisted) is in Result.Suppressed.
type ReceiveOutcome struct {
	Outcome
	Warn   bool   // [server] mode = "warn": report, accept
	Passed string // why nothing was checked ("" when it was)
}

// PreReceive checks a push on the server: it loads the server's
// configuration, reads the pushed refs from Stdin within ctx, and checks
// them. Any error means the push was not checked (the caller rejects it),
// a configuration that did not load included.
func PreReceive(ctx context.Context, o PreReceiveOptions) (*ReceiveOutcome, error) {
	sc := &ServerConfig{}
	if o.ServerConfig != "" {
		var err error
		if sc, err = LoadServerConfig(o.ServerConfig); err != nil {
			return nil, err
		}
	}
	data, err := readWithin(ctx, o.Stdin)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, BudgetError(ctx, err, "reading the pushed refs from standard input")
	}
	updates, err := ParseReceiveInput(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	out, err := preReceive(ctx, o, sc, updates)
	var cfgErr *ConfigError
	if errors.As(err, &cfgErr) {
		err = fmt.Errorf("configuration: %v", cfgErr.Err)
	} else if err != nil {
		err = BudgetError(ctx, err, "checking the push")
	}
	return out, err
}

// preReceive checks the pushed updates.
func preReceive(ctx context.Context, o PreReceiveOptions, sc *ServerConfig, updates []gitread.RefUpdate) (*ReceiveOutcome, error) {
	repo, err := gitread.OpenForPush(ctx, o.Dir)
	if err != nil {
		return nil, err
	}
	out := &ReceiveOutcome{Outcome: Outcome{Repo: repo, Root: repo.GitDir, Result: &scan.Result{}}, Warn: sc.Mode == "warn"}
	if len(sc.Repositories) > 0 && !guarded(sc.Repositories, repo.GitDir, o.RepoName) {
		out.Passed = "leakhook: this repository is not among the server configuration's [server] repositories; the push was not checked"
		return out, nil
	}
	if reason, ok := skipOption(o.PushOptions); ok {
		if o.User != "" && slices.Contains(sc.SkipUsers, o.User) {
			if err := logSkip(sc, repo, o.User, updates, reason); err != nil {
				return nil, fmt.Errorf("the skip could not be logged, so it is refused: %v", err)
			}
			out.Passed = fmt.Sprintf("leakhook: check skipped by %s with push option leakhook.skip (reason: %q); logged for the server's owner", o.User, reason)
			return out, nil
		}
		fmt.Fprintf(o.Stderr, "leakhook: push option leakhook.skip ignored: user %q is not allowed to skip the check (the server's owner names who may)\n", o.User)
	}
	plan, err := gitread.PlanReceive(ctx, repo, updates)
	if err != nil {
		return nil, BudgetError(ctx, err, "listing the pushed commits")
	}
	// Each ref is checked with the configuration committed at its old tip
	// (a new ref: the default branch); refs sharing one are scanned together.
	head, err := gitread.DefaultBranchCommit(ctx, repo)
	if err != nil {
		return nil, err
	}
	base := map[string]string{} // ref -> commit its configuration is read at
	var bases []string
	for _, u := range updates {
		b := u.RemoteSHA
		if isZero(b) {
			b = head
		}
		base[u.Name()] = b
		if !slices.Contains(bases, b) {
			bases = append(bases, b)
		}
	}
	for _, b := range bases {
		sub := &gitread.PushPlan{Refs: plan.Refs}
		for _, c := range plan.Commits {
			if base[plan.Refs[c.ID]] == b {
				sub.Commits = append(sub.Commits, c)
			}
		}
		var subUpdates []gitread.RefUpdate
		for _, u := range updates {
			if base[u.Name()] == b {
				subUpdates = append(subUpdates, u)
			}
		}
		cfg, err := receiveConfig(ctx, repo, sc, b, o.Stderr)
		if err != nil {
			return nil, err
		}
		if sc.AllowInlineMarkers != nil && !*sc.AllowInlineMarkers {
			cfg.Engine.RefuseInlineMarkers()
			out.MarkersRefused = true
		}
		if out.Config == nil {
			out.Config = cfg
		}
		res, err := scanPushed(ctx, repo, cfg, sub, sub.Commits, subUpdates)
		if err != nil {
			return nil, err
		}
		bl, err := receiveBaseline(ctx, repo, b)
		if err != nil {
			return nil, err
		}
		v, err := triage.WithBaseline(cfg, bl).WithRootCommit(func() string { return gitread.RootCommit(repo.GitDir) }).ApplyResult(res)
		if err != nil {
			return nil, err
		}
		out.Result.Findings = append(out.Result.Findings, v.Blocking...)
		out.Result.Suppressed = append(out.Result.Suppressed, v.Suppressed...)
		out.Result.Skipped = append(out.Result.Skipped, res.Skipped...)
		out.Result.Scanned += res.Scanned
	}
	if out.Config == nil { // deletions only
		if out.Config, err = LoadConfigWith(rules.Options{User: sc.Path}, o.Stderr); err != nil {
			return nil, &ConfigError{err}
		}
	}
	out.History = findingCommits(out.Result.Findings, plan.Commits, plan.Refs)
	return out, nil
}

func isZero(id string) bool { return id == "" || strings.Trim(id, "0") == "" }

// receiveConfig loads the rules for a ref: built-ins, the server's
// configuration (trusted), and the repository's .leakhook.toml as committed
// at base. A repository configuration that does not load is replaced by the
// server's when there is one (said on stderr); without one it rejects.
func receiveConfig(ctx context.Context, repo *gitread.Repo, sc *ServerConfig, base string, stderr io.Writer) (*rules.Config, error) {
	o := rules.Options{User: sc.Path, CacheDir: filepath.Join(repo.GitDir, "leakhook")}
	if base != "" {
		o.Committed, o.CommittedAt = gitread.FileAt(ctx, repo, base), short(base)
	} else {
		o.Committed = func(string) ([]byte, error) { return nil, os.ErrNotExist }
	}
	cfg, err := LoadConfigWith(o, stderr)
	if err == nil || sc.Path == "" {
		if err != nil {
			err = &ConfigError{err}
		}
		return cfg, err
	}
	if ctx.Err() != nil {
		return nil, BudgetError(ctx, err, "loading the configuration")
	}
	fmt.Fprintf(stderr, "leakhook: the repository's configuration at %s does not load (%v); the server's configuration %s is used instead\n", short(base), err, sc.Path)
	cfg, err = LoadConfigWith(rules.Options{Config: sc.Path, CacheDir: o.CacheDir}, stderr)
	if err != nil {
		return nil, &ConfigError{err}
	}
	return cfg, nil
}

// receiveBaseline reads .leakhook-baseline as committed at base (nil: none).
func receiveBaseline(ctx context.Context, repo *gitread.Repo, base string) (*baseline.Baseline, error) {
	if base == "" {
		return nil, nil
	}
	data, err := gitread.FileAt(ctx, repo, base)(baseline.FileName)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return baseline.Parse(short(base)+":"+baseline.FileName, data)
}

func short(id string) string {
	if len(id) > 10 {
		return id[:10]
	}
	return id
}

// guarded says whether a glob of [server] repositories matches the
// repository's git dir (or the hosting's name for it).
func guarded(globs []string, gitDir, name string) bool {
	cands := []string{filepath.ToSlash(gitDir), strings.TrimSuffix(filepath.ToSlash(gitDir), "/.git")}
	if name != "" {
		cands = append(cands, name)
	}
	for _, g := range globs {
		for _, c := range cands {
			if ok, _ := path.Match(g, c); ok {
				return true
			}
		}
	}
	return false
}

// skipOption finds the push option leakhook.skip=REASON.
func skipOption(opts []string) (string, bool) {
	for _, o := range opts {
		if r, ok := strings.CutPrefix(o, "leakhook.skip"); ok && (r == "" || r[0] == '=') {
			r = strings.TrimPrefix(r, "=")
			if r == "" {
				r = "(none given)"
			}
			return r, true
		}
	}
	return "", false
}

// logSkip records an allowed skip in the server configuration's log file,
// else in syslog.
func logSkip(sc *ServerConfig, repo *gitread.Repo, user string, updates []gitread.RefUpdate, reason string) error {
	var refs []string
	for _, u := range updates {
		refs = append(refs, fmt.Sprintf("%s %s..%s", u.Name(), short(u.RemoteSHA), short(u.LocalSHA)))
	}
	msg := fmt.Sprintf("leakhook pre-receive: check skipped by user %q in %s, reason %q: %s", user, repo.GitDir, reason, strings.Join(refs, ", "))
	if sc.Log == "" {
		return toSyslog(msg)
	}
	f, err := os.OpenFile(sc.Log, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(f, "%s %s\n", time.Now().UTC().Format(time.RFC3339), msg); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
