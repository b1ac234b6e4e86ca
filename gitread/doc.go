// Package gitread reads what is about to be committed or pushed from git:
// the staged change, history ranges, push plans, and scan receipts.
//
// A Reader yields scan.Items: the new side of each changed region of a file,
// with the added lines marked, read from git's object store (never the
// working tree). Two backends produce them: an in-process reader (leakhook's
// own index decoder and object store, with go-git for refs and trees), for
// ordinary repositories where it is exact and saves a process, and the git
// CLI for everything else. The preflight in Staged picks one; any in-process
// error falls back to the CLI, and any CLI error is returned so the hook
// blocks: a failure to read never means "nothing found".
package gitread
