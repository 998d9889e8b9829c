package bot

import (
	"context"
	"fmt"
	"log/slog"
	"proceedings/event"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ergochat/irc-go/ircmsg"

	"proceedings/archive"
	"proceedings/config"
	"proceedings/internal/bottest"
	"proceedings/internal/ircserver"
)

// harness runs a Bot with test timings (testOptions) against real servers
// and follows what the archive commits and what a listener receives.
type harness struct {
	*bottest.Harness[*Bot]
	lmu sync.Mutex
	in  []Incoming // what a listener received
}

// testOptions are botOptions with test-sized timings.
func testOptions() botOptions {
	o := defaultOptions()
	o.backoffBase = 50 * time.Millisecond
	o.backoffMax = time.Second
	o.regainEvery = 200 * time.Millisecond
	o.rejoinBase = 100 * time.Millisecond
	o.trimAfter = 1 << 62 // no forced collections but where a test asks for them
	o.isCommand = testIsCommand
	return o
}

// testIsCommand stands for commands.IsCommand, which bot's tests cannot
// import (commands imports bot): "seen" is a command, other words are not.
// That commands.IsCommand tells them apart the same way is checked in
// bot/commands (TestIsCommand).
func testIsCommand(line, prefix, _ string) bool {
	return line == prefix+"seen" || strings.HasPrefix(line, prefix+"seen ")
}

// startBot opens an archive in dir, starts a bot on cfg and stops it (and
// checks that Run returned nil) when the test ends.
func startBot(t testing.TB, cfg *config.Config, tweak func(*botOptions)) *harness {
	t.Helper()
	h := &harness{}
	h.Harness = bottest.Start(t, cfg, func(db archive.Store, log *slog.Logger, hook bottest.Hook) (*Bot, error) {
		b, err := New(cfg, db, Options{Logger: log})
		if err != nil {
			return nil, err
		}
		b.opts = testOptions()
		if tweak != nil {
			tweak(&b.opts)
		}
		if prev := b.opts.onRecorded; prev != nil {
			b.opts.onRecorded = func(ev event.Event, id int64, err error) {
				prev(ev, id, err)
				hook(ev, id, err)
			}
		} else {
			b.opts.onRecorded = hook
		}
		b.AddListener(ListenerFunc(func(_ context.Context, in Incoming) {
			h.lmu.Lock()
			h.in = append(h.in, in)
			h.lmu.Unlock()
		}))
		return b, nil
	})
	return h
}

func (h *harness) incoming() []Incoming {
	h.lmu.Lock()
	defer h.lmu.Unlock()
	return append([]Incoming(nil), h.in...)
}

