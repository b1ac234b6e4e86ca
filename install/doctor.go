package install

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Status says whether git will run leakhook for one hook type in a
// repository, and how (or what to do about it).
type Status struct {
	Hook    string
	Guarded bool
	How     string
}

// Check reports, for each hook leakhook installs, whether git will run
// leakhook in the repository containing dir: through leakhook's own hook,
// the global hooks, husky's init.sh, lefthook's configuration or the
// pre-commit framework. It is what `leakhook doctor` prints: a hook manager
// that rewrote its hooks and dropped leakhook shows up here.
func Check(dir string) ([]Status, error) {
	hd, err := hooksDir(dir)
	if err != nil {
		return nil, err
	}
	top, err := gitCmd(dir, "rev-parse", "--show-toplevel")
	if err != nil {
		top = ""
	}
	m := detectManager(top, hd)
	var out []Status
	for _, h := range HookNames {
		out = append(out, checkOne(top, hd, m, h))
	}
	return out, nil
}

var binLine = regexp.MustCompile(`(?m)^leakhook_bin='([^']*)'`)

// binaryProblem returns what is wrong with the leakhook binary a hook or
// block records, or "".
func binaryProblem(script []byte) string {
	mm := binLine.FindSubmatch(script)
	if mm == nil {
		return ""
	}
	if fi, err := os.Stat(string(mm[1])); err != nil || fi.Mode()&0o111 == 0 {
		return fmt.Sprintf("; but the leakhook it runs (%s) is gone, so it blocks every time: run 'leakhook install' again", mm[1])
	}
	return ""
}

func checkOne(top, hd string, m manager, h string) Status {
	path := filepath.Join(hd, h)
	body, err := os.ReadFile(path)
	st := Status{Hook: h}
	switch m {
	case husky:
		init, _ := huskyInit()
		ib, _ := os.ReadFile(init)
		team, teamErr := os.ReadFile(filepath.Join(top, ".husky", h))
		inBlock := strings.Contains(string(ib), blockBegin) && strings.Contains(string(ib), "\n"+h+")\n")
		switch {
		case err != nil:
			st.How = fmt.Sprintf("husky's hooks are not in place (%s is missing): run 'npx husky' or 'npm install'", path)
		case strings.Contains(string(team), teamLine(h)):
			st.Guarded, st.How = true, fmt.Sprintf("husky runs .husky/%s, which runs leakhook (team)", h)
		case !inBlock:
			st.How = fmt.Sprintf("husky does not run leakhook (no block in %s): run 'leakhook install'", init)
		case teamErr != nil:
			st.How = fmt.Sprintf("husky runs no %s hook (.husky/%s is missing), so leakhook's block in %s never runs: run 'leakhook install'", h, h, init)
		default:
			st.Guarded, st.How = true, fmt.Sprintf("husky runs leakhook from %s%s", init, binaryProblem(ib))
		}
	case lefthook:
		var cfg strings.Builder
		for _, n := range append([]string{"lefthook-local.yml"}, lefthookConfigs...) {
			b, _ := os.ReadFile(filepath.Join(top, n))
			cfg.Write(b)
		}
		old, _ := os.ReadFile(path + ".old")
		switch {
		case err != nil:
			st.How = fmt.Sprintf("lefthook has not installed a %s hook: run 'leakhook install' (it runs 'lefthook install')", h)
		case strings.Contains(cfg.String(), "leakhook") && strings.Contains(cfg.String(), h+":"):
			st.Guarded, st.How = true, "lefthook runs leakhook (lefthook-local.yml or lefthook.yml)"
		case isOurs(old):
			st.How = fmt.Sprintf("lefthook replaced leakhook's %s hook (kept, not run, as %s.old): run 'leakhook install' to wire leakhook through lefthook-local.yml", h, h)
		default:
			st.How = fmt.Sprintf("lefthook's configuration runs no leakhook for %s: run 'leakhook install'", h)
		}
	default:
		switch {
		case err != nil:
			st.How = fmt.Sprintf("no %s hook: run 'leakhook install'", h)
		case isOurs(body):
			st.Guarded, st.How = true, "leakhook's hook "+path+binaryProblem(body)
		case strings.Contains(string(body), frameworkMarker):
			legacy, _ := os.ReadFile(path + ".legacy")
			cfg, _ := os.ReadFile(filepath.Join(top, ".pre-commit-config.yaml"))
			id := "leakhook"
			if h == "pre-push" {
				id = "leakhook-push"
			}
			switch {
			case isOurs(legacy):
				st.Guarded, st.How = true, "the pre-commit framework runs leakhook's hook ("+h+".legacy) first"
			case regexp.MustCompile(`\bid:\s*` + id + `(-system)?\b`).Match(cfg):
				st.Guarded, st.How = true, "the pre-commit framework runs the "+id+" hook"
			default:
				st.How = fmt.Sprintf("the pre-commit framework owns %s and runs no leakhook: add {id: %s} to .pre-commit-config.yaml, or run 'leakhook install'", path, id)
			}
		default:
			st.How = fmt.Sprintf("%s is not leakhook's (another tool replaced it?): run 'leakhook install' to run leakhook before it", path)
		}
	}
	if g, gerr := GlobalDir(); gerr == nil && samePath(hd, g) && st.Guarded {
		st.How = "leakhook's global hooks (" + hd + ")" + binaryProblem(body)
	}
	if strings.Contains(st.How, "; but ") {
		st.Guarded = false
	}
	return st
}
