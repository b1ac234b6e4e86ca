// Package hook runs leakhook's git flows: the pre-commit scan of the staged
// change (precommit.go), the pre-push scan of the commits a push sends
// (prepush.go), and the scan of a history range behind `scan --git`
// (history.go). It reads git through gitread, scans with scan and hands back
// what it found; the command line (cmd/leakhook) owns flags, environment,
// the report and exit codes, and passes in what they decide.
package hook
