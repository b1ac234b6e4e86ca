package remedy

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
)

//go:embed data/*.toml
var dataFS embed.FS

// page is the long-form text for one or more secret types (keyed by rule id).
// Lists are shown as bullets or numbered steps; text may use the @...@
// placeholders of ref.render.
type page struct {
	IDs          []string          `toml:"ids"`
	Name         string            `toml:"name"`
	What         string            `toml:"what"`      // what it is and what it grants
	Usage        string            `toml:"usage"`     // how code normally uses it
	Risks        []string          `toml:"risks"`     // what an attacker can do with it
	Leaks        []string          `toml:"leaks"`     // how this type usually leaks
	Prefer       string            `toml:"prefer"`    // a way to need no long-lived secret at all
	Generate     []string          `toml:"generate"`  // how to create the replacement
	Revoke       []string          `toml:"revoke"`    // how to retire the leaked one
	RotateURL    string            `toml:"rotateURL"` // provider page for the two above
	Misuse       []string          `toml:"misuse"`    // how to check whether it was used
	Breakage     []string          `toml:"breakage"`  // what depends on it, beyond the generic inventory
	BackendNotes map[string]string `toml:"backendNotes"`
}

// snippet is code for one backend in one language. Code must be a complete
// unit the language's parser accepts after rendering (the tests check it).
type snippet struct {
	Backend string `toml:"backend"`
	Lang    Lang   `toml:"lang"`
	Title   string `toml:"title"` // optional, when a pair has several snippets
	Deps    string `toml:"deps"`  // install command for the client library
	Code    string `toml:"code"`
	Note    string `toml:"note"`
}

// backendInfo is what Explain says about a backend before its snippets.
type backendInfo struct {
	Intro  string `toml:"intro"`
	Store  string `toml:"store"`  // shell: store the value, read from the terminal, not in history
	Update string `toml:"update"` // shell: store a new version when rotating
	Read   string `toml:"read"`   // shell: load it into the environment of a process
	Setup  string `toml:"setup"`  // what the snippets expect in the environment
}

type content struct {
	Generic  page                   `toml:"generic"`
	Common   common                 `toml:"common"`
	Pages    []page                 `toml:"page"`
	Snippets []snippet              `toml:"snippet"`
	Backends map[string]backendInfo `toml:"backend"`

	byID map[string]*page
}

// common is text shown on every page, bespoke or generic.
type common struct {
	Breakage []string `toml:"breakage"` // inventory, staging test, fallback plan
	History  string   `toml:"history"`  // why deleting the line does not un-leak it
}

var (
	loadOnce sync.Once
	loaded   *content
	loadErr  error
)

// data returns the embedded content, parsed once. A broken data file is a
// build defect caught by the tests, so callers may treat the error as fatal.
func data() (*content, error) {
	loadOnce.Do(func() { loaded, loadErr = parseData(dataFS) })
	return loaded, loadErr
}

func parseData(fsys fs.FS) (*content, error) {
	names, err := fs.Glob(fsys, "data/*.toml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	c := &content{Backends: map[string]backendInfo{}, byID: map[string]*page{}}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var part content
		md, err := toml.Decode(string(b), &part)
		if err != nil {
			return nil, fmt.Errorf("remedy/%s: %w", name, err)
		}
		if und := md.Undecoded(); len(und) > 0 {
			return nil, fmt.Errorf("remedy/%s: unknown keys %v", name, und)
		}
		if part.Generic.What != "" {
			c.Generic = part.Generic
		}
		if len(part.Common.Breakage) > 0 || part.Common.History != "" {
			c.Common = part.Common
		}
		c.Pages = append(c.Pages, part.Pages...)
		c.Snippets = append(c.Snippets, part.Snippets...)
		for k, v := range part.Backends {
			c.Backends[k] = v
		}
	}
	for i := range c.Pages {
		for _, id := range c.Pages[i].IDs {
			if _, dup := c.byID[id]; dup {
				return nil, fmt.Errorf("remedy: rule id %q has two pages", id)
			}
			c.byID[id] = &c.Pages[i]
		}
	}
	return c, nil
}

