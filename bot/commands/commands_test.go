package commands_test

import (
	"cmp"
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"proceedings/event"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"proceedings/archive"
	"proceedings/bot"
	"proceedings/bot/announce"
	"proceedings/bot/commands"
	"proceedings/config"
	"proceedings/internal/archivetest"
)

// commandsConfig is the bot.yaml of the command tests: one public and one
// private channel, admins by account and by host, a nick opted out by the
// configuration, and series declared by hand (one duplicating a part the
// feed has, one the feed does not know).
const commandsConfig = `nick: proceedings
server: {host: 127.0.0.1, port: 6667, tls: false}
network: testnet
channels:
  - {name: "#techrights", public: true, announce: true}
  - {name: "#secret"}
archive: a.db
site: {base_url: "https://irc.example.org/", timezone: Europe/London}
commands:
  prefix: "!"
  rate: {per_user: 3/10s, per_channel: 10/10s}
admins: ["account:boss", "*!*@trusted.host"]
optout: [hidden]
series:
  - name: "From Belarus With Love"
    parts:
      - {n: 1, title: "From Belarus With Love — Part I", url: "https://example.org/other-part-i"}
  - name: "Hand Made"
    parts:
      - {n: 1, title: "Hand Made — Part 1: Start", url: "https://example.org/hand/1"}
      - {n: 2, title: "Hand Made — Part 2: Middle", url: "https://example.org/hand/2"}
      - {n: 4, title: "Hand Made — Part 4: End"}
`

// fixtureNow is the clock of the command tests: Wednesday, 4 February 2026.
var fixtureNow = time.Date(2026, 2, 4, 12, 0, 0, 0, time.UTC)

// fixture is a real archive seeded with the fixture feed's posts and a few
// days of two channels, and a router over it.
type fixture struct {
	db     archive.Store
	cfg    *config.Config
	router *commands.Router
	ids    map[string]int64 // event ids by a short name
	mu     sync.Mutex
	now    time.Time
}

type fixtureOptions struct {
	yaml   string // replaces commandsConfig
	admin  commands.Admin
	router func(*commands.Options)
}