// archived reads a log back from the archive file.
func archived(t testing.TB, db archive.Store, network, channel string) []event.Event {
	t.Helper()
	ctx := context.Background()
	ch, err := db.FindChannel(ctx, network, channel)
	if err != nil {
		t.Fatalf("find %s/%s in the archive: %v", network, channel, err)
	}
	var out []event.Event
	err = db.Range(ctx, ch.ID, time.Unix(0, 0), time.Now().Add(24*time.Hour), archive.AllFields, func(ev event.Event) error {
		out = append(out, ev)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Range orders by time, then id; the recording order is the id.
	sortByID(out)
	return out
}

func sortByID(evs []event.Event) {
	for i := 1; i < len(evs); i++ {
		for j := i; j > 0 && evs[j].ID < evs[j-1].ID; j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
	}
}

// notSelf drops the bot's own events.
func notSelf(evs []event.Event) []event.Event {
	var out []event.Event
	for _, ev := range evs {
		if ev.Flags&event.FlagSelf == 0 {
			out = append(out, ev)
		}
	}
	return out
}

// want is the part of an event a test checks.
type want struct {
	kind               event.Kind
	nick, target, text string
}

func checkEvents(t testing.TB, got []event.Event, wants []want) {
	t.Helper()
	var lines []string
	for _, ev := range got {
		lines = append(lines, bottest.Describe(ev))
	}
	if len(got) != len(wants) {
		t.Fatalf("got %d events, want %d:\n%s", len(got), len(wants), strings.Join(lines, "\n"))
	}
	for i, w := range wants {
		ev := got[i]
		if ev.Kind != w.kind || ev.Nick != w.nick || ev.Target != w.target || ev.Text != w.text {
			t.Errorf("event %d = %s, want %s <%s> →%s %q", i, bottest.Describe(ev), w.kind, w.nick, w.target, w.text)
		}
	}
	if t.Failed() {
		t.Logf("all events:\n%s", strings.Join(lines, "\n"))
	}
}

// TestRecordScripted has a second client join, speak, /me, change nick,
// get opped, change the topic, get kicked, rejoin, part and quit on
// InspIRCd (IRCv3: server-time, echo-message, msgid); the archive holds
// exactly those events, in order, with the right kinds and texts.
func TestRecordScripted(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.InspIRCd})
	op := ircserver.Dial(t, srv.Addr(), "op")
	op.Join("#chan") // first in: op gets +o
	dir := t.TempDir()
	cfg := bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), "logbot", "#chan"))
	h := startBot(t, cfg, nil)
	h.WaitSelfJoins(1)
	if !h.B.nets[0].echo.Load() {
		t.Error("echo-message is not on with InspIRCd")
	}

	alice := ircserver.Dial(t, srv.Addr(), "alice")
	steps := []struct {
		do   func()
		want want
	}{
		{func() { alice.Join("#chan") }, want{event.KindJoin, "alice", "", ""}},
		{func() { alice.Send("PRIVMSG #chan :hello world") }, want{event.KindMessage, "alice", "", "hello world"}},
		{func() { alice.Send("PRIVMSG #chan :!seen bob") }, want{event.KindMessage, "alice", "", "!seen bob"}},
		{func() { alice.Send("PRIVMSG #chan :!frobnicate bob") }, want{event.KindMessage, "alice", "", "!frobnicate bob"}},
		{func() { alice.Send("PRIVMSG #chan :\x01ACTION waves\x01") }, want{event.KindAction, "alice", "", "waves"}},
		{func() { alice.Send("PRIVMSG #chan :caf\xe9 cr\xe8me") }, want{event.KindMessage, "alice", "", "café crème"}},
		{func() { alice.Send("NICK alice2") }, want{event.KindNick, "alice", "alice2", ""}},
		{func() { op.Send("MODE #chan +o alice2") }, want{event.KindMode, "op", "", "+o alice2"}},
		{func() { alice.Send("TOPIC #chan :a new topic") }, want{event.KindTopic, "alice2", "", "a new topic"}},
		{func() { op.Send("KICK #chan alice2 :behave") }, want{event.KindKick, "op", "alice2", "behave"}},
		{func() { alice.Send("JOIN #chan") }, want{event.KindJoin, "alice2", "", ""}},
		{func() { alice.Send("PART #chan :bye now") }, want{event.KindPart, "alice2", "", "bye now"}},
		{func() { alice.Send("JOIN #chan") }, want{event.KindJoin, "alice2", "", ""}},
		{func() { alice.Send("QUIT :gone home") }, want{event.KindQuit, "alice2", "", "Quit: gone home"}},
	}
	var wants []want
	for i, s := range steps {
		s.do()
		wants = append(wants, s.want)
		// Wait for each step, so that lines of two clients keep the
		// script's order on the server.
		h.WaitFor(30*time.Second, fmt.Sprintf("step %d (%s)", i, s.want.kind), func(evs []event.Event) bool {
			return len(notSelf(evs)) >= len(wants)
		})
	}
	if err := h.B.Say("test", "#chan", "the bot speaks"); err != nil {
		t.Fatal(err)
	}
	own := h.WaitText("the bot speaks")
	op.Send("PRIVMSG #chan :last line")
	h.WaitText("last line")
	wants = append(wants, want{event.KindMessage, "op", "", "last line"})

	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	all := archived(t, h.DB, "test", "#chan")
	checkEvents(t, notSelf(all), wants)
	if own.Flags&event.FlagSelf == 0 || own.Nick != "logbot" {
		t.Errorf("the bot's line = %s, want it from logbot with FlagSelf", bottest.Describe(own))
	}
	if n := bottest.Count(all, func(ev event.Event) bool { return ev.Text == "the bot speaks" }); n != 1 {
		t.Errorf("the bot's line is recorded %d times, want once (echo-message, not also locally)", n)
	}
	for _, ev := range all {
		if ev.Network != "test" || ev.Channel != "#chan" {
			t.Errorf("event stored under %s/%s, want test/#chan", ev.Network, ev.Channel)
		}
		if time.Since(ev.Time) > time.Minute || time.Until(ev.Time) > 5*time.Second {
			t.Errorf("event time %v is not about now", ev.Time)
		}
		if ev.Kind == event.KindMessage && ev.MsgID == "" {
			t.Errorf("message %q has no msgid although InspIRCd sends one", ev.Text)
		}
		if ev.Kind == event.KindJoin && ev.UserHost == "" {
			t.Errorf("join of %s has no user@host", ev.Nick)
		}
	}
	for _, ev := range all {
		// A command is marked, so that !search can leave it out; a line
		// that only looks like one is not.
		if cmd := ev.Text == "!seen bob"; cmd != (ev.Flags&event.FlagCommand != 0) {
			t.Errorf("%s: FlagCommand is %v, want %v", bottest.Describe(ev), !cmd, cmd)
		}
	}
	if first := all[0]; first.Kind != event.KindJoin || first.Flags&event.FlagSelf == 0 {
		t.Errorf("first event = %s, want the bot's own join", bottest.Describe(first))
	}
}

