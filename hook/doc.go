// Package hook runs leakhook's flows: the pre-commit scan of the staged
// change (precommit.go), commit-msg (commitmsg.go), the pre-push scan of the
// commits a push sends (prepush.go), the server's pre-receive check
// (prereceive.go), the scan of a history range behind `scan --git`
// (history.go) and of files on disk (scan.go), what `leakhook baseline`
// records (baseline.go) and `leakhook fix` (fix.go). Each reads git through
// gitread and scans with scan; Report (report.go) then decides what blocks
// with triage and writes the report. The command line (cmd/leakhook) owns
// flags, environment and exit codes, and passes in what they decide and
// the standard streams.
package hook
