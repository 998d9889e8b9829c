package config

import (
	"strings"
	"unicode"

	"proceedings/internal/irctext"
)

// MaxRelayNick bounds the author a relay pattern may produce, in runes.
const MaxRelayNick = 64

// Unwrap applies the relay's pattern (with the named groups "nick" and
// "text") to one of the relay's lines and returns the real author and what
// they said. The pattern is tried on the line as sent and, when that fails,
// on the line without formatting codes (relays often colour the nick). The
// author loses formatting codes and invisible characters (relays insert
// zero-width spaces to avoid highlighting people); ok is false when the
// relay has no pattern, the pattern has not both groups, does not match, or
// yields no author.
//
// The live recorder and the import of old logs both call it, so a relayed
// line is stored the same way whichever way it came in.
func (r Relay) Unwrap(line string) (nick, text string, ok bool) {
	re := r.Pattern
	if re == nil {
		return "", "", false
	}
	ni, ti := re.SubexpIndex("nick"), re.SubexpIndex("text")
	if ni < 0 || ti < 0 {
		return "", "", false
	}
	m := re.FindStringSubmatch(line)
	if m == nil {
		if stripped := irctext.Strip(line); stripped != line {
			m = re.FindStringSubmatch(stripped)
		}
	}
	if m == nil {
		return "", "", false
	}
	nick = CleanRelayNick(m[ni])
	if nick == "" {
		return "", "", false
	}
	return nick, m[ti], true
}

// CleanRelayNick removes formatting codes, invisible and control characters
// and surrounding space from a nick a relay bot printed, and cuts it to
// MaxRelayNick runes.
func CleanRelayNick(s string) string {
	s = irctext.Strip(s)
	s = strings.Map(func(r rune) rune {
		if Invisible(r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > MaxRelayNick {
		s = strings.TrimSpace(string(r[:MaxRelayNick])) // the cut may end in a space
	}
	return s
}

// Invisible reports whether r renders as nothing or as a blank that is not
// white space: zero-width and format characters, Hangul fillers, the Braille
// blank (U+2800), variation selectors.
func Invisible(r rune) bool {
	switch r {
	case '\u00ad', '\u034f', '\u061c', '\u115f', '\u1160', '\u17b4', '\u17b5', '\u180e',
		'\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2060', '\u2061', '\u2062', '\u2063', '\u2064',
		'\u206a', '\u206b', '\u206c', '\u206d', '\u206e', '\u206f', '\u2800', '\u3164', '\ufeff', '\uffa0':
		return true
	}
	return unicode.Is(unicode.Variation_Selector, r)
}
