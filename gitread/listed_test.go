package gitread

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/leakhook/leakhook/scan"

	"github.com/leakhook/leakhook/internal/gittest"
)

// listedPush runs a listed history over a push, as pre-push does when no
// receipt applies, and returns what it listed and the added lines it read
// ("<subject> <path>:<line> <text> @<ref>").
func listedPush(t *testing.T, repo *Repo, remote string, us []RefUpdate) ([]*ListedCommit, []string) {
	t.Helper()
	revs, names, err := PushRevs(context.Background(), repo, us, nil)
	if err != nil {
		t.Fatal(err)
	}
	var listed []*ListedCommit
	var lines []string
	q := HistoryQuery{Revs: revs, ExcludeRemote: remote, Sources: names, Listed: func(c *ListedCommit) error {
		listed = append(listed, c)
		return nil
	}}
	err = History(context.Background(), repo, q, 1<<20, func(it scan.Item) error {
		for i, l := range strings.Split(strings.TrimSuffix(string(it.Content), "\n"), "\n") {
			if it.Added[i] {
				lines = append(lines, fmt.Sprintf("%s %s:%d %s @%s", it.Commit.Subject, it.Path, it.StartLine+i, l, it.Commit.Ref))
			}
		}
		return nil
	}, func(scan.Skipped) {})
	if err != nil {
		t.Fatal(err)
	}
	return listed, lines
}

// TestListedHistoryIsThePushPlan: the one git log pre-push runs when no
// receipt applies lists exactly the commits, order and refs of the push
// plan (the remote's tracking refs, nested ones too, and the old tip of a
// force-pushed ref left out), hands on each commit's whole message as the
// messages reader reads it, and reads what a merge adds that no parent
// holds, reported under the merge's ref.
func TestListedHistoryIsThePushPlan(t *testing.T) {
	r := gittest.New(t)
	origin := t.TempDir()
	r.Git("init", "-q", "--bare", origin)
	r.Git("remote", "add", "origin", origin)
	r.Write("f.txt", "a\nb\nc\n")
	base := r.Commit("base")
	r.Git("push", "-q", "origin", "main")
	// A branch the remote already has under a nested tracking ref.
	r.Git("checkout", "-q", "-b", "team", base)
	r.Write("t.txt", "team-line\n")
	team := r.Commit("team")
	r.Git("update-ref", "refs/remotes/origin/team/shared", team)
	r.Write("t.txt", "team-line\nteam-new\n")
	teamNew := r.Commit("team new")
	// Two new branches, one merged into the other with a line of its own.
	r.Git("checkout", "-q", "-b", "one", base)
	r.Write("f.txt", "a\none-line\nc\n")
	r.Commit("one\n\nbody of one")
	r.Write("o.txt", "one-file\n")
	one := r.Commit("one file")
	r.Git("checkout", "-q", "-b", "two", base)
	r.Write("f.txt", "a\ntwo-line\nc\n")
	r.Commit("two")
	if _, err := r.TryGit("merge", "-q", "one"); err == nil {
		t.Fatal("the merge should conflict")
	}
	r.Write("f.txt", "a\nresolved-line\nc\n")
	r.Write("evil.txt", "evil-line\n")
	r.Git("add", "-A")
	r.Git("commit", "-q", "-m", "evil merge")
	two := r.Git("rev-parse", "HEAD")
	// main force-pushed: its old tip (on the remote) is no ancestor.
	r.Git("checkout", "-q", "main")
	r.Write("m.txt", "main-line\n")
	oldMain := r.Commit("old main")
	r.Git("push", "-q", "origin", "main")
	r.Git("reset", "-q", "--hard", base)
	r.Write("m.txt", "main-again\n")
	newMain := r.Commit("new main")
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	us := []RefUpdate{
		{"refs/heads/one", one, "refs/heads/one", zero},
		{"refs/heads/two", two, "refs/heads/two", zero},
		{"refs/heads/team", teamNew, "refs/heads/team", zero},
		{"refs/heads/main", newMain, "refs/heads/main", oldMain},
		{"(delete)", zero, "refs/heads/gone", base},
	}
	plan, err := PlanPush(context.Background(), repo, "origin", us)
	if err != nil {
		t.Fatal(err)
	}
	listed, lines := listedPush(t, repo, "origin", us)
	if len(listed) != len(plan.Commits) || len(listed) != 6 {
		t.Fatalf("listed %d commits, the plan %d (want 6)", len(listed), len(plan.Commits))
	}
	var ids []string
	for i, c := range listed {
		if c.CommitInfo != plan.Commits[i] || c.Ref != plan.Refs[c.ID] {
			t.Errorf("listed #%d %+v under %q; the plan has %+v under %q", i, c.CommitInfo, c.Ref, plan.Commits[i], plan.Refs[c.ID])
		}
		ids = append(ids, c.ID)
	}
	msgs, err := CommitMessages(context.Background(), repo, HistoryQuery{Revs: ids, Exact: true, Refs: plan.Refs})
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range msgs {
		got := listed[i].Message
		if string(got.Content) != string(m.Content) || *got.Commit != *m.Commit || got.Path != m.Path {
			t.Errorf("message of %s: listed %q %+v, messages reader %q %+v", ids[i], got.Content, *got.Commit, m.Content, *m.Commit)
		}
		if p := listed[i].Parents; (len(p) > 1) != (listed[i].Message.Commit.Subject == "evil merge") {
			t.Errorf("%s has parents %q", listed[i].Message.Commit.Subject, p)
		}
	}
	for _, want := range []string{
		"one f.txt:2 one-line @refs/heads/one",
		"one file o.txt:1 one-file @refs/heads/one",
		"two f.txt:2 two-line @refs/heads/two",
		"evil merge f.txt:2 resolved-line @refs/heads/two",
		"evil merge evil.txt:1 evil-line @refs/heads/two",
		"team new t.txt:2 team-new @refs/heads/team",
		"new main m.txt:1 main-again @refs/heads/main",
	} {
		if !slices.Contains(lines, want) {
			t.Errorf("missing %q in %q", want, lines)
		}
	}
	for _, l := range lines {
		if strings.Contains(l, "team-line") || strings.Contains(l, "main-line") {
			t.Errorf("read %q, which the remote has", l)
		}
	}
}