// TestRecordBurst has a client send a burst as fast as the server (ngIRCd,
// flood limits off) lets it; the archive holds every line once, in order.
func TestRecordBurst(t *testing.T) {
	t.Parallel()
	n := burstSize
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	sender := ircserver.Dial(t, srv.Addr(), "sender")
	sender.Join("#burst")
	dir := t.TempDir()
	cfg := bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), "logbot", "#burst"))

	var last struct {
		sync.Mutex
		at, queued time.Time
	}
	lastText := fmt.Sprintf("burst line %05d", n-1)
	h := startBot(t, cfg, func(o *botOptions) {
		o.onRecorded = func(ev event.Event, _ int64, err error) {
			if err == nil && ev.Text == lastText {
				last.Lock()
				last.at = time.Now()
				last.Unlock()
			}
		}
	})
	// Listeners are called right after a line is queued for the archive.
	h.B.AddListener(ListenerFunc(func(_ context.Context, in Incoming) {
		if in.Text == lastText {
			last.Lock()
			last.queued = time.Now()
			last.Unlock()
		}
	}))
	h.WaitSelfJoins(1)
	begin := time.Now()
	for i := range n {
		sender.Send("PRIVMSG #burst :burst line %05d", i)
	}
	sent := time.Now()
	h.WaitFor(2*time.Minute, fmt.Sprintf("%d burst lines", n), func(evs []event.Event) bool {
		return bottest.Count(evs, func(ev event.Event) bool { return ev.Kind == event.KindMessage }) >= n
	})
	last.Lock()
	durable := last.at
	last.Unlock()
	last.Lock()
	queued := last.queued
	last.Unlock()
	elapsed := durable.Sub(begin)
	t.Logf("burst of %d lines: sent in %v, all durable after %v (%.0f lines/s); last line queued for the archive %v and durable %v after it was sent",
		n, sent.Sub(begin).Round(time.Millisecond), elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(),
		queued.Sub(sent).Round(time.Millisecond), durable.Sub(sent).Round(time.Millisecond))

	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}
	all := archived(t, h.DB, "test", "#burst")
	i := 0
	for _, ev := range all {
		if ev.Kind != event.KindMessage {
			continue
		}
		if want := fmt.Sprintf("burst line %05d", i); ev.Text != want || ev.Nick != "sender" {
			t.Fatalf("message %d = %s, want %q from sender", i, bottest.Describe(ev), want)
		}
		i++
	}
	if i != n {
		t.Fatalf("the archive holds %d burst lines, want %d", i, n)
	}
	if got := h.B.Status().EventsRecorded; got < int64(n) {
		t.Errorf("Status().EventsRecorded = %d, want at least %d", got, n)
	}
}

