package bot

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"proceedings/internal/irctext"
)

// The text of the bot's lines: whatever the rooms say (replies, feed
// titles, page titles) is cleaned here into one safe IRC line.

// MaxTextBytes is the most text bytes in one line the bot says: with the
// prefix ":nick!user@host PRIVMSG #channel :" a line stays under the 512
// bytes IRC allows.
const MaxTextBytes = 400

// CleanTitle makes a post or page title fit for one IRC line: HTML entities
// decoded (once: "&amp;#8217;" is a feed's way to write "&#8217;"), IRC
// formatting codes, control characters and bidirectional overrides removed,
// white space collapsed, invalid UTF-8 replaced. With max > 0 the result is
// at most max bytes, cut at a word boundary where one is near, ending in
// "…".
func CleanTitle(s string, max int) string {
	return CutTitle(CleanText(html.UnescapeString(s)), max)
}

// CleanText makes text safe for one IRC line, for every reply of the bot
// and for titles that are already decoded (a page's <title>): IRC formatting codes
// stripped, invalid UTF-8 replaced, white space and line breaks collapsed
// to single spaces, control characters, zero-width spaces and
// bidirectional controls removed.
func CleanText(s string) string {
	s = irctext.StripToValidUTF8(s)
	var b strings.Builder
	b.Grow(len(s))
	space := true // trims leading space
	for _, c := range s {
		switch {
		case unicode.IsSpace(c) || c == '\u2028' || c == '\u2029':
			if !space {
				b.WriteByte(' ')
				space = true
			}
		case unicode.IsControl(c) || isBidiControl(c) || c == '\u200B' || c == '\uFEFF':
		default:
			b.WriteRune(c)
			space = false
		}
	}
	return strings.TrimRight(b.String(), " ")
}

// CutTitle shortens a clean title to at most max bytes (max > 0), at a word
// boundary when one is in the second half, ending in "…".
func CutTitle(s string, max int) string {
	const ell = "…"
	if max <= 0 || len(s) <= max {
		return s
	}
	if max < len(ell) {
		return ""
	}
	cut := max - len(ell)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if s[cut] != ' ' { // else the cut already falls between words
		if sp := strings.LastIndexByte(s[:cut], ' '); sp > cut/2 {
			cut = sp
		}
	}
	return strings.TrimRight(s[:cut], " ") + ell
}

// isBidiControl reports the invisible characters that reorder text: in a
// page title they could make "[ Title ] - host" show another host.
func isBidiControl(r rune) bool {
	return r == '\u061C' || r == '\u200E' || r == '\u200F' ||
		(r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}
