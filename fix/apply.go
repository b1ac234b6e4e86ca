package fix

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Apply carries the plan out in four steps, so that no step can leave the
// value nowhere and a failure leaves the repository as it was:
//
//  1. check everything: each staged entry and working-tree file is still
//     what the plan read, and every file to write is a regular file (or
//     absent) inside the repository, reached through no symbolic link;
//  2. write the env file (synced to disk), .gitignore and .env.example;
//  3. update the index in one atomic git update-index call (rewritten
//     files staged, the env file untracked);
//  4. patch the working-tree files.
//
// The value is on disk in the env file before the index or the working
// tree loses it, so a crash never loses it. On an error in step 3 or 4,
// what was done is undone (the index entries restored, the files put back
// as they were) and a re-run starts afresh.
func (p *Plan) Apply(ctx context.Context) (err error) {
	root := p.opts.Repo.Root
	if err := p.checkTargets(); err != nil {
		return err
	}
	for _, ff := range p.files {
		e, err := p.git.entry(ctx, ff.path)
		if err != nil {
			return err
		}
		if e.sha != ff.sha || e.mode != ff.mode {
			return fmt.Errorf("%s changed in the index while leakhook was planning; nothing was changed; run leakhook fix again", ff.path)
		}
		if ff.work != nil {
			cur, err := os.ReadFile(p.abs(ff.path))
			if err != nil || string(cur) != ff.workContent {
				return fmt.Errorf("%s changed in the working tree while leakhook was planning; nothing was changed; run leakhook fix again", ff.path)
			}
		}
	}
	// The new blobs go into the object store first: harmless if unused.
	var newIndex, oldIndex strings.Builder
	for _, ff := range p.files {
		zero := strings.Repeat("0", len(ff.sha))
		fmt.Fprintf(&oldIndex, "%s %s\t%s\x00", ff.mode, ff.sha, ff.path)
		if ff.untrack {
			fmt.Fprintf(&newIndex, "0 %s\t%s\x00", zero, ff.path)
			continue
		}
		sha, err := p.git.hashBlob(ctx, ff.index.result())
		if err != nil {
			return err
		}
		fmt.Fprintf(&newIndex, "%s %s\t%s\x00", ff.mode, sha, ff.path)
	}

	var undo []func() error
	defer func() {
		if err == nil {
			return
		}
		var failed []string
		for i := len(undo) - 1; i >= 0; i-- {
			if uerr := undo[i](); uerr != nil {
				failed = append(failed, uerr.Error())
			}
		}
		if len(failed) > 0 {
			err = fmt.Errorf("%w; undoing it also failed (%s): check git status and %s", err, strings.Join(failed, "; "), p.env.path)
		} else {
			err = fmt.Errorf("%w; nothing was changed (everything done so far was undone)", err)
		}
	}()
	keep := func(rel string) error {
		u, err := snapshot(p.abs(rel))
		if err != nil {
			return err
		}
		undo = append(undo, u)
		return nil
	}

	if p.vault == "env" && len(p.env.added) > 0 {
		if err := keep(p.env.path); err != nil {
			return err
		}
		if err := p.env.appendEntries(root); err != nil {
			return fmt.Errorf("writing %s: %w", p.env.path, err)
		}
	}
	if p.vault == "env" && p.ignoreAdd != "" {
		if err := keep(".gitignore"); err != nil {
			return err
		}
		if err := appendLine(p.abs(".gitignore"), p.ignoreAdd); err != nil {
			return fmt.Errorf("writing .gitignore: %w", err)
		}
	}
	if p.example != "" && len(p.exampleAdd) > 0 {
		if err := keep(p.example); err != nil {
			return err
		}
		for _, n := range p.exampleAdd {
			if err := appendLine(p.abs(p.example), n+"="); err != nil {
				return fmt.Errorf("writing %s: %w", p.example, err)
			}
		}
	}
	if len(p.files) == 0 {
		return nil
	}
	if _, err := p.git.run(ctx, []byte(newIndex.String()), "update-index", "-z", "--index-info"); err != nil {
		return fmt.Errorf("updating the index: %w", err)
	}
	undo = append(undo, func() error {
		_, err := p.git.run(ctx, []byte(oldIndex.String()), "update-index", "-z", "--index-info")
		return err
	})
	for _, ff := range p.files {
		if ff.work == nil {
			continue
		}
		if err := keep(ff.path); err != nil {
			return err
		}
		if err := writeWorktree(p.abs(ff.path), ff.workContent, ff.work.result()); err != nil {
			return fmt.Errorf("writing %s: %w", ff.path, err)
		}
	}
	return nil
}

func (p *Plan) abs(rel string) string {
	return filepath.Join(p.opts.Repo.Root, filepath.FromSlash(rel))
}

// checkTargets refuses, before anything is written, a file the plan would
// write that is outside the repository, reached through a symbolic link
// (.env.example -> ../../.bashrc) or not a regular file.
func (p *Plan) checkTargets() error {
	var rels []string
	if p.vault == "env" && len(p.env.added) > 0 {
		rels = append(rels, p.env.path)
	}
	if p.vault == "env" && p.ignoreAdd != "" {
		rels = append(rels, ".gitignore")
	}
	if p.example != "" && len(p.exampleAdd) > 0 {
		rels = append(rels, p.example)
	}
	for _, ff := range p.files {
		if ff.work != nil {
			rels = append(rels, ff.path)
		}
	}
	for _, rel := range rels {
		if err := insideRoot(p.opts.Repo.Root, rel); err != nil {
			return fmt.Errorf("%w; nothing was changed", err)
		}
	}
	return nil
}

// insideRoot checks that rel names a regular file (or nothing yet) under
// root with no symbolic link on the way.
func insideRoot(root, rel string) error {
	clean := path.Clean(rel)
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || clean == "." {
		return fmt.Errorf("%s is outside the repository; leakhook fix writes only inside it", rel)
	}
	parts := strings.Split(clean, "/")
	cur := root
	for i, part := range parts {
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		last := i == len(parts)-1
		switch {
		case fi.Mode()&os.ModeSymlink != 0:
			return fmt.Errorf("%s is a symbolic link; leakhook fix does not write through links", path.Join(parts[:i+1]...))
		case !last && !fi.IsDir():
			return fmt.Errorf("%s is not a directory", path.Join(parts[:i+1]...))
		case last && !fi.Mode().IsRegular():
			return fmt.Errorf("%s is not a regular file; leakhook fix does not write to it", rel)
		}
	}
	return nil
}

// snapshot records a file's content and mode (or its absence) and returns
// the function that puts it back.
func snapshot(p string) (func() error, error) {
	data, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return func() error {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			return nil
		}, nil
	}
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	return func() error {
		cur, err := os.ReadFile(p)
		if err == nil && string(cur) == string(data) {
			return nil
		}
		return os.WriteFile(p, data, fi.Mode().Perm())
	}, nil
}

// writeWorktree replaces a file's content if it still holds old, keeping
// its permissions. It writes a sibling temporary file and renames it, so a
// failure half-way leaves the original intact.
func writeWorktree(p, old, content string) error {
	cur, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	if string(cur) != old {
		return fmt.Errorf("the working-tree file changed while leakhook was planning")
	}
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".leakhook-fix-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(fi.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), p)
}
