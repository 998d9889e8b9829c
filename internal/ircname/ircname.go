// Package ircname holds the one rule for what an IRC channel name may be,
// which the configuration (channels to join) and the import of old logs
// (channels named by paths) both check.
package ircname

import "unicode/utf8"

// ChannelPrefixes are the characters a channel name starts with.
const ChannelPrefixes = "#&+!"

// ValidChannel reports whether name can be a channel's name on IRC (RFC
// 2812's chanstring): a channel prefix, then a name of at most 200 bytes
// without space, comma, colon, control characters (NUL, BEL, CR, LF, ESC,
// DEL, C1, U+2028, U+2029) or invalid UTF-8.
func ValidChannel(name string) bool {
	if len(name) < 2 || len(name) > 200 || !isPrefix(name[0]) || !utf8.ValidString(name) {
		return false
	}
	for _, r := range name {
		if r <= ' ' || r == ',' || r == ':' || r == 0x7f || r >= 0x80 && r < 0xa0 || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

func isPrefix(c byte) bool {
	for i := 0; i < len(ChannelPrefixes); i++ {
		if ChannelPrefixes[i] == c {
			return true
		}
	}
	return false
}
