package resilience

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"proceedings/event"
	"strings"
	"syscall"
	"testing"
	"time"

	"proceedings/bot"
	"proceedings/internal/ircserver"
)

// TestServerRestarts kills the IRC server three times while a sender is in
// the middle of a burst to two channels (SIGTERM, SIGKILL, SIGTERM), and
// starts it again on the same port each time. The bot (the real binary)
// reconnects every time; each channel's log then holds exactly one gap per
// outage, right before the bot's rejoin and spanning the outage; between
// two gaps are only the lines of that connection, each once, in order, with
// no line missing up to the last one the bot received (the lines a dying
// server had not passed on yet are the only ones that may be missing), and
// with every line that was durable before the kill; and every line sent
// after the last restart is recorded.
func TestServerRestarts(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	dir := t.TempDir()
	channels := []string{"#r1", "#r2"}
	cfgPath := botConfig{Dir: dir, Server: srv.Addr(), Channels: channels}.write(t)
	b := startBot(t, cfgPath)
	b.waitHealth(30*time.Second, "the bot in both channels", joined(channels...))
	db := openArchive(t, filepath.Join(dir, "archive.db"))

	// Each step sends one line to each channel; the kill comes once
	// confirm lines are durable in both, with the sender still sending.
	maxSteps, confirm, lastSteps := 4000, 400, 1000
	if raceEnabled {
		maxSteps, confirm, lastSteps = 1000, 100, 300
	}
	const outages = 3
	type phase struct {
		sent      int            // steps sent
		durable   map[string]int // lines seen in the archive before the kill, per channel
		kill      string         // how the server went down
		down, up  time.Time      // the kill, and the server accepting again
		reconnect time.Duration  // from the server being up to the bot being back in both channels
	}
	phases := make([]phase, outages+1)
	for p := range phases {
		ph := &phases[p]
		if p > 0 {
			b.waitHealth(60*time.Second, fmt.Sprintf("the bot back in both channels after outage %d", p), func(st bot.Status) bool {
				return joined(channels...)(st) && st.Reconnects >= int64(p)
			})
			phases[p-1].reconnect = time.Since(phases[p-1].up)
		}
		sender := ircserver.Dial(t, srv.Addr(), "sender")
		for _, ch := range channels {
			sender.Join(ch)
		}
		start := time.Now().Add(-time.Second)
		prefix := fmt.Sprintf("p%d ", p)
		ctx, cancel := context.WithCancel(context.Background())
		if p == outages {
			for i := range lastSteps {
				for _, ch := range channels {
					sender.Send("PRIVMSG %s :%s%s %04d", ch, prefix, ch, i)
				}
			}
			ph.sent = lastSteps
			res := <-watchCounts(ctx, db, channels, prefix, start, lastSteps)
			cancel()
			if res.err != nil {
				t.Fatal(res.err)
			}
			break
		}
		durable := watchCounts(ctx, db, channels, prefix, start, confirm)
		tick := time.NewTicker(time.Millisecond)
		var res countResult
	send:
		for {
			select {
			case res = <-durable:
				break send
			case <-tick.C:
			}
			if ph.sent == maxSteps {
				t.Errorf("outage %d: the burst of %d lines per channel was sent before %d were durable; the kill does not come during the burst", p+1, maxSteps, confirm)
				res = <-durable
				break
			}
			for _, ch := range channels {
				sender.Send("PRIVMSG %s :%s%s %04d", ch, prefix, ch, ph.sent)
			}
			ph.sent++
		}
		tick.Stop()
		cancel()
		if res.err != nil {
			t.Fatal(res.err)
		}
		ph.durable = res.counts
		ph.down = time.Now()
		if p == 1 {
			ph.kill = "SIGKILL"
			killServer(t, srv)
		} else {
			ph.kill = "SIGTERM"
		}
		srv.Restart(t) // SIGTERM (or reaps the killed one), then starts it again
		ph.up = time.Now()
		sender.Close()
	}
	st, err := b.health()
	if err != nil {
		t.Fatal(err)
	}
	b.stop()
	if st.Reconnects < outages {
		t.Errorf("/healthz says %d reconnects, want at least %d", st.Reconnects, outages)
	}

	for p, ph := range phases[:outages] {
		t.Logf("outage %d (%s): killed after %d lines per channel were sent, %v durable; down for %v; the bot back in both channels %v after the server",
			p+1, ph.kill, ph.sent, ph.durable, ph.up.Sub(ph.down).Round(time.Millisecond), ph.reconnect.Round(time.Millisecond))
	}
	for _, ch := range channels {
		evs := logOf(t, db, ch)
		checkOnce(t, evs)
		var gaps []int
		for i, ev := range evs {
			if ev.Kind == event.KindGap {
				gaps = append(gaps, i)
			}
		}
		if len(gaps) != outages {
			for _, ev := range evs {
				if ev.Kind != event.KindMessage {
					t.Log(describe(ev))
				}
			}
			t.Fatalf("%s: %d gap events, want %d (one per outage)", ch, len(gaps), outages)
		}
		// The segments of the log between gaps: one per connection.
		bounds := append(append([]int{-1}, gaps...), len(evs))
		var recorded []int
		for p := range phases {
			seg := evs[bounds[p]+1 : bounds[p+1]]
			msgs := messagesFrom(seg, "sender")
			for i, ev := range msgs {
				if want := fmt.Sprintf("p%d %s %04d", p, ch, i); ev.Text != want {
					t.Fatalf("%s: message %d of connection %d is %s, want %q: lines are missing, out of order or on the wrong side of a gap", ch, i, p, describe(ev), want)
				}
			}
			recorded = append(recorded, len(msgs))
			ph := phases[p]
			switch {
			case p == outages && len(msgs) != ph.sent:
				t.Errorf("%s: %d of the %d lines sent after the last restart are recorded, want all", ch, len(msgs), ph.sent)
			case p < outages && len(msgs) < ph.durable[ch]:
				t.Errorf("%s: connection %d: %d lines recorded, but %d were in the archive before the kill", ch, p, len(msgs), ph.durable[ch])
			case len(msgs) > ph.sent:
				t.Errorf("%s: connection %d: %d lines recorded, only %d sent", ch, p, len(msgs), ph.sent)
			}
			if p == 0 {
				continue
			}
			// The gap before this connection: from the last line read
			// on the old connection to the rejoin. (The bot may read the
			// last lines of a dead connection after the server is back, when
			// it is behind: the start is when it read them, the same clock
			// as the times of the lines before the gap.)
			gap, prev, next := evs[bounds[p]], evs[bounds[p]-1], evs[bounds[p]+1]
			start, ok := gap.GapStart()
			if !ok {
				t.Fatalf("%s: gap text %q is not an RFC 3339 time", ch, gap.Text)
			}
			out := phases[p-1]
			switch {
			case start.Before(prev.Time.Truncate(time.Millisecond)):
				t.Errorf("%s: gap %d starts at %v, before the event recorded before it (%s)", ch, p, start, describe(prev))
			case start.After(gap.Time):
				t.Errorf("%s: gap %d starts at %v, after its end %v", ch, p, start, gap.Time)
			case gap.Time.Before(out.up.Truncate(time.Millisecond)):
				t.Errorf("%s: gap %d ends at %v, before the server was back (%v)", ch, p, gap.Time, out.up)
			case gap.Time.Sub(start) > time.Minute:
				t.Errorf("%s: gap %d spans %v, more than the outage", ch, p, gap.Time.Sub(start))
			}
			if next.Kind != event.KindJoin || next.Flags&event.FlagSelf == 0 {
				t.Errorf("%s: gap %d is followed by %s, want the bot's rejoin", ch, p, describe(next))
			}
		}
		t.Logf("%s: lines recorded per connection %v; gaps at events %v", ch, recorded, gaps)
	}
}

// killServer sends SIGKILL to the server's process (found by its
// directory in /proc/*/cmdline): no goodbye, just closed sockets.
func killServer(t *testing.T, srv *ircserver.Server) {
	t.Helper()
	procs, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range procs {
		cmdline, err := os.ReadFile(p)
		if err != nil || !strings.Contains(string(cmdline), srv.Dir+string(filepath.Separator)) {
			continue
		}
		var pid int
		if _, err := fmt.Sscanf(p, "/proc/%d/cmdline", &pid); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatalf("kill the IRC server (pid %d): %v", pid, err)
		}
		return
	}
	t.Fatalf("no process of the IRC server in %s found", srv.Dir)
}
