package commands

// Regression tests for the findings of the hostile review: each plays a
// person (or a server) who tries to make the bot do what it must not, over
// a real InspIRCd (with Atheme where accounts matter), and checks only
// what can be seen from outside: what the bot says on IRC, its status, and
// what reaches the archive.

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ergochat/irc-go/ircmsg"

	"proceedings/bot"
	"proceedings/config"
	"proceedings/event"
	"proceedings/internal/bottest"
	"proceedings/internal/ircserver"
)

const (
	// hostileBotNick is the bot's nick in these tests.
	hostileBotNick = "logbot"
	// absenceWait bounds a wait that shows something does NOT happen.
	absenceWait = 3 * time.Second
)

// startRoutedBot starts the bot on cfg with the command router as its
// listener, wired the way the runner wires it (commands marked when
// recorded, answers that expire, no commands taken when the bot is busy,
// opt-outs refreshed at once, public channels marked), and waits
// for nothing. The bot's lines keep the production pace of commands.output.
func startRoutedBot(t *testing.T, cfg *config.Config) *bottest.Harness[*bot.Bot] {
	t.Helper()
	h := startBot(t, cfg)
	if err := h.DB.SetPublicOnly(context.Background(), bot.LogNetworks(cfg), bot.PublicLogs(cfg)); err != nil {
		t.Fatal(err)
	}
	router := NewRouter(cfg, h.DB, Options{
		Nick:     h.B.Nick,
		Sender:   h.B.Answers(),
		Busy:     h.B.Busy,
		Admin:    BotAdmin{Bot: h.B},
		OnOptOut: func(string, bool) { _ = h.B.RefreshOptOuts(context.Background()) },
		Logger:   bottest.Logger(t),
	})
	h.B.AddListener(router)
	return h
}

// noRateLimits is the config part that lets one tester ask many commands.
const noRateLimits = "commands: {rate: {per_user: 1000000/1s, per_channel: 1000000/1s}}\n"

// botLine reports whether line is a PRIVMSG or NOTICE from the bot to
// target, and returns its text.
func botLine(line, target string) (string, bool) {
	msg, err := ircmsg.ParseLine(line)
	if err != nil || (msg.Command != "PRIVMSG" && msg.Command != "NOTICE") || len(msg.Params) != 2 ||
		!strings.EqualFold(msg.Nick(), hostileBotNick) || !strings.EqualFold(msg.Params[0], target) {
		return "", false
	}
	return msg.Params[1], true
}

// saysInPub has speaker join #pub and say text there, waits until the
// watcher has seen it and the bot has recorded a later line of the
// watcher's, and returns the recorded lines that hold text.
func saysInPub(h *bottest.Harness[*bot.Bot], watcher, speaker *ircserver.Client, text string) []string {
	speaker.Join("#pub")
	speaker.Send("PRIVMSG #pub :%s", text)
	watcher.Expect(ircTimeout, func(l string) bool { return strings.Contains(l, text) })
	watcher.Send("PRIVMSG #pub :sentinel")
	h.WaitText("sentinel")
	return h.CommittedWith(text)
}

// awaitBot waits (up to ircTimeout) for a PRIVMSG or NOTICE from the bot to
// target whose text satisfies match, and returns the text.
func awaitBot(c *ircserver.Client, target string, match func(string) bool) string {
	var text string
	c.Expect(ircTimeout, func(line string) bool {
		if s, ok := botLine(line, target); ok && match(s) {
			text = s
			return true
		}
		return false
	})
	return text
}

// anyText matches every text.
func anyText(string) bool { return true }

// maybeBot waits up to d for the next PRIVMSG or NOTICE from the bot to
// target; ok is false when none came.
func maybeBot(c *ircserver.Client, target string, d time.Duration) (text string, ok bool) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case line, open := <-c.Lines():
			if !open {
				return "", false
			}
			if s, ok := botLine(line, target); ok {
				return s, true
			}
		case <-timer.C:
			return "", false
		}
	}
}

// isBotSaying matches the bot saying exactly text in channel.
func isBotSaying(channel, text string) func(string) bool {
	return func(line string) bool {
		s, ok := botLine(line, channel)
		return ok && s == text
	}
}

