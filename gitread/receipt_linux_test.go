package gitread

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/leakhook/leakhook/internal/gittest"
)

// writeReceiptLimited writes the receipt (rules, p, tree) into the
// repository at dir with RLIMIT_FSIZE at limit bytes, so that a write past
// it fails (EFBIG; Go ignores SIGXFSZ) as a full disk would, for real, and
// returns whether the write failed. The limit is a process's: it is set in
// a child, the test binary run again for TestReceiptWriteChild, because in
// the test process itself it also failed the test log's own writes, which
// failed the package.
func writeReceiptLimited(t *testing.T, dir string, limit uint64, tree string) (failed bool) {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Skip(err)
	}
	if old.Max < limit {
		t.Skipf("RLIMIT_FSIZE hard limit %d", old.Max)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestReceiptWriteChild$")
	cmd.Env = append(os.Environ(), "LEAKHOOK_TEST_RECEIPT="+fmt.Sprintf("%d %s %s", limit, tree, dir))
	out, err := cmd.CombinedOutput()
	switch {
	case err == nil && bytes.Contains(out, []byte("receipt write failed")):
		return true
	case err == nil && bytes.Contains(out, []byte("receipt written")):
		return false
	}
	t.Fatalf("the limited write did not run: %v\n%s", err, out)
	return false
}

// TestReceiptWriteChild is writeReceiptLimited's child; run alone it does
// nothing.
func TestReceiptWriteChild(t *testing.T) {
	spec := os.Getenv("LEAKHOOK_TEST_RECEIPT")
	if spec == "" {
		t.Skip("run by writeReceiptLimited")
	}
	f := strings.SplitN(spec, " ", 3) // limit, tree, and the directory, which may hold spaces
	limit, err := strconv.ParseUint(f[0], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	repo, err := Open(context.Background(), f[2])
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
		t.Fatal(err)
	}
	if err := WriteReceipt(repo, "rules", "p", f[1]); err != nil {
		fmt.Println("receipt write failed:", err)
	} else {
		fmt.Println("receipt written")
	}
}

// TestReceiptsWriteFailureLeavesNothing: a disk that fills up while
// receipts are trimmed or appended to leaves no temporary file behind and
// the receipts as they were, not a partial line (which would join the next
// receipt's line and lose it).
func TestReceiptsWriteFailureLeavesNothing(t *testing.T) {
	r := gittest.New(t)
	repo := mustOpen(t, r)
	file := ReceiptsFile(repo)
	dir := filepath.Dir(file)
	if err := WriteReceipt(repo, "rules", "p", "t0"); err != nil {
		t.Fatal(err)
	}
	check := func(step string, before []byte) {
		t.Helper()
		after, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if !bytes.Equal(after, before) {
			t.Errorf("%s: the receipts changed (%d bytes, were %d)", step, len(after), len(before))
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Name() != "receipts" {
				t.Errorf("%s: %s left behind", step, e.Name())
			}
		}
	}

	// An append that can write only part of its line.
	before, _ := os.ReadFile(file)
	if !writeReceiptLimited(t, r.Dir, uint64(len(before)+10), "t1") {
		t.Fatal("a failed append reported success")
	}
	check("append", before)

	// Trimming: over receiptsMax, the newer half is rewritten.
	line := receiptKey("rules", "p", "old") + "\n"
	big := []byte(strings.Repeat(line, receiptsMax/len(line)+2))
	if err := os.WriteFile(file, big, 0o644); err != nil {
		t.Fatal(err)
	}
	if !writeReceiptLimited(t, r.Dir, receiptsMax/4, "t2") {
		t.Fatal("a failed trim reported success")
	}
	check("trim", big)

	// With room again, both work and the receipt is found.
	if err := WriteReceipt(repo, "rules", "p", "t3"); err != nil {
		t.Fatal(err)
	}
	rs, err := LoadReceipts(repo)
	if err != nil {
		t.Fatal(err)
	}
	if !rs.Has("rules", CommitInfo{Parent: "p", Tree: "t3"}) || rs.Has("rules", CommitInfo{Parent: "p", Tree: "t1"}) {
		t.Fatal("receipts wrong after recovering from a full disk")
	}
	if fi, _ := os.Stat(file); fi.Size() > receiptsMax {
		t.Fatalf("receipts not trimmed: %d bytes", fi.Size())
	}
	check("after", mustRead(t, file))
}

func mustRead(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
