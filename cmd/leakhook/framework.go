package main

import (
	"os"
	"os/exec"
)

// frameworkStage tells which stage of the pre-commit framework runs
// leakhook: "push", "commit", or "" (not the framework). The published hooks
// declare no stages (.pre-commit-hooks.yaml says why), so each runs at every
// stage the user installed and must know its own. The framework sets
// PRE_COMMIT=1 for every hook and, at push, always at least one of the
// pushed refs or the remote; git sets GIT_INDEX_FILE for a commit's hooks,
// which settles it for stale variables left in a shell. Everything else,
// `pre-commit run` by hand included, is the commit stage.
func frameworkStage() string {
	if os.Getenv("PRE_COMMIT") != "1" {
		return ""
	}
	if os.Getenv("GIT_INDEX_FILE") == "" {
		for _, k := range []string{"PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF", "PRE_COMMIT_REMOTE_NAME", "PRE_COMMIT_LOCAL_BRANCH"} {
			if os.Getenv(k) != "" {
				return "push"
			}
		}
	}
	return "commit"
}

// program is how advice names leakhook in commands to run: "leakhook" when
// that finds this very binary on PATH, else its absolute path (under the
// pre-commit framework's language: golang, leakhook lives in the
// framework's environment, off PATH).
func program() string {
	exe, err := os.Executable()
	if err != nil {
		return "leakhook"
	}
	if frameworkStage() != "" {
		return exe // the framework puts its environment on the hook's PATH, not the user's
	}
	if p, err := exec.LookPath("leakhook"); err == nil {
		a, errA := os.Stat(p)
		b, errB := os.Stat(exe)
		if errA == nil && errB == nil && os.SameFile(a, b) {
			return "leakhook"
		}
	}
	return exe
}