func newFixture(t testing.TB, fo fixtureOptions) *fixture {
	t.Helper()
	dir := t.TempDir()
	text := commandsConfig
	if fo.yaml != "" {
		text = fo.yaml
	}
	// The archive on the engine the tests run on (internal/archivetest).
	text = strings.Replace(text, "archive: a.db\n", "archive: "+archivetest.Location(t, dir)+"\n", 1)
	path := filepath.Join(dir, "bot.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db := archivetest.OpenAt(t, cfg.Archive, archive.Options{Location: cfg.Site.Location})
	if err := db.SetPublicOnly(ctx, []string{"testnet"}, []event.ChannelRef{{Network: "testnet", Name: "#techrights"}}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, cfg: cfg, ids: map[string]int64{}, now: fixtureNow}
	seedPosts(t, db)
	f.seedEvents(t)
	opts := commands.Options{
		Nick:  func(string) string { return "proceedings" },
		Now:   f.clock,
		Admin: fo.admin,
	}
	if fo.router != nil {
		fo.router(&opts)
	}
	f.router = commands.NewRouter(cfg, db, opts)
	return f
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

// feedItem is the part of an RSS item the seed reads.
type feedItem struct {
	Title   string `xml:"title"`
	Link    string `xml:"link"`
	GUID    string `xml:"guid"`
	PubDate string `xml:"pubDate"`
}

// seedPosts stores every item of the fixture feed (the announcer's
// testdata/techrights-feed.xml) the way the announcer does, and marks Part X of "From
// Belarus With Love" announced.
func seedPosts(t testing.TB, db archive.Store) {
	t.Helper()
	var feed struct {
		Items []feedItem `xml:"channel>item"`
	}
	doc, err := os.ReadFile(filepath.Join("..", "announce", "testdata", "techrights-feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(doc, &feed); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, it := range feed.Items {
		pub, err := time.Parse(time.RFC1123Z, it.PubDate)
		if err != nil {
			t.Fatal(err)
		}
		p := archive.Post{GUID: it.GUID, Link: it.Link, Title: it.Title, Published: pub, Feed: "https://techrights.org/feed.xml", FirstSeen: pub}
		if sp, ok := announce.ParseSeriesTitle(it.Title); ok {
			p.Series, p.Part, p.PartOf, p.Subtitle, p.Numeral = sp.Series, sp.Part, sp.Of, sp.Subtitle, sp.Numeral
		}
		stored, _, err := db.SavePost(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		if p.Series == "From Belarus With Love" && p.Part == 10 {
			if err := db.MarkAnnounced(ctx, stored.ID, pub.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// seedEvents records a few lines in the public #techrights and the
// private #secret.
func (f *fixture) seedEvents(t testing.TB) {
	t.Helper()
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 2, day, hour, minute, 0, 0, time.UTC) }
	evs := []struct {
		name    string
		channel string
		kind    event.Kind
		nick    string
		text    string
		at      time.Time
		flags   event.Flags
	}{
		{"alice1", "#techrights", event.KindMessage, "alice", "the EPO office in Minsk is closing", at(2, 10, 0), 0},
		{"bob1", "#techrights", event.KindMessage, "bob", "minsk again? tell me more", at(2, 10, 5), 0},
		{"join", "#techrights", event.KindJoin, "carol", "", at(2, 11, 0), 0},
		{"alice2", "#techrights", event.KindAction, "alice", "waves at minsk", at(3, 9, 0), 0},
		{"carol1", "#techrights", event.KindMessage, "carol", "hello \x02everyone\x02", at(3, 9, 30), 0},
		{"mallory", "#techrights", event.KindMessage, "mallory", "evil minsk\r\nPRIVMSG #x :pwned\x00", at(3, 9, 40), 0},
		{"hidden", "#techrights", event.KindMessage, "hidden", "I would rather not be seen", at(3, 9, 45), 0},
		// Never shown by !search: the bot's own lines and commands.
		{"self", "#techrights", event.KindMessage, "proceedings", "2 lines match “minsk”: …", at(3, 10, 0), event.FlagSelf},
		{"command", "#techrights", event.KindMessage, "carol", "proceedings: search minsk", at(3, 10, 1), 0},
		{"secret1", "#secret", event.KindMessage, "alice", "secret minsk plans", at(3, 20, 0), 0},
		{"dave", "#secret", event.KindMessage, "dave", "only here", at(3, 21, 0), 0},
	}
	for _, e := range evs {
		id, err := f.db.Append(context.Background(), event.Event{Network: "testnet", Channel: e.channel, Kind: e.kind,
			Nick: e.nick, UserHost: e.nick + "@example.net", Text: e.text, Time: e.at, Flags: e.flags})
		if err != nil {
			t.Fatal(err)
		}
		f.ids[e.name] = id
	}
}

// sender is who says the lines of a test.
type sender struct {
	nick, userhost, account, channel string
}

var (
	carol   = sender{nick: "carol", userhost: "carol@example.net", channel: "#techrights"}
	inPriv  = sender{nick: "carol", userhost: "carol@example.net"}
	boss    = sender{nick: "boss", userhost: "b@elsewhere.example", account: "boss", channel: "#techrights"}
	trusted = sender{nick: "tina", userhost: "t@trusted.host", channel: "#techrights"}
)

func (s sender) says(text string) bot.Incoming {
	return bot.Incoming{Network: "testnet", Channel: s.channel, Nick: s.nick, UserHost: s.userhost, Account: s.account, Text: text, Time: fixtureNow}
}

// ask runs one line through Handle and checks what every reply must be.
func (f *fixture) ask(t testing.TB, in bot.Incoming) []commands.Reply {
	t.Helper()
	replies := f.router.Handle(context.Background(), in)
	checkReplies(t, replies)
	return replies
}

// checkReplies asserts the promises every reply keeps: at most three lines
// of at most 400 bytes of valid UTF-8, with no control characters (so no
// CR, LF, NUL or formatting codes).
func checkReplies(t testing.TB, replies []commands.Reply) {
	t.Helper()
	if len(replies) > commands.MaxReplyLines {
		t.Errorf("%d reply lines, at most %d allowed", len(replies), commands.MaxReplyLines)
	}
	for _, r := range replies {
		if len(r.Text) > bot.MaxTextBytes || r.Text == "" || !utf8.ValidString(r.Text) {
			t.Errorf("bad reply line (%d bytes): %q", len(r.Text), r.Text)
		}
		for _, c := range r.Text {
			if c < ' ' || c == 0x7f || (c >= 0x80 && c <= 0x9f) {
				t.Errorf("reply has control character %U: %q", c, r.Text)
			}
		}
	}
}

func texts(replies []commands.Reply) []string {
	out := make([]string, len(replies))
	for i, r := range replies {
		out[i] = r.Text
	}
	return out
}

// one is the text of the only reply to a line.
func (f *fixture) one(t *testing.T, in bot.Incoming) string {
	t.Helper()
	rs := f.ask(t, in)
	if len(rs) != 1 {
		t.Fatalf("%q: want one reply, got %d: %q", in.Text, len(rs), texts(rs))
	}
	return rs[0].Text
}

const (
	partX  = "https://techrights.org/n/2026/02/01/From_Belarus_With_Love_Part_X_From_High_Tech_Hub_to_No_Go_Zone.shtml"
	partIX = "https://techrights.org/n/2026/01/31/From_Belarus_With_Love_Part_IX_The_End_of_Peaceful_Coexistence.shtml"
	partI  = "https://techrights.org/n/2026/01/20/From_Belarus_With_Love_Part_I_Schizophrenic_EPO_Policy.shtml"
)

// TestCommands runs every command through Handle: each line is said by
// carol in #techrights unless the row says otherwise, and the replies are
// compared whole (want) or by pattern (match).
func TestCommands(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	id := func(name string) string { return strconv.FormatInt(f.ids[name], 10) }
	const (
		day2 = "https://irc.example.org/testnet/techrights/2026-02-02.html"
		day3 = "https://irc.example.org/testnet/techrights/2026-02-03.html"
	)
	tests := []struct {
		name   string
		in     bot.Incoming
		want   []string // exact reply texts
		joined string   // or the reply lines joined by a space (where they are split is tested elsewhere)
		match  string   // or a regexp the replies joined by newlines must match
	}{
		// !part
		{name: "part arabic", in: carol.says("!part 10"),
			want: []string{"From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone” — " + partX}},
		{name: "part roman", in: carol.says("!part X"),
			want: []string{"From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone” — " + partX}},
		{name: "part lower-case roman with series words", in: carol.says("!part ix belarus"),
			want: []string{"From Belarus With Love — Part IX: The End of “Peaceful Coexistence”? — " + partIX}},
		{name: "part words first", in: carol.says("!part from belarus 9"),
			want: []string{"From Belarus With Love — Part IX: The End of “Peaceful Coexistence”? — " + partIX}},
		{name: "part declared by hand and in the feed is one part, the feed's link", in: carol.says("!part 1 Belarus"),
			want: []string{"From Belarus With Love — Part I: Schizophrenic EPO Policy — " + partI}},
		{name: "part not out yet", in: carol.says("!part 11"),
			want: []string{"From Belarus With Love has parts I–X (1–10); part 11 is not out yet."}},
		{name: "part of a series declared by hand", in: carol.says("!part 2 hand made"),
			want: []string{"Hand Made — Part 2: Middle — https://example.org/hand/2"}},
		{name: "part without a link", in: carol.says("!part 4 hand"),
			want: []string{"Hand Made — Part 4: End"}},
		{name: "part missing in the middle", in: carol.says("!part 3 hand"),
			want: []string{"Hand Made has parts I–II, IV (1–2, 4); part 3 is not in the archive."}},
		{name: "part of another feed series by prefix", in: carol.says("!part 2 worms"),
			want: []string{"A Can of WORMS - Part II - Darkening the Name of RMS, Associating It With Crime — https://techrights.org/n/2026/02/02/A_Can_of_WORMS_Part_II_Darkening_the_Name_of_RMS_Associating_It_With_Crime.shtml"}},
		{name: "part ambiguous words list the candidates", in: carol.says("!part 2 of"),
			want: []string{"Several series match “of”: A Can of WORMS · Mobbing at the European Patent Office (EPO). Add a word to pick one."}},
		{name: "part unknown series", in: carol.says("!part 2 nosuchthing"),
			match: `^No series matches “nosuchthing”\. Known: .*From Belarus With Love`},
		{name: "part in a private message", in: inPriv.says("part 10"),
			want: []string{"From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone” — " + partX}},
		{name: "part addressed by nick", in: carol.says("proceedings: part 10"),
			want: []string{"From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone” — " + partX}},
		{name: "part addressed by nick with a comma and the prefix", in: carol.says("Proceedings, !part 10"),
			want: []string{"From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone” — " + partX}},
		{name: "part negative", in: carol.says("!part -1"),
			want: []string{`Part number must be 1–100000 or a roman numeral I–MMMCMXCIX, not "-1" — usage: !part N [series words]`}},
		{name: "part huge", in: carol.says("!part 99999999999999999999"),
			want: []string{`Part number must be 1–100000 or a roman numeral I–MMMCMXCIX, not "99999999999999999999" — usage: !part N [series words]`}},
		{name: "part roman beyond 3999", in: carol.says("!part MMMMCMXCIX"),
			want: []string{`Part number must be 1–100000 or a roman numeral I–MMMCMXCIX, not "MMMMCMXCIX" — usage: !part N [series words]`}},
		{name: "part with control characters", in: carol.says("!part 1\x01\x07 belarus"),
			want: []string{"That has control characters in it — usage: !part N [series words]"}},
		{name: "part with a 500-byte argument", in: carol.says("!part " + strings.Repeat("x", 500)),
			want: []string{"That is too long — usage: !part N [series words]"}},
		{name: "part without arguments", in: carol.says("!part"),
			want: []string{"Usage: !part N [series words]"}},

		// !series
		{name: "series list", in: carol.says("!series"),
			match: `^4 series: A Can of WORMS \(1 part, newest: Part II\) · Mobbing at the European Patent Office \(EPO\) \(1 part, newest: Part II\) · From Belarus With Love \(10 parts, newest: Part X\) · Hand Made \(3 parts, newest: Part 4\)\.`},
		{name: "series of a short series fits one line", in: carol.says("!series hand"),
			want: []string{"Hand Made, parts I–II, IV (1–2, 4): 1 Start · 2 Middle · 4 End"}},
		{name: "series of a long series", in: carol.says("!series belarus"),
			want: []string{"From Belarus With Love has parts I–X (1–10); the newest: From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone” — " + partX + ". Say !part N for the link to any part."}},

		// !latest
		{name: "latest default three", in: carol.says("!latest"),
			match: `(?s)^Links 01/02/2026: .* — https://techrights.org/n/2026/02/02/Links_01_02_2026\S*shtml · IRC Proceedings: Sunday, February 01, 2026 — \S+\n· A Can of WORMS - Part II .*— \S+WORMS\S+$`},
		{name: "latest one", in: carol.says("!latest 1"),
			want: []string{"Links 01/02/2026: Public TV Gutted by Cheeto, Billionaires Fund a Cheeto Propaganda Movie in 'Documentary'… — https://techrights.org/n/2026/02/02/Links_01_02_2026_Public_TV_Gutted_by_Cheeto_Billionaires_Fund_a_Cheeto_Propagand.shtml"}},
		{name: "latest caps at five", in: carol.says("!latest 50"),
			match: `(?s)^Links 01/02.*IRC Proceedings: Sunday.*A Can of WORMS.*Mobbing.*Doing More Detailed Series`},
		{name: "latest absurdly many caps at five", in: carol.says("!latest 99999999999999999999"),
			match: `(?s)^Links 01/02.*IRC Proceedings: Sunday.*A Can of WORMS.*Mobbing.*Doing More Detailed Series`},
		{name: "latest zero", in: carol.says("!latest 000"),
			want: []string{"n is a number from 1 to 5 — usage: !latest [n]"}},
		{name: "latest garbage", in: carol.says("!latest -3"),
			want: []string{"n is a number from 1 to 5 — usage: !latest [n]"}},

		// !logs
		{name: "logs today with nothing said", in: carol.says("!logs"),
			want: []string{"Nothing was said in #techrights that day (Wednesday, February 04, 2026)."}},
		{name: "logs yesterday", in: carol.says("!logs yesterday"),
			want: []string{"#techrights, Tuesday, February 03, 2026: https://irc.example.org/testnet/techrights/2026-02-03.html"}},
		{name: "logs date", in: carol.says("!logs 2026-02-02"),
			want: []string{"#techrights, Monday, February 02, 2026: https://irc.example.org/testnet/techrights/2026-02-02.html"}},
		{name: "logs weekday", in: carol.says("!logs Monday"),
			want: []string{"#techrights, Monday, February 02, 2026: https://irc.example.org/testnet/techrights/2026-02-02.html"}},
		{name: "logs short weekday without lines", in: carol.says("!logs sun"),
			want: []string{"Nothing was said in #techrights that day (Sunday, February 01, 2026)."}},
		{name: "logs same weekday is a week ago", in: carol.says("!logs wednesday"),
			want: []string{"Nothing was said in #techrights that day (Wednesday, January 28, 2026)."}},
		{name: "logs future", in: carol.says("!logs 2030-01-01"),
			want: []string{"Tuesday, January 01, 2030 has not come yet."}},
		{name: "logs from a private message", in: inPriv.says("!logs yesterday"),
			want: []string{"#techrights, Tuesday, February 03, 2026: https://irc.example.org/testnet/techrights/2026-02-03.html"}},
		{name: "logs of a private channel", in: carol.says("!logs #secret yesterday"),
			want: []string{"I have no logs of “#secret”."}},
		{name: "logs of an unknown channel", in: carol.says("!logs #nope"),
			want: []string{"I have no logs of “#nope”."}},
		{name: "logs garbage", in: carol.says("!logs someday"),
			want: []string{"I do not know the day “someday” — usage: !logs [#channel] [today|yesterday|YYYY-MM-DD|weekday]"}},

		// !search
		{name: "search", in: carol.says("!search minsk"),
			// Ranked by relevance (bm25: shorter lines with the word first);
			// the bot's own line is neither counted nor shown.
			joined: "5 lines match “minsk”; the best 3: " +
				"2026-02-03 #techrights * alice waves at minsk " + day3 + "#l-" + id("alice2") + " · " +
				"2026-02-03 #techrights <mallory> evil minsk PRIVMSG #x :pwned " + day3 + "#l-" + id("mallory") + " · " +
				"2026-02-02 #techrights <bob> minsk again? tell me more " + day2 + "#l-" + id("bob1")},
		{name: "search never shows private channels", in: carol.says("!search secret plans"),
			want: []string{"No public log lines match “secret plans”."}},
		{name: "search without words", in: carol.says("!search ***"),
			want: []string{"I cannot search for that: type at least one word to search for."}},
		{name: "search one hit", in: carol.says(`!search "office in minsk"`),
			match: `^1 line matches "office in minsk": 2026-02-02 #techrights <alice> the EPO office in Minsk is closing https://irc.example.org/testnet/techrights/2026-02-02.html#l-\d+$`},

		// !seen
		{name: "seen", in: carol.says("!seen ALICE"),
			match: `^alice was last seen in #techrights 2\d hours ago \(2026-02-03 09:00 GMT\), doing: \* alice waves at minsk — https://irc.example.org/testnet/techrights/2026-02-03.html#l-\d+$`},
		{name: "seen only in a private channel", in: carol.says("!seen dave"),
			want: []string{"I have not seen dave say anything in a public channel."}},
		{name: "seen someone opted out", in: carol.says("!seen hidden"),
			want: []string{"I have not seen hidden say anything in a public channel."}},
		{name: "seen a line with CR LF", in: carol.says("!seen mallory"),
			match: `^mallory was last seen .*saying: evil minsk PRIVMSG #x :pwned — `},
		{name: "seen without a nick", in: carol.says("!seen"),
			want: []string{"Usage: !seen nick"}},

		// !help
		{name: "help", in: carol.says("!help"),
			want: []string{`Commands: !part N [series words] · !series [series words] · !latest [n] · !logs [#channel] [today|yesterday|YYYY-MM-DD|weekday] · !search words or "a phrase" · !seen nick · !optout · !optin · !help [command]. All commands: https://irc.example.org/commands.html`}},
		{name: "help for a command", in: carol.says("!help !part"),
			want: []string{"!part N [series words] — the title and link of part N (10 or X) of a series; without words, of the series the bot announced last here. All commands: https://irc.example.org/commands.html"}},
		{name: "help hides admin commands", in: carol.says("!help join"),
			match: `^Commands: .*!help \[command\]\. All commands`},
		{name: "help for an admin", in: boss.says("!help"),
			match: `Admin: !announce on\|off \[#channel\] · !join #channel · !part-channel \[#channel\] · !say #channel\|nick text · !reload\. All commands`},

		// What is not a command.
		{name: "unknown command is ignored", in: carol.says("!frobnicate 3")},
		{name: "no prefix in a channel", in: carol.says("part 10")},
		{name: "prefix alone", in: carol.says("!")},
		{name: "a notice is never answered", in: func() bot.Incoming { in := carol.says("!part 10"); in.Notice = true; return in }()},
		{name: "the bot's own line", in: func() bot.Incoming { in := carol.says("!part 10"); in.Self = true; return in }()},
		{name: "an action", in: func() bot.Incoming { in := carol.says("!part 10"); in.Action = true; return in }()},
		{name: "admin command from a non-admin is ignored", in: carol.says("!join #elsewhere")},
		{name: "someone else addressed", in: carol.says("alice: part 10")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.advance(time.Minute) // stay within the rate limits
			got := texts(f.ask(t, tc.in))
			if tc.joined != "" {
				if j := strings.Join(got, " "); j != tc.joined {
					t.Errorf("%q:\n got %q\nwant %q", tc.in.Text, j, tc.joined)
				}
				return
			}
			if tc.match != "" {
				if !regexp.MustCompile(tc.match).MatchString(strings.Join(got, "\n")) {
					t.Errorf("%q:\n got %q\nwant match of %s", tc.in.Text, got, tc.match)
				}
				return
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%q:\n got %q\nwant %q", tc.in.Text, got, tc.want)
			}
		})
	}
}

// TestRepliesGoWhereAsked: channel commands answer in the channel, private
// ones privately, and confirmations of !optout privately by notice.
func TestRepliesGoWhereAsked(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	tests := []struct {
		in         bot.Incoming
		target     string
		wantNotice bool
	}{
		{carol.says("!part 10"), "#techrights", false},
		{inPriv.says("!part 10"), "carol", false},
		{carol.says("!optout"), "carol", true},
		{inPriv.says("optin"), "carol", false},
	}
	for _, tc := range tests {
		f.advance(time.Minute)
		rs := f.ask(t, tc.in)
		if len(rs) != 1 || rs[0].Network != "testnet" || rs[0].Target != tc.target || rs[0].Notice != tc.wantNotice {
			t.Errorf("%+v: got %+v, want target %s notice %v", tc.in, rs, tc.target, tc.wantNotice)
		}
	}
}

// TestPartFollowsTheChannelsAnnouncement: without series words, !part
// means the series whose part the bot linked last in this channel, as the
// archive has it (so a new router, as after a restart, agrees); elsewhere
// the one announced last anywhere.
func (f *fixture) botSays(t *testing.T, channel, text string, at time.Time) {
	t.Helper()
	ev := event.Event{Network: "testnet", Channel: channel, Time: at, Kind: event.KindMessage, Nick: "proceedings", Text: text, Flags: event.FlagSelf}
	if _, err := f.db.Append(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
}

func TestPartFollowsTheChannelsAnnouncement(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	// The running bot stores the declared series as posts (SaveSeries).
	if _, _, err := f.db.SavePost(context.Background(), archive.Post{Link: "https://example.org/hand/1", Title: "Hand Made — Part 1: Start",
		Series: "Hand Made", Part: 1}); err != nil {
		t.Fatal(err)
	}
	f.botSays(t, "#TechRights", "New: Hand Made — Part 1: Start — https://example.org/hand/1", fixtureNow.Add(-time.Hour))
	want := "Hand Made — Part 1: Start — https://example.org/hand/1"
	if got := f.one(t, carol.says("!part 1")); got != want {
		t.Errorf("after an announcement of Hand Made: got %q, want %q", got, want)
	}
	restarted := commands.NewRouter(f.cfg, f.db, commands.Options{Nick: func(string) string { return "proceedings" }, Now: f.clock})
	if got := restarted.Handle(context.Background(), carol.says("!part 1")); len(got) != 1 || got[0].Text != want {
		t.Errorf("a new router (a restarted bot): got %+v, want %q", got, want)
	}
	other := carol
	other.channel = "#other"
	if got, want := f.one(t, other.says("!part 1")), "From Belarus With Love — Part I: Schizophrenic EPO Policy — "+partI; got != want {
		t.Errorf("in another channel: got %q, want %q", got, want)
	}
	// A link that is no part of a known series changes nothing; a later
	// link to another series does.
	f.botSays(t, "#techrights", "Gone Series — Part 1 — https://example.org/gone/1", fixtureNow.Add(-30*time.Minute))
	f.advance(time.Minute) // past carol's rate limit
	if got := f.one(t, carol.says("!part 1")); got != want {
		t.Errorf("after a link to an unknown series: got %q, want %q", got, want)
	}
	f.botSays(t, "#techrights", "From Belarus With Love — Part I — "+partI, fixtureNow.Add(-20*time.Minute))
	f.advance(time.Minute)
	if got, want := f.one(t, carol.says("!part 1")), "From Belarus With Love — Part I: Schizophrenic EPO Policy — "+partI; got != want {
		t.Errorf("after a link to Belarus: got %q, want %q", got, want)
	}
}

func TestOptOutAndOptIn(t *testing.T) {
	var calls []string
	f := newFixture(t, fixtureOptions{router: func(o *commands.Options) {
		o.OnOptOut = func(key string, out bool) {
			if out {
				calls = append(calls, "out "+key)
			} else {
				calls = append(calls, "in "+key)
			}
		}
	}})
	ctx := context.Background()
	lists := func() []string {
		keys, err := f.db.OptOuts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return keys
	}
	got := f.one(t, carol.says("!optout"))
	if !strings.HasPrefix(got, "Done: I no longer record what the nick carol from carol@example.net says.") || !slices.Equal(lists(), []string{"nick:testnet:carol!carol@example.net"}) {
		t.Errorf("optout by nick: reply %q, list %q", got, lists())
	}
	acct := carol
	acct.account = "CarolAcct"
	got = f.one(t, acct.says("!optout"))
	if !strings.Contains(got, "the account CarolAcct") || !slices.Equal(lists(), []string{"account:testnet:carolacct", "nick:testnet:carol!carol@example.net"}) {
		t.Errorf("optout by account: reply %q, list %q", got, lists())
	}
	f.advance(time.Minute)
	got = f.one(t, carol.says("!optin"))
	if got != "Done: I record what the nick carol from carol@example.net says again." || !slices.Equal(lists(), []string{"account:testnet:carolacct"}) {
		t.Errorf("optin: reply %q, list %q", got, lists())
	}
	hidden := carol
	hidden.nick = "Hidden"
	if got := f.one(t, hidden.says("!optin")); !strings.Contains(got, "bot.yaml's optout list names you too") {
		t.Errorf("optin of a nick the configuration opts out: %q", got)
	}
	if want := []string{"out nick:testnet:carol!carol@example.net", "out account:testnet:carolacct", "in nick:testnet:carol!carol@example.net", "in nick:testnet:hidden!carol@example.net"}; !slices.Equal(calls, want) {
		t.Errorf("OnOptOut calls %q, want %q", calls, want)
	}
}

// TestOptOutIsLiftedOnlyByItsOwner: anyone can opt out, but only the one who
// did (the same account; or the same nick from the same user@host, not
// through a relay) or an admin can lift it; anyone else gets one polite
// refusal that says nothing about the opt-out, and the list stays.
func TestOptOutIsLiftedOnlyByItsOwner(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	const refused = "I can't lift that opt-out for you; only the person who opted out (same account, or same nick and host), or an admin, can."
	who := func(nick, userhost, account string) sender {
		return sender{nick: nick, userhost: userhost, account: account, channel: "#techrights"}
	}
	relayed := func(in bot.Incoming) bot.Incoming { in.Relay = "relaybot"; return in }
	tests := []struct {
		name string
		out  bot.Incoming // says !optout; zero: key is put on the list as an old row
		old  string       // a bare key (without a kind) of an opt-out
		// oldNick: a nick's opt-out as stored before user@hosts were part
		// of the key (nick:testnet:NICK, the user@host beside it)
		oldNick string
		in      bot.Incoming // says !optin
		key     string       // on the list before !optin
		allow   bool
		// other: the !optin is someone else's, whose own key is not on the
		// list: the reply is theirs ("Done", nothing changed) and key stays.
		other bool
	}{
		{name: "same nick, same host",
			out: who("ann", "~a@home.example", "").says("!optout"), in: who("Ann", "~a@home.example", "").says("!optin"), key: "nick:testnet:ann!~a@home.example", allow: true},
		{name: "same nick, another host",
			out: who("ben", "~b@home.example", "").says("!optout"), in: who("ben", "~b@evil.example", "").says("!optin"), key: "nick:testnet:ben!~b@home.example", other: true},
		{name: "same nick, host unknown",
			out: who("cat", "~c@home.example", "").says("!optout"), in: who("cat", "", "").says("!optin"), key: "nick:testnet:cat!~c@home.example", other: true},
		{name: "same nick and host through a relay",
			out: relayed(who("dan", "~r@bridge.example", "").says("!optout")), in: relayed(who("dan", "~r@bridge.example", "").says("!optin")), key: "relayed:testnet:dan"},
		{name: "same account, another nick and host",
			out: who("eve", "~e@home.example", "EveAcct").says("!optout"), in: who("eve2", "~x@elsewhere.example", "eveacct").says("!optin"), key: "account:testnet:eveacct", allow: true},
		{name: "the account's name as a nick without the account",
			out: who("fay", "~f@home.example", "gil").says("!optout"), in: who("gil", "~f@home.example", "").says("!optin"), key: "account:testnet:gil", other: true},
		{name: "an old opt-out and the same nick",
			old: "hal", in: who("hal", "~h@home.example", "").says("!optin"), key: "hal"},
		{name: "an old opt-out and the same account",
			old: "ivy", in: who("ivy", "~i@home.example", "Ivy").says("!optin"), key: "ivy", allow: true},
		{name: "an admin's own, from another host",
			out: who("jon", "~j@home.example", "").says("!optout"), in: who("jon", "j@trusted.host", "").says("!optin"), key: "nick:testnet:jon!~j@home.example", allow: true},
		{name: "an admin naming someone",
			out: who("kim", "~k@home.example", "").says("!optout"), in: boss.says("!optin Kim"), key: "nick:testnet:kim!~k@home.example", allow: true},
		{name: "someone else naming someone",
			out: who("lou", "~l@home.example", "").says("!optout"), in: carol.says("!optin lou"), key: "nick:testnet:lou!~l@home.example"},
		{name: "an opt-out stored without a user@host, the same nick and host",
			oldNick: "mo", in: who("mo", "~m@home.example", "").says("!optin"), key: "nick:testnet:mo", allow: true},
		{name: "an opt-out stored without a user@host, the same nick from another host",
			oldNick: "ned", in: who("ned", "~n@evil.example", "").says("!optin"), key: "nick:testnet:ned"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.advance(time.Minute)
			if tc.old != "" {
				if err := f.db.OptOut(ctx, tc.old, true); err != nil {
					t.Fatal(err)
				}
			} else if tc.oldNick != "" {
				if err := f.db.OptOutFrom(ctx, "nick:testnet:"+tc.oldNick, "~"+tc.oldNick[:1]+"@home.example"); err != nil {
					t.Fatal(err)
				}
			} else if got := f.one(t, tc.out); !strings.HasPrefix(got, "Done: I no longer record") {
				t.Fatalf("!optout: %q", got)
			}
			rs := f.ask(t, tc.in)
			_, listed, err := f.db.OptOutEntry(ctx, tc.key)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 {
				t.Fatalf("!optin: %d replies %q, want one", len(rs), texts(rs))
			}
			if tc.allow {
				if !strings.HasPrefix(rs[0].Text, "Done: I record what") || listed {
					t.Errorf("!optin: %q, still listed %v; want it lifted", rs[0].Text, listed)
				}
				return
			}
			if tc.other {
				if !listed {
					t.Errorf("!optin: %q lifted %s, which is not the sender's", rs[0].Text, tc.key)
				}
				return
			}
			if rs[0].Text != refused || !listed {
				t.Errorf("!optin: %q, still listed %v; want the refusal and the opt-out kept", rs[0].Text, listed)
			}
			if tc.in.Relay == "" && (rs[0].Target != tc.in.Nick || !rs[0].Notice) {
				t.Errorf("the refusal went to %s (notice %v), want privately to %s", rs[0].Target, rs[0].Notice, tc.in.Nick)
			}
		})
	}
}

// TestSeenAndLogsTellNothingPrivate: !seen of someone who opted out (by
// nick, by account, in bot.yaml or by command, whose lines are from before
// the opt-out) answers byte for byte what it answers about someone never
// seen, and !logs of a private channel what it answers about a channel
// never recorded.
func TestSeenAndLogsTellNothingPrivate(t *testing.T) {
	optoutYAML := strings.Replace(commandsConfig, "optout: [hidden]", "optout: [hidden, quinn, WillAcct]", 1)
	yesterday := fixtureNow.Add(-24 * time.Hour)
	tests := []struct {
		name    string
		nick    string // who speaks, then opts out (or is opted out by bot.yaml)
		account string
		optout  bool   // says !optout after speaking
		ask     string // the question
		asker   sender
		channel string // where they spoke
	}{
		{name: "nick opted out in bot.yaml", nick: "quinn", ask: "!seen quinn"},
		{name: "nick opted out by command", nick: "yann", optout: true, ask: "!seen yann"},
		{name: "nick opted out by command, asked in capitals", nick: "yolanda", optout: true, ask: "!seen YOLANDA"},
		{name: "account opted out by command", nick: "zoe", account: "ZoeAcct", optout: true, ask: "!seen zoe"},
		{name: "account opted out in bot.yaml", nick: "will", account: "WillAcct", ask: "!seen will"},
		{name: "logs of a private channel", nick: "xena", channel: "#hush", ask: "!logs #hush yesterday"},
		{name: "logs of a private channel, today", nick: "xena", channel: "#hush", ask: "!logs #hush"},
		{name: "logs of a private channel, in the future", nick: "xena", channel: "#hush", ask: "!logs #hush 2030-01-01"},
		{name: "logs asked in the private channel", nick: "xena", channel: "#hush", ask: "!logs yesterday",
			asker: sender{nick: "carol", userhost: "carol@example.net", channel: "#hush"}},
		{name: "logs asked privately", nick: "xena", channel: "#hush", ask: "logs #hush yesterday", asker: inPriv},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			asker := carol
			if tc.asker.nick != "" {
				asker = tc.asker
			}
			channel := cmp.Or(tc.channel, "#techrights")
			// A stranger: the same question where they never spoke.
			plain := newFixture(t, fixtureOptions{})
			want := plain.ask(t, asker.says(tc.ask))
			if len(want) != 1 {
				t.Fatalf("never seen: %q, want one reply", texts(want))
			}
			// They spoke, and are seen where nobody opted out.
			speak := func(f *fixture) {
				if _, err := f.db.Append(context.Background(), event.Event{Network: "testnet", Channel: channel, Kind: event.KindMessage,
					Nick: tc.nick, UserHost: tc.nick + "@example.net", Account: tc.account, Text: "words of " + tc.nick, Time: yesterday}); err != nil {
					t.Fatal(err)
				}
			}
			if tc.channel == "" {
				speak(plain)
				plain.advance(time.Minute)
				if got := texts(plain.ask(t, asker.says(tc.ask))); len(got) != 1 || !strings.Contains(got[0], "words of "+tc.nick) {
					t.Fatalf("without an opt-out: %q, want their line", got)
				}
			}
			// Now where they opted out, or the channel is private.
			f := newFixture(t, fixtureOptions{yaml: optoutYAML})
			speak(f)
			if tc.optout {
				s := sender{nick: tc.nick, userhost: tc.nick + "@example.net", account: tc.account, channel: "#techrights"}
				if got := f.one(t, s.says("!optout")); !strings.HasPrefix(got, "Done:") {
					t.Fatalf("!optout: %q", got)
				}
				f.advance(time.Minute)
			}
			got := f.ask(t, asker.says(tc.ask))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s:\n got %+v\nwant %+v (as if never seen)", tc.ask, got, want)
			}
		})
	}
}

// TestRelayedPeople: someone speaking through a relay bot is answered in
// the channel, also where others get a private answer (their nick is not
// on this network), and never as an admin, even with an admin's host or
// account.
func TestRelayedPeople(t *testing.T) {
	admin := &adminLog{}
	f := newFixture(t, fixtureOptions{admin: admin})
	relayed := func(s sender, text string) bot.Incoming {
		in := s.says(text)
		in.Relay = "relaybot"
		return in
	}
	matrix := sender{nick: "matrixuser", userhost: "~r@bridge.example", channel: "#techrights"}
	tests := []struct {
		name  string
		in    bot.Incoming
		reply string // "" for none
	}{
		{"an ordinary command", relayed(matrix, "!part 10"),
			"From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone” — " + partX},
		{"addressed by nick", relayed(matrix, "proceedings: part 10"),
			"From Belarus With Love — Part X: From “High-Tech Hub” to “No-Go Zone” — " + partX},
		{"a private answer", relayed(matrix, "!optout"),
			"Done: I no longer record what the relayed nick matrixuser says. Lines recorded before stay in the archive (an admin can remove them). Only an admin can undo it"},
		{"an admin command with an admin's host", relayed(trusted, "!join #new"), ""},
		{"an admin command with an admin's account", relayed(boss, "!reload"), ""},
		{"help shows no admin commands", relayed(boss, "!help"), "Commands: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.advance(time.Minute)
			admin.calls = nil
			rs := f.ask(t, tc.in)
			if len(admin.calls) > 0 {
				t.Errorf("admin calls %q from a relayed line", admin.calls)
			}
			if tc.reply == "" {
				if len(rs) > 0 {
					t.Errorf("replies %q, want none", texts(rs))
				}
				return
			}
			if len(rs) != 1 || !strings.HasPrefix(rs[0].Text, tc.reply) || rs[0].Target != "#techrights" || rs[0].Notice {
				t.Fatalf("replies %+v, want %q in #techrights", rs, tc.reply)
			}
			if strings.Contains(rs[0].Text, "Admin:") {
				t.Errorf("a relayed line was shown the admin commands: %q", rs[0].Text)
			}
		})
	}
}

// TestOptOutOnAReadOnlyArchive: the write fails, the reply says sorry and
// nothing else.
func TestOptOutOnAReadOnlyArchive(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ro := archivetest.OpenAt(t, f.cfg.Archive, archive.Options{ReadOnly: true, Location: f.cfg.Site.Location})
	r := commands.NewRouter(f.cfg, ro, commands.Options{Now: f.clock})
	rs := r.Handle(context.Background(), carol.says("!optout"))
	checkReplies(t, rs)
	if len(rs) != 1 || rs[0].Text != "Sorry, I could not change the opt-out list just now; please try again later." {
		t.Errorf("got %q", texts(rs))
	}
}

// adminLog records what admin commands asked the bot to do.
type adminLog struct {
	mu    sync.Mutex
	calls []string
	fail  error
}

func (a *adminLog) note(s string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls = append(a.calls, s)
	return a.fail
}

func (a *adminLog) Join(network, channel string) error {
	return a.note("join " + network + " " + channel)
}
func (a *adminLog) Part(network, channel string) error {
	return a.note("part " + network + " " + channel)
}
func (a *adminLog) Say(network, target, text string) error {
	return a.note("say " + network + " " + target + " " + text)
}
func (a *adminLog) Reload(ctx context.Context) error { return a.note("reload") }
func (a *adminLog) SetAnnounce(network, channel string, on bool) error {
	state := "off"
	if on {
		state = "on"
	}
	return a.note("announce " + network + " " + channel + " " + state)
}

func TestAdminCommands(t *testing.T) {
	admin := &adminLog{}
	f := newFixture(t, fixtureOptions{admin: admin})
	bossPriv := boss
	bossPriv.channel = ""
	tests := []struct {
		in    bot.Incoming
		call  string // "" when nothing may be called
		reply string
	}{
		{boss.says("!join #new"), "join testnet #new", "Joining #new."},
		{trusted.says("!join #byhost"), "join testnet #byhost", "Joining #byhost."},
		{boss.says("!part-channel"), "part testnet #techrights", "Leaving #techrights."},
		{bossPriv.says("part-channel #new"), "part testnet #new", "Leaving #new."},
		{boss.says("!say #techrights hello \x02world\x02"), "say testnet #techrights hello world", ""},
		{boss.says("!reload"), "reload", "Reloaded the configuration."},
		{boss.says("!announce off"), "announce testnet #techrights off", "Announcements are off in #techrights."},
		{bossPriv.says("!announce on"), "announce testnet  on", "Announcements are on everywhere on testnet."},
		{boss.says("!announce maybe"), "", "Usage: !announce on|off [#channel]"},
		{boss.says("!join notachannel"), "", "Usage: !join #channel"},
		{boss.says("!say #x"), "", "Usage: !say #channel|nick text"},
		// Not admins: no call, no reply.
		{carol.says("!join #new"), "", ""},
		{carol.says("!reload"), "", ""},
		{func() bot.Incoming { in := carol.says("!reload"); in.Account = "boss2"; return in }(), "", ""},
		{func() bot.Incoming { in := trusted.says("!reload"); in.UserHost = "t@untrusted.host"; return in }(), "", ""},
	}
	for _, tc := range tests {
		admin.calls = nil
		rs := f.ask(t, tc.in)
		var call string
		if len(admin.calls) > 0 {
			call = strings.Join(admin.calls, "; ")
		}
		if call != tc.call {
			t.Errorf("%q by %s: admin calls %q, want %q", tc.in.Text, tc.in.Nick, call, tc.call)
		}
		got := strings.Join(texts(rs), "\n")
		if got != tc.reply {
			t.Errorf("%q by %s: reply %q, want %q", tc.in.Text, tc.in.Nick, got, tc.reply)
		}
		for _, r := range rs {
			if r.Target != tc.in.Nick {
				t.Errorf("%q: admin replies go to the admin, not %s", tc.in.Text, r.Target)
			}
		}
	}
}

// TestAdminCommandsWithoutABot: proceedings ask has no bot to join with.
func TestAdminCommandsWithoutABot(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	if got := f.one(t, boss.says("!join #x")); got != "Admin commands work only in the running bot (proceedings run)." {
		t.Errorf("got %q", got)
	}
}

func TestAdminErrorsAreReported(t *testing.T) {
	admin := &adminLog{fail: errFake}
	f := newFixture(t, fixtureOptions{admin: admin})
	if got := f.one(t, boss.says("!join #x")); got != "Could not join #x: not connected to testnet" {
		t.Errorf("got %q", got)
	}
}

var errFake = fakeErr("not connected to testnet")

type fakeErr string

func (e fakeErr) Error() string { return string(e) }

// TestHostileTitles: a post title with CR LF, NUL, CTCP and formatting
// codes is answered as one clean line.
func TestHostileTitles(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	_, _, err := f.db.SavePost(context.Background(), archive.Post{GUID: "evil", Link: "https://example.org/evil",
		Title: "Evil — Part 1: \x02bold\x02\r\nQUIT :bye\x00\x01ACTION x\x01 \x0304red", Series: "Evil", Part: 1, Published: fixtureNow})
	if err != nil {
		t.Fatal(err)
	}
	got := f.one(t, carol.says("!part 1 evil"))
	if want := "Evil — Part 1: bold QUIT :byeACTION x red — https://example.org/evil"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestLongRepliesAreSplit: a series with many long-named parts answers in
// at most three lines of at most 400 bytes, cut between words.
func TestLongRepliesAreSplit(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	for i := 1; i <= 40; i++ {
		name := "Series Number " + strings.Repeat("Ж", 20) + " " + announce.Roman(i)
		if _, _, err := f.db.SavePost(ctx, archive.Post{GUID: name, Link: "https://example.org/" + announce.Roman(i), Title: name + " — Part 1",
			Series: name, Part: 1, Published: fixtureNow}); err != nil {
			t.Fatal(err)
		}
	}
	rs := f.ask(t, carol.says("!series"))
	if len(rs) != 3 {
		t.Fatalf("want 3 lines, got %d: %q", len(rs), texts(rs))
	}
	if !strings.HasSuffix(rs[2].Text, "…") {
		t.Errorf("the last line of a cut reply ends in …: %q", rs[2].Text)
	}
	for _, r := range rs[:2] {
		if len(r.Text) < bot.MaxTextBytes-60 {
			t.Errorf("line wastes space (%d bytes): %q", len(r.Text), r.Text)
		}
	}
}

// TestNewSeriesAreSeen: the router keeps the list of series for a while;
// a post the announcer stores (and tells with PostsChanged) counts at
// once, one imported elsewhere within half a minute.
func TestNewSeriesAreSeen(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	save := func(name string) {
		if _, _, err := f.db.SavePost(ctx, archive.Post{GUID: name, Link: "https://example.org/" + name, Title: name + " — Part 1",
			Series: name, Part: 1, Published: fixtureNow}); err != nil {
			t.Fatal(err)
		}
	}
	if got := f.one(t, carol.says("!series")); !strings.HasPrefix(got, "4 series:") {
		t.Fatalf("got %q", got)
	}
	save("Announced")
	f.router.PostsChanged()
	f.botSays(t, "#techrights", "Announced — Part 1 — https://example.org/Announced", fixtureNow)
	f.advance(time.Second)
	if got := f.one(t, carol.says("!part 1")); got != "Announced — Part 1 — https://example.org/Announced" {
		t.Errorf("!part after an announcement: %q", got)
	}
	if got := f.one(t, carol.says("!series")); !strings.HasPrefix(got, "5 series: Announced (1 part, newest: Part I)") {
		t.Errorf("!series after PostsChanged: %q", got)
	}
	save("Imported")
	f.advance(31 * time.Second)
	if got := f.one(t, carol.says("!series")); !strings.HasPrefix(got, "6 series:") {
		t.Errorf("!series half a minute after an import: %q", got)
	}
}

// TestSearchSkipsOwnLinesAndCommands: however many of the newest matches
// are the bot's answers and people's commands, !search shows real lines.
func TestSearchSkipsOwnLinesAndCommands(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	add := func(nick, text string, flags event.Flags, at time.Time) int64 {
		id, err := f.db.Append(ctx, event.Event{Network: "testnet", Channel: "#techrights", Kind: event.KindMessage,
			Nick: nick, Text: text, Time: at, Flags: flags})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	at := time.Date(2026, 2, 3, 12, 0, 0, 0, time.UTC)
	real := add("erin", "a zebra crossing", 0, at)
	for i := range 60 {
		at = at.Add(time.Second)
		add("carol", "!search zebra", 0, at)
		add("proceedings", "1 line matches “zebra”: a zebra crossing "+strconv.Itoa(i), event.FlagSelf, at)
	}
	// The bot's answers are left out by the archive; the 60 commands are
	// counted but never shown.
	want := "61 lines match “zebra”; the best: 2026-02-03 #techrights <erin> a zebra crossing https://irc.example.org/testnet/techrights/2026-02-03.html#l-" + strconv.FormatInt(real, 10)
	if got := f.one(t, carol.says("!search zebra")); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	for i := range 200 {
		add("proceedings", "zebra "+strconv.Itoa(i), event.FlagSelf, at.Add(time.Duration(i+1)*time.Second))
	}
	f.advance(time.Minute)
	if got := f.one(t, carol.says("!search zebra")); got != want {
		t.Errorf("after 200 more answers of the bot: got %q, want %q", got, want)
	}
	for range 5 {
		at = at.Add(time.Second)
		add("carol", "!search okapi", 0, at)
	}
	f.advance(time.Minute)
	if got, want := f.one(t, carol.says("!search okapi")), "No public log lines match “okapi”, besides commands and my own lines."; got != want {
		t.Errorf("only commands match: got %q, want %q", got, want)
	}
}

// TestPanicsAreContained: a command that panics (here: a router without an
// archive) answers "sorry" instead of taking the bot down.
func TestPanicsAreContained(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	r := commands.NewRouter(f.cfg, nil, commands.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	rs := r.Handle(context.Background(), carol.says("!part 10"))
	checkReplies(t, rs)
	if got := texts(rs); len(got) != 1 || got[0] != "Sorry, something went wrong with that command." {
		t.Errorf("got %q", got)
	}
}

// TestNoLogSendersAreAnsweredPrivately: someone whose lines are not
// recorded (opted out) gets their answers privately, so that the bot does
// not repeat in the recorded channel what they asked; through a relay,
// where nothing is private, not at all.
func TestNoLogSendersAreAnsweredPrivately(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	in := carol.says("!search my_secret_condition")
	in.NoLog = true
	rs := f.ask(t, in)
	if len(rs) == 0 {
		t.Fatal("no answer")
	}
	for _, r := range rs {
		if r.Target != "carol" || !r.Notice {
			t.Errorf("answer %+v, want a notice to carol", r)
		}
	}
	in.Relay = "relaybot"
	if rs := f.ask(t, in); len(rs) != 0 {
		t.Errorf("a relayed, unrecorded sender got %+v, want no answer", rs)
	}
}

// TestSearchReplyWording: when every match is shown the reply lists them
// after the count; when some are left out it says which are shown.
func TestSearchReplyWording(t *testing.T) {
	f := newFixture(t, fixtureOptions{})
	ctx := context.Background()
	at := time.Date(2026, 2, 3, 12, 0, 0, 0, time.UTC)
	for i, text := range []string{"a kumquat tree", "one kumquat", "kumquat jam and kumquat tea", "the kumquat season"} {
		if _, err := f.db.Append(ctx, event.Event{Network: "testnet", Channel: "#techrights", Kind: event.KindMessage,
			Nick: "erin", Text: text, Time: at.Add(time.Duration(i) * time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	for q, prefix := range map[string]string{
		"kumquat tree":   "1 line matches “kumquat tree”: 2026-02-03 #techrights <erin> a kumquat tree ",
		"kumquat jam":    "1 line matches “kumquat jam”: ",
		"kumquat one":    "1 line matches “kumquat one”: ",
		"kumquat":        "4 lines match “kumquat”; the best 3: 2026-02-03 #techrights <erin> ", // the order is the engine's ranking
		`"kumquat tree"`: "1 line matches \"kumquat tree\": ",
		`"tree kumquat"`: "No public log lines match \"tree kumquat\".",
	} {
		f.advance(time.Minute) // past the flood limit
		got := f.one(t, carol.says("!search "+q))
		if !strings.HasPrefix(got, prefix) {
			t.Errorf("!search %s: got %q, want it to start %q", q, got, prefix)
		}
		if q == "kumquat" && strings.Count(got, " · ") != 2 {
			t.Errorf("!search %s: got %q, want three hits", q, got)
		}
	}
	f.advance(time.Minute)
	if _, err := f.db.Append(ctx, event.Event{Network: "testnet", Channel: "#techrights", Kind: event.KindMessage,
		Nick: "erin", Text: "kumquat tree again", Time: at.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	got := f.one(t, carol.says("!search kumquat tree"))
	if !strings.HasPrefix(got, "2 lines match “kumquat tree”: ") || strings.Count(got, " · ") != 1 {
		t.Errorf("two lines, both shown: %q", got)
	}

	// Hits too long for one IRC line: each reply line ends with a hit's
	// link, and the next starts with the next hit.
	long := strings.Repeat("quince ", 20)
	for i := range 3 {
		if _, err := f.db.Append(ctx, event.Event{Network: "testnet", Channel: "#techrights", Kind: event.KindMessage,
			Nick: "erin", Text: long + strconv.Itoa(i), Time: at.Add(time.Hour + time.Duration(i)*time.Second)}); err != nil {
			t.Fatal(err)
		}
	}
	f.advance(time.Minute)
	rs := texts(f.ask(t, carol.says("!search quince")))
	if len(rs) < 2 {
		t.Fatalf("three long hits in %d line(s): %q", len(rs), rs)
	}
	for i, line := range rs {
		if !regexp.MustCompile(`\.html#l-\d+$`).MatchString(line) {
			t.Errorf("line %d does not end with a hit's link: %q", i+1, line)
		}
		if i > 0 && !strings.HasPrefix(line, "· 2026-02-03 #techrights <erin> quince") {
			t.Errorf("line %d does not start with a hit: %q", i+1, line)
		}
	}
}
