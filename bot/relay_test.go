package bot

import (
	"fmt"
	"proceedings/event"
	"strings"
	"testing"
	"time"

	"github.com/ergochat/irc-go/ircmsg"

	"proceedings/config"
	"proceedings/internal/bottest"
	"proceedings/internal/ircserver"
)

const relayPattern = `^<(?P<nick>[^>]+)> (?P<text>.*)$`

func TestDedupe(t *testing.T) {
	t0 := time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC)
	const window = 10 * time.Second
	type line struct {
		key, network string
		at           time.Duration
		dup          bool
	}
	for _, tc := range []struct {
		name  string
		lines []line
	}{
		{"a copy on the other network is dropped", []line{{"alice hi", "a", 0, false}, {"alice hi", "b", time.Second, true}}},
		{"the same network twice is kept", []line{{"alice lol", "a", 0, false}, {"alice lol", "a", time.Second, false}}},
		{"said twice, relayed twice: two stored", []line{
			{"alice lol", "a", 0, false}, {"alice lol", "a", 100 * time.Millisecond, false},
			{"alice lol", "b", 200 * time.Millisecond, true}, {"alice lol", "b", 300 * time.Millisecond, true},
			{"alice lol", "b", 400 * time.Millisecond, false},
		}},
		{"outside the window it is new", []line{{"alice hi", "a", 0, false}, {"alice hi", "b", window + time.Second, false}}},
		{"another author is another line", []line{{"alice hi", "a", 0, false}, {"bob hi", "b", time.Second, false}}},
		{"three networks: one stored", []line{{"k", "a", 0, false}, {"k", "b", time.Second, true}, {"k", "c", 2 * time.Second, true}}},
		{"the copy arriving first wins", []line{{"k", "b", 0, false}, {"k", "a", time.Second, true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := newDedupe()
			for i, l := range tc.lines {
				if got := d.duplicate(l.key, l.network, t0.Add(l.at), window); got != l.dup {
					t.Errorf("line %d (%s on %s at +%v): duplicate = %v, want %v", i, l.key, l.network, l.at, got, l.dup)
				}
			}
		})
	}
	// The memory is pruned.
	d := newDedupe()
	for i := range 10000 {
		d.duplicate(fmt.Sprint(i), "a", t0.Add(time.Duration(i)*time.Millisecond), time.Second)
	}
	if len(d.order) > 1001 || len(d.byKey) > 1001 {
		t.Errorf("after 10 s of lines with a 1 s window, %d lines are remembered", len(d.order))
	}
}

func TestDedupeKey(t *testing.T) {
	a := event.Event{Kind: event.KindMessage, Nick: "Alice", Text: "hello \x02world\x02 "}
	b := event.Event{Kind: event.KindMessage, Nick: "alice\u200b", Text: "hello world"}
	if dedupeKey(a) != dedupeKey(b) {
		t.Errorf("keys differ: %q and %q", dedupeKey(a), dedupeKey(b))
	}
	c := b
	c.Kind = event.KindAction
	if dedupeKey(b) == dedupeKey(c) {
		t.Error("a message and an action have the same key")
	}
}

// bridgeConfig is two networks with #tr bridged and a relay bot on each.
func bridgeConfig(a, b string) string {
	var sb strings.Builder
	sb.WriteString("networks:\n")
	for _, n := range []struct{ name, addr string }{{"selfhosted", a}, {"libera", b}} {
		host, port, _ := strings.Cut(n.addr, ":")
		fmt.Fprintf(&sb, `  - name: %s
    server: {host: %s, port: %s, tls: false}
    nick: logbot
    channels:
      - {name: "#tr", public: true}
      - {name: "#solo", public: false}
    relays:
      - {nick: relaybot, mask: "relaybot!*@127.0.0.1", pattern: '%s'}
`, n.name, host, port, relayPattern)
	}
	sb.WriteString(`bridges:
  - {name: "#tr", channels: ["selfhosted/#tr", "libera/#tr"], window: 10s}
`)
	return sb.String()
}

