package bot

import (
	"strings"
	"testing"
	"unicode"
)

// invisibleUnits are pieces a reader does not see before a line's text:
// Unicode white space, format characters and IRC formatting codes (each
// code whole, with its colour digits).
var invisibleUnits = []string{
	" ", "\t", "\u00a0", "\u1680", "\u2002", "\u2009", "\u202f", "\u205f", "\u3000", "\u0085",
	"\u00ad", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2060", "\u2066", "\u2069", "\ufeff", "\u061c",
	"\x02", "\x03", "\x0304", "\x0304,01", "\x0f", "\x11", "\x16", "\x1d", "\x1e", "\x1f",
	"\x04", "\x04ff0000", "\x04FF0000,00ff00", "\u2800", "\u3164", "\uffa0", "\u115f", "\u1160",
}

// FuzzHasNoLogPrefix: hasNoLogPrefix never panics, and a line made of any
// run of invisible pieces, then the prefix in any case, then anything, is
// always taken as not to be recorded.
func FuzzHasNoLogPrefix(f *testing.F) {
	f.Add([]byte{0, 1, 2}, uint8(0), " hello")
	f.Add([]byte{21, 2, 7}, uint8(0xff), "")
	f.Add([]byte{}, uint8(5), "\x03")
	f.Add([]byte{30, 19}, uint8(2), "\xff\xfe")
	f.Add([]byte{32, 2, 34}, uint8(1), "")
	f.Fuzz(func(t *testing.T, picks []byte, upper uint8, text string) {
		hasNoLogPrefix(text, "[off]") // must not panic
		hasNoLogPrefix(text, text)
		var b strings.Builder
		for _, p := range picks {
			b.WriteString(invisibleUnits[int(p)%len(invisibleUnits)])
		}
		for i, c := range []byte("[off]") {
			if upper&(1<<i) != 0 {
				c = byte(unicode.ToUpper(rune(c)))
			}
			b.WriteByte(c)
		}
		line := b.String() + text
		if !hasNoLogPrefix(line, "[off]") {
			t.Errorf("hasNoLogPrefix(%q, \"[off]\") = false, want true", line)
		}
	})
}

// TestHasNoLogPrefixPlainLinesDoNotAllocate: the recorder asks about every
// line, so the common case costs no garbage.
func TestHasNoLogPrefixPlainLinesDoNotAllocate(t *testing.T) {
	for _, line := range []string{"hello there, how are you?", "  [off] not this", "é and more", "\u200b[off]"} {
		if n := testing.AllocsPerRun(100, func() { hasNoLogPrefix(line, "[off]") }); n != 0 {
			t.Errorf("hasNoLogPrefix(%q) allocates %v times per call, want 0", line, n)
		}
	}
}
