package announce

import (
	"context"
	"fmt"
	"log/slog"
	"proceedings/event"
	"strings"
	"testing"
	"time"

	"github.com/ergochat/irc-go/ircmsg"

	"proceedings/archive"
	"proceedings/bot"
	"proceedings/bot/titles"
	"proceedings/config"
	"proceedings/internal/bottest"
	"proceedings/internal/ircserver"
)

// TestAnnouncerOverIRC runs the bot (bot.New) on a real IRC server
// (ngIRCd) with the announcer and the title fetcher, and checks the exact
// lines a second client reads in the channel.
func TestAnnouncerOverIRC(t *testing.T) {
	t.Parallel()
	srv := ircserver.Start(t, ircserver.Options{Kind: ircserver.NgIRCd})
	reader := ircserver.Dial(t, srv.Addr(), "reader")
	reader.Join(testChannel)

	fx := loadFixture(t)
	fs := newFeedServer(t, fx.doc(fx.without(t, "Part X:", "Links 02/02/2026")))
	pages := bottest.TitlePages(t)
	host, port, _ := strings.Cut(srv.Addr(), ":")
	dir := t.TempDir()
	cfg := bottest.ParseConfig(t, dir, fmt.Sprintf(`network: test
server: {host: %s, port: %s, tls: false}
nick: announcer
channels:
  - {name: %q, public: true, announce: true, titles: true}
feeds:
  - {url: %q, interval: 1s, max_burst: 2}
titles:
  allow_hosts: ["127.0.0.1"]
`, host, port, testChannel, fs.URL()))
	h := startBot(t, cfg)
	h.WaitSelfJoins(1)
	reader.Expect(30*time.Second, func(l string) bool { return strings.Contains(l, "JOIN") && strings.HasPrefix(l, ":announcer!") })

	a, err := NewAnnouncer(Options{Feeds: cfg.Feeds, Series: cfg.Series, Store: h.DB, Sayer: h.B, Timeout: 5 * time.Second, Logger: bottest.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	tf, err := titles.NewTitleFetcher(titles.Options{Titles: cfg.Titles, Enabled: titles.Enabled(cfg), Sayer: h.B, Logger: bottest.Logger(t)})
	if err != nil {
		t.Fatal(err)
	}
	h.B.AddListener(tf)

	// expect reads the announcer's next lines in the channel.
	expect := func(want ...string) {
		t.Helper()
		for _, w := range want {
			line := reader.Expect(30*time.Second, func(l string) bool {
				return strings.HasPrefix(l, ":announcer!") && strings.Contains(l, " PRIVMSG "+testChannel+" :")
			})
			m, err := ircmsg.ParseLine(line)
			if err != nil {
				t.Fatalf("parse %q: %v", line, err)
			}
			if got := m.Params[1]; got != w {
				t.Fatalf("the channel read\n  %q\nwant\n  %q", got, w)
			}
		}
	}
	poll := func() {
		t.Helper()
		if _, err := a.Poll(context.Background(), 0); err != nil {
			t.Fatal(err)
		}
	}

	poll() // the first run: nothing
	fs.set(fx.doc(fx.items))
	poll()
	var burst []string
	for i := range 4 {
		burst = append([]string{rssItem(fmt.Sprintf("Gemini Links 0%d/02/2026: Burst %d", i+4, i+1), fmt.Sprintf("https://techrights.org/n/burst_%d.shtml", i+1),
			time.Date(2026, 2, 4+i, 0, 0, 0, 0, time.UTC))}, burst...)
	}
	fs.set(fx.doc(append(burst, fx.items...)))
	poll()
	poll() // nothing new
	reader.Send("PRIVMSG %s :have a look at %s/entities and %s/page", testChannel, pages.URL, pages.URL)
	expect(
		"New: From Belarus With Love — Part X (10 of 10): From “High-Tech Hub” to “No-Go Zone” — "+partXLink,
		"Links 02/02/2026: Cultural Cleansing by China and 'Living Behind Firewalls\" in Iran — "+links0202,
		"Gemini Links 04/02/2026: Burst 1 — https://techrights.org/n/burst_1.shtml",
		"Gemini Links 05/02/2026: Burst 2 — https://techrights.org/n/burst_2.shtml",
		"… and 2 more: https://techrights.org/",
		"[ Fish & Chips — “Quoted” ] - "+pages.Listener.Addr().String(),
	)
	// The bot recorded its own announcement of part X.
	h.WaitFor(30*time.Second, "the announcement in the archive", func(evs []event.Event) bool {
		return bottest.Count(evs, func(ev event.Event) bool {
			return ev.Flags&event.FlagSelf != 0 && strings.HasPrefix(ev.Text, "New: From Belarus With Love — Part X (10 of 10)")
		}) == 1
	})
	// Nothing else was said: a marker line from the reader arrives, and the
	// bot said nothing before it.
	reader.Send("PRIVMSG %s :marker", testChannel)
	reader.Send("PING :done")
	line := reader.Expect(30*time.Second, func(l string) bool {
		return strings.Contains(l, "PONG") || strings.HasPrefix(l, ":announcer!") && strings.Contains(l, "PRIVMSG")
	})
	if !strings.Contains(line, "PONG") {
		t.Errorf("the bot said more than expected: %q", line)
	}
}

// startBot runs the bot on cfg, wired as the runner wires it, and follows
// what its archive commits.
func startBot(t testing.TB, cfg *config.Config) *bottest.Harness[*bot.Bot] {
	return bottest.Start(t, cfg, func(db archive.Store, log *slog.Logger, hook bottest.Hook) (*bot.Bot, error) {
		return bot.New(cfg, db, bot.Options{Logger: log, OnRecorded: hook})
	})
}
