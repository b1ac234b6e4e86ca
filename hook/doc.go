// Package hook reads what is about to be committed or pushed and runs the
// hook flows.
//
// A Reader yields Items: the new side of each changed region of a file, with
// the added lines marked, read from git's object store (never the working
// tree). Two backends produce them: go-git in-process, for ordinary small
// repositories where it is exact and saves a process, and the git CLI for
// everything else. The preflight in Staged picks one; any go-git error falls
// back to the CLI, and any CLI error is returned so the hook blocks: a
// failure to read never means "nothing found".
package hook
