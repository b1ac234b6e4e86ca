package gitread

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/leakhook/leakhook/internal/gittest"
)

// withFileSizeLimit runs fn with RLIMIT_FSIZE at limit bytes: a write past
// it fails (EFBIG; Go ignores SIGXFSZ) as a full disk would, for real.
func withFileSizeLimit(t *testing.T, limit uint64, fn func()) {
	t.Helper()
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		t.Skip(err)
	}
	if old.Max < limit {
		t.Skipf("RLIMIT_FSIZE hard limit %d", old.Max)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: old.Max}); err != nil {
		t.Skip(err)
	}
	defer syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old)
	fn()
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
	withFileSizeLimit(t, uint64(len(before)+10), func() {
		if err := WriteReceipt(repo, "rules", "p", "t1"); err == nil {
			t.Fatal("a failed append reported success")
		}
	})
	check("append", before)

	// Trimming: over receiptsMax, the newer half is rewritten.
	line := receiptKey("rules", "p", "old") + "\n"
	big := []byte(strings.Repeat(line, receiptsMax/len(line)+2))
	if err := os.WriteFile(file, big, 0o644); err != nil {
		t.Fatal(err)
	}
	withFileSizeLimit(t, receiptsMax/4, func() {
		if err := WriteReceipt(repo, "rules", "p", "t2"); err == nil {
			t.Fatal("a failed trim reported success")
		}
	})
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
