package logs

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"proceedings/event"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The logs under testdata/real were written by the real programs (Debian's
// irssi, WeeChat, Limnoria and ZNC) logging a scripted scene on a local IRC
// server: see fixtures/gen, run by `make fixtures`. Each directory holds one
// log, named as the program named it, and expected.txt, the events the server
// relayed to the programs.

// realNoise lists, per format, the lines those programs write that carry no
// event the archive keeps: the reader must skip exactly these, without a
// warning.
var realNoise = map[string]*regexp.Regexp{
	// "-!- Irssi: #chan: Total of 3 nicks […]", "-!- Irssi: Join to #chan was synced in 0 secs"
	"irssi": regexp.MustCompile(`^\d\d:\d\d -!- Irssi: `),
	// "Topic set by alice on …", "Channel #chan: 4 nicks (…)", "Channel created on …",
	// "irc: disconnected from server"
	"weechat": regexp.MustCompile("^[-0-9]{10} [:0-9]{8}\t--\t(Topic set by |Channel |irc: disconnected from server$)"),
	// "*** Server sets mode: +nt": ZNC's record of the modes the server
	// reported on joining (RPL_CHANNELMODEIS), not a change
	"znc":      regexp.MustCompile(`^\[[:0-9]{8}\] \*\*\* Server sets mode: `),
	"limnoria": regexp.MustCompile(`^$`), // none
}

func TestRealLogs(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "real", "*"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, dir := range dirs {
		format := filepath.Base(dir)
		seen[format] = true
		t.Run(format, func(t *testing.T) { testRealLog(t, dir, format) })
	}
	for _, f := range []string{"irssi", "weechat", "limnoria", "znc"} {
		if !seen[f] {
			t.Errorf("testdata/real has no %s sample: run make fixtures", f)
		}
	}
}

func testRealLog(t *testing.T, dir, format string) {
	want, start, end := readExpected(t, filepath.Join(dir, "expected.txt"))
	logs, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	logs = slices.DeleteFunc(logs, func(p string) bool { return filepath.Base(p) == "expected.txt" })
	if len(logs) != 1 {
		t.Fatalf("%s holds %d logs besides expected.txt, want 1: %v", dir, len(logs), logs)
	}
	path := logs[0]
	noise, ok := realNoise[format]
	if !ok {
		t.Fatalf("no noise lines listed for %s", format)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wantSkipped := 0
	for _, l := range strings.Split(string(data), "\n") {
		if l != "" && noise.MatchString(l) {
			wantSkipped++
		}
	}

	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := NewReader(f, Options{Channel: "#chan", Network: "test", FileName: path, Location: time.UTC})
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	if r.Format() != format {
		t.Errorf("detected format %q, want %q", r.Format(), format)
	}
	var got []string
	var prev time.Time
	for {
		ev, err := r.Next()
		if err != nil {
			if err != io.EOF {
				t.Fatalf("Next: %v", err)
			}
			break
		}
		got = append(got, realLine(ev))
		if ev.Channel != "#chan" || ev.Network != "test" || ev.Flags&event.FlagImported == 0 {
			t.Errorf("event %d: channel %q, network %q, flags %b", len(got), ev.Channel, ev.Network, ev.Flags)
		}
		// Stamps of HH:MM (irssi) are up to a minute before the event.
		if ev.Time.Before(start.Truncate(time.Minute)) || ev.Time.After(end) {
			t.Errorf("event %d (%s) at %s, outside the generation run %s to %s", len(got), got[len(got)-1],
				ev.Time.Format(time.RFC3339), start.Format(time.RFC3339), end.Format(time.RFC3339))
		}
		if ev.Time.Before(prev) {
			t.Errorf("event %d at %s goes back from %s", len(got), ev.Time.Format(time.RFC3339), prev.Format(time.RFC3339))
		}
		prev = ev.Time
	}
	for _, w := range r.Warnings() {
		t.Errorf("warning: %s", w)
	}
	if r.Skipped() != wantSkipped {
		t.Errorf("skipped %d lines, want %d (the lines matching %s)", r.Skipped(), wantSkipped, noise)
	}
	if !slices.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		g, w := "(none)", "(none)"
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		t.Errorf("read %d events, want %d; first difference at event %d:\n got  %s\n want %s\nall read:\n%s",
			len(got), len(want), i+1, g, w, strings.Join(got, "\n"))
	}
}

// realLine writes an event as expected.txt does: kind, nick, user@host,
// target, quoted text and flags, tab-separated, "-" for empty.
func realLine(ev event.Event) string {
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	flags := "-"
	if ev.Flags&event.FlagTopicOnJoin != 0 {
		flags = "onjoin"
	}
	return strings.Join([]string{ev.Kind.String(), dash(ev.Nick), dash(ev.UserHost), dash(ev.Target),
		strconv.Quote(ev.Text), flags}, "\t")
}

// readExpected reads expected.txt: its event lines, and the start and end
// of the run from its "# start:" and "# end:" comments.
func readExpected(t *testing.T, path string) (lines []string, start, end time.Time) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (run make fixtures)", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if c, ok := strings.CutPrefix(l, "#"); ok {
			if v, ok := strings.CutPrefix(c, " start: "); ok {
				start, err = time.Parse(time.RFC3339, v)
			} else if v, ok := strings.CutPrefix(c, " end: "); ok {
				end, err = time.Parse(time.RFC3339, v)
			}
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			continue
		}
		if l != "" {
			lines = append(lines, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if start.IsZero() || end.IsZero() || len(lines) == 0 {
		t.Fatalf("%s: no start, end or events", path)
	}
	return lines, start, end
}
