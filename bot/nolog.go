package bot

import (
	"strings"

	"github.com/ergochat/irc-go/ircfmt"
)

// hasNoLogPrefix reports whether text starts with the no-log prefix
// (ignoring case, leading spaces and formatting codes).
func hasNoLogPrefix(text, prefix string) bool {
	if prefix == "" {
		return false
	}
	t := strings.TrimLeft(text, " \t")
	if len(t) > 0 && t[0] < ' ' {
		t = strings.TrimLeft(ircfmt.Strip(t), " \t")
	}
	return len(t) >= len(prefix) && strings.EqualFold(t[:len(prefix)], prefix)
}