// --- Stale accounts: a nick seen logged in is not the account for ever ---

// testStaleAdmin: an admin by account gives the bot a command privately
// (sharing no channel with it, so the bot sees neither their nick change
// nor their quit), then leaves the nick; someone not logged in takes the
// nick and gives the same command. leave does the leaving.
func testStaleAdmin(t *testing.T, leave func(t *testing.T, adm *ircserver.Client)) {
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd, Services: true})
	adm := ircserver.Dial(t, srv.Addr(), "admin")
	adm.Register("admin-pass-1") // REGISTER logs in
	watcher := ircserver.Dial(t, srv.Addr(), "watcher")
	watcher.Join("#pub")

	dir := t.TempDir()
	h := startRoutedBot(t, bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), hostileBotNick, "#pub")+`admins: ["account:admin"]`+"\n"))
	h.WaitSelfJoins(1)
	if got := watcher.WhoisAccount("admin"); got != "admin" {
		t.Fatalf("the server says admin is logged in to %q, want admin", got)
	}

	adm.Send("PRIVMSG %s :!say #pub hello", hostileBotNick)
	watcher.Expect(ircTimeout, isBotSaying("#pub", "hello"))

	leave(t, adm)
	mallory := ircserver.Dial(t, srv.Addr(), "admin")
	if got := watcher.WhoisAccount("admin"); got != "" {
		t.Fatalf("the new admin is logged in to %q; the test needs them logged out", got)
	}
	mallory.Send("PRIVMSG %s :!say #pub PWNED", hostileBotNick)
	// The bot answers in order: once the answer to !help is in, a !say
	// obeyed before it has been sent too.
	mallory.Send("PRIVMSG %s :!help", hostileBotNick)
	help := awaitBot(mallory, "admin", func(s string) bool { return strings.HasPrefix(s, "Commands:") })
	if strings.Contains(help, "Admin:") {
		t.Errorf("the unidentified user on the nick admin is told the admin commands: %q", help)
	}
	watcher.Refute(absenceWait, "the bot obeyed !say from an unidentified user on the nick of a logged-out admin", isBotSaying("#pub", "PWNED"))
}

// TestHostileStaleAccountNickChange: the admin changes nick away; the
// stranger who takes "admin" is not the admin.
func TestHostileStaleAccountNickChange(t *testing.T) {
	t.Parallel()
	testStaleAdmin(t, func(t *testing.T, adm *ircserver.Client) { adm.ChangeNick("adminaway") })
}

// TestHostileStaleAccountQuit: the admin quits; the stranger who takes
// "admin" is not the admin.
func TestHostileStaleAccountQuit(t *testing.T) {
	t.Parallel()
	testStaleAdmin(t, func(_ *testing.T, adm *ircserver.Client) { adm.Quit() })
}

// --- !optin by a stranger ---

// TestHostileOptInByStrangerAccount: account xena opts out and quits; a
// stranger, not logged in, takes the nick xena and says !optin. The
// account's opt-out must stay: when xena logs in again (on another nick)
// her lines are not recorded.
func TestHostileOptInByStrangerAccount(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd, Services: true})
	xena := ircserver.Dial(t, srv.Addr(), "xena")
	xena.Register("xena-pass-1")
	watcher := ircserver.Dial(t, srv.Addr(), "watcher")
	watcher.Join("#pub")
	dir := t.TempDir()
	h := startRoutedBot(t, bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), hostileBotNick, "#pub")+noRateLimits))
	h.WaitSelfJoins(1)

	xena.Send("PRIVMSG %s :!optout", hostileBotNick)
	if got := awaitBot(xena, "xena", anyText); !strings.Contains(got, "the account xena") {
		t.Fatalf("answer to xena's !optout: %q, want an opt-out of the account xena", got)
	}
	xena.Quit()

	stranger := ircserver.DialUser(t, srv.Addr(), "xena", "stranger")
	stranger.Send("PRIVMSG %s :!optin", hostileBotNick)
	if got, ok := maybeBot(stranger, "xena", absenceWait); ok && strings.Contains(got, "account xena says again") {
		t.Errorf("a stranger not logged in, on the nick xena, lifted the account's opt-out: %q", got)
	}

	back := ircserver.Dial(t, srv.Addr(), "xena_back")
	back.Identify("xena", "xena-pass-1")
	if got := saysInPub(h, watcher, back, "xena's words after her opt-out"); len(got) > 0 {
		t.Errorf("the account xena opted out, a stranger said !optin on her old nick, and her lines are recorded again:\n%s", strings.Join(got, "\n"))
	}
}

