package gitread

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"io"
	"strings"

	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

// A listed history (HistoryQuery.Listed) is a history stream that is also
// the list of the commits it shows: one `git log` prints, with each
// commit's diff, its tree, the revision it was reached from (%S) and its
// whole message, so that pre-push needs no second git for its plan and no
// third for the messages.

// ListedCommit is one commit of a listed history, as git printed it.
type ListedCommit struct {
	CommitInfo           // its id, tree and first parent
	Parents    []string  // every parent: a merge has two or more
	Ref        string    // the ref it is reported under (HistoryQuery.Sources)
	Message    scan.Item // its message, as CommitMessages reads it
}

// listing is what a patchParser reads of a listed history besides diffs.
type listing struct {
	nonce string // ends each message: a message cannot hold it
	// messages, when set, makes the listing a plain one
	// (HistoryQuery.Messages): each commit's message only, handed to it
	// and on as an item of the stream; no tree, source, ref or merge is
	// read or kept.
	messages func(scan.Item) error
	sources  map[string]string // a revision as given -> the ref it is reported under
	refs     map[string]string // a listed commit -> its ref
	merges   []string          // the listed merges, in git's order
	listed   func(*ListedCommit) error
}

func newListing(sources map[string]string, listed func(*ListedCommit) error) (*listing, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	return &listing{nonce: hex.EncodeToString(b[:]), sources: sources, refs: map[string]string{}, listed: listed}, nil
}

// newMessageListing is the listing of a plain history that shows each
// commit's message with its diff (HistoryQuery.Messages).
func newMessageListing(messages func(scan.Item) error) (*listing, error) {
	l, err := newListing(nil, nil)
	if err != nil {
		return nil, err
	}
	l.messages = messages
	return l, nil
}

// format is the listed history's --format: the header patchParser knows
// (commitMarker), then "<tree> <source>" on a line of its own, then the
// message, ended by a NUL and the nonce. The nonce, random for each run,
// is what ends a message: a message holding a NUL (hash-object can write
// one) cannot end itself early and have its rest read as a diff.
func (l *listing) format() string {
	if l.messages != nil {
		return "--format=tformat:%x01leakhook-commit %H %P%x02%s%n%B%x00" + l.nonce
	}
	return "--format=tformat:%x01leakhook-commit %H %P%x02%s%n%T %S%n%B%x00" + l.nonce
}

// read reads what follows the commit line of c (already parsed from the
// line head): the tree and source line, then the message (a plain
// listing's: the message alone).
func (l *listing) read(p *patchParser, c *scan.Commit, head string) error {
	if l.messages != nil {
		if c.ID == "" {
			return p.errorf("a commit line without its id")
		}
		msg, err := l.message(p)
		if err != nil {
			return err
		}
		it := messageItem(c.ID, c.Parent, "", msg)
		if err := l.messages(it); err != nil {
			return err
		}
		it.Commit = c // the commit its changes are handed on with
		return p.emit(it)
	}
	ok, err := p.next()
	if err != nil {
		return err
	}
	if !ok {
		return p.errorf("git log ended after a commit's first line")
	}
	tree, source, _ := strings.Cut(string(p.line), " ")
	if !isHexID(tree) || c.ID == "" {
		return p.errorf("a listed commit without its tree and source: %.80q", p.line)
	}
	msg, err := l.message(p)
	if err != nil {
		return err
	}
	ref := l.sources[source]
	c.Ref = ref // before any of its items is handed on
	l.refs[c.ID] = ref
	parents := strings.Fields(head)[1:]
	if len(parents) > 1 {
		l.merges = append(l.merges, c.ID)
	}
	return l.listed(&ListedCommit{
		CommitInfo: CommitInfo{ID: c.ID, Tree: tree, Parent: c.Parent},
		Parents:    parents,
		Ref:        ref,
		Message:    messageItem(c.ID, c.Parent, ref, msg),
	})
}

// message reads a message up to the NUL and nonce that end it.
func (l *listing) message(p *patchParser) ([]byte, error) {
	var msg []byte
	for {
		chunk, err := p.r.ReadSlice(0)
		msg = append(msg, chunk...)
		switch err {
		case nil:
			if end, _ := p.r.Peek(len(l.nonce)); string(end) == l.nonce {
				p.r.Discard(len(l.nonce))
				return msg[:len(msg)-1], nil
			}
		case bufio.ErrBufferFull:
		case io.EOF:
			return nil, p.errorf("git log: truncated commit message")
		default:
			return nil, err
		}
	}
}

// messageItem is a commit's message as an item to scan.
func messageItem(id, parent, ref string, msg []byte) scan.Item {
	return scan.Item{
		Target: rules.Target{Path: CommitMessagePath, Content: msg, StartLine: 1},
		Commit: &scan.Commit{ID: id, Parent: parent, Subject: subjectOf(msg), Ref: ref},
	}
}