// TestListedHistoryMessageCannotEndItself: a message holding a NUL and
// what looks like a diff (hash-object writes any bytes) is read whole as
// the message, never as a change, and the commit after it is read as it is.
func TestListedHistoryMessageCannotEndItself(t *testing.T) {
	r := gittest.New(t)
	r.Write("f.txt", "a\n")
	base := r.Commit("base")
	r.Write("f.txt", "a\nreal-line\n")
	real := r.Commit("real")
	msg := "hostile\n\x00\n\ndiff --git a/fake.txt b/fake.txt\n--- a/fake.txt\n+++ b/fake.txt\n@@ -0,0 +1 @@\n+fake-line\n"
	hostile := hostileCommit(t, r, real, msg)
	r.Git("update-ref", "refs/heads/main", hostile)
	r.Write("f.txt", "a\nreal-line\nafter-line\n")
	after := r.Commit("after")
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	main := "refs/heads/main"
	listed, lines := listedPush(t, repo, "", []RefUpdate{{main, after, main, base}})
	if len(listed) != 3 {
		t.Fatalf("listed %d commits, want 3", len(listed))
	}
	if m := string(listed[1].Message.Content); !strings.HasPrefix(m, "hostile\n") {
		t.Errorf("the hostile commit's message read as %q", m)
	}
	want := []string{"after f.txt:3 after-line @" + main, "real f.txt:2 real-line @" + main}
	if !slices.Equal(lines, want) {
		t.Errorf("read %q, want %q", lines, want)
	}
}

// TestListedHistoryOnGitBefore231: a listed history passes
// --diff-merges=off without asking git's version first; a git before 2.31
// refuses it (here a stand-in that says it is 2.30), and the history is
// read again without it, whole. A git that says it is newer and refuses
// the flag fails the read: nothing is taken for "no commits".
func TestListedHistoryOnGitBefore231(t *testing.T) {
	r := gittest.New(t)
	r.Write("f.txt", "a\n")
	base := r.Commit("base")
	r.Write("f.txt", "a\nnew-line\n")
	tip := r.Commit("tip")
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, version := range []string{"2.30.9", "2.39.5"} {
		standInGit(t, func(real string) string {
			return "case \" $* \" in *\" version \"*) echo 'git version " + version + "'; exit 0;; esac\n" +
				"for a; do [ \"$a\" = --diff-merges=off ] && { echo 'fatal: unrecognized argument: --diff-merges=off' >&2; exit 128; }; done\n" +
				"exec " + real + " \"$@\"\n"
		})
		old := mergeFlag
		mergeFlag = sync.OnceValue(askMergeFlag)
		main := "refs/heads/main"
		revs, names, err := PushRevs(context.Background(), repo, []RefUpdate{{main, tip, main, base}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var listed []string
		var lines []string
		q := HistoryQuery{Revs: revs, Sources: names, Listed: func(c *ListedCommit) error {
			listed = append(listed, string(c.Message.Content))
			return nil
		}}
		err = History(context.Background(), repo, q, 1<<20, func(it scan.Item) error {
			lines = append(lines, string(it.Content))
			return nil
		}, func(scan.Skipped) {})
		mergeFlag = old
		if version == "2.30.9" {
			if err != nil || !slices.Equal(listed, []string{"tip\n"}) || len(lines) != 1 || !strings.Contains(lines[0], "new-line") {
				t.Errorf("git %s: listed %q, read %q, %v", version, listed, lines, err)
			}
		} else if err == nil || !strings.Contains(err.Error(), "unrecognized argument") {
			t.Errorf("git %s refused the flag, yet: listed %q, read %q, %v", version, listed, lines, err)
		}
	}
}
