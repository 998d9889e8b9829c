// Package irctext turns IRC text into plain text: the one rule, for the
// whole project, for taking the mIRC formatting codes (bold, colour with
// its digits, italics, underline, reverse, monospace, strikethrough, reset)
// out of what people typed. It follows irc-go's ircfmt.Strip exactly; the
// \x04 hex colour, which ircfmt does not know, is left in the text.
package irctext

import (
	"strings"

	"github.com/ergochat/irc-go/ircfmt"

	"proceedings/internal/ascii"
)

// HasFormatting reports whether s holds a formatting code: when it does
// not, Strip returns s as it is.
func HasFormatting(s string) bool {
	// The codes are all control characters: skip printable ASCII eight
	// bytes at a time.
	for i := ascii.PlainPrefix(s); i < len(s); i++ {
		switch s[i] {
		case 0x02, 0x03, 0x0f, 0x11, 0x16, 0x1d, 0x1e, 0x1f:
			return true
		}
	}
	return false
}

// Strip returns s without its formatting codes, and without the digits of
// its colour codes.
func Strip(s string) string {
	if !HasFormatting(s) {
		return s
	}
	return ircfmt.Strip(s)
}

// StripToValidUTF8 is Strip for text written out to people (the bot's
// lines, a terminal): each run of invalid UTF-8 becomes one U+FFFD first,
// so runs on either side of a code stay two replacement characters.
func StripToValidUTF8(s string) string {
	return Strip(strings.ToValidUTF8(s, "\uFFFD"))
}
