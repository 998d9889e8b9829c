package logs

import (
	"bytes"
	"fmt"
	"io"
	"proceedings/event"
	"strings"
	"testing"
	"time"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

// show renders an event compactly for comparisons in tests.
func show(ev event.Event) string {
	return fmt.Sprintf("%s %s n=%q uh=%q acct=%q tg=%q tx=%q f=%d ch=%s net=%s",
		ev.Time.UTC().Format(time.RFC3339), ev.Kind, ev.Nick, ev.UserHost, ev.Account,
		ev.Target, ev.Text, ev.Flags, ev.Channel, ev.Network)
}

// readAll reads every event of a log with opt, failing the test on errors.
func readAll(t testing.TB, text string, opt Options) ([]event.Event, *Reader) {
	t.Helper()
	r, err := NewReader(strings.NewReader(text), opt)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var evs []event.Event
	for {
		ev, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if err := readEventError(ev); err != nil {
			t.Error(err)
		}
		evs = append(evs, ev)
	}
	return evs, r
}

// readEventError says what is wrong with an event a Reader returned: not
// valid, its time not in UTC, or not marked imported. It is nil when
// nothing is.
func readEventError(ev event.Event) error {
	switch err := ev.Validate(); {
	case err != nil:
		return fmt.Errorf("invalid event %s: %v", show(ev), err)
	case ev.Time.Location() != time.UTC:
		return fmt.Errorf("event time not in UTC: %s", show(ev))
	case ev.Flags&event.FlagImported == 0:
		return fmt.Errorf("event without FlagImported: %s", show(ev))
	}
	return nil
}

// countEvents reads r to its end or its first error: how many events it
// gave, and the error (io.EOF at the end).
func countEvents(r *Reader) (int, error) {
	n := 0
	for {
		if _, err := r.Next(); err != nil {
			return n, err
		}
		n++
	}
}

func TestDayTitle(t *testing.T) {
	day := time.Date(2026, 2, 2, 23, 30, 0, 0, time.UTC)
	if got, want := DayTitle(day), "Monday, February 02, 2026"; got != want {
		t.Errorf("DayTitle = %q, want %q", got, want)
	}
}

func TestFormatLine(t *testing.T) {
	london := mustZone(t, "Europe/London")
	// 14:03:11 in London on 2 February is 14:03:11 UTC (GMT).
	at := func(hms string) time.Time {
		tt, err := time.ParseInLocation("2006-01-02 15:04:05", "2026-02-02 "+hms, london)
		if err != nil {
			t.Fatal(err)
		}
		return tt.UTC()
	}
	ch := "#techrights"
	tests := []struct {
		name string
		ev   event.Event
		want string
	}{
		{"message", event.Event{Time: at("14:03:11"), Kind: event.KindMessage, Nick: "alice", Text: "hello there"},
			"[14:03:11] <alice> hello there"},
		{"action", event.Event{Time: at("14:03:15"), Kind: event.KindAction, Nick: "alice", Text: "waves"},
			"[14:03:15] * alice waves"},
		{"notice", event.Event{Time: at("14:03:20"), Kind: event.KindNotice, Nick: "bob", Text: "a notice"},
			"[14:03:20] -bob- a notice"},
		{"join", event.Event{Time: at("14:04:00"), Kind: event.KindJoin, Nick: "carol", UserHost: "~carol@host.example"},
			"[14:04:00] -!- carol [~carol@host.example] has joined #techrights"},
		{"join without host", event.Event{Time: at("14:04:00"), Kind: event.KindJoin, Nick: "carol"},
			"[14:04:00] -!- carol has joined #techrights"},
		{"part", event.Event{Time: at("14:05:00"), Kind: event.KindPart, Nick: "carol", UserHost: "~carol@host.example", Text: "bye"},
			"[14:05:00] -!- carol [~carol@host.example] has left #techrights [bye]"},
		{"part without reason", event.Event{Time: at("14:05:00"), Kind: event.KindPart, Nick: "carol", UserHost: "~carol@host.example"},
			"[14:05:00] -!- carol [~carol@host.example] has left #techrights"},
		{"quit", event.Event{Time: at("14:06:00"), Kind: event.KindQuit, Nick: "dave", UserHost: "~d@h", Text: "Ping timeout"},
			"[14:06:00] -!- dave [~d@h] has quit [Ping timeout]"},
		{"kick", event.Event{Time: at("14:07:00"), Kind: event.KindKick, Nick: "alice", Target: "erin", Text: "spam"},
			"[14:07:00] -!- erin was kicked from #techrights by alice [spam]"},
		{"nick", event.Event{Time: at("14:08:00"), Kind: event.KindNick, Nick: "frank", Target: "frankie"},
			"[14:08:00] -!- frank is now known as frankie"},
		{"topic", event.Event{Time: at("14:09:00"), Kind: event.KindTopic, Nick: "alice", Text: "new topic"},
			"[14:09:00] -!- alice changed the topic of #techrights to: new topic"},
		{"topic on join", event.Event{Time: at("14:09:01"), Kind: event.KindTopic, Text: "topic seen on join", Flags: event.FlagTopicOnJoin},
			"[14:09:01] -!- Topic for #techrights: topic seen on join"},
		{"topic without nick", event.Event{Time: at("14:09:02"), Kind: event.KindTopic, Text: "t"},
			"[14:09:02] -!- Topic of #techrights changed to: t"},
		{"mode", event.Event{Time: at("14:10:00"), Kind: event.KindMode, Nick: "alice", Text: "+o bob"},
			"[14:10:00] -!- mode/#techrights [+o bob] by alice"},
		{"mode by server", event.Event{Time: at("14:10:00"), Kind: event.KindMode, Text: "+nt"},
			"[14:10:00] -!- mode/#techrights [+nt]"},
		{"gap", event.Event{Time: at("14:11:00"), Kind: event.KindGap, Text: at("13:50:02").Format(time.RFC3339Nano)},
			"[14:11:00] -!- recording gap: nothing was recorded from 13:50:02 to 14:11:00"},
		{"gap from another day", event.Event{Time: at("00:11:00"), Kind: event.KindGap, Text: "2026-01-30T23:50:02Z"},
			"[00:11:00] -!- recording gap: nothing was recorded from 2026-01-30 23:50:02 to 00:11:00"},
		{"gap without start", event.Event{Time: at("00:11:00"), Kind: event.KindGap, Text: "?"},
			"[00:11:00] -!- recording gap: nothing was recorded before 00:11:00"},
		{"line breaks and NUL become spaces", event.Event{Time: at("14:12:00"), Kind: event.KindMessage, Nick: "x", Text: "a\r\nb\x00c"},
			"[14:12:00] <x> a  b c"},
		{"mIRC codes kept", event.Event{Time: at("14:12:00"), Kind: event.KindMessage, Nick: "x", Text: "\x0312blue\x03 \x02bold"},
			"[14:12:00] <x> \x0312blue\x03 \x02bold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.ev.Channel = ch
			if got := FormatLine(tt.ev, london); got != tt.want {
				t.Errorf("FormatLine =\n %q\nwant\n %q", got, tt.want)
			}
		})
	}
	// Summer time: 13:03:11 UTC is 14:03:11 BST.
	ev := event.Event{Time: time.Date(2026, 7, 1, 13, 3, 11, 0, time.UTC), Kind: event.KindMessage, Nick: "a", Text: "b", Channel: ch}
	if got, want := FormatLine(ev, london), "[14:03:11] <a> b"; got != want {
		t.Errorf("summer time: FormatLine = %q, want %q", got, want)
	}
	if got, want := FormatLine(ev, nil), "[13:03:11] <a> b"; got != want {
		t.Errorf("nil location: FormatLine = %q, want %q", got, want)
	}
}

