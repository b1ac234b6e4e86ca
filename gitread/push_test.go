package gitread

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/leakhook/leakhook/scan"

	"github.com/leakhook/leakhook/internal/gittest"
)

const zero = "0000000000000000000000000000000000000000"

func TestParsePushInputReadsEveryLine(t *testing.T) {
	in := "refs/heads/a " + strings.Repeat("1", 40) + " refs/heads/a " + zero + "\n" +
		"refs/heads/b " + strings.Repeat("2", 40) + " refs/heads/b " + strings.Repeat("3", 40) + "\n" +
		"(delete) " + zero + " refs/heads/c " + strings.Repeat("4", 40) + "\n"
	us, err := ParsePushInput(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(us) != 3 || !us[2].IsDeletion() || us[0].IsDeletion() || us[1].Name() != "refs/heads/b" {
		t.Fatalf("parsed %+v", us)
	}
	if _, err := ParsePushInput(strings.NewReader("refs/heads/a zzz refs/heads/a 000\n")); err == nil {
		t.Fatal("malformed line accepted")
	}
}

// subjects renders a plan as sorted "subject@ref" rows.
func subjects(t *testing.T, r *gittest.Repo, p *PushPlan) []string {
	var out []string
	for _, c := range p.Commits {
		out = append(out, r.Git("log", "-1", "--format=%s", c.ID)+"@"+p.Refs[c.ID])
	}
	sort.Strings(out)
	return out
}

func TestPlanPush(t *testing.T) {
	r := gittest.New(t)
	remote := t.TempDir()
	r.Git("init", "-q", "--bare", remote)
	r.Git("remote", "add", "origin", remote)
	base := r.Commit("base")
	r.Git("push", "-q", "origin", "main")
	one := r.Commit("one")
	two := r.Commit("two")
	r.Git("checkout", "-q", "-b", "feature", base)
	feat := r.Commit("feat")
	r.Git("checkout", "-q", "main")
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	plan := func(us ...RefUpdate) []string {
		t.Helper()
		p, err := PlanPush(context.Background(), repo, "origin", us)
		if err != nil {
			t.Fatal(err)
		}
		return subjects(t, r, p)
	}
	expect := func(got []string, want ...string) {
		t.Helper()
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("plan %q, want %q", got, want)
		}
	}
	main := "refs/heads/main"
	// Update: remote..local.
	expect(plan(RefUpdate{main, two, main, base}), "one@"+main, "two@"+main)
	// Update from a middle commit.
	expect(plan(RefUpdate{main, two, main, one}), "two@"+main)
	// Deletion: nothing.
	expect(plan(RefUpdate{"(delete)", zero, main, base}))
	// New branch: commits no ref of origin has.
	expect(plan(RefUpdate{"refs/heads/feature", feat, "refs/heads/feature", zero}), "feat@refs/heads/feature")
	// Remote sha unknown here (force push over unfetched work): as a new branch.
	unknown := strings.Repeat("e", 40)
	expect(plan(RefUpdate{main, two, main, unknown}), "one@"+main, "two@"+main)
	// Several refs: every one is planned, shared commits once.
	expect(plan(RefUpdate{main, two, main, base}, RefUpdate{"refs/heads/x", two, "refs/heads/x", zero}, RefUpdate{"refs/heads/feature", feat, "refs/heads/feature", zero}),
		"feat@refs/heads/feature", "one@"+main, "two@"+main)
	// Pushing by URL uses the tracking refs of the remote with that URL.
	p, err := PlanPush(context.Background(), repo, remote, []RefUpdate{{"refs/heads/feature", feat, "refs/heads/feature", zero}})
	if err != nil {
		t.Fatal(err)
	}
	expect(subjects(t, r, p), "feat@refs/heads/feature")
	// With no remote-tracking refs at all, the whole history is new.
	r.Git("update-ref", "-d", "refs/remotes/origin/main")
	expect(plan(RefUpdate{"refs/heads/feature", feat, "refs/heads/feature", zero}), "base@refs/heads/feature", "feat@refs/heads/feature")
	// A local sha this repository does not have is an error, never "nothing".
	if _, err := PlanPush(context.Background(), repo, "origin", []RefUpdate{{main, unknown, main, base}}); err == nil {
		t.Fatal("unknown local sha planned without error")
	}
}

