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
			i = skipHexColour(text, i+1)
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

// skipHexColour returns the index after the arguments of a hex colour code
// that starts at text[i]: up to six hex digits, and a comma and up to six
// more when a hex digit follows the comma.
func skipHexColour(text string, i int) int {
	i = skipHex(text, i)
	if i+1 < len(text) && text[i] == ',' && isHex(text[i+1]) {
		i = skipHex(text, i+1)
	}
	return i
}

// skipHex returns the index after up to six hex digits at text[i].
func skipHex(text string, i int) int {
	for n := 0; n < 6 && i < len(text) && isHex(text[i]); n++ {
		i++
	}
	return i
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// hasPrefixFold is strings.HasPrefix ignoring case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