// TestHostileOptInByStrangerNick: nick yolanda (not logged in, from
// yhome@127.0.0.1) opts out and quits; someone else takes the nick from
// another user@host and says !optin, which lifts nothing of hers (their
// own nick and user@host were never opted out): yolanda's lines stay
// unrecorded when she comes back.
func TestHostileOptInByStrangerNick(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd})
	watcher := ircserver.Dial(t, srv.Addr(), "watcher")
	watcher.Join("#pub")
	dir := t.TempDir()
	h := startRoutedBot(t, bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), hostileBotNick, "#pub")+noRateLimits))
	h.WaitSelfJoins(1)

	y := ircserver.DialUser(t, srv.Addr(), "yolanda", "yhome")
	y.Send("PRIVMSG %s :!optout", hostileBotNick)
	if got := awaitBot(y, "yolanda", anyText); !strings.Contains(got, "the nick yolanda") {
		t.Fatalf("answer to yolanda's !optout: %q, want an opt-out of the nick yolanda", got)
	}
	y.Quit()

	stranger := ircserver.DialUser(t, srv.Addr(), "yolanda", "other")
	stranger.Send("PRIVMSG %s :!optin", hostileBotNick)
	if got, ok := maybeBot(stranger, "yolanda", absenceWait); ok && !strings.Contains(got, "other@") && !strings.Contains(got, "I can't lift") {
		t.Errorf("the answer to someone from another user@host on the nick yolanda: %q, want one about their own user@host", got)
	}
	stranger.Quit()

	y = ircserver.DialUser(t, srv.Addr(), "yolanda", "yhome")
	if got := saysInPub(h, watcher, y, "yolanda's words after her opt-out"); len(got) > 0 {
		t.Errorf("yolanda opted out, a stranger said !optin on her nick, and her lines are recorded again:\n%s", strings.Join(got, "\n"))
	}
}

// --- Relays ---

// TestHostileRelayedAdmin: the relay bot's host is an admin mask; a person
// it relays is not an admin for that (their !say is not obeyed, and !help
// does not list admin commands to them), but is answered like anyone.
func TestHostileRelayedAdmin(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd})
	watcher := ircserver.Dial(t, srv.Addr(), "watcher")
	watcher.Join("#pub")
	dir := t.TempDir()
	body := bottest.RelayNet(srv.Addr(), hostileBotNick, "#pub") + `admins: ["*!*realrelay@127.0.0.1"]` + "\n"
	h := startRoutedBot(t, bottest.ParseConfig(t, dir, body))
	h.WaitSelfJoins(1)

	real := ircserver.DialUser(t, srv.Addr(), "relaybot", "realrelay")
	real.Join("#pub")
	real.Send("PRIVMSG #pub :<Mallory> !say #pub PWNED")
	real.Send("PRIVMSG #pub :<Mallory> !help")
	// The bot answers in order: a !say obeyed comes before the help.
	var help string
	watcher.Expect(ircTimeout, func(line string) bool {
		if isBotSaying("#pub", "PWNED")(line) {
			t.Errorf("the bot obeyed !say from Mallory, relayed by a relay bot whose host is an admin mask: %s", line)
		}
		s, ok := botLine(line, "#pub")
		if ok && strings.HasPrefix(s, "Commands:") {
			help = s
			return true
		}
		return false
	})
	if strings.Contains(help, "Admin:") {
		t.Errorf("a relayed person is told the admin commands: %q", help)
	}
	watcher.Refute(absenceWait, "the bot obeyed !say from a relayed person", isBotSaying("#pub", "PWNED"))
}

// --- Answers starved by a private flood ---

