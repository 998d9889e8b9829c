package bot

import (
	"strings"
	"testing"

	"proceedings/internal/bottest"
)

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"\x02bold\x02 \x1ditalic\x1d \x1funder\x1f \x0304,12red\x03 \x16rev\x16 \x0f", "bold italic under red rev"},
		{"a\r\nPRIVMSG #x :b", "a PRIVMSG #x :b"},
		{"nul\x00here", "nulhere"},
		{"\x01ACTION waves\x01", "ACTION waves"},
		{"tab\there  and\u2028there", "tab here and there"},
		{"  leading and trailing  ", "leading and trailing"},
		{"bad \xff utf8", "bad \uFFFD utf8"},
		{"c1\u0085control", "c1 control"},
		{"“curly” — dash", "“curly” — dash"},
	}
	for _, tc := range tests {
		if got := CleanText(tc.in); got != tc.want {
			t.Errorf("CleanText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCleanTitle(t *testing.T) {
	cases := []struct {
		name, in string
		max      int
		want     string
	}{
		{"plain", "Growth of GNU/Linux in Cuba", 0, "Growth of GNU/Linux in Cuba"},
		{"entities", "Fish &amp; Chips &#8212; &ldquo;Quoted&rdquo; &#x2019;", 0, "Fish & Chips — “Quoted” ’"},
		{"double-encoded entity decoded once", "It&amp;#8217;s", 0, "It&#8217;s"},
		{"control characters", "A\x00B\x01C\x7fD\u0085E", 0, "ABCD E"}, // U+0085 is a line break
		{"IRC formatting", "\x02Bold\x02 \x0304,01red\x03 \x1ditalic\x1d", 0, "Bold red italic"},
		{"white space", "  a\t\tb\r\nc\u00a0d\u2028e  ", 0, "a b c d e"},
		{"bidi overrides", "abc\u202edef\u2066g\u200fh", 0, "abcdefgh"},
		{"zero width", "a\u200bb\ufeffc", 0, "abc"},
		{"invalid UTF-8", "a\xffb", 0, "a\uFFFDb"},
		{"fits", "short title", 11, "short title"},
		{"cut at a word", "From Belarus With Love Part Ten", 20, "From Belarus With…"},
		{"cut a long word", "Supercalifragilisticexpialidocious", 10, "Superca…"},
		{"cut inside a rune", "ééééé", 8, "éé…"},
		{"tiny", "abcdef", 2, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := CleanTitle(c.in, c.max); got != c.want {
				t.Errorf("CleanTitle(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
			}
		})
	}
}

func FuzzCleanTitle(f *testing.F) {
	f.Add("From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone”", 40)
	f.Add("Fish &amp; Chips &#8212; \x02bold\x02\r\n\u202eevil", 0)
	f.Add("ééééé", 8)
	f.Add("a\xffb &#0; &#xD800;", 5)
	f.Fuzz(func(t *testing.T, s string, max int) {
		max %= 1000
		got := CleanTitle(s, max)
		bottest.CheckClean(t, got)
		if max > 0 && len(got) > max {
			t.Fatalf("CleanTitle(%q, %d) = %q: %d bytes", s, max, got, len(got))
		}
		full := CleanTitle(s, 0)
		if max <= 0 || len(full) <= max {
			if got != full {
				t.Fatalf("a title that fits was changed: %q, want %q", got, full)
			}
		} else if got != "" && !strings.HasPrefix(full, strings.TrimSuffix(got, "…")) {
			t.Fatalf("the cut %q is not a prefix of %q", got, full)
		}
		if again := CleanText(full); again != full {
			t.Fatalf("cleaning is not idempotent: %q → %q", full, again)
		}
	})
}
