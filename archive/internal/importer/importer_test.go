package importer

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"proceedings/archive"
	"proceedings/event"
)

func TestSameTime(t *testing.T) {
	for _, c := range []struct {
		stored, ts, tol int64
		want            bool
	}{
		{1000, 1000, 1000, true},
		{1000, 2000, 1000, true},
		{1000, 2001, 1000, false},
		{2001, 1000, 1000, false},
		{60000, 119999, 1000, true}, // HH:MM stored, the same line with seconds
		{60000, 120000, 1000, false},
		{60000, 59000, 1000, true}, // within the tolerance either side
		{61000, 100000, 1000, false},
	} {
		if got := sameTime(c.stored, c.ts, c.tol); got != c.want {
			t.Errorf("sameTime(%d, %d, %d) = %v; want %v", c.stored, c.ts, c.tol, got, c.want)
		}
	}
}

// TestFresh imports lines of which the archive holds some: a stored line
// matches once per file, a line a file holds twice is stored twice.
func TestMatch(t *testing.T) {
	at := time.Date(2026, 2, 2, 10, 0, 0, 0, time.UTC)
	line := func(text string, sec int) event.Event {
		return event.Event{Kind: event.KindMessage, Channel: "#c", Nick: "n", Text: text, Time: at.Add(time.Duration(sec) * time.Second)}
	}
	stored := []event.Event{line("hello", 0)}
	loads := 0
	load := func(channel int64, from, to time.Time, add func(ts int64, kind event.Kind, nick, text string)) error {
		loads++
		return loadFrom(stored, from, to, add)
	}
	var fresh []string
	im := New(time.UTC, archive.ImportOptions{}, storeFresh(load, func(ev event.Event) { fresh = append(fresh, ev.Text) }), nil)
	ctx := context.Background()
	for _, ev := range []event.Event{line("hello", 1), line("hello", 1), line("new", 2)} {
		if err := im.Add(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	im.StartFile()
	if err := im.Add(ctx, line("hello", 0)); err != nil {
		t.Fatal(err)
	}
	if err := im.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// First file: the stored hello, a second hello, new. Second file: its
	// hello is the stored one.
	if want := []string{"hello", "new"}; len(fresh) != len(want) || fresh[0] != want[0] || fresh[1] != want[1] {
		t.Errorf("fresh = %q; want %q", fresh, want)
	}
	if got, want := im.Stats(), (archive.ImportStats{Added: 2, Duplicates: 2}); got != want {
		t.Errorf("Stats() = %+v; want %+v", got, want)
	}
	if loads != 1 {
		t.Errorf("the channel-day was read %d times; want once per batch", loads)
	}
}

func TestAddRefusesInvalidEvent(t *testing.T) {
	im := New(time.UTC, archive.ImportOptions{}, func(context.Context, *Batch) error { return nil }, nil)
	if err := im.Add(context.Background(), event.Event{Kind: event.KindMessage}); err == nil {
		t.Error("Add of an event without a channel succeeded")
	}
}

// Two identical lines of one file are two lines also when the second
// starts a new batch; the same lines from a second file are duplicates of
// them. After a batch only the channel-days it touched stay in memory.
func TestIdenticalLinesAcrossBatches(t *testing.T) {
	at := time.Date(2026, 2, 2, 10, 0, 0, 0, time.UTC)
	var stored []event.Event
	load := func(channel int64, from, to time.Time, add func(ts int64, kind event.Kind, nick, text string)) error {
		return loadFrom(stored, from, to, add)
	}
	im := New(time.UTC, archive.ImportOptions{}, storeFresh(load, func(ev event.Event) { stored = append(stored, ev) }), nil)
	ctx := context.Background()
	add := func(ev event.Event) {
		t.Helper()
		if err := im.Add(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	twice := event.Event{Kind: event.KindJoin, Channel: "#c", Nick: "frank", Time: at.Add(time.Hour)}
	for i := range BatchSize - 1 {
		add(event.Event{Kind: event.KindMessage, Channel: "#c", Nick: "n", Text: "filler", Time: at.Add(time.Duration(i) * time.Millisecond)})
	}
	add(twice) // the last event of the first batch
	add(twice) // the first of the second
	add(event.Event{Kind: event.KindMessage, Channel: "#c", Nick: "n", Text: "next day", Time: at.Add(24 * time.Hour)})
	im.StartFile()
	add(twice)
	add(twice)
	add(twice)
	im.StartFile()
	later := at.Add(72 * time.Hour)
	for i := range BatchSize {
		add(event.Event{Kind: event.KindMessage, Channel: "#c", Nick: "n", Text: "later", Time: later.Add(time.Duration(i) * time.Millisecond)})
	}
	if err := im.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := im.Stats(), (archive.ImportStats{Added: 2*BatchSize + 3, Duplicates: 2}); got != want {
		t.Errorf("Stats() = %+v; want %+v", got, want)
	}
	// The last batch touched only the third file's day of the three the
	// import wrote.
	if len(im.known) != 1 {
		t.Errorf("%d channel-days kept after the last batch; want 1", len(im.known))
	}
}

// loadFrom is a LoadFunc's reading of an archive that holds stored.
func loadFrom(stored []event.Event, from, to time.Time, add func(ts int64, kind event.Kind, nick, text string)) error {
	for _, ev := range stored {
		if !ev.Time.Before(from) && ev.Time.Before(to) {
			add(ev.Time.UnixMilli(), ev.Kind, ev.Nick, ev.Text)
		}
	}
	return nil
}

// storeFresh is a WriteFunc that asks load which events of a batch (all in
// channel 1) are fresh, and stores each fresh one with store.
func storeFresh(load LoadFunc, store func(event.Event)) WriteFunc {
	return func(ctx context.Context, b *Batch) error {
		chans := make([]int64, len(b.Events))
		for i := range chans {
			chans[i] = 1
		}
		fresh, err := b.Match(chans, load)
		if err != nil {
			return err
		}
		n := 0
		for i, ev := range b.Events {
			if fresh[i] {
				store(ev)
				n++
			}
		}
		b.Added(n)
		return nil
	}
}

// Lines of one file with the same text a minute apart, against stored
// lines, in an HH:MM log (a minute's tolerance): the stored line matches
// the line at its own time, not the first within a minute of it (an
// outside helper's find: importing "10:01 lol" and then a file with
// "10:00 lol", "10:01 lol" lost the 10:00 line and stored 10:01 twice);
// two HH:MM times match only when equal; an HH:MM line matches a line of a
// seconds log in its minute.
func TestMatchTimes(t *testing.T) {
	at := time.Date(2027, 2, 1, 10, 0, 0, 0, time.UTC)
	line := func(text string, min int) event.Event {
		return event.Event{Kind: event.KindMessage, Channel: "#c", Nick: "bob", Text: text, Time: at.Add(time.Duration(min) * time.Minute)}
	}
	secs := func(ev event.Event, n int) event.Event {
		ev.Time = ev.Time.Add(time.Duration(n) * time.Second)
		return ev
	}
	halfPast := func(ev event.Event) event.Event { return secs(ev, 30) }
	for _, c := range []struct {
		name         string
		stored, file []event.Event
		want         []string // the fresh lines, as "text@minute"
	}{
		{"exact match later in the file", []event.Event{line("lol", 1)}, []event.Event{line("lol", 0), line("lol", 1), line("bye", 5)}, []string{"lol@0", "bye@5"}},
		{"two stored, two lines", []event.Event{line("lol", 1), line("lol", 2)}, []event.Event{line("lol", 1), line("lol", 2), line("lol", 3)}, []string{"lol@3"}},
		{"a minute off in two HH:MM logs", []event.Event{line("lol", 1)}, []event.Event{line("lol", 0)}, []string{"lol@0"}},
		{"half a minute off, a seconds log stored", []event.Event{halfPast(line("lol", 1))}, []event.Event{line("lol", 1)}, nil},
		// helper-39's finds: an HH:MM line is not a stored line of the
		// minute before; a second of skew pairs every line with its twin;
		// a stored HH:MM line takes a seconds line a second past its
		// minute; the own format's :00 seconds of an HH:MM line match.
		{"HH:MM after a seconds line of the minute before", []event.Event{halfPast(line("lol", 0))}, []event.Event{line("lol", 1)}, []string{"lol@1"}},
		{"a second of skew", []event.Event{secs(line("why", 0), 19), secs(line("why", 0), 20), secs(line("why", 0), 21)}, []event.Event{secs(line("why", 0), 20), secs(line("why", 0), 21), secs(line("why", 0), 22)}, nil},
		{"skew across the minute", []event.Event{line("bye", 1)}, []event.Event{secs(line("bye", 0), 59)}, nil},
		{"own export of an HH:MM line", []event.Event{secs(line("hi", 1), 27)}, []event.Event{line("hi", 1)}, nil},
		{"two minutes off", []event.Event{line("lol", 0)}, []event.Event{line("lol", 2)}, []string{"lol@2"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			load := func(channel int64, from, to time.Time, add func(ts int64, kind event.Kind, nick, text string)) error {
				return loadFrom(c.stored, from, to, add)
			}
			var fresh []string
			im := New(time.UTC, archive.ImportOptions{}, storeFresh(load, func(ev event.Event) {
				fresh = append(fresh, fmt.Sprintf("%s@%d", ev.Text, int(ev.Time.Sub(at).Minutes())))
			}), nil)
			for _, ev := range c.file {
				if err := im.Add(context.Background(), ev); err != nil {
					t.Fatal(err)
				}
			}
			if err := im.Flush(context.Background()); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(fresh, c.want) {
				t.Errorf("fresh %q, want %q", fresh, c.want)
			}
		})
	}
}
