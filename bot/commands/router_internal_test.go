package commands

import (
	"proceedings/bot"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitReply(t *testing.T) {
	words := strings.Repeat("word ", 200) // 1000 bytes
	tests := []struct {
		name  string
		in    string
		max   int
		lines int
		want  []string
	}{
		{"short", "hello", 10, 3, []string{"hello"}},
		{"exact", "0123456789", 10, 3, []string{"0123456789"}},
		{"at a space", "aaaa bbbb cccc", 10, 3, []string{"aaaa bbbb", "cccc"}},
		{"no space to cut at", "abcdefghijklmno", 10, 3, []string{"abcdefghij", "klmno"}},
		{"never inside a character", "ééééééé", 5, 5, []string{"éé", "éé", "éé", "é"}},
		{"a space too early is not used", "a bcdefghijklmno", 10, 3, []string{"a bcdefghi", "jklmno"}},
		{"truncated to the line budget", "aaaa bbbb cccc dddd eeee", 10, 2, []string{"aaaa bbbb", "cccc dd…"}},
		{"long text", words, 400, 3, nil},
		{"between items", "aaa bbb · ccc ddd · eee fff", 20, 3, []string{"aaa bbb · ccc ddd", "· eee fff"}},
		{"the last line ends after a whole item", "aaa bbb · ccc ddd · eee fff · ggg", 16, 2, []string{"aaa bbb", "· ccc ddd …"}},
		{"an item too early is not used", "a · bbbbbbbbbbbb cc", 12, 3, []string{"a · bbbbbbb", "bbbbb cc"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := splitReply(tc.in, tc.max, tc.lines)
			if tc.want != nil && strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("splitReply(%q, %d, %d) = %q, want %q", tc.in, tc.max, tc.lines, got, tc.want)
			}
			checkLines(t, got, tc.max, tc.lines)
		})
	}
}

func checkLines(t *testing.T, lines []string, max, n int) {
	t.Helper()
	if len(lines) > n {
		t.Errorf("%d lines, at most %d", len(lines), n)
	}
	for _, l := range lines {
		if len(l) > max || l == "" || !utf8.ValidString(l) {
			t.Errorf("bad line (%d bytes, max %d): %q", len(l), max, l)
		}
	}
}

func FuzzSplitReply(f *testing.F) {
	f.Add("aaaa bbbb cccc", 10, 3)
	f.Add(strings.Repeat("ж ", 500), 400, 3)
	f.Add("\x02x\x02\r\n\x00", 4, 1)
	f.Fuzz(func(t *testing.T, s string, max, lines int) {
		if max < 4 || max > 1000 || lines < 1 || lines > 10 {
			return
		}
		clean := bot.CleanText(s)
		for _, c := range clean {
			if c < ' ' || c == 0x7f || (c >= 0x80 && c <= 0x9f) {
				t.Fatalf("CleanText(%q) kept %U", s, c)
			}
		}
		got := splitReply(clean, max, lines)
		checkLines(t, got, max, lines)
		// Nothing but spaces at the cuts is lost when it fits.
		if len(got) > 0 && !strings.HasSuffix(got[len(got)-1], "…") {
			if strings.Join(strings.Fields(strings.Join(got, "")), "") != strings.Join(strings.Fields(clean), "") {
				t.Fatalf("text changed: %q → %q", clean, got)
			}
		}
	})
}

func TestIsAdminSender(t *testing.T) {
	admins := []string{"account:Boss", "*!*@Trusted.Host", "alice!*@*", "bob", "*!*@*.*", "carol!~c@?*", "dave!*@*.example.org"}
	tests := []struct {
		name string
		in   bot.Incoming
		want bool
	}{
		{"account", bot.Incoming{Nick: "x", UserHost: "u@h", Account: "boss"}, true},
		{"a nick is not an account", bot.Incoming{Nick: "boss", UserHost: "u@h"}, false},
		{"mask with a host", bot.Incoming{Nick: "t", UserHost: "t@trusted.host"}, true},
		{"another host", bot.Incoming{Nick: "t", UserHost: "t@trusted.host.evil"}, false},
		{"unknown host never matches a mask", bot.Incoming{Nick: "t"}, false},
		{"nick-only mask", bot.Incoming{Nick: "alice", UserHost: "a@anywhere.example"}, false},
		{"bare nick", bot.Incoming{Nick: "bob", UserHost: "b@anywhere.example"}, false},
		{"mask of every host", bot.Incoming{Nick: "eve", UserHost: "e@evil.example"}, false},
		{"mask of every host with ?", bot.Incoming{Nick: "carol", UserHost: "~c@x"}, false},
		{"mask with a wildcard domain", bot.Incoming{Nick: "dave", UserHost: "d@home.example.org"}, true},
		{"relayed line with an admin's host", bot.Incoming{Nick: "t", UserHost: "t@trusted.host", Relay: "relaybot"}, false},
		{"relayed line with an admin's account", bot.Incoming{Nick: "x", UserHost: "u@h", Account: "boss", Relay: "relaybot"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := isAdminSender(admins, tc.in); got != tc.want {
				t.Errorf("isAdminSender(%+v) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
	if isAdminSender([]string{"*!*@*"}, bot.Incoming{Nick: "x"}) {
		t.Error("a wildcard mask matched a sender without user@host")
	}
}
