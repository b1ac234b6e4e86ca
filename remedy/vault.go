package remedy

import "fmt"

// StoreCommands returns the shell lines that put secret s into a vault
// backend, reading the value from the terminal so it never reaches the
// screen or shell history, and the line that loads it into the environment
// at start-up. leakhook fix prints them when the team keeps secrets in a
// vault instead of an env file.
func StoreCommands(s Secret, vault string, o Options) (store []string, load string, err error) {
	v, ok := ParseVault(vault, false)
	if !ok || v == "env" {
		return nil, "", fmt.Errorf("unknown vault %q: want aws, hashicorp or conjur", vault)
	}
	c, err := data()
	if err != nil {
		return nil, "", err
	}
	r := newRef(s, o)
	b := c.Backends[v]
	return commandLines(r.render(b.Store)), r.render(b.Read), nil
}
