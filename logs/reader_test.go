package logs

import (
	"errors"
	"fmt"
	"io"
	"proceedings/event"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestDetect(t *testing.T) {
	for _, tc := range formatCases {
		t.Run(tc.name, func(t *testing.T) {
			lines := strings.Split(tc.input, "\n")
			got, ok := Detect(lines)
			if !ok || got != tc.format {
				t.Errorf("Detect = %q, %v; want %q", got, ok, tc.format)
			}
		})
	}
	others := []struct {
		name  string
		lines []string
		want  string
	}{
		{"one irssi line", []string{"14:03 < alice> hi"}, "irssi"},
		{"irssi with seconds", []string{"14:03:11 <@alice> hi", "14:03:12  * bob waves"}, "irssi"},
		{"znc status lines", []string{"[14:03:11] <alice> hi", "[14:03:12] *** Joins: bob (~b@h)"}, "znc"},
		{"our status lines", []string{"[14:03:11] <alice> hi", "[14:03:12] -!- bob has joined #c"}, "own"},
		{"messages alone are ZNC's", []string{"[14:03:11] <alice> hi", "[14:03:12] * bob waves", "[14:03:13] -carol- notice"}, "znc"},
		{"messages after our header", []string{"--- IRC logs for Monday, February 02, 2026", "--- #c (times are UTC)", "[14:03:11] <alice> hi"}, "own"},
		{"our header alone", []string{"--- IRC logs for Monday, February 02, 2026", "--- #c (times are UTC)"}, "own"},
		{"weechat", []string{"2026-02-02 14:03:11\talice\thi"}, "weechat"},
		{"limnoria", []string{"2026-02-02T14:03:11  <alice> hi"}, "limnoria"},
		{"xchat", []string{"**** BEGIN LOGGING AT Mon Feb  2 14:00:00 2026", "", "Feb 02 14:03:11 <alice>\thi"}, "xchat"},
		{"mostly irssi with noise", []string{"14:03 < alice> hi", "garbage", "14:04 < bob> yo"}, "irssi"},
	}
	for _, tc := range others {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Detect(tc.lines)
			if !ok || got != tc.want {
				t.Errorf("Detect = %q, %v; want %q", got, ok, tc.want)
			}
		})
	}
	unknown := []struct {
		name  string
		lines []string
	}{
		{"nothing", nil},
		{"blank lines", []string{"", ""}},
		{"prose", []string{"It was a dark and stormy night;", "the rain fell in torrents."}},
		{"html", []string{"<!DOCTYPE html>", "<html><body>hi</body></html>"}},
		{"mostly garbage", []string{"14:03 < alice> hi", "garbage", "more garbage", "and more"}},
		{"only irssi noise", []string{"14:03 -!- Irssi: Join to #c was synced in 0 secs"}},
	}
	for _, tc := range unknown {
		t.Run(tc.name, func(t *testing.T) {
			if got, ok := Detect(tc.lines); ok {
				t.Errorf("Detect = %q, want no format", got)
			}
		})
	}
}

func TestFormats(t *testing.T) {
	want := "own irssi weechat znc limnoria xchat"
	if got := strings.Join(Formats(), " "); got != want {
		t.Errorf("Formats = %q, want %q", got, want)
	}
}

func TestNewReaderErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		opt   Options
		want  []string // substrings of the error
	}{
		{"unknown format lists lines", "hello\nworld\n", Options{Channel: "#c", FileName: "x.log"},
			[]string{"x.log", "not a log in any known format", `1: "hello"`, `2: "world"`}},
		{"empty file", "", Options{Channel: "#c"}, []string{"the file is empty"}},
		{"bad format name", "14:03 < a> b\n", Options{Format: "mirc", Channel: "#c"}, []string{`unknown log format "mirc"`, "irssi"}},
		{"no channel", "--- Log opened Mon Feb 02 14:00:00 2026\n14:03 < a> b\n", Options{}, []string{"pass the channel name"}},
		{"own without header or channel", "[14:03:11] <a> b\n[14:03:12] -!- c has joined #c\n", Options{Date: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)},
			[]string{"does not name its channel"}},
		{"no date for irssi", "14:03 < a> b\n", Options{Channel: "#c", FileName: "chan.log"}, []string{"chan.log", "cannot tell the date",
			"a date marker in the file", `"--- Log opened Mon Feb 02 14:00:00 2026"`, "--date YYYY-MM-DD", "a file name with YYYY-MM-DD or YYYYMMDD"}},
		{"no date for znc", "[14:03:11] *** Joins: a (b@c)\n", Options{Channel: "#c"}, []string{"cannot tell the date",
			"a date marker in the file (znc writes none)", "--date YYYY-MM-DD", "a file name with YYYY-MM-DD or YYYYMMDD"}},
		{"no year for xchat", "Feb 02 14:03:11 <a>\tb\n", Options{Channel: "#c"}, []string{"cannot tell the date", "carry no year",
			`"**** BEGIN LOGGING AT Mon Feb  2 14:00:00 2026"`, "--date YYYY-MM-DD", "a file name with YYYY-MM-DD or YYYYMMDD"}},
		{"no date for our own", "[14:03:11] <a> b\n[14:03:12] -!- c has joined #c\n", Options{Channel: "#c"}, []string{"cannot tell the date",
			`its header, "--- IRC logs for Monday, February 02, 2026"`, "--date YYYY-MM-DD", "a file name with YYYY-MM-DD or YYYYMMDD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tt.input), tt.opt)
			if err == nil {
				t.Fatal("NewReader succeeded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
}

func TestDateSources(t *testing.T) {
	tests := []struct {
		name  string
		input string
		opt   Options
		want  string
	}{
		{"file name YYYY-MM-DD", "[14:03:11] *** Joins: a (b@c)\n", Options{Channel: "#c", FileName: "/logs/#c/2026-02-02.log"}, "2026-02-02T14:03:11Z"},
		{"file name YYYYMMDD", "14:03 < a> b\n", Options{Channel: "#c", FileName: "irclogs/net/#c_20260202.log"}, "2026-02-02T14:03:00Z"},
		{"option wins over the name", "14:03 < a> b\n", Options{Channel: "#c", FileName: "#c_20260202.log", Date: time.Date(2025, 1, 5, 0, 0, 0, 0, time.UTC)}, "2025-01-05T14:03:00Z"},
		{"marker wins over the option", "--- Log opened Mon Feb 02 14:00:00 2026\n14:03 < a> b\n", Options{Channel: "#c", Date: time.Date(2025, 1, 5, 0, 0, 0, 0, time.UTC)}, "2026-02-02T14:03:00Z"},
		{"xchat takes the year from the option", "Feb 02 14:03:11 <a>\tb\n", Options{Channel: "#c", Date: time.Date(2024, 12, 1, 0, 0, 0, 0, time.UTC)}, "2024-02-02T14:03:11Z"},
		{"not a date in the name", "14:03 < a> b\n", Options{Channel: "#c", FileName: "2026-13-45_20260202.log"}, "2026-02-02T14:03:00Z"},
		{"zone of the option", "[14:03:11] *** Joins: a (b@c)\n", Options{Channel: "#c", FileName: "2026-07-01.log", Location: mustZone(t, "Europe/London")}, "2026-07-01T13:03:11Z"},
		{"zone of our header wins", "--- IRC logs for Wednesday, July 01, 2026\n--- #c (times are Europe/Berlin)\n[14:03:11] <a> b\n", Options{Location: mustZone(t, "Europe/London")}, "2026-07-01T12:03:11Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, _ := readAll(t, tt.input, tt.opt)
			if len(evs) != 1 {
				t.Fatalf("read %d events, want 1", len(evs))
			}
			if got := evs[0].Time.Format(time.RFC3339); got != tt.want {
				t.Errorf("time = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	date := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
	opt := Options{Channel: "#c", Date: date, Format: "znc"}
	tests := []struct {
		name     string
		input    string
		opt      Options
		want     []string // brief of the events
		warnings []string // reasons, in order
	}{
		{"incomplete last line that parses", "[14:03:11] <a> one\n[14:03:12] <a> tw", opt,
			[]string{`02-02 14:03:11 message a "one"`, `02-02 14:03:12 message a "tw"`}, nil},
		{"incomplete last line that does not", "[14:03:11] <a> one\n[14:0", opt,
			[]string{`02-02 14:03:11 message a "one"`}, []string{"incomplete last line: " + reasonBadTime}},
		{"NUL bytes", "[14:03:11] <a\x00> o\x00ne\n", opt,
			[]string{`02-02 14:03:11 message a "one"`}, []string{"NUL bytes removed"}},
		{"CRLF", "[14:03:11] <a> one\r\n[14:03:12] <a> two\r\n", opt,
			[]string{`02-02 14:03:11 message a "one"`, `02-02 14:03:12 message a "two"`}, nil},
		{"Windows-1252", "[14:03:11] <a> caf\xe9 \x93quoted\x94 \x80\n", opt,
			[]string{`02-02 14:03:11 message a "café “quoted” €"`}, nil},
		{"Latin-1 nick", "[14:03:11] <J\xfcrgen> hallo\n", opt,
			[]string{`02-02 14:03:11 message Jürgen "hallo"`}, nil},
		{"midnight without a marker", "[23:50:00] <a> late\n[00:10:00] <a> early\n", opt,
			[]string{`02-02 23:50:00 message a "late"`, `02-03 00:10:00 message a "early"`}, nil},
		{"back more than twelve hours", "[20:00:00] <a> x\n[07:00:00] <a> y\n", opt,
			[]string{`02-02 20:00:00 message a "x"`, `02-03 07:00:00 message a "y"`}, nil},
		{"small step back stays on the day", "[14:00:00] <a> x\n[13:59:00] <a> y\n[03:00:00] <a> z\n", opt,
			[]string{`02-02 14:00:00 message a "x"`, `02-02 13:59:00 message a "y"`, `02-02 03:00:00 message a "z"`}, nil},
		{"lines that do not parse", "[14:03:11] <a> one\nrubbish\n[14:03:12] <> nobody\n[14:03:13] <a> two\n", opt,
			[]string{`02-02 14:03:11 message a "one"`, `02-02 14:03:13 message a "two"`},
			[]string{reasonBadTime, "message without a nick"}},
		{"a line of 100 KB", "[14:03:11] <a> " + strings.Repeat("x", 100<<10) + "\n[14:03:12] <a> two\n", opt,
			[]string{`02-02 14:03:11 message a "` + strings.Repeat("x", 100<<10) + `"`, `02-02 14:03:12 message a "two"`}, nil},
		{"a line of 2 MiB", "[14:03:11] <a> one\n[14:03:12] <a> " + strings.Repeat("y", 2<<20) + "\n[14:03:13] <a> three\n", opt,
			[]string{`02-02 14:03:11 message a "one"`, `02-02 14:03:13 message a "three"`}, []string{reasonTooLong}},
		{"a last line of 2 MiB", "[14:03:11] <a> one\n[14:03:12] <a> " + strings.Repeat("y", 2<<20), opt,
			[]string{`02-02 14:03:11 message a "one"`}, []string{reasonTooLong}},
		{"blank lines", "\n\n[14:03:11] <a> one\n\r\n\n", opt,
			[]string{`02-02 14:03:11 message a "one"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, r := readAll(t, tt.input, tt.opt)
			got := make([]string, len(evs))
			for i, ev := range evs {
				got[i] = brief(ev)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("events:\n%.300s\nwant:\n%.300s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			var reasons []string
			for _, w := range r.Warnings() {
				reasons = append(reasons, w.Reason)
				if len(w.Text) > warnTextLen || !utf8Valid(w.Text) {
					t.Errorf("warning text %q is longer than %d bytes or not UTF-8", w.Text, warnTextLen)
				}
			}
			if strings.Join(reasons, "|") != strings.Join(tt.warnings, "|") {
				t.Errorf("warnings %q, want %q", reasons, tt.warnings)
			}
			if r.WarningCount() != len(tt.warnings) {
				t.Errorf("WarningCount = %d, want %d", r.WarningCount(), len(tt.warnings))
			}
		})
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestWarningLineNumbers(t *testing.T) {
	input := "[14:03:11] <a> one\nrubbish\n[14:03:13] <a> two\n"
	_, r := readAll(t, input, Options{Channel: "#c", Date: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), Format: "znc"})
	w := r.Warnings()
	if len(w) != 1 || w[0].Line != 2 || w[0].Text != "rubbish" {
		t.Fatalf("warnings = %+v, want one for line 2", w)
	}
	if r.Skipped() != 1 {
		t.Errorf("Skipped = %d, want 1", r.Skipped())
	}
}

func TestStrict(t *testing.T) {
	opt := Options{Channel: "#c", Date: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), Format: "znc", Strict: true, FileName: "2026-02-02.log"}
	for _, tc := range []struct {
		name, input, reason string
		line, before        int
	}{
		{"unparsable line", "[14:03:11] <a> one\n[14:03:12] <a> two\nrubbish\n[14:03:13] <a> three\n", reasonBadTime, 3, 2},
		{"after a repaired line", "[14:03:11] <a> one\n[14:03:12] <a>\x00 caf\xe9\n[14:03:13] *** Server sets mode: +nt\nrubbish\n", reasonBadTime, 4, 2},
		{"a line over 1 MiB", "[14:03:11] <a> one\n[14:03:12] <a> " + strings.Repeat("y", 2<<20) + "\n", reasonTooLong, 2, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tc.input), opt)
			if err != nil {
				t.Fatal(err)
			}
			n, err := countEvents(r)
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("Next ended with %v, want a *LineError", err)
			}
			if le.Line != tc.line || le.Reason != tc.reason || n != tc.before {
				t.Errorf("error at line %d (%s) after %d events, want line %d (%s) after %d", le.Line, le.Reason, n, tc.line, tc.reason, tc.before)
			}
			if msg := le.Error(); !strings.Contains(msg, fmt.Sprintf("2026-02-02.log:%d:", tc.line)) {
				t.Errorf("error %q does not name file and line", msg)
			}
			if _, err2 := r.Next(); err2 != err {
				t.Errorf("Next after the error = %v, want the same error", err2)
			}
		})
	}
}

func TestWarningsAreCapped(t *testing.T) {
	var b strings.Builder
	for i := range 60 {
		fmt.Fprintf(&b, "[14:%02d:00] <a> fine\n", i)
	}
	for range 150 {
		b.WriteString("rubbish\n")
	}
	b.WriteString("[15:00:00] <a> last\n")
	evs, r := readAll(t, b.String(), Options{Channel: "#c", Date: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)})
	if len(evs) != 61 {
		t.Errorf("read %d events, want 61", len(evs))
	}
	if len(r.Warnings()) != maxWarnings || r.WarningCount() != 150 || r.Skipped() != 150 {
		t.Errorf("kept %d warnings, counted %d, skipped %d; want %d, 150, 150", len(r.Warnings()), r.WarningCount(), r.Skipped(), maxWarnings)
	}
}

func TestSummerTimeEnds(t *testing.T) {
	// On 25 October 2026 London's clocks go back from 02:00 BST to 01:00 GMT,
	// so 01:00–01:59 happens twice.
	input := "--- Log opened Sun Oct 25 00:00:00 2026\n" +
		"00:59:59 < a> 1\n01:30:00 < a> 2\n01:59:00 < a> 3\n01:10:00 < a> 4\n01:40:00 < a> 5\n02:00:00 < a> 6\n"
	evs, _ := readAll(t, input, Options{Channel: "#c", Location: mustZone(t, "Europe/London")})
	want := []string{"23:59:59", "00:30:00", "00:59:00", "01:10:00", "01:40:00", "02:00:00"}
	if len(evs) != len(want) {
		t.Fatalf("read %d events, want %d", len(evs), len(want))
	}
	for i, ev := range evs {
		if got := ev.Time.Format("15:04:05"); got != want[i] {
			t.Errorf("event %d (%s) at %s UTC, want %s", i, ev.Text, got, want[i])
		}
	}
}

func TestSummerTimeStarts(t *testing.T) {
	// When the clocks go forward, the skipped wall-clock times (01:00 to
	// 01:59 in London on 29 March 2026, 02:00 to 02:59 in New York on 8
	// March 2026) are read so that the file's order holds: not after the
	// lines that follow, never before the one before.
	for _, tc := range []struct {
		name, zone, day string
		lines, want     []string // local times, UTC times
	}{
		{"London", "Europe/London", "Sun Mar 29",
			[]string{"00:59:59", "01:30:00", "02:10:00"}, []string{"00:59:59", "00:59:59", "01:10:00"}},
		{"London, earlier line", "Europe/London", "Sun Mar 29",
			[]string{"00:10:00", "01:30:00", "01:45:00", "02:10:00"}, []string{"00:10:00", "00:30:00", "00:45:00", "01:10:00"}},
		{"London, first line in the gap", "Europe/London", "Sun Mar 29",
			[]string{"01:30:00", "02:00:00"}, []string{"00:30:00", "01:00:00"}},
		{"New York", "America/New_York", "Sun Mar 08",
			[]string{"01:50:00", "02:30:00", "03:10:00"}, []string{"06:50:00", "06:50:00", "07:10:00"}},
		{"New York, earlier line", "America/New_York", "Sun Mar 08",
			[]string{"01:10:00", "02:30:00", "02:59:59", "03:00:00"}, []string{"06:10:00", "06:30:00", "06:59:59", "07:00:00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			input := "--- Log opened " + tc.day + " 00:00:00 2026\n"
			for i, l := range tc.lines {
				input += fmt.Sprintf("%s < a> %d\n", l, i)
			}
			evs, _ := readAll(t, input, Options{Channel: "#c", Location: mustZone(t, tc.zone)})
			if len(evs) != len(tc.want) {
				t.Fatalf("read %d events, want %d", len(evs), len(tc.want))
			}
			for i, ev := range evs {
				if got := ev.Time.Format("15:04:05"); got != tc.want[i] {
					t.Errorf("line %s read as %s UTC, want %s", tc.lines[i], got, tc.want[i])
				}
				if i > 0 && ev.Time.Before(evs[i-1].Time) {
					t.Errorf("line %s goes back before the line before", tc.lines[i])
				}
			}
		})
	}
	// The same in the formats with full dates (Limnoria, and its Supybot stamps).
	evs, _ := readAll(t, "2026-03-29T00:59:00  <a> 1\n2026-03-29T01:30:00  <a> 2\n[29-Mar-2026 02:10:00]  <a> 3\n",
		Options{Channel: "#c", Location: mustZone(t, "Europe/London")})
	for i, want := range []string{"00:59:00", "00:59:00", "01:10:00"} {
		if got := evs[i].Time.Format("15:04:05"); got != want {
			t.Errorf("limnoria line %d at %s UTC, want %s", i+1, got, want)
		}
	}
}

// errReader fails after its data.
type errReader struct {
	data string
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	r, err := NewReader(&errReader{data: "[14:03:11] <a> one\n", err: boom}, Options{Channel: "#c", FileName: "2026-02-02.log", Format: "znc"})
	if err == nil {
		t.Fatal("NewReader read past the error")
	}
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "2026-02-02.log") {
		t.Errorf("error %q does not wrap the cause and name the file", err)
	}
	_ = r
}

// bigLog generates n lines of an irssi log without holding them.
type bigLog struct {
	n, i int
	buf  []byte
	line string
}

func (g *bigLog) Read(p []byte) (int, error) {
	if len(g.buf) == 0 {
		if g.i == g.n {
			return 0, io.EOF
		}
		if g.i == 0 {
			g.buf = []byte("--- Log opened Mon Feb 02 00:00:00 2026\n")
		}
		g.buf = fmt.Appendf(g.buf, "%02d:%02d:%02d %s\n", g.i/3600%24, g.i/60%60, g.i%60, g.line)
		g.i++
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	return n, nil
}

func TestStreamingMemory(t *testing.T) {
	const lines = 60000
	g := &bigLog{n: lines, line: "< alice> " + strings.Repeat("word ", 100)}
	r, err := NewReader(g, Options{Channel: "#c"})
	if err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	maxHeap := uint64(0)
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if n++; n%10000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			maxHeap = max(maxHeap, ms.HeapAlloc)
		}
	}
	if n != lines {
		t.Errorf("read %d events, want %d", n, lines)
	}
	// 30 MB went through; the reader must not have kept it.
	if maxHeap > 16<<20 {
		t.Errorf("heap grew to %d MB while streaming", maxHeap>>20)
	}
}

func TestEventsAreIndependent(t *testing.T) {
	// Events returned earlier must not change when later lines are read.
	input := "[14:03:11] <a> one\n[14:03:12] <b> two\n[14:03:13] <c> three\n"
	r, err := NewReader(strings.NewReader(input), Options{Channel: "#c", Date: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var evs []event.Event
	for {
		ev, err := r.Next()
		if err != nil {
			break
		}
		evs = append(evs, ev)
	}
	if len(evs) != 3 || evs[0].Text != "one" || evs[1].Nick != "b" || evs[2].Text != "three" {
		t.Errorf("events changed under the caller: %v", evs)
	}
}

// TestOpenErrorsAreTyped checks that NewReader's reasons to refuse a file
// can be told apart with errors.Is, whatever their wording.
func TestOpenErrorsAreTyped(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		opt      Options
		want     error
	}{
		{"README", "My IRC logs, copied from the old laptop.\n", Options{Channel: "#c"}, ErrNotLog},
		{"empty", "", Options{Channel: "#c"}, ErrNotLog},
		{"no date", "[14:00:00] <alice> hi\n[14:00:01] <bob> hello\n", Options{Channel: "#c", Format: "znc"}, ErrNoDate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewReader(strings.NewReader(tc.in), tc.opt)
			if !errors.Is(err, tc.want) {
				t.Fatalf("NewReader: %v, want an error that is %v", err, tc.want)
			}
			for _, other := range []error{ErrNotLog, ErrNoDate, ErrNoChannel} {
				if other != tc.want && errors.Is(err, other) {
					t.Errorf("%v is also %v", err, other)
				}
			}
		})
	}
}