// TestReconnectGap restarts the server in the middle of traffic: the bot
// reconnects, rejoins both channels, writes exactly one gap event in each,
// and records what follows.
func TestReconnectGap(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := t.TempDir()
	cfg := bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), "logbot", "#one", "#two"))
	h := startBot(t, cfg, nil)
	h.WaitSelfJoins(2)

	talker := ircserver.Dial(t, srv.Addr(), "talker")
	talker.Join("#one")
	talker.Join("#two")
	for i := range 50 {
		talker.Send("PRIVMSG #one :before %d", i)
		talker.Send("PRIVMSG #two :before %d", i)
	}
	h.WaitText("before 49")
	for i := range 200 {
		talker.Send("PRIVMSG #one :during %d", i)
	}
	restarted := time.Now()
	srv.Restart(t)
	up := time.Now()
	h.WaitSelfJoins(4)
	back := time.Now()
	t.Logf("server down for %v; the bot was back in both channels %v after the server was", up.Sub(restarted).Round(time.Millisecond), back.Sub(up).Round(time.Millisecond))

	talker = ircserver.Dial(t, srv.Addr(), "talker")
	talker.Join("#one")
	talker.Join("#two")
	talker.Send("PRIVMSG #one :after the restart")
	talker.Send("PRIVMSG #two :after the restart too")
	h.WaitText("after the restart too")
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}

	for _, ch := range []string{"#one", "#two"} {
		evs := archived(t, h.DB, "test", ch)
		var gaps []event.Event
		gapAt, rejoinAt := -1, -1
		for i, ev := range evs {
			if ev.Kind == event.KindGap {
				gaps = append(gaps, ev)
				gapAt = i
			}
			if ev.Kind == event.KindJoin && ev.Flags&event.FlagSelf != 0 {
				rejoinAt = i
			}
		}
		if len(gaps) != 1 {
			t.Fatalf("%s: %d gap events, want 1", ch, len(gaps))
		}
		g := gaps[0]
		start, ok := g.GapStart()
		if !ok {
			t.Fatalf("%s: gap text %q is not an RFC 3339 time", ch, g.Text)
		}
		if start.After(g.Time) || g.Time.Sub(start) > time.Minute {
			t.Errorf("%s: gap from %v to %v is not the outage", ch, start, g.Time)
		}
		// The outage starts when the last line of the old connection was
		// read: not before the last event recorded from it.
		if prev := evs[gapAt-1]; start.Before(prev.Time.Truncate(time.Millisecond)) || start.Before(restarted.Add(-5*time.Second)) {
			t.Errorf("%s: gap starts at %v, before the last event recorded before it (%s at %v)", ch, start, bottest.Describe(prev), prev.Time)
		}
		if gapAt != rejoinAt-1 {
			t.Errorf("%s: the gap is event %d, the rejoin %d; want the gap right before the rejoin", ch, gapAt, rejoinAt)
		}
		if last := evs[len(evs)-1]; !strings.HasPrefix(last.Text, "after the restart") || last.Nick != "talker" {
			t.Errorf("%s: last event %s, want the line sent after the restart", ch, bottest.Describe(last))
		}
	}
	if r := h.B.Status().Reconnects; r < 1 {
		t.Errorf("Status().Reconnects = %d, want at least 1", r)
	}
}

