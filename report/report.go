// Package report prints findings: the blocking message a developer sees in a
// hook, and the JSON and SARIF a CI system reads. It is separate from rules
// and hook because it is where secrets are masked, and keeping all output in
// one place keeps that promise checkable.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"

	"github.com/leakhook/leakhook/remedy"
	"github.com/leakhook/leakhook/rules"
	"github.com/leakhook/leakhook/scan"
)

// Mode says what was scanned, which changes the message's advice.
type Mode int

const (
	ModeCommit  Mode = iota // pre-commit: the staged change
	ModePush                // pre-push and history: commits
	ModeScan                // files on disk
	ModeMessage             // commit-msg: the message a commit is about to record
	ModeReceive             // pre-receive: commits pushed to a server
)

// Options control every format.
type Options struct {
	Mode        Mode
	ShowSecrets bool // print secrets in full (never the default)
	Color       bool
	// Width is the terminal's width in columns for the text report (0: 80).
	Width       int
	Remediation remedy.Options
	Version     string
	// History lists the commits with findings, children before parents, for
	// the exact rebase recipe (pre-push and history scans).
	History []scan.Commit
	// Note, when set, labels a finding in the text report ("new", or why a
	// baselined secret blocks again).
	Note func(f *rules.Finding) string
	// Suppressed are the findings left out, each with what suppressed it
	// (triage.Verdict.Suppressed): every format counts them by source,
	// SARIF lists them as suppressed results, and no format shows their
	// secrets, even on another finding's line.
	Suppressed []rules.Finding
	// MarkersRefused says inline allow comments are not honoured (a server
	// configuration refuses them): the report does not suggest one.
	MarkersRefused bool
}

// secretText is what any output shows of a secret.
func (o *Options) secretText(f *rules.Finding) string {
	if o.ShowSecrets {
		return f.Secret
	}
	return rules.Mask(f.Secret)
}

// subjectText is what any output shows of a commit or tag subject: every
// secret this report found masked in it. A token pasted into a subject is a
// finding in the commit message, and the subject is printed beside every
// finding of that commit (issue 16, item 11).
func (o *Options) subjectText(subject string, fs []rules.Finding) string {
	if o.ShowSecrets || subject == "" {
		return subject
	}
	for i := range fs {
		subject = rules.MaskSecrets(subject, fs[i].Secret, fs[i].Encoded)
	}
	for i := range o.Suppressed {
		subject = rules.MaskSecrets(subject, o.Suppressed[i].Secret, o.Suppressed[i].Encoded)
	}
	return subject
}

func (o *Options) lineText(f *rules.Finding, others []string) string {
	if o.ShowSecrets {
		return strings.TrimRight(f.LineText, "\r\n")
	}
	return f.MaskedLine(others...)
}

// neighbours maps each finding to the secrets of the other findings on the
// same line, suppressed ones included, so that no output shows one secret
// while masking another.
func (o *Options) neighbours(fs []rules.Finding) [][]string {
	return lineNeighbours(append(append([]rules.Finding{}, fs...), o.Suppressed...))[:len(fs)]
}

// lineNeighbours maps each of all to the secrets of the others on its line.
func lineNeighbours(all []rules.Finding) [][]string {
	byLine := map[string][]int{}
	key := func(f *rules.Finding) string { return fmt.Sprintf("%s\x00%s\x00%d", f.Commit, f.Path, f.Line) }
	for i := range all {
		byLine[key(&all[i])] = append(byLine[key(&all[i])], i)
	}
	out := make([][]string, len(all))
	for i := range all {
		for _, j := range byLine[key(&all[i])] {
			if j != i {
				out[i] = append(out[i], all[j].Secret, all[j].Encoded)
			}
		}
	}
	return out
}

// CheckFormat says whether Write knows format.
func CheckFormat(format string) error {
	switch format {
	case "text", "json", "sarif":
		return nil
	}
	return fmt.Errorf("unknown --format %q (want text, json or sarif)", format)
}

