package main

import (
	"bufio"
	"log/slog"
	"os"
	"path/filepath"
	"proceedings/event"
	"reflect"
	"strings"
	"testing"
	"time"
)

func collect(spec corpusSpec) []event.Event {
	var out []event.Event
	for ev := range spec.events() {
		out = append(out, ev)
	}
	return out
}

func TestCorpusIsSeededAndSizesArePrefixes(t *testing.T) {
	a := collect(defaultSpec(7, 5000))
	b := collect(defaultSpec(7, 5000))
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two corpora with the same seed differ")
	}
	small := collect(defaultSpec(7, 3210))
	if len(small) != 3210 || len(a) != 5000 {
		t.Fatalf("got %d and %d events, want 3210 and 5000", len(small), len(a))
	}
	if !reflect.DeepEqual(small, a[:3210]) {
		t.Fatal("the smaller corpus is not a prefix of the larger one")
	}
	other := collect(defaultSpec(8, 5000))
	if reflect.DeepEqual(a, other) {
		t.Fatal("another seed gave the same corpus")
	}
}

func TestCorpusLooksLikeAChannel(t *testing.T) {
	const n = 40000
	evs := collect(defaultSpec(1, n))
	kinds := map[event.Kind]int{}
	nicks := map[string]int{}
	var urls, colour, nonASCII, long, common, phr int
	hours := make([]int, 24)
	baseOf := map[string]string{}
	for _, n := range nickNames {
		baseOf[n] = n
		for _, s := range nickSuffixes {
			baseOf[n+s] = n
		}
	}
	prev := time.Time{}
	for i, ev := range evs {
		if err := ev.Validate(); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if ev.Time.Before(prev) {
			t.Fatalf("event %d goes back in time: %s after %s", i, ev.Time, prev)
		}
		prev = ev.Time
		kinds[ev.Kind]++
		if ev.Kind == event.KindMessage {
			base, ok := baseOf[ev.Nick]
			if !ok {
				t.Fatalf("event %d: nick %q is none of the 40 people's", i, ev.Nick)
			}
			nicks[base]++
			hours[ev.Time.Hour()]++
			lower := strings.ToLower(ev.Text)
			if strings.Contains(ev.Text, "https://") {
				urls++
			}
			if strings.ContainsAny(ev.Text, "\x02\x03\x0f") {
				colour++
			}
			if strings.ContainsFunc(ev.Text, func(r rune) bool { return r > 127 }) {
				nonASCII++
			}
			if len(ev.Text) > 500 {
				long++
			}
			if strings.Contains(" "+lower+" ", " "+commonWord+" ") {
				common++
			}
			if strings.Contains(lower, phrase) {
				phr++
			}
		}
	}
	share := func(c int) float64 { return float64(c) / n }
	checks := []struct {
		name     string
		got      float64
		low, top float64
	}{
		{"messages", share(kinds[event.KindMessage]), 0.80, 0.95},
		{"actions", share(kinds[event.KindAction]), 0.015, 0.05},
		{"joins", share(kinds[event.KindJoin]), 0.02, 0.08},
		{"quits", share(kinds[event.KindQuit]), 0.01, 0.04},
		{"parts", share(kinds[event.KindPart]), 0.004, 0.02},
		{"nick changes", share(kinds[event.KindNick]), 0.003, 0.015},
		{"URLs", share(urls), 0.02, 0.06},
		{"colour codes", share(colour), 0.004, 0.02},
		{"non-ASCII", share(nonASCII), 0.004, 0.02},
		{"the common word", share(common), 0.003, 0.05},
		{"the phrase", share(phr), 0.001, 0.01},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if c.got < c.low || c.got > c.top {
				t.Errorf("share of %s = %.4f, want within [%.3f, %.3f]", c.name, c.got, c.low, c.top)
			}
		})
	}
	for _, k := range []event.Kind{event.KindKick, event.KindTopic, event.KindMode, event.KindNotice} {
		if kinds[k] == 0 {
			t.Errorf("no %s event in %d lines", k, n)
		}
	}
	if long == 0 {
		t.Errorf("no very long line in %d lines", n)
	}
	if len(nicks) > len(nickNames) || len(nicks) < 30 {
		t.Errorf("%d people spoke, want 30..%d", len(nicks), len(nickNames))
	}
	// Zipf-like: the busiest person says far more than the median one.
	var counts []int
	for _, c := range nicks {
		counts = append(counts, c)
	}
	top, median := maxInt(counts), sortedAt(counts, len(counts)/2)
	if top < 8*median {
		t.Errorf("activity is too even: the busiest said %d lines, the median person %d", top, median)
	}
	// Day/night: the busiest evening hour has several times the lines of 04:00.
	if hours[18] < 4*hours[4] {
		t.Errorf("no day/night rhythm: %d lines at 18h, %d at 4h", hours[18], hours[4])
	}
}

func maxInt(s []int) int {
	m := s[0]
	for _, v := range s {
		m = max(m, v)
	}
	return m
}

