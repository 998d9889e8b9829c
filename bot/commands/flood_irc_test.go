package commands

import (
	"fmt"
	"proceedings/event"
	"strings"
	"testing"
	"time"

	"github.com/ergochat/irc-go/ircmsg"

	"proceedings/internal/bottest"
	"proceedings/internal/ircserver"
)

// TestCommandFloodAtProductionPace: eight people each ask "!search foo"
// every 3.4 s, within the rate limits, in two channels, while the bot
// sends at the production pace (commands.output, 5 lines then one every
// 1.5 s). The bot's send queue stays short (commands are refused while it
// is deep, answers expire rather than go out minutes late), nothing is
// shed, a newcomer who asks in the flooded channel and an admin who asks
// privately in the middle of the flood are answered within a bounded time
// (backpressure refuses only those who asked lately; aging: private
// answers do not starve behind channel ones), and a command after the
// flood is answered at once, not after minutes of stale answers.
func TestCommandFloodAtProductionPace(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := t.TempDir()
	body := bottest.SingleNet(srv.Addr(), "procbot", "#a", "#b") + `admins: ["boss!*@127.0.0.1"]
`
	cfg := bottest.ParseConfig(t, dir, body)
	h := startBot(t, cfg) // the production pace of commands.output
	router := NewRouter(cfg, h.DB, Options{Nick: h.B.Nick, Sender: h.B.Answers(), Busy: h.B.Busy, Logger: bottest.Logger(t)})
	h.B.AddListener(router)
	h.WaitSelfJoins(2)

	chatter := ircserver.Dial(t, srv.Addr(), "chatter")
	for _, ch := range []string{"#a", "#b"} {
		chatter.Join(ch)
		for i := range 4 {
			chatter.Send("PRIVMSG %s :foo number %d in %s", ch, i, ch)
		}
	}
	h.WaitText("foo number 3 in #b")

	var nicks []string
	for i := range 8 {
		nicks = append(nicks, fmt.Sprintf("flooder%d", i))
	}
	flooders := ircserver.DialMany(t, srv.Addr(), nicks...)
	for i, c := range flooders {
		c.Join([]string{"#a", "#b"}[i%2])
	}
	boss := ircserver.Dial(t, srv.Addr(), "boss")
	fresh := ircserver.Dial(t, srv.Addr(), "fresh")
	fresh.Join("#a")

	const (
		flood     = 30 * time.Second
		every     = 3400 * time.Millisecond
		bossAfter = 10 * time.Second
		freshAt   = 20 * time.Second
		// answerIn bounds the wait for an answer asked during the flood.
		answerIn = 40 * time.Second
		// maxQueue bounds the bot's send queue during the flood: the
		// router's threshold (about 10 lines) and the answers of the
		// commands taken just before it was reached.
		maxQueue = 30
	)
	tick := time.NewTicker(every / time.Duration(len(flooders)))
	defer tick.Stop()
	start := time.Now()
	var asked, freshAsked time.Time
	deepest := 0
	for i := 0; time.Since(start) < flood; i++ {
		<-tick.C
		c := flooders[i%len(flooders)]
		c.Send("PRIVMSG %s :!search foo", []string{"#a", "#b"}[i%len(flooders)%2])
		if q := h.B.Status().Networks[0].SendQueue; q > deepest {
			deepest = q
		}
		if asked.IsZero() && time.Since(start) >= bossAfter {
			boss.Send("PRIVMSG procbot :!help seen")
			asked = time.Now()
		}
		if freshAsked.IsZero() && time.Since(start) >= freshAt {
			fresh.Send("PRIVMSG #a :!help latest")
			freshAsked = time.Now()
		}
	}
	if deepest > maxQueue {
		t.Errorf("the send queue reached %d lines during the flood, want at most %d", deepest, maxQueue)
	}
	// The admin's answer and the newcomer's: asked during the flood, they
	// may have come already; they must come within answerIn of asking.
	fresh.Expect(max(time.Until(freshAsked.Add(answerIn)), time.Second), func(line string) bool {
		msg, err := ircmsg.ParseLine(line)
		return err == nil && strings.HasPrefix(msg.Source, "procbot!") && len(msg.Params) == 2 &&
			msg.Params[0] == "#a" && strings.Contains(msg.Params[1], "latest")
	})
	boss.Expect(max(time.Until(asked.Add(answerIn)), time.Second), func(line string) bool {
		msg, err := ircmsg.ParseLine(line)
		return err == nil && strings.HasPrefix(msg.Source, "procbot!") && len(msg.Params) == 2 &&
			msg.Params[0] == "boss" && strings.Contains(msg.Params[1], "seen nick")
	})

	// After the flood the queue is soon short again, not minutes of
	// stale answers, and a command is answered at once.
	drained := time.Now().Add(30 * time.Second)
	for h.B.Busy("") {
		if time.Now().After(drained) {
			t.Fatalf("30 s after the flood %d lines still wait to be sent", h.B.Status().Networks[0].SendQueue)
		}
		time.Sleep(100 * time.Millisecond)
	}
	fresh.Send("PRIVMSG #a :!help seen")
	t.Logf("fresh asked with %d lines waiting, %d expired", h.B.Status().Networks[0].SendQueue, h.B.Status().Networks[0].SendExpired)
	fresh.Expect(2*ircTimeout, func(line string) bool {
		msg, err := ircmsg.ParseLine(line)
		return err == nil && strings.HasPrefix(msg.Source, "procbot!") && len(msg.Params) == 2 &&
			msg.Params[0] == "#a" && strings.Contains(msg.Params[1], "seen nick")
	})
	st := h.B.Status().Networks[0]
	if st.SendShed != 0 {
		t.Errorf("%d lines were shed; want none", st.SendShed)
	}
	if st.Reconnects != 0 {
		t.Errorf("%d reconnects (last error %q)", st.Reconnects, st.LastError)
	}
	answered := bottest.Count(h.Committed(), func(ev event.Event) bool {
		return ev.Flags&event.FlagSelf != 0 && ev.Kind == event.KindMessage
	})
	t.Logf("deepest send queue %d lines; %d answers recorded in the channels; %d expired", deepest, answered, st.SendExpired)
}
