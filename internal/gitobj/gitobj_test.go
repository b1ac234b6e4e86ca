package gitobj

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/leakhook/leakhook/internal/gittest"
)

// history makes a repository whose files change a little in every commit,
// so that repacking produces long delta chains.
func history(t *testing.T) *gittest.Repo {
	r := gittest.New(t)
	var b strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "line %d of a file that grows a little each commit\n", i)
		r.Write("grow.txt", b.String())
		r.Write(fmt.Sprintf("dir%d/f.txt", i%3), strings.Repeat(fmt.Sprintf("content %d\n", i), 50+i))
		r.Git("add", "-A")
		r.Commit(fmt.Sprintf("commit %d", i))
	}
	return r
}

// catAll returns every object git can read, as git cat-file --batch prints it.
func catAll(t *testing.T, r *gittest.Repo) map[string]struct {
	typ  string
	data []byte
} {
	cmd := exec.Command("git", "cat-file", "--batch-all-objects", "--batch", "--unordered")
	cmd.Dir = r.Dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]struct {
		typ  string
		data []byte
	}{}
	br := bufio.NewReader(bytes.NewReader(out))
	for {
		hdr, err := br.ReadString('\n')
		if err == io.EOF {
			break
		}
		f := strings.Fields(hdr)
		n, _ := strconv.Atoi(f[2])
		data := make([]byte, n+1)
		if _, err := io.ReadFull(br, data); err != nil {
			t.Fatal(err)
		}
		all[f[0]] = struct {
			typ  string
			data []byte
		}{f[1], data[:n]}
	}
	return all
}

var typeNames = map[int]string{Commit: "commit", Tree: "tree", Blob: "blob", Tag: "tag"}

// check reads every object with Store and compares it with git's answer.
func check(t *testing.T, r *gittest.Repo, what string) {
	t.Helper()
	want := catAll(t, r)
	s, err := Open(filepath.Join(r.Dir, ".git", "objects"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for id, w := range want {
		var h [20]byte
		hex.Decode(h[:], []byte(id))
		typ, data, err := s.Read(h, 0)
		if err != nil {
			t.Fatalf("%s: %s: %v", what, id, err)
		}
		if typeNames[typ] != w.typ || !bytes.Equal(data, w.data) {
			t.Fatalf("%s: %s: got %s of %d bytes, git has %s of %d bytes", what, id, typeNames[typ], len(data), w.typ, len(w.data))
		}
	}
	if len(want) < 100 {
		t.Fatalf("%s: only %d objects: the fixture is too small to mean anything", what, len(want))
	}
}

func TestReadsWhatGitReads(t *testing.T) {
	r := history(t)
	check(t, r, "loose objects")
	r.Git("repack", "-adf", "--depth=50", "--window=50")
	check(t, r, "one pack, offset deltas")
	r.Git("-c", "repack.useDeltaBaseOffset=false", "repack", "-adf", "--depth=50", "--window=50")
	check(t, r, "one pack, ref deltas")
	r.Write("new.txt", "a loose object beside the pack\n")
	r.Git("add", "new.txt")
	r.Commit("loose")
	r.Git("repack", "-d") // a second pack with just the new objects
	r.Write("newer.txt", "and one more loose object\n")
	r.Git("add", "newer.txt")
	check(t, r, "two packs and loose objects")
}

func TestMissingAndTooLarge(t *testing.T) {
	r := history(t)
	r.Git("repack", "-adf")
	s, err := Open(filepath.Join(r.Dir, ".git", "objects"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.Read([20]byte{1, 2, 3}, 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing object: err = %v, want ErrNotFound", err)
	}
	blob := r.Git("rev-parse", "HEAD:grow.txt")
	var h [20]byte
	hex.Decode(h[:], []byte(blob))
	size, _ := strconv.ParseInt(r.Git("cat-file", "-s", blob), 10, 64)
	if _, _, err := s.Read(h, size-1); !errors.Is(err, ErrTooLarge) {
		t.Errorf("limit below the size: err = %v, want ErrTooLarge", err)
	}
	if _, data, err := s.Read(h, size); err != nil || int64(len(data)) != size {
		t.Errorf("limit equal to the size: %d bytes, err = %v", len(data), err)
	}
}

// Readers share one Store (the staged reader diffs files in parallel).
func TestConcurrentReads(t *testing.T) {
	r := history(t)
	r.Git("repack", "-adf", "--depth=50")
	want := catAll(t, r)
	s, err := Open(filepath.Join(r.Dir, ".git", "objects"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	errs := make(chan error, 4)
	for g := 0; g < 4; g++ {
		go func() {
			for id, w := range want {
				var h [20]byte
				hex.Decode(h[:], []byte(id))
				if _, data, err := s.Read(h, 0); err != nil || !bytes.Equal(data, w.data) {
					errs <- fmt.Errorf("%s: %v", id, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