// Write writes findings in format: "text", "json" or "sarif". Files not
// scanned are listed in the text itself; JSON and SARIF have no place for
// them, so they are listed on warn.
func Write(w, warn io.Writer, format string, fs []rules.Finding, skipped []scan.Skipped, e *rules.Engine, o Options) error {
	var err error
	switch format {
	case "json":
		err = JSON(w, fs, skipped, o)
	case "sarif":
		err = SARIF(w, fs, e, o)
	default:
		Text(w, fs, skipped, e, o)
		return nil
	}
	if err == nil {
		for _, s := range skipped {
			fmt.Fprintf(warn, "leakhook: not scanned: %s: %s\n", s.Path, s.Reason)
		}
	}
	return err
}

// JSON writes an object: "findings", the findings (an empty array when
// clean), and "suppressions", what was left out counted by source
// ("total" and "by", most first; see Suppressions).
func JSON(w io.Writer, fs []rules.Finding, skipped []scan.Skipped, o Options) error {
	type jsonFinding struct {
		RuleID      string  `json:"rule_id"`
		Name        string  `json:"name"`
		File        string  `json:"file"`
		Line        int     `json:"line"`
		Column      int     `json:"column"`
		EndLine     int     `json:"end_line"`
		Secret      string  `json:"secret"`
		Masked      bool    `json:"masked"`
		Fingerprint string  `json:"fingerprint"` // v2 (argon2id, salted): never the short allow hash
		Entropy     float64 `json:"entropy"`
		Commit      string  `json:"commit,omitempty"`
		Subject     string  `json:"subject,omitempty"`
		Ref         string  `json:"ref,omitempty"`
		Detail      string  `json:"detail,omitempty"`
		Advisory    bool    `json:"advisory,omitempty"`
	}
	out := make([]jsonFinding, 0, len(fs))
	for i := range fs {
		f := &fs[i]
		out = append(out, jsonFinding{
			RuleID: f.RuleID, Name: f.RuleName, File: f.Path, Line: f.Line, Column: f.Column, EndLine: f.EndLine,
			Secret: o.secretText(f), Masked: !o.ShowSecrets, Fingerprint: f.StoredFingerprint, Entropy: f.Entropy,
			Commit: f.Commit, Subject: o.subjectText(f.Subject, fs), Ref: f.Ref, Detail: f.Detail, Advisory: f.Advisory,
		})
	}
	type suppressions struct {
		Total int                `json:"total"`
		By    []SuppressionCount `json:"by"`
	}
	sup := suppressions{By: Suppressions(o.Suppressed)}
	if sup.By == nil {
		sup.By = []SuppressionCount{}
	}
	for _, c := range sup.By {
		sup.Total += c.Count
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Findings     []jsonFinding `json:"findings"`
		Suppressions suppressions  `json:"suppressions"`
	}{out, sup})
}