// TestBridge runs the bot on two servers whose #tr are joined by a relay
// bot (played by the test): the merged log holds each line once,
// attributed to its real author, with the network it came through.
func TestBridge(t *testing.T) {
	t.Parallel()
	srvA := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd, Name: "a.test"})
	srvB := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd, Name: "b.test"})
	dir := t.TempDir()
	cfg := bottest.ParseConfig(t, dir, bridgeConfig(srvA.Addr(), srvB.Addr()))
	h := startBot(t, cfg, nil)
	h.WaitSelfJoins(4)

	relayA := ircserver.Dial(t, srvA.Addr(), "relaybot")
	relayB := ircserver.Dial(t, srvB.Addr(), "relaybot")
	relayA.Join("#tr")
	relayB.Join("#tr")
	alice := ircserver.Dial(t, srvA.Addr(), "alice")
	bob := ircserver.Dial(t, srvB.Addr(), "bob")
	alice.Join("#tr")
	bob.Join("#tr")

	// relay copies the next PRIVMSG to #tr that from sees to the other
	// side, as relay bots do: "<nick> text".
	relay := func(from, to *ircserver.Client) {
		t.Helper()
		line := from.Expect(10*time.Second, func(l string) bool {
			m, err := ircmsg.ParseLine(l)
			return err == nil && m.Command == "PRIVMSG" && len(m.Params) == 2 && m.Params[0] == "#tr" && m.Nick() != "relaybot"
		})
		m, _ := ircmsg.ParseLine(line)
		to.Send("PRIVMSG #tr :<%s> %s", m.Nick(), m.Params[1])
	}
	// Each original is awaited in the archive before the script goes on,
	// so that the merged log has a known order.
	alice.Send("PRIVMSG #tr :hello from the self-hosted side")
	h.WaitText("hello from the self-hosted side")
	relay(relayA, relayB)
	bob.Send("PRIVMSG #tr :hello from libera")
	h.WaitText("hello from libera")
	relay(relayB, relayA)
	alice.Send("PRIVMSG #tr :lol")
	alice.Send("PRIVMSG #tr :lol")
	h.WaitFor(30*time.Second, "two lols", func(evs []event.Event) bool {
		return bottest.Count(evs, func(ev event.Event) bool { return ev.Text == "lol" }) == 2
	})
	relay(relayA, relayB)
	relay(relayA, relayB)
	if err := h.B.Say("selfhosted", "#tr", "the bot speaks on one side"); err != nil {
		t.Fatal(err)
	}
	h.WaitText("the bot speaks on one side")
	relay(relayA, relayB)
	relayB.Send("PRIVMSG #tr :relay status: all links up") // not in the pattern: the relay bot's own line
	h.WaitText("relay status: all links up")
	bob.Send("PRIVMSG #tr :the end")
	h.WaitText("the end")
	relay(relayB, relayA)
	// Lines after the copies on each connection: once they are in, every
	// copy was seen.
	relayA.Send("PRIVMSG #tr :sentinel a")
	relayB.Send("PRIVMSG #tr :sentinel b")
	h.WaitText("sentinel a")
	h.WaitText("sentinel b")
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}

	all := archived(t, h.DB, BridgeNetwork, "#tr")
	var speech []event.Event
	for _, ev := range all {
		if ev.Via != "selfhosted" && ev.Via != "libera" {
			t.Errorf("%s: Via = %q, want the network it came through", bottest.Describe(ev), ev.Via)
		}
		if ev.Kind.IsSpeech() {
			speech = append(speech, ev)
		}
	}
	n := len(speech)
	if n >= 2 && speech[n-2].Text == "sentinel b" {
		speech[n-2], speech[n-1] = speech[n-1], speech[n-2] // the two sentinels race each other
	}
	checkEvents(t, speech, []want{
		{event.KindMessage, "alice", "", "hello from the self-hosted side"},
		{event.KindMessage, "bob", "", "hello from libera"},
		{event.KindMessage, "alice", "", "lol"},
		{event.KindMessage, "alice", "", "lol"},
		{event.KindMessage, "logbot", "", "the bot speaks on one side"},
		{event.KindMessage, "relaybot", "", "relay status: all links up"},
		{event.KindMessage, "bob", "", "the end"},
		{event.KindMessage, "relaybot", "", "sentinel a"},
		{event.KindMessage, "relaybot", "", "sentinel b"},
	})
	// Joins are events of one side each: both sides' are kept.
	joins := map[string]string{}
	for _, ev := range all {
		if ev.Kind == event.KindJoin && ev.Flags&event.FlagSelf == 0 {
			joins[ev.Nick+"@"+ev.Via] = ev.Via
		}
	}
	for _, k := range []string{"alice@selfhosted", "bob@libera", "relaybot@selfhosted", "relaybot@libera"} {
		if _, ok := joins[k]; !ok {
			t.Errorf("no join %s in the merged log (joins: %v)", k, joins)
		}
	}
	if d := h.B.Status().Duplicates; d != 6 {
		t.Errorf("Status().Duplicates = %d, want 6 (every relayed copy)", d)
	}
	// The unbridged channels keep their own logs under their networks.
	for _, net := range []string{"selfhosted", "libera"} {
		if evs := archived(t, h.DB, net, "#solo"); len(evs) == 0 || evs[0].Via != "" {
			t.Errorf("%s/#solo: %v, want its own log with the bot's join", net, evs)
		}
	}
}

