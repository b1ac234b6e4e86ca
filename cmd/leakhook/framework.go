package main

import "os"

// frameworkStage tells which stage of the pre-commit framework runs
// leakhook: "commit", "push", or "" (not the framework, or `pre-commit run`
// by hand). The published hooks declare no stages (.pre-commit-hooks.yaml
// says why), so each runs at every stage the user installed and must know
// its own: the framework sets PRE_COMMIT=1 for every hook, git sets
// GIT_INDEX_FILE for the hooks of a commit, and at push the framework sets
// the pushed refs and the remote.
func frameworkStage() string {
	if os.Getenv("PRE_COMMIT") != "1" {
		return ""
	}
	if os.Getenv("GIT_INDEX_FILE") != "" {
		return "commit"
	}
	for _, k := range []string{"PRE_COMMIT_FROM_REF", "PRE_COMMIT_TO_REF", "PRE_COMMIT_REMOTE_NAME", "PRE_COMMIT_LOCAL_BRANCH"} {
		if os.Getenv(k) != "" {
			return "push"
		}
	}
	return ""
}
