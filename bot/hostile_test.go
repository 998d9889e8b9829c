package bot

// Regression tests for the findings of the hostile review: each plays a
// person (or a server) who tries to make the bot do what it must not, over
// a real InspIRCd (with Atheme where accounts matter), and checks only
// what can be seen from outside: what the bot says on IRC, its status, and
// what reaches the archive.

import (
	"context"
	"fmt"
	"proceedings/event"
	"strings"
	"testing"
	"time"

	"github.com/ergochat/irc-go/ircmsg"

	"proceedings/internal/bottest"
	"proceedings/internal/ircserver"
)

const (
	// hostileBotNick is the bot's nick in these tests.
	hostileBotNick = "logbot"
	// absenceWait bounds a wait that shows something does NOT happen.
	absenceWait = 3 * time.Second
	// ircTimeout bounds a wait for a line from the server.
	ircTimeout = 10 * time.Second
	// stayWait is how long a bot on a strict port must stay connected.
	stayWait = 5 * time.Second
	// relayPatternYAML is relayPattern quoted for YAML.
	relayPatternYAML = `'` + bottest.RelayPattern + `'`
)

// isBotQuit matches the bot leaving the server (as another member of one of
// its channels sees it).
func isBotQuit(line string) bool {
	msg, err := ircmsg.ParseLine(line)
	return err == nil && msg.Command == "QUIT" && strings.EqualFold(msg.Nick(), hostileBotNick)
}

// --- Relays ---

// TestHostileRelayForgery: only the relay bot from its own user@host (the
// relay's mask) has its lines unwrapped; someone else on the nick relaybot
// speaks for themselves.
func TestHostileRelayForgery(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd})
	testRelayForgery(t, srv, bottest.RelayNet(srv.Addr(), hostileBotNick, "#r"), nil)
}

// TestHostileRelayForgeryAccount: as TestHostileRelayForgery, with the relay
// recognised by its services account: the forger on the nick relaybot is
// not logged in.
func TestHostileRelayForgeryAccount(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd, Services: true})
	body := bottest.SingleNet(srv.Addr(), hostileBotNick, "#r") + `relays:
  - {nick: relaybot, account: relaybot, pattern: ` + relayPatternYAML + `}
`
	testRelayForgery(t, srv, body, func(real *ircserver.Client) { real.Register("relay-pass-1") })
}

// testRelayForgery runs the bot on body (channel #r, relay relaybot); the
// real relay (username realrelay, set up by login when not nil) relays a
// line of Ewan's and quits, then a forger takes the nick relaybot from
// another user@host and says a line in the relay's format.
func testRelayForgery(t *testing.T, srv *ircserver.Server, body string, login func(*ircserver.Client)) {
	dir := t.TempDir()
	h := startBot(t, bottest.ParseConfig(t, dir, body), nil)
	h.WaitSelfJoins(1)

	real := ircserver.DialUser(t, srv.Addr(), "relaybot", "realrelay")
	if login != nil {
		login(real)
	}
	real.Join("#r")
	real.Send("PRIVMSG #r :<Ewan> hi from the real relay")
	ev := h.WaitText("hi from the real relay")
	if ev.Nick != "Ewan" || ev.Flags&event.FlagRelayed == 0 {
		t.Errorf("the real relay's line is recorded as %s, want Ewan's, relayed", bottest.Describe(ev))
	}
	real.Quit()

	forger := ircserver.DialUser(t, srv.Addr(), "relaybot", "forger")
	forger.Join("#r")
	forger.Send("PRIVMSG #r :<Ewan> hi")
	evs := h.WaitFor(30*time.Second, "the forged line", func(evs []event.Event) bool {
		return bottest.Count(evs, func(ev event.Event) bool { return ev.Text == "hi" || ev.Text == "<Ewan> hi" }) > 0
	})
	for _, ev := range evs {
		if ev.Text == "hi" || ev.Text == "<Ewan> hi" {
			if ev.Nick != "relaybot" || ev.Text != "<Ewan> hi" || ev.Flags&event.FlagRelayed != 0 {
				t.Errorf("a line of relaybot!forger@127.0.0.1 is recorded as %s; want relaybot's own line \"<Ewan> hi\", not relayed", bottest.Describe(ev))
			}
		}
	}
}

// --- Flood limits of a strict server ---

// awaitStays checks that the bot, seen by watcher in one of its channels,
// does not quit for stayWait, and that its status shows no reconnect.
func awaitStays(t *testing.T, h *harness, watcher *ircserver.Client, when string) {
	t.Helper()
	watcher.Refute(stayWait, "the bot was disconnected "+when, isBotQuit)
	st := h.B.Status().Networks[0]
	if !st.Connected || st.Reconnects != 0 {
		t.Fatalf("%s: connected %v, %d reconnects, last error %q; want connected all along", when, st.Connected, st.Reconnects, st.LastError)
	}
}

