package commands_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode"

	"proceedings/bot/commands"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		line, prefix, nick string
		private            bool
		ok                 bool
		want               commands.Command
	}{
		{line: "!part 10", prefix: "!", ok: true, want: commands.Command{Name: "part", Args: []string{"10"}, Rest: "10"}},
		{line: "  !PART   X  belarus ", prefix: "!", ok: true, want: commands.Command{Name: "part", Args: []string{"X", "belarus"}, Rest: "X  belarus"}},
		{line: "!help", prefix: "!", ok: true, want: commands.Command{Name: "help", Args: nil, Rest: ""}},
		{line: "!say #chan hello  there", prefix: "!", ok: true, want: commands.Command{Name: "say", Args: []string{"#chan", "hello", "there"}, Rest: "#chan hello  there"}},
		{line: "!part-channel #x", prefix: "!", ok: true, want: commands.Command{Name: "part-channel", Args: []string{"#x"}, Rest: "#x"}},
		{line: "\x02!part\x02 \x0304 10", prefix: "!", ok: true, want: commands.Command{Name: "part", Args: []string{"10"}, Rest: "10"}},
		{line: "!part\t10", prefix: "!", ok: true, want: commands.Command{Name: "part", Args: []string{"10"}, Rest: "10"}},
		{line: ".part 10", prefix: ".", ok: true, want: commands.Command{Name: "part", Args: []string{"10"}, Rest: "10"}},
		{line: "proc> part 10", prefix: "proc> ", ok: true, want: commands.Command{Name: "part", Args: []string{"10"}, Rest: "10"}},
		// Addressed by nick.
		{line: "proceedings: part 10", prefix: "!", nick: "proceedings", ok: true, want: commands.Command{Name: "part", Args: []string{"10"}, Rest: "10"}},
		{line: "Proceedings, !part 10", prefix: "!", nick: "proceedings", ok: true, want: commands.Command{Name: "part", Args: []string{"10"}, Rest: "10"}},
		{line: "proceedings:part 10", prefix: "!", nick: "proceedings", ok: true, want: commands.Command{Name: "part", Args: []string{"10"}, Rest: "10"}},
		{line: "[bot]: help", prefix: "!", nick: "{bot}", ok: true, want: commands.Command{Name: "help", Rest: ""}},
		{line: "proceedings part 10", prefix: "!", nick: "proceedings"},
		{line: "proceedingsx: part 10", prefix: "!", nick: "proceedings"},
		{line: "proceedings:", prefix: "!", nick: "proceedings"},
		{line: "alice: part 10", prefix: "!", nick: "proceedings"},
		// Private messages need no prefix.
		{line: "part 10", prefix: "!", private: true, ok: true, want: commands.Command{Name: "part", Args: []string{"10"}, Rest: "10"}},
		{line: "!part 10", prefix: "!", private: true, ok: true, want: commands.Command{Name: "part", Args: []string{"10"}, Rest: "10"}},
		{line: "hello there!", prefix: "!", private: true, ok: true, want: commands.Command{Name: "hello", Args: []string{"there!"}, Rest: "there!"}}, // an unknown command, ignored by Handle
		{line: "what's up?", prefix: "!", private: true},
		// Not commands.
		{line: "part 10", prefix: "!"},
		{line: "! part 10", prefix: "!"},
		{line: "!", prefix: "!"},
		{line: "!!", prefix: "!"},
		{line: "", prefix: "!"},
		{line: "!-part", prefix: "!"},
		{line: "!pärt 10", prefix: "!"},
		{line: "!part/10", prefix: "!"},
		{line: "!" + strings.Repeat("a", 25), prefix: "!"},
		{line: "!part\x00 10", prefix: "!"},
		{line: "hello !part 10", prefix: "!"},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			got, ok := commands.ParseCommand(tc.line, tc.prefix, tc.nick, tc.private)
			if ok != tc.ok || got.Name != tc.want.Name || got.Rest != tc.want.Rest || !slices.Equal(got.Args, tc.want.Args) {
				t.Errorf("ParseCommand(%q, %q, %q, %v)\n got %#v, %v\nwant %#v, %v", tc.line, tc.prefix, tc.nick, tc.private, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestIsCommand: what the recorder is given to mark commands
// (bot.Options.IsCommand) knows the table: "!seen bob" is a command,
// "!frobnicate bob" only looks like one. bot's TestRecordScripted checks
// that the recorder marks what it is told.
func TestIsCommand(t *testing.T) {
	for _, tc := range []struct {
		line string
		want bool
	}{
		{"!seen bob", true},
		{"!SEEN bob", true},
		{"logbot: seen bob", true},
		{"!frobnicate bob", false},
		{"seen bob", false},
		{"hello world", false},
	} {
		if got := commands.IsCommand(tc.line, "!", "logbot"); got != tc.want {
			t.Errorf("IsCommand(%q) = %v, want %v", tc.line, got, tc.want)
		}
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"!part 10", "proceedings: part X belarus", "!say #c \x02hi\x02", "\x03" + "12,4!seen bob", "!", "proceedings,", "!part \xff\xfe", "!PART-CHANNEL #x"} {
		f.Add(s, "!", "proceedings", false)
		f.Add(s, "!", "", true)
	}
	f.Fuzz(func(t *testing.T, line, prefix, nick string, private bool) {
		c, ok := commands.ParseCommand(line, prefix, nick, private)
		if !ok {
			if c.Name != "" || c.Args != nil || c.Rest != "" {
				t.Fatalf("not a command, but a result: %#v", c)
			}
			return
		}
		if c.Name == "" || len(c.Name) > 24 || c.Name[0] == '-' {
			t.Fatalf("bad name %q", c.Name)
		}
		for _, r := range c.Name {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				t.Fatalf("name %q has %q", c.Name, r)
			}
		}
		if c.Rest != strings.TrimSpace(c.Rest) {
			t.Fatalf("rest %q is not trimmed", c.Rest)
		}
		if !slices.Equal(c.Args, strings.Fields(c.Rest)) {
			t.Fatalf("args %q are not the words of %q", c.Args, c.Rest)
		}
		for _, a := range c.Args {
			if strings.ContainsFunc(a, unicode.IsSpace) {
				t.Fatalf("arg %q has space", a)
			}
		}
		if !private && nick == "" && prefix == "" {
			t.Fatalf("a channel line without prefix or nick was taken as a command: %q", line)
		}
	})
}

// FuzzHandle feeds arbitrary lines to a router over the seeded archive:
// whatever is said, Handle does not panic and every reply is at most three
// clean lines of at most 400 bytes.
func FuzzHandle(f *testing.F) {
	fx := newFixture(f, fixtureOptions{yaml: strings.Replace(commandsConfig, "per_user: 3/10s, per_channel: 10/10s", "per_user: 1000000/1s, per_channel: 1000000/1s", 1)})
	for _, s := range []string{"!part 10", "!part 99999999999999999999", "!part MMMMCMXCIX", "!part -1", "!part x belarus",
		"!series", "!series belarus", "!latest 5", "!logs monday", "!logs #secret 2026-02-02", "!search minsk",
		`!search "unterminated`, "!search minsk OR", "!seen alice", "!seen #techrights", "!help part", "!optin",
		"proceedings: part \x02X\x02", "!part " + strings.Repeat("é", 200)} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, line string, private bool) {
		in := carol.says(line)
		if private {
			in.Channel = ""
		}
		checkReplies(t, fx.router.Handle(context.Background(), in))
	})
}
