//go:build !windows && !plan9

package hook

import (
	"fmt"
	"log/syslog"
)

// toSyslog writes a skip record to the system log (auth facility).
func toSyslog(msg string) error {
	w, err := syslog.New(syslog.LOG_NOTICE|syslog.LOG_AUTH, "leakhook")
	if err != nil {
		return fmt.Errorf("syslog: %v (name a log file in [server] log)", err)
	}
	defer w.Close()
	return w.Notice(msg)
}
