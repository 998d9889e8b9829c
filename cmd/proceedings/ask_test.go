package main

import (
	"context"
	"os"
	"path/filepath"
	"proceedings/archive/sqlite"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
)

// askAs runs ask in dir as the nick console at console@localhost, as the
// command does without --nick and --userhost.
func askAs(t *testing.T, dir string, opts askOptions) (string, string, int) {
	t.Helper()
	opts.global = configIn(dir)
	if opts.nick == "" {
		opts.nick, opts.userhost = "console", "console@localhost"
	}
	return call(t, ask, opts)
}

// TestAsk runs lines through ask against a seeded archive and compares
// stdout with what the bot would say, byte for byte.
func TestAsk(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	london, _ := time.LoadLocation("Europe/London")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "data/archive.db"), archive.Options{Location: london})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetPublicOnly(ctx, []string{"testnet"}, []event.ChannelRef{{Network: "testnet", Name: "#techrights"}}); err != nil {
		t.Fatal(err)
	}
	pub := time.Date(2026, 2, 1, 23, 24, 0, 0, time.UTC)
	for _, p := range []archive.Post{
		{Link: "https://techrights.org/n/2026/02/01/Part_X.shtml", Title: "From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone”",
			Series: "From Belarus With Love", Part: 10, Numeral: "X", Subtitle: "From “High-Tech Hub” to “No-Go Zone”", Published: pub},
		{Link: "https://techrights.org/n/2026/01/31/Part_IX.shtml", Title: "From Belarus With Love — Part IX: The End of “Peaceful Coexistence”?",
			Series: "From Belarus With Love", Part: 9, Numeral: "IX", Subtitle: "The End of “Peaceful Coexistence”?", Published: pub.Add(-34 * time.Hour)},
	} {
		if _, _, err := db.SavePost(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	id, err := db.Append(ctx, event.Event{Network: "testnet", Channel: "#techrights", Kind: event.KindMessage, Nick: "alice",
		Text: "hello from minsk", Time: time.Date(2026, 2, 2, 14, 3, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	partX := "From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone” — https://techrights.org/n/2026/02/01/Part_X.shtml\n"
	tests := []struct {
		line  string
		opts  askOptions
		want  string // exact stdout
		match string // or a pattern
	}{
		{line: "!part 10", want: partX},
		{line: "part X", want: partX},
		{line: "proceedings: part 10", opts: askOptions{channel: "#techrights"}, want: partX},
		{line: "!part 11 belarus", want: "From Belarus With Love has parts IX–X (9–10); part 11 is not out yet.\n"},
		{line: "!part -1", want: `Part number must be 1–100000 or a roman numeral I–MMMCMXCIX, not "-1" — usage: !part N [series words]` + "\n"},
		{line: "!logs 2026-02-02", opts: askOptions{channel: "#techrights"},
			want: "#techrights, Monday, February 02, 2026: https://irc.example.org/testnet/techrights/2026-02-02.html\n"},
		{line: "!search minsk",
			want: "1 line matches “minsk”: 2026-02-02 #techrights <alice> hello from minsk https://irc.example.org/testnet/techrights/2026-02-02.html#l-" + strconv.FormatInt(id, 10) + "\n"},
		{line: "!seen alice", opts: askOptions{nick: "bob", userhost: "console@localhost"}, match: `^alice was last seen in #techrights .* \(2026-02-02 14:03 GMT\), saying: hello from minsk — \S+#l-\d+\n$`},
		{line: "!latest 1", want: partX},
		{line: "!nosuchcommand", want: ""},
		{line: "!join #x", want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.line, func(t *testing.T) {
			tc.opts.words = []string{tc.line}
			out, errOut, code := askAs(t, dir, tc.opts)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if tc.match != "" {
				if !regexp.MustCompile(tc.match).MatchString(out) {
					t.Errorf("got %q, want match of %s", out, tc.match)
				}
				return
			}
			if out != tc.want {
				t.Errorf("got %q\nwant %q", out, tc.want)
			}
		})
	}

	// !optout writes the opt-out list; the answer is the confirmation.
	out, errOut, code := askAs(t, dir, askOptions{nick: "Bob", userhost: "console@localhost", words: []string{"!optout"}})
	if code != 0 || !regexp.MustCompile(`^Done: I no longer record what the nick Bob from console@localhost says\. .*\n$`).MatchString(out) {
		t.Fatalf("optout: exit %d, out %q, stderr %q", code, out, errOut)
	}
	db, err = sqlite.Open(ctx, filepath.Join(dir, "data/archive.db"), archive.Options{ReadOnly: true, Location: london})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if keys, err := db.OptOuts(ctx); err != nil || !slices.Equal(keys, []string{"nick:testnet:bob!console@localhost"}) {
		t.Errorf("opt-out list after ask !optout: %q %v", keys, err)
	}

	// Mistakes are explained.
	if _, errOut, code := askAs(t, dir, askOptions{network: "nosuch", words: []string{"!part 1"}}); code == 0 || !regexp.MustCompile(`no such network .*testnet`).MatchString(errOut) {
		t.Errorf("unknown network: exit %d, stderr %q", code, errOut)
	}
	if _, _, code := run(t, dir, "ask"); code == 0 {
		t.Error("ask without a line succeeded")
	}
}

// A channel made private in bot.yaml after its lines were recorded is not
// searched by ask, even though only run rewrites the archive's own flag and
// ask opens the archive read-only.
func TestAskTakesPublicFromTheConfiguration(t *testing.T) {
	dir := writeConfig(t, minimalConfig)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "data/archive.db"), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetPublicOnly(ctx, []string{"testnet"}, []event.ChannelRef{{Network: "testnet", Name: "#techrights"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Append(ctx, event.Event{Network: "testnet", Channel: "#techrights", Kind: event.KindMessage, Nick: "alice",
		Text: "a secret about minsk", Time: time.Date(2026, 2, 2, 14, 3, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if out, errOut, _ := askAs(t, dir, askOptions{words: []string{"!search minsk"}}); !strings.Contains(out, "secret") {
		t.Fatalf("while public, ask does not find the line: %q %q", out, errOut)
	}
	private := strings.Replace(minimalConfig, "public: true", "public: false", 1)
	if err := os.WriteFile(filepath.Join(dir, "bot.yaml"), []byte(private), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := askAs(t, dir, askOptions{words: []string{"!search minsk"}})
	if code != 0 || strings.Contains(out, "secret") {
		t.Fatalf("after the channel was made private, ask says (exit %d): %q %q", code, out, errOut)
	}
	if out, _, _ := askAs(t, dir, askOptions{nick: "bob", userhost: "console@localhost", words: []string{"!seen alice"}}); strings.Contains(out, "secret") {
		t.Errorf("!seen of a private channel: %q", out)
	}
}