// pageFor returns the bespoke page for s, or the generic page filled from
// s's fields. The rule's own rotation URL and steps win over the page's.
func (c *content) pageFor(s Secret) (p page, bespoke bool) {
	if bp, ok := c.byID[s.RuleID]; ok {
		p, bespoke = *bp, true
	} else {
		p = c.Generic
		p.Name = displayName(s)
		if s.Description != "" {
			p.What = s.Description + "\n\n" + p.What
		}
	}
	if s.RotateURL != "" {
		p.RotateURL = s.RotateURL
	}
	if len(s.RotateSteps) > 0 && !bespoke {
		p.Revoke = s.RotateSteps
	}
	return p, bespoke
}

// snippets returns the snippets for backend and l, in file order.
func (c *content) snippets(backend string, l Lang) []snippet {
	var out []snippet
	for _, s := range c.Snippets {
		if s.Backend == backend && s.Lang == l {
			out = append(out, s)
		}
	}
	return out
}

// ref holds every value a template may refer to, for one secret and options.
type ref struct {
	Env, Snake, Camel, Pascal, Name, Rule string
	AWSID, KVMount, KVPath, ConjurID      string
	EnvFile                               string
}

func newRef(s Secret, o Options) ref {
	env := envName(s)
	snake, camel, pascal := idents(env)
	r := ref{Env: env, Snake: snake, Camel: camel, Pascal: pascal, Rule: s.RuleID, EnvFile: o.EnvFile}
	r.Name = commentSafe(displayName(s))
	if r.EnvFile == "" {
		r.EnvFile = ".env"
	}
	repo := cleanPath(o.Repo)
	if repo == "" {
		repo = "myapp"
	}
	expand := func(def string, needName bool) string {
		t := o.SecretPath
		if t == "" {
			t = def
		}
		p := strings.NewReplacer("{repo}", repo, "{name}", snake).Replace(t)
		if needName && !strings.Contains(t, "{name}") {
			p += "/" + snake
		}
		return cleanPath(p)
	}
	r.AWSID = strings.TrimPrefix(expand("{repo}/{name}", true), "secret/data/")
	r.ConjurID = strings.TrimPrefix(expand("{repo}/{name}", true), "secret/data/")
	kv := expand("secret/data/{repo}/{name}", false)
	if i := strings.Index(kv, "/data/"); i > 0 {
		r.KVMount, r.KVPath = kv[:i], kv[i+len("/data/"):]
	} else if i := strings.IndexByte(kv, '/'); i > 0 {
		r.KVMount, r.KVPath = kv[:i], kv[i+1:]
	} else {
		r.KVMount, r.KVPath = "secret", kv
	}
	if r.KVPath == "" {
		r.KVPath = repo
	}
	return r
}

// cleanPath keeps the characters that are safe unquoted in a shell word and
// inside a string literal of every target language.
func cleanPath(p string) string {
	var b strings.Builder
	for _, c := range p {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '/', c == '_', c == '-', c == '.':
			b.WriteRune(c)
		default:
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "/")
}

// render fills a template's placeholders.
func (r ref) render(t string) string {
	return strings.NewReplacer(
		"@ENV@", r.Env, "@SNAKE@", r.Snake, "@CAMEL@", r.Camel, "@PASCAL@", r.Pascal,
		"@NAME@", r.Name, "@RULE@", r.Rule, "@AWS_ID@", r.AWSID, "@KV_MOUNT@", r.KVMount,
		"@KV_PATH@", r.KVPath, "@CONJUR_ID@", r.ConjurID, "@ENV_FILE@", r.EnvFile,
	).Replace(t)
}

// commentSafe reduces a display name to characters that cannot end a comment
// or string in any snippet language (no quotes, no */, no backslashes).
func commentSafe(name string) string {
	name = strings.Map(func(c rune) rune {
		switch {
		case c == '"' || c == '\'' || c == '`' || c == '\\' || c == '*' || c == '/' || c == '$' || c == '@' || c == '{' || c == '}':
			return ' '
		case c < ' ':
			return ' '
		}
		return c
	}, name)
	if name = strings.Join(strings.Fields(name), " "); name == "" {
		return "secret"
	}
	return name
}