func TestWriterHeader(t *testing.T) {
	london := mustZone(t, "Europe/London")
	day := time.Date(2026, 2, 2, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		network string
		want    string
	}{
		{"techrights", "--- IRC logs for Monday, February 02, 2026\n--- #techrights on techrights (times are Europe/London)\n"},
		{"", "--- IRC logs for Monday, February 02, 2026\n--- #techrights (times are Europe/London)\n"},
	}
	for _, tt := range tests {
		t.Run("network="+tt.network, func(t *testing.T) {
			var b bytes.Buffer
			w := NewWriter(&b, london)
			if err := w.Header(tt.network, "#techrights", day); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("header =\n%q\nwant\n%q", b.String(), tt.want)
			}
		})
	}
}

// everyKind returns events of every kind and flag, in time order, over two
// London days, with the corner cases of each kind.
func everyKind(t testing.TB) []event.Event {
	london := mustZone(t, "Europe/London")
	base := time.Date(2026, 3, 28, 23, 50, 0, 0, london) // the next day is the spring change
	n := 0
	ev := func(kind event.Kind, nick, uh, target, text string, flags event.Flags) event.Event {
		n++
		return event.Event{
			Network: "techrights", Channel: "#techrights",
			Time: base.Add(time.Duration(n) * 97 * time.Second).UTC(),
			Kind: kind, Nick: nick, UserHost: uh, Target: target, Text: text,
			Flags: flags | event.FlagImported,
		}
	}
	evs := []event.Event{
		ev(event.KindMessage, "alice", "", "", "hello there", 0),
		ev(event.KindMessage, "bob[m]", "", "", "", 0),
		ev(event.KindMessage, "carol", "", "", "  spaced  text with <angles> and [brackets] and -!- ", 0),
		ev(event.KindMessage, "dave", "", "", "\x0304red\x03 \x02bold\x02 ünïcödé 日本", 0),
		ev(event.KindAction, "alice", "", "", "waves", 0),
		ev(event.KindAction, "alice", "", "", "", 0),
		ev(event.KindNotice, "bob", "", "", "a notice", 0),
		ev(event.KindNotice, "foo-", "", "", "nick ends in a dash", 0),
		ev(event.KindNotice, "ChanServ", "", "", "", 0),
		ev(event.KindJoin, "carol", "~carol@host.example", "", "", 0),
		ev(event.KindJoin, "erin", "", "", "", 0),
		ev(event.KindPart, "carol", "~carol@host.example", "", "bye [for now]", 0),
		ev(event.KindPart, "erin", "", "", "", 0),
		ev(event.KindQuit, "dave", "~d@h", "", "Ping timeout: 240 seconds", 0),
		ev(event.KindQuit, "dave", "~d@h", "", "", 0),
		ev(event.KindKick, "alice", "", "erin", "spam", 0),
		ev(event.KindKick, "alice", "", "erin", "", 0),
		ev(event.KindNick, "frank", "", "frankie", "", 0),
		ev(event.KindTopic, "alice", "", "", "new topic: with colons", 0),
		ev(event.KindTopic, "alice", "", "", "", 0),
		ev(event.KindTopic, "", "", "", "topic seen on join", event.FlagTopicOnJoin),
		ev(event.KindTopic, "", "", "", "set by the server", 0),
		ev(event.KindMode, "alice", "", "", "+o bob", 0),
		ev(event.KindMode, "alice", "", "", "+b *!*@[::1]", 0),
		ev(event.KindMode, "", "", "", "+nt", 0),
		ev(event.KindMessage, "me", "", "", "the logger's own line", event.FlagSelf),
		ev(event.KindNotice, "me", "", "", "the logger's own notice", event.FlagSelf),
		ev(event.KindMessage, "bridged", "", "", "a line unwrapped from a relay bot", event.FlagRelayed),
		ev(event.KindJoin, "gina", "~g@h", "", "", 0),
	}
	evs[len(evs)-2].Via = "matrix"
	evs[len(evs)-1].Account = "gina_account"
	gapEnd := base.Add(time.Duration(n+1) * 97 * time.Second)
	n++
	evs = append(evs, event.Event{
		Network: "techrights", Channel: "#techrights", Time: gapEnd.UTC(), Kind: event.KindGap,
		Text: gapEnd.Add(-5 * time.Minute).UTC().Format(time.RFC3339), Flags: event.FlagImported,
	})
	// a gap that started the day before
	n++
	late := base.Add(time.Duration(n)*97*time.Second + 26*time.Hour)
	evs = append(evs, event.Event{
		Network: "techrights", Channel: "#techrights", Time: late.UTC(), Kind: event.KindGap,
		Text: late.Add(-25 * time.Hour).UTC().Format(time.RFC3339), Flags: event.FlagImported,
	})
	evs = append(evs, event.Event{
		Network: "techrights", Channel: "#techrights", Time: late.Add(time.Second).UTC(),
		Kind: event.KindMessage, Nick: "alice", Text: "back", Flags: event.FlagImported,
	})
	return evs
}

