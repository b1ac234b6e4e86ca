package gitread

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

// Commit and tag messages are scanned like files: a token pasted into a
// subject reaches the remote as surely as one in a file, and pre-commit
// never sees the message (receipts do not cover it). These are the paths
// their findings are reported under.
const (
	CommitMessagePath = scan.CommitMessagePath
	TagMessagePath    = scan.TagMessagePath
)

// CommitMessages returns the message (subject and body) of every commit q
// selects, as items to scan, with one `git log` and no diffs.
func CommitMessages(ctx context.Context, repo *Repo, q HistoryQuery) ([]scan.Item, error) {
	args := []string{"log", "--no-show-signature", "--no-notes", "--no-mailmap", "--format=tformat:%H %P%n%B%x00"}
	if q.Exact {
		args = append(args, "--no-walk=unsorted")
	}
	args = append(args, "--stdin")
	var items []scan.Item
	err := streamGit(ctx, repoDir(repo), revInput(q.Revs), func(r io.Reader) error {
		br := bufio.NewReaderSize(r, 64<<10)
		for {
			rec, err := br.ReadBytes(0)
			if err == io.EOF {
				if len(bytes.TrimSpace(rec)) != 0 {
					return fmt.Errorf("git log: truncated commit message record")
				}
				return nil
			}
			if err != nil {
				return err
			}
			rec = bytes.TrimPrefix(rec[:len(rec)-1], []byte("\n")) // tformat puts a newline between records
			head, msg, _ := bytes.Cut(rec, []byte("\n"))
			ids := strings.Fields(string(head))
			if len(ids) == 0 {
				return fmt.Errorf("git log printed %q", head)
			}
			parent := ""
			if len(ids) > 1 {
				parent = ids[1]
			}
			// Empty messages stay: the caller learns every commit listed.
			items = append(items, messageItem(ids[0], parent, q.Refs[ids[0]], msg))
		}
	}, args...)
	return items, err
}

// subjectOf is a message's first paragraph on one line, as git's %s prints it.
func subjectOf(msg []byte) string {
	para, _, _ := bytes.Cut(bytes.TrimLeft(msg, "\n"), []byte("\n\n"))
	return strings.Join(strings.Fields(string(para)), " ")
}

// TagMessages returns the message of each annotated tag among ids (other
// objects are ignored), reported under refs[id], with one `git cat-file
// --batch`. A tag of a tag is followed, so every message on the way counts.
func TagMessages(ctx context.Context, repo *Repo, ids []string, refs map[string]string) ([]scan.Item, error) {
	var items []scan.Item
	seen := map[string]bool{}
	for len(ids) > 0 {
		var in strings.Builder
		var ask []string
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				ask = append(ask, id)
				in.WriteString(id + "\n")
			}
		}
		ids = nil
		if len(ask) == 0 {
			break
		}
		err := streamGit(ctx, repoDir(repo), strings.NewReader(in.String()), func(r io.Reader) error {
			br := bufio.NewReader(r)
			for _, id := range ask {
				_, typ, size, err := catHeader(br)
				if err != nil {
					return err
				}
				if typ == "" {
					continue // missing
				}
				body := make([]byte, size+1) // and the newline after it
				if _, err := io.ReadFull(br, body); err != nil {
					return fmt.Errorf("git cat-file: %v", err)
				}
				if typ != "tag" {
					continue
				}
				headers, msg, _ := bytes.Cut(body[:size], []byte("\n\n"))
				for _, h := range strings.Split(string(headers), "\n") {
					if target, ok := strings.CutPrefix(h, "object "); ok && strings.Contains(string(headers), "\ntype tag") {
						ids = append(ids, target)
						if refs != nil && refs[target] == "" {
							refs[target] = refs[id]
						}
					}
				}
				if len(bytes.TrimSpace(msg)) == 0 {
					continue
				}
				items = append(items, scan.Item{
					Target: rules.Target{Path: TagMessagePath, Content: msg, StartLine: 1},
					Commit: &scan.Commit{ID: id, Subject: subjectOf(msg), Ref: refs[id]},
				})
			}
			return nil
		}, "cat-file", "--batch")
		if err != nil {
			return nil, err
		}
	}
	return items, nil
}

// Tags are a repository's annotated tags, as AnnotatedTags lists them.
type Tags []tagRef

type tagRef struct{ id, peeled, ref string }

// AnnotatedTags lists the repository's annotated tags under refs/tags/,
// each with the object it points at, with one `git for-each-ref`.
func AnnotatedTags(ctx context.Context, repo *Repo) (Tags, error) {
	out, err := runGit(ctx, repoDir(repo), "for-each-ref", "--format=%(objecttype) %(objectname) %(*objectname) %(refname)", "refs/tags/")
	if err != nil {
		return nil, err
	}
	var tags Tags
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) == 4 && f[0] == "tag" {
			tags = append(tags, tagRef{id: f[1], peeled: f[2], ref: f[3]})
		}
	}
	return tags, nil
}

// PointingAt returns the tags whose commit is in commits, and the ref
// name of each: the tags `scan --git` reads messages of.
func (t Tags) PointingAt(commits map[string]bool) ([]string, map[string]string) {
	var ids []string
	refs := map[string]string{}
	for _, tag := range t {
		if !commits[tag.peeled] {
			continue
		}
		if _, dup := refs[tag.id]; !dup {
			ids = append(ids, tag.id)
		}
		refs[tag.id] = tag.ref
	}
	return ids, refs
}

// CommentChar is the comment prefix git uses in the message file data:
// core.commentChar (or core.commentString), "#" by default. With "auto" git
// picked a character no message line starts with; it is the one that starts
// the scissors line or git's "Please enter the commit message" line.
func CommentChar(ctx context.Context, repo *Repo, data []byte) string {
	out, _ := runGit(ctx, repoDir(repo), "config", "--get", "core.commentString")
	if len(out) == 0 {
		out, _ = runGit(ctx, repoDir(repo), "config", "--get", "core.commentChar")
	}
	c := strings.TrimRight(string(out), "\n")
	if c != "auto" {
		if c == "" {
			return "#"
		}
		return c
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasSuffix(line, " ------------------------ >8 ------------------------") ||
			strings.Contains(line, " Please enter the commit message") {
			if c, _, ok := strings.Cut(line, " "); ok && c != "" {
				return c
			}
		}
	}
	return "#"
}
