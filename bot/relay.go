package bot

import (
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/ergochat/irc-go/ircfmt"

	"proceedings/archive"
	"proceedings/config"
)

// maxRelayNick bounds the author a relay pattern may produce.
const maxRelayNick = 64

// unwrapRelay applies a relay bot's pattern (with the named groups "nick" and
// "text") to one of its lines and returns the real author and what they
// said. The pattern is tried on the line as sent and, when that fails, on the
// line without formatting codes (relays often colour the nick). The author
// loses formatting codes and invisible characters (relays insert zero-width
// spaces to avoid highlighting people); ok is false when the pattern does not
// match or yields no author.
func unwrapRelay(re *regexp.Regexp, line string) (nick, text string, ok bool) {
	ni, ti := re.SubexpIndex("nick"), re.SubexpIndex("text")
	if ni < 0 || ti < 0 {
		return "", "", false
	}
	m := re.FindStringSubmatch(line)
	if m == nil {
		if stripped := ircfmt.Strip(line); stripped != line {
			m = re.FindStringSubmatch(stripped)
		}
	}
	if m == nil {
		return "", "", false
	}
	nick = cleanRelayNick(m[ni])
	if nick == "" {
		return "", "", false
	}
	return nick, m[ti], true
}

// cleanRelayNick removes formatting codes, invisible and control characters
// and surrounding space from a nick a relay bot printed.
func cleanRelayNick(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool { return r < ' ' }) {
		s = ircfmt.Strip(s)
	}
	s = strings.Map(func(r rune) rune {
		if invisible(r) || unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > maxRelayNick {
		s = string(r[:maxRelayNick])
	}
	return s
}

// invisible reports whether r renders as nothing or as a blank that is not
// white space: zero-width and format characters, Hangul fillers, the Braille
// blank (U+2800), variation selectors.
func invisible(r rune) bool {
	switch r {
	case '\u00ad', '\u034f', '\u061c', '\u115f', '\u1160', '\u17b4', '\u17b5', '\u180e',
		'\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2060', '\u2061', '\u2062', '\u2063', '\u2064',
		'\u206a', '\u206b', '\u206c', '\u206d', '\u206e', '\u206f', '\u2800', '\u3164', '\ufeff', '\uffa0':
		return true
	}
	return unicode.Is(unicode.Variation_Selector, r)
}

// dedupeKey identifies a line across the networks of a bridge: its real
// author (folded, without decorations) and its text without formatting.
func dedupeKey(ev archive.Event) string {
	text := ev.Text
	if strings.ContainsFunc(text, func(r rune) bool { return r < ' ' }) {
		text = ircfmt.Strip(text)
	}
	return config.FoldName(cleanRelayNick(ev.Nick)) + "\x00" + ev.Kind.String() + "\x00" + strings.TrimSpace(text)
}

// dedupe remembers the lines of one bridge for its window. A line seen on
// one network matches an earlier line with the same key seen on another
// network of the bridge; each stored line can absorb one copy per other
// network, so a person who says the same thing twice is recorded twice.
type dedupe struct {
	byKey map[string][]*seenLine
	order []*seenLine // oldest first
}

type seenLine struct {
	key      string
	network  string
	at       time.Time
	absorbed []string // networks whose copy was matched to this line
}

func newDedupe() *dedupe { return &dedupe{byKey: map[string][]*seenLine{}} }

// duplicate reports whether a line with key, seen on network at now, is a
// copy of one already stored; if not, it remembers it.
func (d *dedupe) duplicate(key, network string, now time.Time, window time.Duration) bool {
	d.prune(now.Add(-window))
	for _, s := range d.byKey[key] {
		if strings.EqualFold(s.network, network) {
			continue
		}
		taken := false
		for _, a := range s.absorbed {
			if strings.EqualFold(a, network) {
				taken = true
				break
			}
		}
		if !taken {
			s.absorbed = append(s.absorbed, network)
			return true
		}
	}
	s := &seenLine{key: key, network: network, at: now}
	d.byKey[key] = append(d.byKey[key], s)
	d.order = append(d.order, s)
	return false
}

// prune forgets lines seen before cutoff.
func (d *dedupe) prune(cutoff time.Time) {
	i := 0
	for ; i < len(d.order) && d.order[i].at.Before(cutoff); i++ {
		s := d.order[i]
		list := d.byKey[s.key]
		if len(list) > 0 && list[0] == s {
			list = list[1:]
		}
		if len(list) == 0 {
			delete(d.byKey, s.key)
		} else {
			d.byKey[s.key] = list
		}
		d.order[i] = nil
	}
	if i > 0 {
		d.order = d.order[i:]
		if cap(d.order) > 1024 && len(d.order) < cap(d.order)/4 {
			d.order = append([]*seenLine(nil), d.order...)
		}
	}
}