// SARIF writes a SARIF 2.1.0 log that GitHub code scanning accepts.
func SARIF(w io.Writer, fs []rules.Finding, e *rules.Engine, o Options) error {
	type msg struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID               string            `json:"id"`
		Name             string            `json:"name"`
		ShortDescription msg               `json:"shortDescription"`
		FullDescription  msg               `json:"fullDescription"`
		Help             msg               `json:"help"`
		Properties       map[string]any    `json:"properties,omitempty"`
		DefaultConfig    map[string]string `json:"defaultConfiguration"`
	}
	type region struct {
		StartLine   int  `json:"startLine"`
		StartColumn int  `json:"startColumn"`
		EndLine     int  `json:"endLine,omitempty"`
		Snippet     *msg `json:"snippet,omitempty"`
	}
	type location struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI string `json:"uri"`
			} `json:"artifactLocation"`
			Region region `json:"region"`
		} `json:"physicalLocation"`
	}
	type suppression struct {
		Kind          string `json:"kind"`
		Status        string `json:"status"`
		Justification string `json:"justification"`
	}
	type result struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Level               string            `json:"level"`
		Message             msg               `json:"message"`
		Locations           []location        `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
		Properties          map[string]string `json:"properties,omitempty"`
		Suppressions        []suppression     `json:"suppressions,omitempty"`
	}
	// Suppressed findings are results too, each with the suppression that
	// kept it from blocking (SARIF 2.1.0 result.suppressions): "inSource"
	// for an inline marker, "external" for a configuration, a
	// .gitleaksignore or the baseline.
	nfound := len(fs)
	fs = append(append([]rules.Finding{}, fs...), o.Suppressed...)
	// Only rules with results are listed, in a stable order.
	ids := map[string]int{}
	ruleList := []rule{}
	var used []string
	for _, f := range fs {
		if _, ok := ids[f.RuleID]; !ok {
			ids[f.RuleID] = -1
			used = append(used, f.RuleID)
		}
	}
	sort.Strings(used)
	for _, id := range used {
		ids[id] = len(ruleList)
		r := e.Rule(id)
		desc, name := id, id
		if r != nil {
			desc, name = r.Description, r.Name
		}
		if desc == "" {
			desc = name
		}
		ruleList = append(ruleList, rule{
			ID: id, Name: sarifName(id),
			ShortDescription: msg{name}, FullDescription: msg{desc},
			Help:          msg{fmt.Sprintf("Move the secret into an environment variable or a vault, then revoke and rotate it. Run: leakhook explain %s", id)},
			Properties:    map[string]any{"tags": []string{"security", "secret"}, "security-severity": "8.0", "precision": "high"},
			DefaultConfig: map[string]string{"level": "error"},
		})
	}
	results := make([]result, 0, len(fs))
	others := lineNeighbours(fs)
	for i := range fs {
		f := &fs[i]
		var loc location
		loc.PhysicalLocation.ArtifactLocation.URI = fileURI(f.Path)
		loc.PhysicalLocation.Region = region{StartLine: f.Line, StartColumn: f.Column, EndLine: f.EndLine, Snippet: &msg{o.lineText(f, others[i])}}
		props := map[string]string{}
		if f.Commit != "" {
			props["commit"] = f.Commit
		}
		level, text := "error", fmt.Sprintf("%s found: %s", f.RuleName, o.secretText(f))
		if f.Advisory {
			level = "warning" // reported, not blocking
		}
		if f.Detail != "" {
			text += " (" + f.Detail + ")"
		}
		res := result{
			RuleID: f.RuleID, RuleIndex: ids[f.RuleID], Level: level,
			Message:    msg{text},
			Locations:  []location{loc},
			Properties: props,
		}
		if f.StoredFingerprint != "" {
			// Not for what an allowlist or marker suppressed: stored
			// fingerprints cost tens of milliseconds each, and are made
			// only for what survives the filters.
			res.PartialFingerprints = map[string]string{"leakhookSecret/v2": f.RuleID + ":" + f.StoredFingerprint}
		}
		if i >= nfound && f.Suppressed != nil {
			kind := "external"
			if f.Suppressed.Kind == rules.SuppressedInline {
				kind = "inSource"
			}
			res.Suppressions = []suppression{{Kind: kind, Status: "accepted", Justification: justification(f.Suppressed)}}
		}
		results = append(results, res)
	}
	version := o.Version
	if version == "" {
		version = "devel"
	}
	log := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name": "leakhook", "informationUri": "https://github.com/leakhook/leakhook",
				"semanticVersion": strings.TrimPrefix(version, "v"), "rules": ruleList,
			}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

// sarifName turns "mailgun-api-key" into "MailgunApiKey", the identifier form
// SARIF consumers expect for rule names.
func sarifName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// fileURI percent-encodes a relative slash path for SARIF's artifactLocation.
func fileURI(p string) string {
	if strings.HasPrefix(p, "/") {
		return (&url.URL{Scheme: "file", Path: p}).String()
	}
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}
