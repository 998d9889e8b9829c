// Package irctext turns IRC text into plain text: the one rule, for the
// whole project, for taking the mIRC formatting codes (bold, colour with
// its digits, italics, underline, reverse, monospace, strikethrough, reset)
// out of what people typed. Strip follows irc-go's ircfmt.Strip exactly
// and leaves the \x04 hex colour, which ircfmt does not know, in the text:
// the search index is built on it and must read a stored line the same way
// forever. What people read (pages, plain-text logs, the bot's own lines, a
// terminal) goes through StripShown or StripToValidUTF8, which take the hex
// colours out too.
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

// StripToValidUTF8 is StripShown for text written out to people (the
// bot's lines, a terminal): each run of invalid UTF-8 becomes one U+FFFD
// first, so runs on either side of a code stay two replacement characters.
func StripToValidUTF8(s string) string {
	return StripShown(strings.ToValidUTF8(s, "\uFFFD"))
}

// StripShown is Strip for what people read: the \x04 hex colour codes go
// too (see WithoutHexColours).
func StripShown(s string) string {
	return Strip(WithoutHexColours(s))
}

// WithoutHexColours returns s without its hex colour codes: \x04, then up
// to six hex digits, then optionally a comma and up to six more
// (\x04RRGGBB[,RRGGBB], which modern clients draw and older tools show as
// a control character and digits). Up to six, not exactly six: a client
// that reads fewer still hides them, and the no-log prefix must be found
// behind them whatever the client (bot/nolog.go).
func WithoutHexColours(s string) string {
	i := strings.IndexByte(s, 0x04)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i >= 0 {
		b.WriteString(s[:i])
		s = s[SkipHexColour(s, i+1):]
		i = strings.IndexByte(s, 0x04)
	}
	b.WriteString(s)
	return b.String()
}

// SkipHexColour returns the index after the arguments of a hex colour code
// whose \x04 ends just before text[i].
func SkipHexColour(text string, i int) int {
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