// TestHostileJoinFloodStrict: on a server that cuts at a command penalty of
// 10 without fakelag, twelve people joining the bot's channel at once do
// not get the bot disconnected (for "Excess Flood").
func TestHostileJoinFloodStrict(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd, Strict: &ircserver.StrictClass{Threshold: 10}})
	watcher := ircserver.Dial(t, srv.Addr(), "watcher")
	watcher.Join("#pub")
	var nicks []string
	for i := range 12 {
		nicks = append(nicks, fmt.Sprintf("joiner%02d", i))
	}
	joiners := ircserver.DialMany(t, srv.Addr(), nicks...)
	dir := t.TempDir()
	h := startBot(t, bottest.ParseConfig(t, dir, bottest.SingleNet(srv.StrictAddr(), hostileBotNick, "#pub")), nil) // at the production pace of commands.output
	h.WaitSelfJoins(1)
	watcher.Send("PRIVMSG #pub :before the joins")
	h.WaitText("before the joins")
	if st := h.B.Status().Networks[0]; st.Reconnects != 0 {
		t.Fatalf("the bot was cut before anyone joined (%d reconnects, last error %q): its connect alone is over the threshold", st.Reconnects, st.LastError)
	}

	for _, c := range joiners {
		c.Send("JOIN #pub")
	}
	for _, c := range joiners {
		c.Expect(ircTimeout, func(l string) bool { f := strings.Fields(l); return len(f) >= 4 && f[1] == "366" })
	}
	awaitStays(t, h, watcher, "after 12 joins at once")
	joiners[0].Send("PRIVMSG #pub :after the joins")
	h.WaitText("after the joins")
	if st := h.B.Status().Networks[0]; st.Reconnects != 0 {
		t.Errorf("%d reconnects; last error %q", st.Reconnects, st.LastError)
	}
}

// TestHostileManyChannelsStrict: on a server that cuts at a command penalty
// of 20 without fakelag, the bot joins its 11 channels and stays
// connected, and a reload adding three more does not get it cut either.
func TestHostileManyChannelsStrict(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd, Strict: &ircserver.StrictClass{Threshold: 20}})
	var chans []string
	for i := 1; i <= 14; i++ {
		chans = append(chans, fmt.Sprintf("#c%02d", i))
	}
	watcher := ircserver.Dial(t, srv.Addr(), "watcher")
	watcher.Join("#c01")
	dir := t.TempDir()
	h := startBot(t, bottest.ParseConfig(t, dir, bottest.SingleNet(srv.StrictAddr(), hostileBotNick, chans[:11]...)), nil) // at the production pace
	h.WaitSelfJoins(11)
	awaitStays(t, h, watcher, "after joining 11 channels")

	h.B.Reload(bottest.ParseConfig(t, dir, bottest.SingleNet(srv.StrictAddr(), hostileBotNick, chans...)))
	h.WaitSelfJoins(14)
	awaitStays(t, h, watcher, "after a reload added 3 channels")
	watcher.Join("#c14")
	watcher.Send("PRIVMSG #c14 :in a channel added by the reload")
	h.WaitText("in a channel added by the reload")
}

// --- The no-log prefix behind invisible characters ---

// TestHostileNoLogInvisible: "[off]" after a no-break space, an
// ideographic space, a left-to-right mark, a byte order mark, a zero-width
// space, or a colour code and a zero-width space still keeps the line out
// of the archive.
func TestHostileNoLogInvisible(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd})
	dir := t.TempDir()
	h := startBot(t, bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), hostileBotNick, "#pub")), nil)
	h.WaitSelfJoins(1)
	alice := ircserver.Dial(t, srv.Addr(), "alice")
	alice.Join("#pub")
	prefixes := []struct{ name, prefix string }{
		{"plain", ""},
		{"NBSP", "\u00a0"},
		{"U+3000", "\u3000"},
		{"LRM", "\u200e"},
		{"BOM", "\ufeff"},
		{"ZWSP", "\u200b"},
		{"colour+ZWSP", "\x0304\u200b"},
	}
	for _, p := range prefixes {
		alice.Send("PRIVMSG #pub :%s[off] secret after %s", p.prefix, p.name)
	}
	alice.Send("PRIVMSG #pub :control line")
	h.WaitText("control line")
	for _, p := range prefixes {
		if got := h.CommittedWith("secret after " + p.name); len(got) > 0 {
			t.Errorf("[off] after %s (%q) was recorded: %s", p.name, p.prefix, strings.Join(got, "; "))
		}
	}
}

