package remedy

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestParseDataRejectsMistakes(t *testing.T) {
	for name, body := range map[string]string{
		"unknown key":  "[[page]]\nids = [\"a\"]\nwhat = \"x\"\nrisk = [\"typo\"]\n",
		"duplicate id": "[[page]]\nids = [\"a\"]\n[[page]]\nids = [\"a\"]\n",
		"bad toml":     "[[page]\n",
	} {
		_, err := parseData(fstest.MapFS{"data/x.toml": {Data: []byte(body)}})
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	c, err := parseData(fstest.MapFS{"data/x.toml": {Data: []byte("[[page]]\nids = [\"a\", \"b\"]\nname = \"A\"\n")}})
	if err != nil || c.byID["b"] == nil || c.byID["b"].Name != "A" {
		t.Errorf("shared page not indexed: %v", err)
	}
}

func TestEmbeddedDataLoads(t *testing.T) {
	c, err := data()
	if err != nil {
		t.Fatal(err)
	}
	if c.Generic.What == "" || len(c.Common.Breakage) != 3 || c.Common.History == "" {
		t.Error("generic page or common text missing")
	}
	for _, p := range c.Pages {
		for _, u := range []string{p.RotateURL} {
			if u != "" && !strings.HasPrefix(u, "https://") {
				t.Errorf("%v: rotation URL %q is not https", p.IDs, u)
			}
		}
	}
}
