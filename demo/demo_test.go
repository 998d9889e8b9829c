package demo

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"path"
	"proceedings/event"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"proceedings/logs"
)

func TestLogsOrder(t *testing.T) {
	got, err := Logs()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"logs/techrights-2026-02-01.txt",
		"logs/techbytes-2026-02-02.txt",
		"logs/techrights-2026-02-02.txt",
		"logs/techrights-2026-02-03.txt",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Logs() = %q, want %q", got, want)
	}
}

// dayLog is one sample log as read back.
type dayLog struct {
	name    string // base name
	channel string // from the file name
	date    string // YYYY-MM-DD from the file name
	raw     []byte
	events  []event.Event
}

// readLog reads one embedded log with the given format option and fails
// the test on any warning.
func readLog(t *testing.T, name, format string) dayLog {
	t.Helper()
	raw, err := fs.ReadFile(Files, name)
	if err != nil {
		t.Fatal(err)
	}
	base := strings.TrimSuffix(path.Base(name), ".txt")
	cut := len(base) - len("2006-01-02")
	d := dayLog{name: path.Base(name), channel: "#" + base[:cut-1], date: base[cut:], raw: raw}

	r, err := logs.NewReader(bytes.NewReader(raw), logs.Options{Format: format, FileName: d.name})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if r.Format() != "own" {
		t.Errorf("%s read as %q, want own", name, r.Format())
	}
	for {
		ev, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		d.events = append(d.events, ev)
	}
	if n := r.WarningCount(); n != 0 {
		t.Errorf("%s: %d warnings, want none: %v", name, n, r.Warnings())
	}
	if n := r.Skipped(); n != 0 {
		t.Errorf("%s: %d lines skipped, want none", name, n)
	}
	return d
}

func readAll(t *testing.T) []dayLog {
	t.Helper()
	names, err := Logs()
	if err != nil {
		t.Fatal(err)
	}
	out := make([]dayLog, len(names))
	for i, n := range names {
		out[i] = readLog(t, n, "own")
	}
	return out
}

func TestLogsReadBack(t *testing.T) {
	names, err := Logs()
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation(Zone)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		for _, format := range []string{"own", ""} {
			t.Run(path.Base(name)+"/format="+format, func(t *testing.T) {
				d := readLog(t, name, format)
				lines := bytes.Count(d.raw, []byte("\n")) - 2 // two header lines
				if len(d.events) != lines {
					t.Errorf("%d events from %d event lines: some lines were dropped", len(d.events), lines)
				}
				var prev time.Time
				for i, ev := range d.events {
					if err := ev.Validate(); err != nil {
						t.Errorf("event %d: %v", i, err)
					}
					if ev.Network != Network || ev.Channel != d.channel {
						t.Errorf("event %d is on %q %q, want %q %q", i, ev.Network, ev.Channel, Network, d.channel)
					}
					if got := ev.Time.In(loc).Format(time.DateOnly); got != d.date {
						t.Errorf("event %d is on %s, want %s", i, got, d.date)
					}
					if ev.Time.Before(prev) {
						t.Errorf("event %d goes back in time: %s after %s", i, ev.Time, prev)
					}
					prev = ev.Time
				}
			})
		}
	}
}

// The sample logs are what our own writer writes: reading and writing them
// again gives the same bytes.
func TestLogsAreCanonical(t *testing.T) {
	loc, err := time.LoadLocation(Zone)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range readAll(t) {
		t.Run(d.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := logs.NewWriter(&buf, loc)
			for _, ev := range d.events {
				if err := w.Write(ev); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), d.raw) {
				got, want := strings.Split(buf.String(), "\n"), strings.Split(string(d.raw), "\n")
				for i := range min(len(got), len(want)) {
					if got[i] != want[i] {
						t.Fatalf("line %d written back as\n%q\nwant\n%q", i+1, got[i], want[i])
					}
				}
				t.Fatalf("written back with %d lines, want %d", len(got), len(want))
			}
		})
	}
}

