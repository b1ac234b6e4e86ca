package gitread

import (
	"context"
	"sort"
	"strings"
	"testing"

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
	// A URL remote (no tracking refs of that name) falls back to all remote-tracking refs.
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
