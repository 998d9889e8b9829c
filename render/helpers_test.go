package render

import (
	"context"
	"errors"
	"log/slog"
	"proceedings/event"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/internal/archivetest"
)

var london = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func TestMain(m *testing.M) { archivetest.Main(m) }

// openArchive opens a fresh archive on the engine the tests run on
// (internal/archivetest).
func openArchive(t testing.TB, loc *time.Location) archive.Store {
	t.Helper()
	return archivetest.Open(t, archive.Options{Location: loc})
}

// store appends events and waits until they are committed.
func store(t testing.TB, db archive.Store, evs ...event.Event) {
	t.Helper()
	errc := make(chan error, 1)
	done := func(_ int64, err error) {
		if err != nil {
			select {
			case errc <- err:
			default:
			}
		}
	}
	ctx := context.Background()
	for _, ev := range evs {
		for {
			err := db.AppendAsync(ev, done)
			if errors.Is(err, archive.ErrQueueFull) {
				if err := db.Flush(ctx); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if err := db.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		t.Fatal(err)
	default:
	}
}

// at is a time in London on a February 2026 day.
func at(day, h, m, s int) time.Time {
	return time.Date(2026, time.February, day, h, m, s, 0, london)
}

// fixture is a small channel log with every kind of event, used by the
// golden, determinism and browser tests.
func fixture() []event.Event {
	ev := func(t time.Time, k event.Kind, nick, text string) event.Event {
		return event.Event{Network: "testnet", Channel: "#test", Time: t, Kind: k, Nick: nick, Text: text}
	}
	gap := ev(at(2, 9, 30, 0), event.KindGap, "", at(2, 8, 15, 2).UTC().Format(time.RFC3339Nano))
	topicJoin := ev(at(2, 9, 30, 1), event.KindTopic, "", "Welcome to #test | logs: https://irc.example.org/")
	topicJoin.Flags = event.FlagTopicOnJoin
	join := ev(at(2, 9, 31, 0), event.KindJoin, "alice", "")
	join.UserHost = "~alice@host.example"
	kick := ev(at(2, 13, 0, 0), event.KindKick, "alice", "no spam, please")
	kick.Target = "spammer"
	nick := ev(at(2, 13, 5, 0), event.KindNick, "bob", "")
	nick.Target = "bobby"
	self := ev(at(2, 13, 6, 0), event.KindMessage, "proceedings", "From Belarus With Love — Part X — https://techrights.org/n/2026/02/02/x/")
	self.Flags = event.FlagSelf
	title := ev(at(2, 9, 32, 12), event.KindMessage, "proceedings", "[ Example Domain ] - example.org")
	title.Flags = event.FlagSelf
	relayed := ev(at(2, 13, 7, 0), event.KindMessage, "carol", "hello from the other side")
	relayed.Via = "matrix"
	relayed.Flags = event.FlagRelayed
	quit := ev(at(2, 23, 59, 59), event.KindQuit, "bobby", "Ping timeout: 240 seconds")
	quit.UserHost = "~bob@10.0.0.1"
	return []event.Event{
		ev(at(1, 10, 0, 0), event.KindMessage, "alice", "yesterday's line"),
		ev(at(1, 23, 59, 59), event.KindMessage, "bob", "last line of the first"),
		gap, topicJoin, join,
		ev(at(2, 9, 32, 10), event.KindMessage, "alice", "good morning, see https://example.org/a_(b) and gemini://gemini.example/x."),
		title,
		ev(at(2, 9, 32, 15), event.KindAction, "bob", "waves"),
		ev(at(2, 9, 33, 0), event.KindNotice, "ChanServ", "the channel is logged"),
		ev(at(2, 9, 34, 0), event.KindMessage, "alice", "\x02bold\x02 \x1ditalic\x1d \x1funder\x1f \x0304red\x03 \x0300,01white on black\x0f plain"),
		ev(at(2, 9, 35, 0), event.KindMessage, "bob", `<script>alert(1)</script> & "quotes" 'single' javascript:alert(2)`),
		ev(at(2, 11, 40, 0), event.KindMessage, "alice", "back after a quiet stretch"),
		ev(at(2, 11, 41, 0), event.KindTopic, "alice", "New topic with a link https://techrights.org/"),
		ev(at(2, 11, 42, 0), event.KindMode, "alice", "+o bob"),
		ev(at(2, 11, 43, 0), event.KindPart, "dave", "bye"),
		kick, nick, self, relayed, quit,
		ev(at(4, 8, 0, 0), event.KindMessage, "alice", "a later day"),
	}
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