// The demo is meant to show every kind of line the site renders.
func TestLogsCoverage(t *testing.T) {
	days := readAll(t)
	kinds := map[event.Kind]int{}
	nicks := map[string]bool{}
	var topicOnJoin, long, emoji, nonASCII bool
	codes := map[byte]bool{}
	for _, d := range days {
		if d.channel == "#techrights" && (len(d.events) < 80 || len(d.events) > 200) {
			t.Errorf("%s has %d events, want 80 to 200", d.name, len(d.events))
		}
		var quiet time.Duration
		for i, ev := range d.events {
			kinds[ev.Kind]++
			if d.channel == "#techrights" && ev.Kind == event.KindMessage {
				nicks[ev.Nick] = true
			}
			if ev.Flags&event.FlagTopicOnJoin != 0 {
				topicOnJoin = true
			}
			if len(ev.Text) > 1000 {
				long = true
			}
			for _, c := range []byte{0x02, 0x03, 0x0f, 0x1d, 0x1f} {
				if strings.IndexByte(ev.Text, c) >= 0 {
					codes[c] = true
				}
			}
			for _, r := range ev.Text {
				nonASCII = nonASCII || r > utf8.RuneSelf
				emoji = emoji || r >= 0x1F300
			}
			if i > 0 {
				quiet = max(quiet, ev.Time.Sub(d.events[i-1].Time))
			}
		}
		if quiet <= time.Hour {
			t.Errorf("%s: the longest quiet stretch is %s, want more than an hour", d.name, quiet)
		}
	}
	for _, k := range event.Kinds() {
		if kinds[k] == 0 {
			t.Errorf("no %s event in the sample logs", k)
		}
	}
	if len(nicks) < 10 {
		t.Errorf("%d nicks speak in #techrights, want at least 10", len(nicks))
	}
	for what, ok := range map[string]bool{
		"topic on join":        topicOnJoin,
		"line over 1000 bytes": long,
		"emoji":                emoji,
		"non-ASCII text":       nonASCII,
		"bold":                 codes[0x02],
		"colour":               codes[0x03],
		"reset":                codes[0x0f],
		"italic":               codes[0x1d],
		"underline":            codes[0x1f],
	} {
		if !ok {
			t.Errorf("the sample logs have no %s", what)
		}
	}
}

var announceRE = regexp.MustCompile(`^\[(\d\d:\d\d:\d\d)\] <proceedings> New: (.+) — (https://\S+)$`)

// The feed has the whole series, and every post the bot announces in the
// logs is in the feed, announced after it was published.
func TestFeed(t *testing.T) {
	f, err := Files.Open("feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	feed, err := gofeed.NewParser().Parse(f)
	if err != nil {
		t.Fatalf("parse feed.xml: %v", err)
	}
	published := map[string]time.Time{}
	parts := map[string]bool{}
	for _, it := range feed.Items {
		if it.PublishedParsed == nil {
			t.Errorf("%q has no date", it.Title)
			continue
		}
		published[it.Link] = *it.PublishedParsed
		if p, ok := strings.CutPrefix(it.Title, "From Belarus With Love — Part "); ok {
			num, _, _ := strings.Cut(p, ":")
			parts[num] = true
		}
	}
	for _, p := range []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"} {
		if !parts[p] {
			t.Errorf("the feed has no Part %s of the series", p)
		}
	}

	loc, err := time.LoadLocation(Zone)
	if err != nil {
		t.Fatal(err)
	}
	announced := 0
	for _, d := range readAll(t) {
		sc := bufio.NewScanner(bytes.NewReader(d.raw))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			m := announceRE.FindStringSubmatch(sc.Text())
			if m == nil {
				continue
			}
			announced++
			pub, ok := published[m[3]]
			if !ok {
				t.Errorf("%s: %q is announced but not in the feed", d.name, m[3])
				continue
			}
			at, err := time.ParseInLocation(time.DateOnly+" "+time.TimeOnly, d.date+" "+m[1], loc)
			if err != nil {
				t.Fatal(err)
			}
			if at.Before(pub) || at.Sub(pub) > 10*time.Minute {
				t.Errorf("%s: %q announced at %s, published at %s", d.name, m[2], at, pub)
			}
		}
	}
	if announced < 10 {
		t.Errorf("%d posts announced in the logs, want at least 10", announced)
	}
}

func TestContent(t *testing.T) {
	for _, name := range []string{"content/index.md", "content/about.md"} {
		t.Run(name, func(t *testing.T) {
			b, err := fs.ReadFile(Files, name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte("# ")) {
				t.Errorf("%s does not start with a heading", name)
			}
			if !bytes.Contains(b, []byte("proceedings demo")) {
				t.Errorf("%s does not say it comes from proceedings demo", name)
			}
		})
	}
}