// TestHostileStarvedAnswers: twelve people each ask !help privately three
// times at once; a command said in a channel right after is still answered
// within 3 s at the production pace of the bot's lines.
func TestHostileStarvedAnswers(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd})
	asker := ircserver.Dial(t, srv.Addr(), "asker")
	asker.Join("#pub")
	var nicks []string
	for i := range 12 {
		nicks = append(nicks, fmt.Sprintf("flood%02d", i))
	}
	flood := ircserver.DialMany(t, srv.Addr(), nicks...)
	dir := t.TempDir()
	h := startRoutedBot(t, bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), hostileBotNick, "#pub"))) // at the production pace
	const asks = 36
	var mu sync.Mutex
	got := 0
	all := make(chan struct{})
	h.B.AddListener(bot.ListenerFunc(func(_ context.Context, in bot.Incoming) {
		if in.Channel == "" && in.Text == "!help" {
			mu.Lock()
			if got++; got == asks {
				close(all)
			}
			mu.Unlock()
		}
	}))
	h.WaitSelfJoins(1)

	for _, c := range flood {
		for range 3 {
			c.Send("PRIVMSG %s :!help", hostileBotNick)
		}
	}
	select {
	case <-all:
	case <-time.After(ircTimeout):
		t.Fatalf("the bot did not receive the %d private !help within %v", asks, ircTimeout)
	}
	asker.Send("PRIVMSG #pub :!latest")
	asked := time.Now()
	if text, ok := maybeBot(asker, "#pub", 3*time.Second); !ok {
		t.Fatalf("!latest in #pub was not answered within 3 s of being asked (after %d private !help); %d of the bot's lines wait to be sent",
			asks, h.B.Status().Networks[0].SendQueue)
	} else {
		t.Logf("!latest answered after %v: %q", time.Since(asked).Round(time.Millisecond), text)
	}
}

// TestHostileOptOutOfAnotherWithoutAccount: on a network without services,
// a stranger who takes carol's nick from their own user@host and says
// !optout silences only that nick from that user@host: carol, back from
// hers, is recorded. A stranger who takes the relay bot's nick and says
// !optout does not silence the relay (recognised by its mask) nor the
// people it relays.
func TestHostileOptOutOfAnotherWithoutAccount(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	watcher := ircserver.Dial(t, srv.Addr(), "watcher")
	watcher.Join("#pub")
	h := startRoutedBot(t, bottest.ParseConfig(t, t.TempDir(), bottest.RelayNet(srv.Addr(), hostileBotNick, "#pub")+noRateLimits))
	h.WaitSelfJoins(1)

	for _, nick := range []string{"carol", "relaybot"} {
		mallory := ircserver.DialUser(t, srv.Addr(), nick, "mallory")
		mallory.Send("PRIVMSG %s :!optout", hostileBotNick)
		if got := awaitBot(mallory, nick, anyText); !strings.Contains(got, "the nick "+nick+" from ~mallory@") && !strings.Contains(got, "the nick "+nick+" from mallory@") {
			t.Fatalf("answer to the stranger's !optout as %s: %q, want an opt-out of the nick from the stranger's user@host", nick, got)
		}
		mallory.Join("#pub")
		mallory.Send("PRIVMSG #pub :the stranger's words as %s", nick)
		mallory.Quit()
	}

	carol := ircserver.DialUser(t, srv.Addr(), "carol", "carol")
	carol.Join("#pub")
	carol.Send("PRIVMSG #pub :carol's own words, from her own host")
	relay := ircserver.DialUser(t, srv.Addr(), "relaybot", "realrelay")
	relay.Join("#pub")
	relay.Send("PRIVMSG #pub :<dave> dave's words through the real relay")
	if ev := h.WaitText("carol's own words, from her own host"); ev.Nick != "carol" {
		t.Errorf("carol's line recorded as %+v", ev)
	}
	if ev := h.WaitText("dave's words through the real relay"); ev.Nick != "dave" || ev.Flags&event.FlagRelayed == 0 {
		t.Errorf("the relayed line recorded as %+v", ev)
	}
	for _, nick := range []string{"carol", "relaybot"} {
		if got := h.CommittedWith("the stranger's words as " + nick); len(got) > 0 {
			t.Errorf("the stranger's line as %s after their opt-out was recorded: %q", nick, got)
		}
	}
}

