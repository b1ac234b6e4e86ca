package gitread

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"time"

	"github.com/leakhook/leakhook/scan"

	"github.com/leakhook/leakhook/internal/gitindex"
	"github.com/leakhook/leakhook/internal/gitrun"
	"github.com/leakhook/leakhook/internal/prestart"
)

// runGit runs git and returns its standard output, or a *gitrun.Error that
// carries git's own message.
func runGit(ctx context.Context, dir string, args ...string) ([]byte, error) {
	return gitrun.Run(ctx, dir, nil, args...)
}

// streamGit runs git and feeds its standard output to read. The command's
// failure is an error even when read consumed everything without complaint.
func streamGit(ctx context.Context, dir string, stdin io.Reader, read func(io.Reader) error, args ...string) error {
	cmd := gitrun.Command(ctx, dir, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdin = stdin
	out, w, err := pipe()
	if err != nil {
		return err
	}
	cmd.Stdout = w
	err = cmd.Start()
	w.Close() // git holds the write end now
	if err != nil {
		out.Close()
		return gitrun.NewError(args, err, nil)
	}
	return readGit(out, read, cmd.Wait, &stderr, args)
}

// readGit feeds a running git's standard output to read, then waits for it
// and turns a failure into an error carrying git's own message.
func readGit(out *os.File, read func(io.Reader) error, wait func() error, stderr *bytes.Buffer, args []string) error {
	defer out.Close()
	growPipe(out)
	readErr := read(&patientReader{r: out})
	if readErr != nil {
		io.Copy(io.Discard, out) // let git finish writing before Wait
	}
	if err := wait(); err != nil {
		return gitrun.NewError(args, err, stderr.Bytes())
	}
	return readErr
}

// adoptGit reads the git that package prestart started before main ran, as
// streamGit would read one it started itself.
func adoptGit(ctx context.Context, p *prestart.Proc, read func(io.Reader) error, args []string) error {
	var stderr bytes.Buffer
	copied := make(chan struct{})
	go func() {
		io.Copy(&stderr, p.Stderr)
		p.Stderr.Close()
		close(copied)
	}()
	stop := context.AfterFunc(ctx, p.Kill)
	defer stop()
	wait := func() error {
		st, err := p.Process.Wait()
		<-copied
		if err == nil && !st.Success() {
			err = &exec.ExitError{ProcessState: st}
		}
		if err == nil && ctx.Err() != nil {
			// git may have finished before the kill: the budget still ran out.
			err = ctx.Err()
		}
		return err
	}
	return readGit(p.Stdout, read, wait, &stderr, args)
}

// cliStaged reads the staged changes with `git diff --cached`, handing each
// item to emit as it is parsed (or collecting them when emit is nil).
func cliStaged(ctx context.Context, repo *Repo, maxSize int64, emit func(scan.Item) error) (*Changes, error) {
	ch := &Changes{Backend: "git"}
	if emit == nil {
		emit = ch.add
	}
	// git runs in the git directory, away from the working tree
	// (prestart.StagedWorkTree says why).
	args := append(append([]string{}, prestart.StagedWorkTree...), "diff", "--cached")
	args = append(args, prestart.DiffFlags...)
	lfs := newLFSExpander(repo, maxSize, emit, ch.skip)
	read := func(r io.Reader) error { return newPatchParser(r, maxSize, lfs.item, ch.skip).run() }
	defer repo.leaveCore()()
	// git does not check the index's checksum when it reads it: a truncated
	// index would be read as far as it goes. Checked here, beside git.
	verified := make(chan error, 1)
	go func() { verified <- gitindex.Verify(repo.IndexFile()) }()
	var err error
	if p := prestart.Take(repo.GitDir, append(append([]string{}, prestart.ConfigFlags...), args...)); p != nil {
		repo.Debugf("staged: reading the git diff started before main")
		err = adoptGit(ctx, p, read, args)
	} else {
		err = streamGit(ctx, repo.GitDir, nil, read, args...)
	}
	// A damaged index explains whatever git made of it; no index at all is
	// an empty one, to git as to us.
	if verr := <-verified; verr != nil && !errors.Is(verr, fs.ErrNotExist) {
		err = verr
	}
	if err != nil {
		return nil, err
	}
	return ch, nil
}

// A long stream is read in fewer, larger pieces: git writes a few KB at a
// time (its stdio buffer), and a reader that keeps up with it is woken for
// each write, which costs both processes system time and Go's scheduler
// spinning between the wake-ups. Once patientAfter bytes have come, a read
// that returned less than patientPiece waits patientWait before the next,
// while git fills the pipe (1 MiB, growPipe). A short stream, a hook's,
// is never slowed; a long one ends at most one wait later.
const (
	patientAfter = 4 << 20
	patientPiece = 32 << 10
	patientWait  = 3 * time.Millisecond
)

type patientReader struct {
	r     io.Reader
	total int64
	short bool // the last read came short: wait before the next
}

func (p *patientReader) Read(b []byte) (int, error) {
	if p.short {
		time.Sleep(patientWait)
	}
	n, err := p.r.Read(b)
	p.total += int64(n)
	p.short = p.total > patientAfter && n > 0 && n < patientPiece && n < len(b)
	return n, err
}