func TestWriterWithoutHeader(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b, nil)
	ev := event.Event{Network: "n", Channel: "#c", Time: time.Date(2026, 2, 2, 1, 2, 3, 0, time.UTC), Kind: event.KindMessage, Nick: "a", Text: "b"}
	if err := w.Write(ev); err != nil {
		t.Fatal(err)
	}
	want := "--- IRC logs for Monday, February 02, 2026\n--- #c on n (times are UTC)\n[01:02:03] <a> b\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

// TestWriterDayHeadersAcrossDST: a new day header at each local midnight,
// also around the 25-hour day when the clocks go back, and when a line
// goes back to an earlier day.
func TestWriterDayHeadersAcrossDST(t *testing.T) {
	loc := mustZone(t, "Europe/London")
	at := func(d, h, m int) time.Time { return time.Date(2026, 10, d, h, m, 0, 0, loc) }
	var b bytes.Buffer
	w := NewWriter(&b, loc)
	for _, tm := range []time.Time{at(24, 23, 59), at(25, 0, 1), at(25, 1, 30), at(25, 1, 30).Add(time.Hour), at(25, 23, 59), at(26, 0, 0), at(25, 12, 0)} {
		if err := w.Write(event.Event{Network: "n", Channel: "#c", Time: tm, Kind: event.KindMessage, Nick: "a", Text: tm.Format(time.RFC3339)}); err != nil {
			t.Fatal(err)
		}
	}
	var heads []string
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(line, ownDayPrefix) {
			heads = append(heads, strings.TrimPrefix(line, ownDayPrefix))
		}
	}
	want := []string{"Saturday, October 24, 2026", "Sunday, October 25, 2026", "Monday, October 26, 2026", "Sunday, October 25, 2026"}
	if strings.Join(heads, "|") != strings.Join(want, "|") {
		t.Errorf("day headers %q, want %q\n%s", heads, want, b.String())
	}
}