// TestHostileFloodOnAPenalisingServer: on ngIRCd with its flood penalties
// (2 s for each error it answers, 1 s for each second with 256 bytes or
// more from the client, and nothing read from it meanwhile), people who ask
// privately and quit at once make every answer cost the bot 2–3 s of the
// server's time while the bot's pace sends one line every 1.5 s. The lines
// must not pile up unread in the server (where the PONG the bot owes waits
// behind them until the server drops it for "Ping timeout"): a line the
// bot says in the channel 30 s into such a flood reaches the channel
// within 30 s, and the bot stays connected.
func TestHostileFloodOnAPenalisingServer(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd, Penalties: true})
	watcher := ircserver.Dial(t, srv.Addr(), "watcher")
	watcher.Join("#pub")
	var nicks []string
	for i := range 24 {
		nicks = append(nicks, fmt.Sprintf("ask%02d", i))
	}
	askers := ircserver.DialMany(t, srv.Addr(), nicks...)
	h := startRoutedBot(t, bottest.ParseConfig(t, t.TempDir(), bottest.SingleNet(srv.Addr(), hostileBotNick, "#pub"))) // at the production pace
	h.WaitSelfJoins(1)
	for _, c := range askers {
		c.Send("PRIVMSG %s :!help", hostileBotNick)
		c.Send("PRIVMSG %s :!help part", hostileBotNick)
		c.Send("QUIT :gone")
	}
	time.Sleep(30 * time.Second)
	if err := h.B.Say("test", "#pub", "marker after the flood"); err != nil {
		t.Fatal(err)
	}
	said := time.Now()
	for {
		text, ok := maybeBot(watcher, "#pub", time.Until(said.Add(30*time.Second)))
		if !ok {
			st := h.B.Status().Networks[0]
			t.Fatalf("the bot's line said 30 s into the flood did not reach the channel within 30 s (connected %v, %d lines wait in the bot)", st.Connected, st.SendQueue)
		}
		if text == "marker after the flood" {
			t.Logf("the line reached the channel after %v", time.Since(said).Round(time.Millisecond))
			break
		}
	}
	if st := h.B.Status().Networks[0]; !st.Connected || st.Reconnects > 0 {
		t.Errorf("the bot lost its connection during the flood: %+v", st)
	}
}

// TestHostileStrangersCrowdOutMembers: on ngIRCd with its penalties, 40
// nicks in no channel ask privately and quit at once (ngIRCd may go on
// delivering such questions for minutes after their senders left). A
// member of the bot's channel who then asks privately is answered within
// 20 s, ahead of the strangers' answers, which fill only their own places
// in the queue; and so is a newcomer in no channel, whose answer waits
// among theirs: the bot asks the server which of them are still there
// (ISON) and drops the answers to those who left.
func TestHostileStrangersCrowdOutMembers(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd, Penalties: true})
	member := ircserver.Dial(t, srv.Addr(), "member")
	member.Join("#pub")
	var nicks []string
	for i := range 40 {
		nicks = append(nicks, fmt.Sprintf("drive%02d", i))
	}
	strangers := ircserver.DialMany(t, srv.Addr(), nicks...)
	h := startRoutedBot(t, bottest.ParseConfig(t, t.TempDir(), bottest.SingleNet(srv.Addr(), hostileBotNick, "#pub"))) // at the production pace
	h.WaitSelfJoins(1)
	h.WaitFor(ircTimeout, "the member in #pub", func([]event.Event) bool { return true })
	var mu sync.Mutex
	got := 0
	all := make(chan struct{})
	h.B.AddListener(bot.ListenerFunc(func(_ context.Context, in bot.Incoming) {
		if in.Channel == "" && strings.HasPrefix(in.Nick, "drive") && in.Text == "!part 3" {
			mu.Lock()
			if got++; got == len(strangers) {
				close(all)
			}
			mu.Unlock()
		}
	}))
	for _, c := range strangers {
		c.Send("PRIVMSG %s :!help", hostileBotNick)
		c.Send("PRIVMSG %s :!part 3", hostileBotNick)
		c.Send("QUIT :gone")
	}
	select {
	case <-all:
	case <-time.After(ircTimeout):
		t.Fatalf("the bot did not receive the strangers' questions within %v", ircTimeout)
	}
	newcomer := ircserver.Dial(t, srv.Addr(), "newcomer")
	member.Send("PRIVMSG %s :!help", hostileBotNick)
	newcomer.Send("PRIVMSG %s :!help", hostileBotNick)
	asked := time.Now()
	for _, c := range []struct {
		who    string
		client *ircserver.Client
	}{{"member", member}, {"newcomer", newcomer}} {
		if text, ok := maybeBot(c.client, c.who, time.Until(asked.Add(20*time.Second))); !ok {
			st := h.B.Status().Networks[0]
			t.Errorf("the %s's private !help was not answered within 20 s of being asked after %d strangers' questions; %d of the bot's lines wait, %d shed, %d expired",
				c.who, 2*len(strangers), st.SendQueue, st.SendShed, st.SendExpired)
		} else {
			t.Logf("%s answered after %v: %q", c.who, time.Since(asked).Round(time.Millisecond), text)
		}
	}
}