func sortedAt(s []int, i int) int {
	c := append([]int(nil), s...)
	for a := range c {
		for b := a + 1; b < len(c); b++ {
			if c[b] < c[a] {
				c[a], c[b] = c[b], c[a]
			}
		}
	}
	return c[i]
}

func TestAppendIrssi(t *testing.T) {
	at := time.Date(2026, 2, 2, 14, 3, 59, 0, time.UTC)
	base := event.Event{Network: "libera", Channel: "#techrights", Time: at, Nick: "amber", UserHost: "~amber@user/amber"}
	with := func(k event.Kind, text, target string) event.Event {
		ev := base
		ev.Kind, ev.Text, ev.Target = k, text, target
		return ev
	}
	tests := []struct {
		name string
		ev   event.Event
		want string
	}{
		{"message", with(event.KindMessage, "hello \x0304red\x03 world", ""), "14:03 <amber> hello \x0304red\x03 world\n"},
		{"action", with(event.KindAction, "waves", ""), "14:03  * amber waves\n"},
		{"notice", with(event.KindNotice, "psst", ""), "14:03 -amber:#techrights- psst\n"},
		{"join", with(event.KindJoin, "", ""), "14:03 -!- amber [~amber@user/amber] has joined #techrights\n"},
		{"part", with(event.KindPart, "bye", ""), "14:03 -!- amber [~amber@user/amber] has left #techrights [bye]\n"},
		{"quit", with(event.KindQuit, "Ping timeout: 240 seconds", ""), "14:03 -!- amber [~amber@user/amber] has quit [Ping timeout: 240 seconds]\n"},
		{"kick", with(event.KindKick, "spam", "birch"), "14:03 -!- birch was kicked from #techrights by amber [spam]\n"},
		{"nick", with(event.KindNick, "", "amber|away"), "14:03 -!- amber is now known as amber|away\n"},
		{"topic", with(event.KindTopic, "Welcome", ""), "14:03 -!- amber changed the topic of #techrights to: Welcome\n"},
		{"mode", with(event.KindMode, "+o birch", ""), "14:03 -!- mode/#techrights [+o birch] by amber\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(appendIrssi(nil, tt.ev)); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSafeName(t *testing.T) {
	tests := map[string]string{
		"#techrights": "techrights",
		"#Foo/../Bar": "foo..bar",
		"##":          "channel",
		"#..":         "channel",
		"#a-b_c":      "a-b_c",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			if got := safeName(in); got != want {
				t.Errorf("safeName(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

func countLines(t *testing.T, path string) (n int, first, last string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if n == 0 {
			first = sc.Text()
		}
		last = sc.Text()
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n, first, last
}

func TestTextCorpusIsWrittenOnceAndCached(t *testing.T) {
	dir := t.TempDir()
	spec := defaultSpec(3, 4000)
	log := slog.New(slog.DiscardHandler)
	tc, err := ensureTextCorpus(dir, spec, log)
	if err != nil {
		t.Fatal(err)
	}
	if tc.Reused || tc.Lines != 4000 || tc.Days < 2 {
		t.Fatalf("first write: %+v", tc)
	}
	files, err := filepath.Glob(filepath.Join(tc.DaysDir, "techrights.*.log"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != tc.Days {
		t.Fatalf("%d day files, manifest says %d days", len(files), tc.Days)
	}
	total := 0
	for _, f := range files {
		n, first, last := countLines(t, f)
		if !strings.HasPrefix(first, "--- Log opened ") || !strings.HasPrefix(last, "--- Log closed ") {
			t.Fatalf("%s: starts %q, ends %q", f, first, last)
		}
		total += n - 2
	}
	if total != 4000 {
		t.Fatalf("day files hold %d lines, want 4000", total)
	}
	n, _, _ := countLines(t, tc.AllLog)
	if want := 4000 + tc.Days + 1; n != want { // log opened, day changed per later day, log closed
		t.Fatalf("single file has %d lines, want %d", n, want)
	}
	// The first day file holds exactly the first events.
	var want strings.Builder
	want.WriteString("--- Log opened Sun Jan 01 00:00:00 2017\n")
	for ev := range spec.events() {
		if ev.Time.Day() != 1 {
			break
		}
		want.Write(appendIrssi(nil, ev))
	}
	want.WriteString("--- Log closed Mon Jan 02 00:00:00 2017\n")
	got, err := os.ReadFile(filepath.Join(tc.DaysDir, "techrights.2017-01-01.log"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want.String() {
		t.Fatal("the first day's file is not the first day's events in irssi format")
	}

	again, err := ensureTextCorpus(dir, spec, log)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Reused || again.Days != tc.Days || again.Bytes != tc.Bytes {
		t.Fatalf("second call did not reuse the cache: %+v", again)
	}
	// A damaged cache (no manifest) is rewritten.
	if err := os.Remove(filepath.Join(tc.Dir, "manifest.json")); err != nil {
		t.Fatal(err)
	}
	third, err := ensureTextCorpus(dir, spec, log)
	if err != nil {
		t.Fatal(err)
	}
	if third.Reused || third.Bytes != tc.Bytes {
		t.Fatalf("the corpus without a manifest was not rewritten the same: %+v", third)
	}
}
