// Package fix applies a guided fix to the staged change and the working
// tree: each hard-coded secret the hook found is moved into the git-ignored
// env file (or a vault) and the literal is replaced with the language's
// environment read.
//
// It is a package of its own because it is the only code in leakhook that
// writes to the user's index and working tree, and it does so only when
// asked (leakhook fix --yes). Everything else reads. Keeping the writes here
// keeps the rules that protect the user's work in one place:
//
//   - the staged blob and the working-tree file are patched separately, so
//     unstaged edits survive; a working-tree line is changed only when it
//     still equals the staged line, otherwise only the index is updated;
//   - the value is written to the env file before the literal leaves the
//     index, an existing variable is never overwritten (a distinct name is
//     chosen), and the env file is created with mode 0600;
//   - a file whose language cannot be rewritten safely is not touched: the
//     user gets manual steps instead.
//
// Plan computes everything and changes nothing; Plan.Apply writes.
package fix