// TestPrivacy: a private message to the bot, a line with the no-log prefix,
// CTCP queries and the lines of opted-out nicks (from the configuration and
// from the archive's list) leave no trace in the archive. Also on ngIRCd
// (no echo-message): the bot's own line is recorded once, locally.
func TestPrivacy(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := t.TempDir()
	cfg := bottest.ParseConfig(t, dir, bottest.SingleNet(srv.Addr(), "logbot", "#priv")+"optout: [Mallory]\n")
	h := startBot(t, cfg, nil)
	h.WaitSelfJoins(1)
	if err := h.DB.OptOut(context.Background(), "eve", true); err != nil {
		t.Fatal(err)
	}
	if err := h.B.RefreshOptOuts(context.Background()); err != nil {
		t.Fatal(err)
	}

	alice := ircserver.Dial(t, srv.Addr(), "alice")
	alice.Join("#priv")
	alice.Send("PRIVMSG logbot :secret private words")
	alice.Send("PRIVMSG #priv :[off] secret off-the-record words")
	alice.Send("PRIVMSG #priv :  [OFF] secret shouted words")
	alice.Send("PRIVMSG #priv :\x02[off]\x02 secret bold words")
	alice.Send("PRIVMSG #priv :\x01VERSION\x01")
	alice.Send("PRIVMSG logbot :\x01VERSION\x01")
	reply := alice.Expect(10*time.Second, func(l string) bool {
		m, err := ircmsg.ParseLine(l)
		return err == nil && m.Command == "NOTICE" && strings.HasPrefix(m.Params[len(m.Params)-1], "\x01VERSION ")
	})
	if !strings.Contains(reply, Version) {
		t.Errorf("CTCP VERSION reply %q does not name %q", reply, Version)
	}
	alice.Send("PRIVMSG logbot :\x01PING 12345\x01")
	alice.Expect(10*time.Second, func(l string) bool { return strings.Contains(l, "\x01PING 12345\x01") })
	alice.Send("PRIVMSG logbot :\x01FINGER\x01") // unknown here: not answered (no ERRMSG either)

	for _, nick := range []string{"mallory", "eve"} {
		c := ircserver.Dial(t, srv.Addr(), nick)
		c.Join("#priv")
		c.Send("PRIVMSG #priv :secret words of %s", nick)
		c.Send("PRIVMSG #priv :\x01ACTION secret action of %s\x01", nick)
		c.Send("NICK %s_away", nick)
		c.Send("PART #priv :secret reason")
	}
	if err := h.B.Say("", "#priv", "the bot speaks"); err != nil {
		t.Fatal(err)
	}
	alice.Expect(10*time.Second, func(l string) bool { return strings.Contains(l, "the bot speaks") })
	alice.Send("PRIVMSG #priv :the end")
	h.WaitText("the end")
	if err := h.Stop(); err != nil {
		t.Fatal(err)
	}

	all := archived(t, h.DB, "test", "#priv")
	for _, ev := range all {
		if strings.Contains(ev.Text, "secret") || strings.Contains(strings.ToLower(ev.Nick+ev.Target), "mallory") ||
			strings.Contains(ev.Nick+ev.Target, "eve") || strings.Contains(ev.Text, "VERSION") {
			t.Errorf("recorded %s", bottest.Describe(ev))
		}
	}
	checkEvents(t, notSelf(all), []want{
		{event.KindJoin, "alice", "", ""},
		{event.KindMessage, "alice", "", "the end"},
	})
	if n := bottest.Count(all, func(ev event.Event) bool {
		return ev.Text == "the bot speaks" && ev.Flags&event.FlagSelf != 0 && ev.Nick == "logbot"
	}); n != 1 {
		t.Errorf("the bot's own line is recorded %d times, want once", n)
	}
	// The search index holds nothing of it either.
	res, err := h.DB.Search(context.Background(), archive.SearchQuery{Text: "secret"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 0 {
		t.Errorf("search for \"secret\" finds %d hits, want none", len(res.Hits))
	}

	// Listeners still see the private message (commands answer there),
	// and the no-log lines marked as such.
	var pm, off bool
	for _, in := range h.incoming() {
		if in.Text == "secret private words" && in.Channel == "" && in.Nick == "alice" {
			pm = true
		}
		if strings.Contains(in.Text, "off-the-record") && in.NoLog {
			off = true
		}
		if strings.Contains(in.Text, "VERSION") {
			t.Errorf("a CTCP query reached the listeners: %+v", in)
		}
	}
	if !pm || !off {
		t.Errorf("listeners: private message seen %v, [off] line seen with NoLog %v; want both", pm, off)
	}
}

// BenchmarkRecordBurst measures recording end to end (and checks that each
// of the lines is recorded once, in order): a client sends a
// burst of 10,000 lines to ngIRCd as fast as it can, and each line's
// latency runs from just before it was written to the client's socket to
// the moment the archive acknowledged it as committed (durable). It reports
// the throughput, the latency percentiles and how long after the last line
// was sent it was durable.
func BenchmarkRecordBurst(b *testing.B) {
	const n = 10000
	srv := ircserver.Start(b, ircserver.Options{Kind: ircserver.NgIRCd})
	sender := ircserver.Dial(b, srv.Addr(), "sender")
	cfg := bottest.ParseConfig(b, b.TempDir(), bottest.SingleNet(srv.Addr(), "logbot", "#bench"))
	sentAt := make([]time.Time, n)
	doneAt := make([]time.Time, n)
	ids := make([]int64, n)
	var mu sync.Mutex
	var problem error
	all := make(chan struct{}, 1)
	left := 0
	h := startBot(b, cfg, func(o *botOptions) {
		o.onRecorded = func(ev event.Event, id int64, err error) {
			var i int
			if err != nil || ev.Kind != event.KindMessage || ev.Nick != "sender" {
				return
			}
			if _, err := fmt.Sscanf(ev.Text, "bench line %d", &i); err != nil || i < 0 || i >= n {
				return
			}
			now := time.Now()
			mu.Lock()
			if !doneAt[i].IsZero() && problem == nil {
				problem = fmt.Errorf("line %d was recorded twice", i)
			}
			if i > 0 && id <= ids[i-1] && problem == nil {
				problem = fmt.Errorf("line %d was recorded before line %d", i, i-1)
			}
			doneAt[i], ids[i] = now, id
			left--
			if left == 0 {
				all <- struct{}{}
			}
			mu.Unlock()
		}
	})
	h.WaitSelfJoins(1)
	sender.Join("#bench")
	var rate, p50, p99, lastDurable float64
	runs := 0
	for b.Loop() {
		mu.Lock()
		left = n
		clear(doneAt)
		clear(ids)
		mu.Unlock()
		begin := time.Now()
		for i := range n {
			sentAt[i] = time.Now()
			sender.Send("PRIVMSG #bench :bench line %d", i)
		}
		select {
		case <-all:
		case <-time.After(2 * time.Minute):
			b.Fatalf("the burst was not recorded within 2 minutes")
		}
		mu.Lock()
		if problem != nil {
			b.Fatal(problem)
		}
		lat := make([]time.Duration, n)
		end := begin
		for i := range n {
			lat[i] = doneAt[i].Sub(sentAt[i])
			if doneAt[i].After(end) {
				end = doneAt[i]
			}
		}
		last := doneAt[n-1].Sub(sentAt[n-1])
		mu.Unlock()
		slices.Sort(lat)
		rate += float64(n) / end.Sub(begin).Seconds()
		p50 += float64(lat[n/2].Microseconds()) / 1000
		p99 += float64(lat[n*99/100].Microseconds()) / 1000
		lastDurable += float64(last.Microseconds()) / 1000
		runs++
	}
	r := float64(runs)
	b.ReportMetric(rate/r, "lines/s")
	b.ReportMetric(p50/r, "p50-ms")
	b.ReportMetric(p99/r, "p99-ms")
	b.ReportMetric(lastDurable/r, "last-durable-ms")
}
