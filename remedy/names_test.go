package remedy

import (
	"strings"
	"testing"
)

// TestVarName: a name the tool reads itself wins and keeps its case, then
// the user's own identifier, then the rule's envVar.
func TestVarName(t *testing.T) {
	v := strings.Repeat("s3cr3t", 3)
	cases := []struct {
		s          Secret
		line, want string
	}{
		{Secret{RuleID: "terraform-cloud-token", EnvVar: "TF_TOKEN_app_terraform_io"}, `TFE_TOKEN = "@V@"`, "TF_TOKEN_app_terraform_io"},
		{Secret{RuleID: "crates-io-token", EnvVar: "CARGO_REGISTRY_TOKEN"}, `token = "@V@"`, "CARGO_REGISTRY_TOKEN"},
		{Secret{RuleID: "mailjet-api-key", EnvVar: "MJ_APIKEY_PUBLIC"}, `MAILJET_KEY = "@V@"`, "MAILJET_KEY"},
		{Secret{RuleID: "mailjet-api-key", EnvVar: "MJ_APIKEY_PUBLIC"}, `mailjetApiKey := "@V@"`, "MAILJET_API_KEY"},
		{Secret{RuleID: "mailjet-api-key", EnvVar: "MJ_APIKEY_PUBLIC"}, `  "mailjet_key": "@V@",`, "MAILJET_KEY"},
		{Secret{RuleID: "mailjet-api-key", EnvVar: "MJ_APIKEY_PUBLIC"}, `export MJ_KEY='@V@'`, "MJ_KEY"},
		{Secret{RuleID: "mailjet-api-key", EnvVar: "MJ_APIKEY_PUBLIC"}, `api_key = "@V@"`, "MJ_APIKEY_PUBLIC"},
		{Secret{RuleID: "mailjet-api-key", EnvVar: "MJ_APIKEY_PUBLIC"}, `url = "https://user:@V@@host"`, "MJ_APIKEY_PUBLIC"},
		{Secret{RuleID: "mailjet-api-key", EnvVar: "MJ_APIKEY_PUBLIC"}, `smtp.PlainAuth("", "u", "@V@", host)`, "MJ_APIKEY_PUBLIC"},
		{Secret{RuleID: "smtp-password"}, `send(password="@V@")`, "SMTP_PASSWORD"},
		{Secret{RuleID: "mailjet-api-key", EnvVar: "MJ_APIKEY_PUBLIC"}, "", "MJ_APIKEY_PUBLIC"},
	}
	for _, c := range cases {
		if got := VarName(c.s, strings.ReplaceAll(c.line, "@V@", v), v); got != c.want {
			t.Errorf("VarName(%s, %q) = %s, want %s", c.s.RuleID, c.line, got, c.want)
		}
	}
}
