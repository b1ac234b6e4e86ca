package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/leakhook/leakhook/remedy"
	"github.com/leakhook/leakhook/rules"
)

// Explain writes `leakhook explain`'s advice for the rule id: how to move
// its secret into the environment or a vault, rotate it and check for
// misuse, in lang's code, with the configuration's [remediation] settings.
// A rule that is not known is an error that names the nearest ids.
func Explain(w io.Writer, cfg *rules.Config, id string, lang remedy.Lang, vault, repo string) error {
	r := cfg.FindRule(id)
	if r == nil {
		msg := fmt.Sprintf("unknown rule %q: 'leakhook rules' lists the rule ids", id)
		if near := cfg.NearRules(id); len(near) > 0 {
			msg += "; did you mean " + strings.Join(near, ", ") + "?"
		}
		return fmt.Errorf("%s", msg)
	}
	o := remedy.Options{SecretPath: cfg.Remediation.SecretPath, EnvFile: cfg.Remediation.EnvFile, Repo: repo}
	return remedy.ExplainWith(w, secretOf(r), lang, vault, o)
}