// --- Accounts without account-tag ---

// TestHostileAccountsBeforeJoin: on a server with extended-join and
// account-notify but without account-tag, someone logged in who was in the
// channel before the bot joined it has their lines recorded with their
// account (the bot asks with WHOX after joining), and an opt-out of that
// account keeps them out of the log under another nick.
func TestHostileAccountsBeforeJoin(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd, Services: true, NoAccountTag: true})
	alice := ircserver.Dial(t, srv.Addr(), "alice")
	alice.Register("alice-pass-1")
	alice.ChangeNick("alicia") // still logged in to the account alice
	alice.Join("#acct")
	bob := ircserver.Dial(t, srv.Addr(), "bob")
	bob.Join("#acct")

	dir := t.TempDir()
	h := startBot(t, bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), hostileBotNick, "#acct")), nil)
	h.WaitSelfJoins(1)

	// The bot's WHO cannot be seen from outside; alicia speaks until a
	// line of hers carries her account, or long after it should have.
	deadline := time.Now().Add(15 * time.Second)
	var last event.Event
	for i := 0; ; i++ {
		text := fmt.Sprintf("probe %d", i)
		alice.Send("PRIVMSG #acct :%s", text)
		last = h.WaitText(text)
		if last.Account == "alice" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a line of alicia, logged in to alice since before the bot joined, is still recorded as %s (account %q), want account alice", bottest.Describe(last), last.Account)
		}
		time.Sleep(200 * time.Millisecond)
	}

	if err := h.DB.OptOut(context.Background(), "alice", true); err != nil {
		t.Fatal(err)
	}
	if err := h.B.RefreshOptOuts(context.Background()); err != nil {
		t.Fatal(err)
	}
	alice.Send("PRIVMSG #acct :secret words of the account alice")
	bob.Send("PRIVMSG #acct :control line")
	h.WaitText("control line")
	if got := h.CommittedWith("secret words"); len(got) > 0 {
		t.Errorf("a line of alicia after the account alice opted out was recorded: %s", strings.Join(got, "; "))
	}
}

// --- Case mapping ---

// TestHostileCaseMapping: on ngIRCd (CASEMAPPING=ascii) "x[" and "x{" are
// two people; after "x{" changes nick and quits, the nick change and quit
// of "x[" are recorded too, in the channel they were in.
func TestHostileCaseMapping(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := t.TempDir()
	h := startBot(t, bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), hostileBotNick, "#cm")), nil)
	h.WaitSelfJoins(1)
	square := ircserver.DialUser(t, srv.Addr(), "x[", "square")
	square.Join("#cm")
	curly := ircserver.DialUser(t, srv.Addr(), "x{", "curly")
	curly.Join("#cm")
	square.Send("PRIVMSG #cm :both are here")
	h.WaitText("both are here")

	curly.ChangeNick("curly")
	curly.Send("QUIT :curly leaves")
	h.WaitFor(ircTimeout, "the quit of curly", func(evs []event.Event) bool {
		return bottest.Count(evs, func(ev event.Event) bool { return ev.Kind == event.KindQuit && ev.Nick == "curly" }) > 0
	})
	square.ChangeNick("square")
	square.Send("QUIT :square leaves")
	watcher := ircserver.Dial(t, srv.Addr(), "watcher")
	watcher.Join("#cm")
	watcher.Send("PRIVMSG #cm :control line")
	h.WaitText("control line")
	all := h.Committed()
	has := func(kind event.Kind, nick, target, text string) bool {
		return bottest.Count(all, func(ev event.Event) bool {
			return ev.Kind == kind && ev.Nick == nick && ev.Target == target && strings.Contains(ev.Text, text) && ev.Channel == "#cm"
		}) == 1
	}
	for _, want := range []struct {
		kind               event.Kind
		nick, target, text string
	}{
		{event.KindNick, "x{", "curly", ""},
		{event.KindQuit, "curly", "", "curly leaves"},
		{event.KindNick, "x[", "square", ""},
		{event.KindQuit, "square", "", "square leaves"},
	} {
		if !has(want.kind, want.nick, want.target, want.text) {
			var got []string
			for _, ev := range all {
				got = append(got, bottest.Describe(ev))
			}
			t.Errorf("no %v of %q (target %q, text %q) recorded once in #cm; recorded:\n%s", want.kind, want.nick, want.target, want.text, strings.Join(got, "\n"))
		}
	}
}
