package fix

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Scope turns PATH arguments (relative to the working directory wd) into
// repository-relative slash paths for Options.Paths; a path outside the
// repository at root is an error.
func Scope(root, wd string, args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		p := a
		if !filepath.IsAbs(p) {
			p = filepath.Join(wd, p)
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			// Symlinked checkouts: compare resolved paths.
			rr, _ := filepath.EvalSymlinks(root)
			rp, _ := filepath.EvalSymlinks(filepath.Dir(p))
			if rel2, err2 := filepath.Rel(rr, filepath.Join(rp, filepath.Base(p))); err2 == nil && !strings.HasPrefix(rel2, "..") {
				rel = rel2
			} else {
				return nil, fmt.Errorf("%s is outside the repository %s", a, root)
			}
		}
		out = append(out, filepath.ToSlash(rel))
	}
	return out, nil
}