// TestHostileReplayedFlood: on ngIRCd with its penalties, four clients
// each write 40 private questions, changing nick after each, and close at
// once. ngIRCd goes on reading their buffered lines and delivering the
// questions, from nicks that no longer exist, for a minute or more after
// they left. A newcomer in no channel who asks privately in the middle of
// that is answered within 20 s: the strangers' answers are held until an
// ISON says their nick is there, the newest asker first.
func TestHostileReplayedFlood(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd, Penalties: true})
	var nicks []string
	for i := range 4 {
		nicks = append(nicks, fmt.Sprintf("burst%d", i))
	}
	bursts := ircserver.DialMany(t, srv.Addr(), nicks...)
	h := startRoutedBot(t, bottest.ParseConfig(t, t.TempDir(), bottest.SingleNet(srv.Addr(), hostileBotNick, "#pub"))) // at the production pace
	h.WaitSelfJoins(1)
	var mu sync.Mutex
	got := 0
	some := make(chan struct{})
	h.B.AddListener(bot.ListenerFunc(func(_ context.Context, in bot.Incoming) {
		if in.Channel == "" && strings.HasPrefix(in.Nick, "b") && in.Text == "!help" {
			mu.Lock()
			if got++; got == 20 {
				close(some)
			}
			mu.Unlock()
		}
	}))
	for k, c := range bursts {
		for i := range 40 {
			c.Send("PRIVMSG %s :!help", hostileBotNick)
			c.Send("NICK b%dx%d", k, i)
		}
		c.Close()
	}
	select {
	case <-some:
	case <-time.After(ircTimeout):
		t.Fatalf("the bot did not receive 20 of the replayed questions within %v", ircTimeout)
	}
	newcomer := ircserver.Dial(t, srv.Addr(), "newcomer")
	newcomer.Send("PRIVMSG %s :!help", hostileBotNick)
	asked := time.Now()
	text, ok := maybeBot(newcomer, "newcomer", 20*time.Second)
	mu.Lock()
	replayed := got
	mu.Unlock()
	if !ok {
		st := h.B.Status().Networks[0]
		t.Fatalf("the newcomer's private !help was not answered within 20 s while %d replayed questions had come; %d of the bot's lines wait, %d shed, %d expired",
			replayed, st.SendQueue, st.SendShed, st.SendExpired)
	}
	t.Logf("answered after %v (%d replayed questions had come): %q", time.Since(asked).Round(time.Millisecond), replayed, text)
	if replayed >= 4*40 {
		t.Errorf("all %d questions had come before the answer: the test did not ask in the middle of the replay", replayed)
	}
}

// --- What commands give away ---