// History streams each commit's own change, so a line added and removed
// later is still seen, attributed to its commit and ref.
func TestHistoryAddedThenDeleted(t *testing.T) {
	r := gittest.New(t)
	r.Write("f.txt", "x\n")
	r.Commit("base")
	r.Write("f.txt", "x\nsecret-line\n")
	add := r.Commit("add")
	r.Write("f.txt", "x\n")
	r.Commit("remove")
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	err = History(context.Background(), repo, HistoryQuery{Revs: []string{"HEAD"}, Refs: map[string]string{add: "refs/heads/main"}}, 1<<20, func(it scan.Item) error {
		if strings.Contains(string(it.Content), "secret-line") {
			found = append(found, it.Commit.ID+" "+it.Commit.Subject+" "+it.Commit.Ref)
		}
		return nil
	}, func(scan.Skipped) {})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || found[0] != add+" add refs/heads/main" {
		t.Fatalf("found %q", found)
	}
	if err := History(context.Background(), repo, HistoryQuery{Revs: []string{"nope"}}, 1<<20, func(scan.Item) error { return nil }, func(scan.Skipped) {}); err == nil {
		t.Fatal("bad revision gave no error")
	}
}

// TestPushToNewRemoteScansWhatItLacks (issue 16, item 4): a history that is
// on origin is not on public. A first push to public (no tracking refs yet)
// used to exclude every other remote's tracking refs, so it went unscanned.
// It is what public lacks, by name or by URL; a URL of no configured remote
// excludes nothing either.
func TestPushToNewRemoteScansWhatItLacks(t *testing.T) {
	r := gittest.New(t)
	origin, public, stray := t.TempDir(), t.TempDir(), t.TempDir()
	for _, d := range []string{origin, public, stray} {
		r.Git("init", "-q", "--bare", d)
	}
	r.Git("remote", "add", "origin", origin)
	r.Git("remote", "add", "public", public)
	r.Commit("base")
	tip := r.Commit("leak")
	r.Git("push", "-q", "origin", "main")
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	main := "refs/heads/main"
	for _, remote := range []string{"public", public, stray} {
		p, err := PlanPush(context.Background(), repo, remote, []RefUpdate{{main, tip, main, zero}})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(subjects(t, r, p), ","); got != "base@"+main+",leak@"+main {
			t.Errorf("push to %s planned %q: want both commits, which it lacks", remote, got)
		}
	}
	// To origin, which has them, there is nothing to scan.
	p, err := PlanPush(context.Background(), repo, "origin", []RefUpdate{{main, tip, main, zero}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Commits) != 0 {
		t.Errorf("push to origin planned %q", subjects(t, r, p))
	}
}

// manyRefs makes n branches of k commits each on top of main, unknown to
// origin (one git fast-import), and returns their updates.
func manyRefs(t testing.TB, r *gittest.Repo, n, k int) []RefUpdate {
	var in strings.Builder
	mark := 1
	for b := 0; b < n; b++ {
		for c := 0; c < k; c++ {
			msg := fmt.Sprintf("b%03d.%d", b, c)
			fmt.Fprintf(&in, "commit refs/heads/b%03d\nmark :%d\ncommitter T <t@example.com> %d +0000\ndata %d\n%s\n", b, mark, 1700000000+mark, len(msg), msg)
			if c == 0 {
				in.WriteString("from refs/heads/main^0\n")
			}
			content := fmt.Sprintf("line %d of branch %d\n", c, b)
			fmt.Fprintf(&in, "M 644 inline f%03d.txt\ndata %d\n%s\n", b, len(content), content)
			mark++
		}
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir = r.Dir
	cmd.Stdin = strings.NewReader(in.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fast-import: %v\n%s", err, out)
	}
	var us []RefUpdate
	for b := 0; b < n; b++ {
		ref := fmt.Sprintf("refs/heads/b%03d", b)
		us = append(us, RefUpdate{ref, strings.TrimSpace(r.Git("rev-parse", ref)), ref, zero})
	}
	return us
}

// TestPlanPushOnePassForAllRefs (issue 20): a push of 200 new branches is
// planned with one git log over every tip, not one per ref (2.46 s, ~12.5 ms
// a ref, before), and each commit is still reported under its own ref.
func TestPlanPushOnePassForAllRefs(t *testing.T) {
	r := gittest.New(t)
	origin := t.TempDir()
	r.Git("init", "-q", "--bare", origin)
	r.Git("remote", "add", "origin", origin)
	r.Commit("base")
	r.Git("push", "-q", "origin", "main")
	us := manyRefs(t, r, 200, 3)
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	trace := filepath.Join(t.TempDir(), "trace")
	t.Setenv("GIT_TRACE", trace)
	start := time.Now()
	p, err := PlanPush(context.Background(), repo, "origin", us)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	os.Unsetenv("GIT_TRACE")
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	var runs []string
	for _, line := range strings.Split(string(data), "\n") {
		if _, cmd, ok := strings.Cut(line, "trace: built-in: git "); ok {
			runs = append(runs, cmd)
		}
	}
	if len(runs) > 3 {
		t.Errorf("planning 200 refs ran git %d times (want at most 3: cat-file, for-each-ref, log); first: %q", len(runs), runs[:5])
	}
	t.Logf("planned %d commits of %d refs in %v with %d git runs", len(p.Commits), len(us), took, len(runs))
	if len(p.Commits) != 600 {
		t.Fatalf("planned %d commits, want 600", len(p.Commits))
	}
	subjectOf := map[string]string{}
	for _, line := range strings.Split(r.Git("log", "--branches", "--format=%H %s"), "\n") {
		id, subject, _ := strings.Cut(line, " ")
		subjectOf[id] = subject
	}
	for _, c := range p.Commits {
		subject := subjectOf[c.ID]
		if want := "refs/heads/" + subject[:4]; p.Refs[c.ID] != want {
			t.Fatalf("commit %q reported under %q, want %q", subject, p.Refs[c.ID], want)
		}
		if c.ID == us[0].LocalSHA && !p.Tips[c.ID] {
			t.Fatal("tip not marked")
		}
	}
}

// BenchmarkPlanPush200Refs is issue 20's first case: planning a push of 200
// new branches of 5 commits (git log -p of them all, the floor, ~160 ms).
func BenchmarkPlanPush200Refs(b *testing.B) {
	r := gittest.New(b)
	origin := b.TempDir()
	r.Git("init", "-q", "--bare", origin)
	r.Git("remote", "add", "origin", origin)
	r.Commit("base")
	r.Git("push", "-q", "origin", "main")
	us := manyRefs(b, r, 200, 5)
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := PlanPush(context.Background(), repo, "origin", us); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPushRevsPeelsTags (issue 20): the pushed shas are asked as they are,
// not each peeled, so a pushed annotated tag (under any ref name) must
// still count as its commit, with one more git for the tags; a
// sha this repository lacks (a remote's tip never fetched) is left out,
// and a sha that is no commit is an error.
func TestPushRevsPeelsTags(t *testing.T) {
	r := gittest.New(t)
	base := r.Commit("base")
	tip := r.Commit("tip")
	r.Git("tag", "-a", "-m", "release", "v1", tip)
	tag := strings.TrimSpace(r.Git("rev-parse", "v1"))
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	unknown := strings.Repeat("7", 40)
	updates := []RefUpdate{
		{LocalRef: "refs/tags/v1", LocalSHA: tag, RemoteRef: "refs/tags/v1", RemoteSHA: zero},
		{LocalRef: "refs/heads/odd", LocalSHA: tag, RemoteRef: "refs/heads/odd", RemoteSHA: unknown},
		{LocalRef: "refs/heads/main", LocalSHA: tip, RemoteRef: "refs/heads/main", RemoteSHA: base},
	}
	known, err := knownCommits(context.Background(), repo, updates, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !known[tag] || !known[tip] || !known[base] || known[unknown] {
		t.Fatalf("known = %v; want the tag, tip and base, not %s", known, unknown)
	}
	if _, _, err := PushRevs(context.Background(), repo, updates, nil); err != nil {
		t.Fatalf("PushRevs: %v", err)
	}
	tree := strings.TrimSpace(r.Git("rev-parse", "HEAD^{tree}"))
	bad := []RefUpdate{{LocalRef: "refs/heads/x", LocalSHA: tree, RemoteRef: "refs/heads/x", RemoteSHA: zero}}
	if _, _, err := PushRevs(context.Background(), repo, bad, nil); err == nil || !strings.Contains(err.Error(), "not a commit") {
		t.Fatalf("a tree pushed as a branch: %v", err)
	}
}
