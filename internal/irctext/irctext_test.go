package irctext

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ergochat/irc-go/ircfmt"
)

func TestHasFormatting(t *testing.T) {
	codes := "\x02\x03\x0f\x11\x16\x1d\x1e\x1f"
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 17; pos++ {
			b := []byte("abcdefgh ünï jklm")[:17]
			b[pos] = byte(c)
			s := string(b)
			if got, want := HasFormatting(s), strings.ContainsAny(s, codes); got != want {
				t.Errorf("HasFormatting(%q) = %v, want %v", s, got, want)
			}
		}
	}
}

func TestStrip(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{"\x02bold\x02 and \x1ditalic\x1d \x1funder\x1f \x1estrike\x1e \x11mono\x11 \x16rev\x16", "bold and italic under strike mono rev"},
		{"\x0304red\x03 \x034,12on blue\x0f reset", "red on blue reset"},
		{"\x03123 three digits", "3 three digits"},
		{"\x03,05 a comma without a foreground", ",05 a comma without a foreground"},
		{"\x02\x02", ""},
		{"\x04ff0000hex colour", "\x04ff0000hex colour"},
		{"tab\tand \x01ACTION\x01 stay", "tab\tand \x01ACTION\x01 stay"},
		{"\xff\x02\xfe", "\xff\xfe"},
	} {
		if got := Strip(c.in); got != c.want {
			t.Errorf("Strip(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStripToValidUTF8(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "plain"},
		{"\x02caf\xe9\x02", "caf\uFFFD"},
		{"\xff\xfe\x02\xff", "\uFFFD\uFFFD"},
		{"\x0304\xc3", "\uFFFD"},
	} {
		if got := StripToValidUTF8(c.in); got != c.want {
			t.Errorf("StripToValidUTF8(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWithoutHexColours(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain", "plain"},
		{"\x04ff0000red\x04 back", "red back"},
		{"\x04FF0000,00ff00on green", "on green"},
		{"\x04abc short", " short"},
		{"\x04ff0000, a comma that is text", ", a comma that is text"},
		{"\x04\x04\x04", ""},
		{"end\x04", "end"},
		{"\x04123456789", "789"},
	} {
		if got := WithoutHexColours(c.in); got != c.want {
			t.Errorf("WithoutHexColours(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got, want := StripShown("\x02\x04ff0000bold red\x0f"), "bold red"; got != want {
		t.Errorf("StripShown = %q, want %q", got, want)
	}
	if got, want := StripToValidUTF8("\x04ff0000caf\xe9"), "caf\uFFFD"; got != want {
		t.Errorf("StripToValidUTF8 = %q, want %q", got, want)
	}
}

// FuzzStrip holds Strip to ircfmt.Strip: the search index's plain_text
// returns Strip, and must give the same text for the same stored line
// forever.
func FuzzStrip(f *testing.F) {
	for _, s := range []string{"", "plain", "\x02b\x02", "\x0304,01x\x0f", "\x03", "\x03,", "\x0399,99", "\xff\x03\xfe", "\x04abcdef"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Strip(s)
		if want := ircfmt.Strip(s); got != want {
			t.Fatalf("Strip(%q) = %q, ircfmt.Strip gives %q", s, got, want)
		}
		if HasFormatting(got) {
			t.Fatalf("Strip(%q) = %q still holds a code", s, got)
		}
		valid := StripToValidUTF8(s)
		if !utf8.ValidString(valid) || HasFormatting(valid) {
			t.Fatalf("StripToValidUTF8(%q) = %q", s, valid)
		}
		shown := StripShown(s)
		if strings.ContainsRune(shown, 0x04) || HasFormatting(shown) || strings.ContainsRune(valid, 0x04) {
			t.Fatalf("StripShown(%q) = %q, StripToValidUTF8 %q: a code is left", s, shown, valid)
		}
		if utf8.ValidString(s) && valid != shown {
			t.Fatalf("StripToValidUTF8(%q) = %q, StripShown gives %q", s, valid, shown)
		}
	})
}