// TestRelayUnbridged: a relay bot's lines in a channel that is in no bridge
// are recorded as said by the real author, marked relayed, with the
// network noted.
func TestRelayUnbridged(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := t.TempDir()
	cfg := bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), "logbot", "#r")+"relays:\n  - {nick: RelayBot, mask: \"RelayBot!*@127.0.0.1\", pattern: '"+relayPattern+"'}\n")
	h := startBot(t, cfg, nil)
	h.WaitSelfJoins(1)
	relay := ircserver.Dial(t, srv.Addr(), "relaybot")
	relay.Join("#r")
	relay.Send("PRIVMSG #r :<matrix\u200buser> bridged words")
	relay.Send("PRIVMSG #r :<eve> [off] not these")
	ev := h.WaitText("bridged words")
	if ev.Nick != "matrixuser" || ev.Flags&event.FlagRelayed == 0 || ev.Via != "test" || ev.Network != "test" {
		t.Errorf("relayed line = %s, want by matrixuser, relayed, via test", bottest.Describe(ev))
	}
	var sawRelay bool
	for _, in := range h.incoming() {
		if in.Text == "bridged words" && in.Nick == "matrixuser" && in.Relay == "relaybot" {
			sawRelay = true
		}
	}
	if !sawRelay {
		t.Error("listeners did not get the unwrapped line with the relay's nick")
	}
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, ev := range archived(t, h.DB, "test", "#r") {
		if strings.Contains(ev.Text, "not these") {
			t.Errorf("a relayed [off] line was recorded: %s", bottest.Describe(ev))
		}
	}
}

func TestLogRefAndPublicLogs(t *testing.T) {
	cfg := bottest.ParseConfig(t, t.TempDir(), bridgeConfig("127.0.0.1:1", "127.0.0.1:2"))
	for _, tc := range []struct {
		network, channel string
		want             event.ChannelRef
		ok               bool
	}{
		{"selfhosted", "#TR", event.ChannelRef{Network: BridgeNetwork, Name: "#tr"}, true},
		{"LIBERA", "#tr", event.ChannelRef{Network: BridgeNetwork, Name: "#tr"}, true},
		{"libera", "#solo", event.ChannelRef{Network: "libera", Name: "#solo"}, true},
		{"libera", "#other", event.ChannelRef{Network: "libera", Name: "#other"}, false},
	} {
		if got, ok := LogRef(cfg, tc.network, tc.channel); got != tc.want || ok != tc.ok {
			t.Errorf("LogRef(%s, %s) = %v, %v; want %v, %v", tc.network, tc.channel, got, ok, tc.want, tc.ok)
		}
	}
	got := PublicLogs(cfg)
	if len(got) != 1 || got[0] != (event.ChannelRef{Network: BridgeNetwork, Name: "#tr"}) {
		t.Errorf("PublicLogs = %v, want only the bridge", got)
	}
	// A bridge with a private side is not published.
	cfg.Networks[1].Channels[0].Public = false
	if got := PublicLogs(cfg); len(got) != 0 {
		t.Errorf("PublicLogs with a private side = %v, want none", got)
	}
	_ = config.DefaultBridgeWindow
}
