package render

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"proceedings/event"
	"reflect"
	"strings"
	"testing"
	"time"

	"proceedings/archive"
)

// TestComputeStats checks the numbers of the fixture's channel, counted by
// hand from fixture(), over the whole log and over parts of it.
func TestComputeStats(t *testing.T) {
	db := openArchive(t, london)
	store(t, db, fixture()...)
	ctx := context.Background()
	ch, err := db.FindChannel(ctx, "testnet", "#test")
	if err != nil {
		t.Fatal(err)
	}
	d := func(day int) event.Date { return event.Date{Year: 2026, Month: time.February, Day: day} }
	var hours [24]int
	hours[8], hours[9], hours[10], hours[11], hours[13], hours[23] = 1, 6, 1, 1, 2, 1
	var weekdays [7]int
	weekdays[time.Sunday], weekdays[time.Monday], weekdays[time.Wednesday] = 2, 9, 1
	whole := ChannelStats{
		Network: "testnet", Channel: "#test",
		First: d(1), Last: d(4),
		Events: 21, Lines: 12, ActiveDays: 3, Speakers: 5,
		// alice: 2 + 6 + 8 + 5 + 3 words (split at spaces, formatting codes
		// and all); bob is now known as bobby, who never speaks.
		TopTalkers: []Talker{{"alice", 5, 24}, {"bob", 3, 11}, {"proceedings", 2, 15}},
		Hours:      hours, Weekdays: weekdays,
		// The topic on join, alice's two links, the changed topic and the
		// bot's announcement; the bot's title line is no link of its own.
		Links: 5,
		Hosts: []HostCount{{"techrights.org", 2}, {"example.org", 1}, {"gemini.example", 1}},
	}
	var hours2 [24]int
	hours2[9], hours2[11], hours2[13] = 6, 1, 2
	var weekdays2 [7]int
	weekdays2[time.Monday] = 9
	for _, tc := range []struct {
		name     string
		from, to event.Date
		top      int
		want     ChannelStats
	}{
		{"whole log", event.Date{}, event.Date{}, 3, whole},
		{"bounds around the log", d(1).AddDays(-30), d(28), 3, whole},
		{"one day", d(2), d(2), 2, ChannelStats{
			Network: "testnet", Channel: "#test", First: d(2), Last: d(2),
			Events: 18, Lines: 9, ActiveDays: 1, Speakers: 5,
			TopTalkers: []Talker{{"alice", 3, 19}, {"bob", 2, 6}}, // bob before proceedings: a tie
			Hours:      hours2, Weekdays: weekdays2,
			Links: 5, Hosts: []HostCount{{"techrights.org", 2}, {"example.org", 1}},
		}},
		{"a day without events", d(3), d(3), 3, ChannelStats{Network: "testnet", Channel: "#test"}},
		{"to before from", d(4), d(1), 3, ChannelStats{Network: "testnet", Channel: "#test"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ComputeStats(ctx, db, ch.ID, tc.from, tc.to, tc.top)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ComputeStats(%s, %s, %d)\n got %+v\nwant %+v", tc.from, tc.to, tc.top, got, tc.want)
			}
		})
	}

	t.Run("unknown channel", func(t *testing.T) {
		if _, err := ComputeStats(ctx, db, 9999, event.Date{}, event.Date{}, 3); !errors.Is(err, archive.ErrNoChannel) {
			t.Errorf("err = %v, want ErrNoChannel", err)
		}
	})

	t.Run("JSON", func(t *testing.T) {
		data, err := json.Marshal(whole)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{`"first":"2026-02-01"`, `"last":"2026-02-04"`, `"active_days":3`,
			`"top_talkers":[{"nick":"alice","lines":5,"words":24}`, `"hosts":[{"host":"techrights.org","links":2}`} {
			if !strings.Contains(string(data), want) {
				t.Errorf("JSON lacks %s:\n%s", want, data)
			}
		}
		empty, _ := json.Marshal(ChannelStats{Network: "n", Channel: "#c"})
		if strings.Contains(string(empty), `"first"`) || !strings.Contains(string(empty), `"top_talkers":[]`) {
			t.Errorf("JSON of no days: %s", empty)
		}
	})

	t.Run("the stats page shows the same numbers", func(t *testing.T) {
		out := t.TempDir()
		render(t, db, fixtureOptions(out))
		page, err := os.ReadFile(filepath.Join(out, "testnet/test/stats.html"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			"12 lines by 5 people on 3 days, from 2026-02-01 to 2026-02-04 · 5 links shared",
			`<td class="nk c`, `">alice</td><td>5</td>`, `<td class="wpl">4.8</td>`, // 24 words / 5 lines
			`<tr><th scope="row">09:00–09:59</th><td>6</td></tr>`,
			`<tr><th scope="row">Monday</th><td>9</td></tr>`, `<tr><th scope="row">Sunday</th><td>2</td></tr>`,
			`<td class="host">techrights.org</td><td>2</td>`,
		} {
			if !strings.Contains(string(page), want) {
				t.Errorf("stats page lacks %q", want)
			}
		}
	})
}

// TestComputeStatsMatchesTheRenderedDays streams a generated log across a
// change to summer time and compares the result with the stats page's own
// input, the day aggregates a render keeps: one aggregation, one answer.
func TestComputeStatsMatchesTheRenderedDays(t *testing.T) {
	db := openArchive(t, london)
	importEvents(t, db, generate(3000, 30)) // 100 days from 2025-01-01, over 30 March
	ctx := context.Background()
	out := t.TempDir()
	opt := benchOptions(out)
	opt.Location = london
	render(t, db, opt)
	ch, err := db.FindChannel(ctx, "libera", "#techrights")
	if err != nil {
		t.Fatal(err)
	}
	r := &renderer{opt: Options{Out: out}}
	cache := r.loadCache(ch.ID)
	if cache == nil || len(cache.Days) < 90 {
		t.Fatalf("no stats cache after the render")
	}
	acc := newStatsAcc()
	for i := range cache.Days {
		day, err := event.ParseDate(cache.Days[i].Day)
		if err != nil {
			t.Fatal(err)
		}
		acc.add(day, &cache.Days[i])
	}
	want := acc.stats("libera", "#techrights", 10)
	got, err := ComputeStats(ctx, db, ch.ID, event.Date{}, event.Date{}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ComputeStats differs from the rendered days' aggregates:\n got %+v\nwant %+v", got, want)
	}
	if got.Events != 3000 || got.Lines == 0 || len(got.TopTalkers) != 10 || len(got.Hosts) != 5 {
		t.Errorf("implausible stats: %+v", got)
	}
}

// A cancelled ComputeStats stops with the context's error and leaves no
// reader behind.
func TestComputeStatsCancelled(t *testing.T) {
	db := openArchive(t, london)
	importEvents(t, db, generate(3000, 30))
	ch, err := db.FindChannel(context.Background(), "libera", "#techrights")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ComputeStats(ctx, db, ch.ID, event.Date{}, event.Date{}, 10); !errors.Is(err, context.Canceled) {
		t.Errorf("ComputeStats on a cancelled context: %v", err)
	}
	// The archive is still usable: every reader was given back.
	if _, err := ComputeStats(context.Background(), db, ch.ID, event.Date{}, event.Date{}, 10); err != nil {
		t.Fatal(err)
	}
}
