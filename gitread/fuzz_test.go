package gitread

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/leakhook/leakhook/scan"
)

// FuzzPatchParser feeds arbitrary bytes to the diff parser: it may reject
// them with an error but must never panic or hang, and whatever it emits
// must be self-consistent (one Added flag per line, lines numbered from 1).
func FuzzPatchParser(f *testing.F) {
	f.Add([]byte("diff --git a/a.txt b/a.txt\nindex 0000000..1111111 100644\n--- a/a.txt\n+++ b/a.txt\n@@ -1,2 +1,3 @@\n one\n+two\n three\n"))
	f.Add([]byte("diff --git a/x b/x\nnew file mode 100644\n--- /dev/null\n+++ \"b/tab\\there\\303\\274\"\n@@ -0,0 +1 @@\n+last\n\\ No newline at end of file\n"))
	f.Add([]byte("\x01leakhook-commit abc def\x02subject\n\ndiff --git a/s b/s\nindex 1..2 160000\n--- a/s\n+++ b/s\n@@ -1 +1 @@\n-Subproject commit 1\n+Subproject commit 2\n"))
	f.Add([]byte("* Unmerged path c.txt\ndiff --git a/d b/d\ndeleted file mode 100644\n--- a/d\n+++ /dev/null\n@@ -1 +0,0 @@\n-gone\n"))
	f.Add([]byte("diff --git a/h b/h\n--- a/h\n+++ b/h\n@@ -1 +1,99999999999999999999 @@\n+x\n"))
	f.Add([]byte("diff --git a/h b/h\n--- a/h\n+++ b/h\n@@ -1 +1,999999999999 @@\n+x\n")) // fits an int: must not be allocated
	long := bytes.Repeat([]byte("0123456789abcde "), 5000)                                // 80 KB: pieces of a line and windows of lines
	f.Add(append(append([]byte("diff --git a/l b/l\n--- a/l\n+++ b/l\n@@ -1 +1,3 @@\n+"), long...), "\n+x\n+"+string(long)+"\n"...))
	// A line cut once leaves exactly a window, then its newline: an item of
	// a window and a byte (found by fuzzing).
	exact := bytes.Repeat([]byte("0123456789abcde "), (minWindow+minWindow*3/4)/16)
	f.Add(append(append([]byte("diff --git a/e b/e\n--- a/e\n+++ b/e\n@@ -1 +1,2 @@\n+x\n+"), exact...), '\n'))
	// A 60 KB line comes in one piece of the reader's 64 KB buffer: it is
	// cut all the same.
	f.Add(append(append([]byte("diff --git a/o b/o\n--- a/o\n+++ b/o\n@@ -0,0 +1 @@\n+"), bytes.Repeat([]byte("0123456789abcde "), 60000/16)...), '\n'))
	f.Fuzz(func(t *testing.T, data []byte) {
		emit := func(it scan.Item) error {
			if it.StartLine < 0 {
				t.Fatalf("negative start line %d", it.StartLine)
			}
			n := bytes.Count(it.Content, []byte{'\n'})
			if !bytes.HasSuffix(it.Content, []byte{'\n'}) {
				n++ // a piece of a line longer than the window
			}
			if n != len(it.Added) {
				t.Fatalf("%d lines but %d added flags", n, len(it.Added))
			}
			if len(it.Content) > 2*minWindow {
				t.Fatalf("an item of %d bytes, over twice the window", len(it.Content))
			}
			if !bytes.HasSuffix(it.Content, []byte{'\n'}) && len(it.Content) != minWindow {
				t.Fatalf("a piece of a long line of %d bytes, not the window's %d", len(it.Content), minWindow)
			}
			return nil
		}
		_ = newPatchParser(bytes.NewReader(data), 1, emit, func(scan.Skipped) {}).run()
	})
}

// FuzzReadIndex decodes arbitrary bytes as an index file: an error is fine,
// a panic is not (safeGoGit would turn it into a fallback, but the decoder
// should not need that).
func FuzzReadIndex(f *testing.F) {
	// Real v2 (with cache-tree), v4, split and unmerged indexes are in
	// testdata/fuzz/FuzzReadIndex.
	f.Add([]byte("DIRC\x00\x00\x00\x02\x00\x00\x00\x00"))
	f.Add([]byte("DIRC\x00\x00\x00\x04\x00\x00\x00\x01"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "index")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if idx, err := loadIndex(p); err == nil {
			idx.ValidTrees()
			idx.TreeID()
		}
	})
}
