package fix

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// Apply carries the plan out. The order protects the value: it is written
// to the env file first, then the literal leaves the index, then the
// working tree. Before touching a file it checks that the staged entry and
// the working-tree file are still what the plan read, so edits made in the
// meantime are never overwritten.
func (p *Plan) Apply(ctx context.Context) error {
	root := p.opts.Repo.Root
	if p.vault == "env" {
		if err := p.env.appendEntries(root); err != nil {
			return fmt.Errorf("writing %s: %w", p.env.path, err)
		}
		if p.ignoreAdd != "" {
			if err := appendLine(filepath.Join(root, ".gitignore"), p.ignoreAdd); err != nil {
				return fmt.Errorf("writing .gitignore: %w", err)
			}
		}
	}
	if p.example != "" {
		for _, n := range p.exampleAdd {
			if err := appendLine(filepath.Join(root, filepath.FromSlash(p.example)), n+"="); err != nil {
				return fmt.Errorf("writing %s: %w", p.example, err)
			}
		}
	}
	for _, ff := range p.files {
		e, err := p.git.entry(ctx, ff.path)
		if err != nil {
			return err
		}
		if e.sha != ff.sha || e.mode != ff.mode {
			return fmt.Errorf("%s changed in the index while leakhook was planning; run leakhook fix again", ff.path)
		}
		if ff.untrack {
			if _, err := p.git.run(ctx, nil, "rm", "--cached", "-q", "--", ff.path); err != nil {
				return err
			}
			continue
		}
		if err := p.git.stage(ctx, ff.path, ff.mode, ff.index.result()); err != nil {
			return err
		}
		if ff.work != nil {
			if err := writeWorktree(filepath.Join(root, filepath.FromSlash(ff.path)), ff.workContent, ff.work.result()); err != nil {
				return fmt.Errorf("%s: %w (the index was updated; the working tree was not)", ff.path, err)
			}
		}
	}
	return nil
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
