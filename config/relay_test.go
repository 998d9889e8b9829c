package config

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestRelayUnwrap(t *testing.T) {
	rl := Relay{Nick: "relay", Pattern: regexp.MustCompile(relayPattern)}
	for _, tc := range []struct {
		line, nick, text string
		ok               bool
	}{
		{"<alice> hello", "alice", "hello", true},
		{"<alice> ", "alice", "", true},
		{"<\x0303alice\x03> hi there", "alice", "hi there", true},                          // coloured nick
		{"<a\u200blice> no highlight", "alice", "no highlight", true},                      // zero-width space
		{"\x02<bob>\x02 bold frame", "bob", "bold frame", true},                            // only matches without codes
		{"<\u200b> nobody", "", "", false},                                                 // nothing left of the nick
		{"* alice waves", "", "", false},                                                   // not this pattern
		{"<alice>hello", "", "", false},                                                    // no space
		{"<" + strings.Repeat("x", 100) + "> long", strings.Repeat("x", 64), "long", true}, // nick capped
	} {
		t.Run(tc.line, func(t *testing.T) {
			nick, text, ok := rl.Unwrap(tc.line)
			if ok != tc.ok || nick != tc.nick || text != tc.text {
				t.Errorf("Unwrap(%q) = %q, %q, %v; want %q, %q, %v", tc.line, nick, text, ok, tc.nick, tc.text, tc.ok)
			}
		})
	}
	// A pattern without the groups never unwraps.
	if _, _, ok := (Relay{Pattern: regexp.MustCompile(`^<(.+)> (.*)$`)}).Unwrap("<a> b"); ok {
		t.Error("a pattern without named groups unwrapped a line")
	}
	// A relay without a pattern never unwraps.
	if _, _, ok := (Relay{Nick: "relay"}).Unwrap("<a> b"); ok {
		t.Error("a relay without a pattern unwrapped a line")
	}
}

func FuzzRelayUnwrap(f *testing.F) {
	for _, s := range []string{"<alice> hello", "<\x0303al\x03ice> x", "\x02<b>\x02 y", "<\u200b> z", "<\xff> \xfe", ""} {
		f.Add(s)
	}
	rl := Relay{Nick: "relay", Pattern: regexp.MustCompile(relayPattern)}
	f.Fuzz(func(t *testing.T, line string) {
		nick, text, ok := rl.Unwrap(line)
		if !ok {
			if nick != "" || text != "" {
				t.Fatalf("not unwrapped but returned %q, %q", nick, text)
			}
			return
		}
		if nick == "" || utf8.RuneCountInString(nick) > MaxRelayNick {
			t.Fatalf("author %q: empty or longer than %d runes", nick, MaxRelayNick)
		}
		if strings.ContainsFunc(nick, func(r rune) bool { return r < ' ' || Invisible(r) }) || nick != strings.TrimSpace(nick) {
			t.Fatalf("author %q keeps control, invisible or surrounding space characters", nick)
		}
		if utf8.ValidString(line) && !utf8.ValidString(nick) {
			t.Fatalf("author %q of a valid line is not valid UTF-8", nick)
		}
		if len(text) > len(line) {
			t.Fatalf("text %q is longer than the line %q", text, line)
		}
	})
}
