//go:build !unix

package hook

import "errors"

// toSyslog: this system has no syslog; a skip must be logged to a file.
func toSyslog(string) error {
	return errors.New("there is no syslog here: name a log file in [server] log")
}
