package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"proceedings/config"
	"proceedings/internal/irctext"
)

// hasNoLogPrefix reports whether text starts with the no-log prefix,
// ignoring case and whatever a reader cannot see before it: white space
// (also NBSP, U+3000 and the other Unicode spaces), format characters
// (LRM, BOM, zero-width space…), other invisible characters (the Braille
// blank, Hangul fillers…) and IRC formatting codes, hex colours (\x04)
// included. Someone who typed "[off]" after an invisible character,
// on purpose or by their client's doing, meant it.
func hasNoLogPrefix(text, prefix string) bool {
	if prefix == "" {
		return false
	}
	stripped := false
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == ' ' || c == '\t':
			i++
			continue
		case c > ' ' && c < utf8.RuneSelf:
			// The common line: it starts with a visible ASCII character.
			return hasPrefixFold(text[i:], prefix)
		}
		if c == '\x04' {
			// A hex colour (\x04RRGGBB[,RRGGBB]), which many clients
			// render and irctext.Strip does not know.
			i = irctext.SkipHexColour(text, i+1)
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.Is(unicode.White_Space, r) || unicode.Is(unicode.Cf, r) || config.Invisible(r):
			i += size
		case c < ' ' && !stripped:
			// A formatting code (bold, colour with its digits…): strip
			// them all once, then keep skipping.
			text, i, stripped = irctext.Strip(text[i:]), 0, true
		default:
			return hasPrefixFold(text[i:], prefix)
		}
	}
	return false
}

// hasPrefixFold is strings.HasPrefix ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