// TestHostileSeenOracle: !seen says of a nick that opted out exactly what it
// says of a nick it never saw, and shows no line of an account that opted
// out after speaking (on a nick other than the account's name).
func TestHostileSeenOracle(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd, Services: true})
	dir := t.TempDir()
	h := startRoutedBot(t, bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), hostileBotNick, "#pub")+noRateLimits))
	h.WaitSelfJoins(1)

	quiet := ircserver.Dial(t, srv.Addr(), "quiet")
	quiet.Join("#pub")
	quiet.Send("PRIVMSG #pub :quiet's words before opting out")
	h.WaitText("quiet's words before opting out")
	quiet.Send("PRIVMSG %s :!optout", hostileBotNick)
	if got := awaitBot(quiet, "quiet", anyText); !strings.Contains(got, "the nick quiet") {
		t.Fatalf("answer to quiet's !optout: %q", got)
	}

	zed := ircserver.Dial(t, srv.Addr(), "zedacct")
	zed.Register("zed-pass-1")
	zed.ChangeNick("zed")
	zed.Join("#pub")
	zed.Send("PRIVMSG #pub :zed's words before opting out")
	if ev := h.WaitText("zed's words before opting out"); ev.Account != "zedacct" {
		t.Fatalf("zed's line is recorded with the account %q, want zedacct", ev.Account)
	}
	zed.Send("PRIVMSG %s :!optout", hostileBotNick)
	if got := awaitBot(zed, "zed", anyText); !strings.Contains(got, "the account zedacct") {
		t.Fatalf("answer to zed's !optout: %q", got)
	}

	asker := ircserver.Dial(t, srv.Addr(), "asker")
	seen := func(nick string) string {
		asker.Send("PRIVMSG %s :!seen %s", hostileBotNick, nick)
		return strings.ReplaceAll(awaitBot(asker, "asker", anyText), nick, "NICK")
	}
	never := seen("nobodyever")
	if got := seen("quiet"); got != never {
		t.Errorf("!seen of a nick that opted out: %q; of a nick never seen: %q; want the same", got, never)
	}
	if got := seen("zed"); got != never || strings.Contains(got, "words before") {
		t.Errorf("!seen of a nick whose account opted out: %q; of a nick never seen: %q; want the same, and no line", got, never)
	}
}

// TestHostileLogsOracle: !logs of a configured private channel with
// recorded lines answers exactly like !logs of a channel that does not
// exist.
func TestHostileLogsOracle(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd})
	host, port, _ := strings.Cut(srv.Addr(), ":")
	body := fmt.Sprintf(`network: test
server: {host: %s, port: %s, tls: false}
nick: %s
channels:
  - {name: "#pub", public: true}
  - {name: "#private", public: false}
`, host, port, hostileBotNick) + noRateLimits
	dir := t.TempDir()
	h := startRoutedBot(t, bottest.ParseConfig(t, dir, body))
	h.WaitSelfJoins(2)
	member := ircserver.Dial(t, srv.Addr(), "member")
	member.Join("#private")
	member.Send("PRIVMSG #private :words in the private channel")
	h.WaitText("words in the private channel")

	asker := ircserver.Dial(t, srv.Addr(), "asker")
	logs := func(channel string) string {
		asker.Send("PRIVMSG %s :!logs %s", hostileBotNick, channel)
		return strings.ReplaceAll(awaitBot(asker, "asker", anyText), channel, "#CHANNEL")
	}
	none := logs("#nonexistent")
	if got := logs("#private"); got != none {
		t.Errorf("!logs of a private channel: %q; of a channel that does not exist: %q; want the same", got, none)
	}
}

// TestHostileOptOutOfAnother: a stranger who takes bob's nick while bob is
// away, not logged in, says !optout; bob comes back logged in to his
// account under the same nick, and his lines are recorded: a nick's
// opt-out never silences an account.
func TestHostileOptOutOfAnother(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd, Services: true})
	bob := ircserver.Dial(t, srv.Addr(), "bob")
	bob.Register("bob-pass-1")
	bob.Quit()
	watcher := ircserver.Dial(t, srv.Addr(), "watcher")
	watcher.Join("#pub")
	dir := t.TempDir()
	h := startRoutedBot(t, bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), hostileBotNick, "#pub")+noRateLimits))
	h.WaitSelfJoins(1)

	mallory := ircserver.DialUser(t, srv.Addr(), "bob", "mallory")
	mallory.Send("PRIVMSG %s :!optout", hostileBotNick)
	if got := awaitBot(mallory, "bob", anyText); !strings.Contains(got, "the nick bob") {
		t.Fatalf("answer to the stranger's !optout: %q, want an opt-out of the nick bob", got)
	}
	mallory.Quit()

	back := ircserver.Dial(t, srv.Addr(), "bob")
	back.Identify("bob", "bob-pass-1")
	back.Join("#pub")
	back.Send("PRIVMSG #pub :bob's own words, logged in")
	h.WaitText("bob's own words, logged in")
}
