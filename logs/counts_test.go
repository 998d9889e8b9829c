package logs

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// lineShape classifies the lines of a real file by their shape, as a person
// reading the file would, without the reader: class is "blank", "event",
// "marker", "notkept" (any reason), "notkept:REASON" or "bad:REASON".
type lineShape struct {
	re    *regexp.Regexp
	class string
}

func shape(re, class string) lineShape { return lineShape{regexp.MustCompile(re), class} }

// realFile is a log written by a real program, with the shapes of its lines.
type realFile struct {
	path   string
	opt    Options
	format string
	shapes []lineShape // the first that matches classifies a line
}

var realFiles = []realFile{
	{
		path: "testdata/real/irssi/#chan.log", format: "irssi", opt: Options{Channel: "#chan"},
		shapes: []lineShape{
			shape(`^--- Log (opened|closed) `, "marker"),
			shape(`^\d\d:\d\d -!- Irssi: `, "notkept"),
			shape(`^\d\d:\d\d (<[ @+][^>]+> | \* |-[^ ]+:#chan- |-!- )`, "event"),
		},
	},
	{
		path: "testdata/real/weechat/irc.test.#chan.weechatlog", format: "weechat", opt: Options{Channel: "#chan"},
		shapes: []lineShape{
			shape("^[-0-9]{10} [:0-9]{8}\t--\t(Topic set by |Channel |irc: disconnected)", "notkept"),
			shape("^[-0-9]{10} [:0-9]{8}\t(-->|<--|--| \\*|@?[a-z]+)\t", "event"),
		},
	},
	{
		path: "testdata/real/limnoria/#chan.log", format: "limnoria", opt: Options{Channel: "#chan"},
		shapes: []lineShape{
			shape(`^[-0-9]{10}T[:0-9]{8}  (<[^>]+> |\* |-[^ ]+- |\*\*\* )`, "event"),
		},
	},
	{
		path: "testdata/real/znc/2026-11-24.log", format: "znc", opt: Options{Channel: "#chan"},
		shapes: []lineShape{
			shape(`^\[[:0-9]{8}\] \*\*\* Server sets mode: `, "notkept:"+reasonModesOnJoin),
			shape(`^\[[:0-9]{8}\] (<[^>]+> |\* |-[^ ]+- |\*\*\* )`, "event"),
		},
	},
}

// supybotShape is any line Supybot's ChannelLogger writes with its ISO
// stamps: a message, an action, a notice or a "***" line.
var supybotShape = shape(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d  (<[^ >]+> |\* [^ ]+ |-[^ ]+- |\*\*\* [^ ]+ (has (joined|left|quit IRC)|is now known as|was kicked by|sets mode:|changes topic to)( |$))`, "event")

// zncShapes are the lines of ZNC's log module.
var zncShapes = []lineShape{
	shape(`^\[[:0-9]{8}\] \*\*\* Server sets mode: `, "notkept:"+reasonModesOnJoin),
	shape(`^\[[:0-9]{8}\] (<[^ >]+> |\* [^ ]+ |-[^ ]+- |\*\*\* (Joins|Parts|Quits): |\*\*\* [^ ]+ (is now known as|was kicked by|changes topic to|sets mode:) )`, "event"),
}

// xchatShapes are the lines of xchat 2 and HexChat's logs.
var xchatShapes = []lineShape{
	shape(`^\*\*\*\* (BEGIN|ENDING) LOGGING AT `, "marker"),
	shape("^[A-Z][a-z][a-z] [0-9 ][0-9] [:0-9]{8} \\*\tNow talking on ", "notkept:"+reasonXchatStatus),
	shape("^[A-Z][a-z][a-z] [0-9 ][0-9] [:0-9]{8} (<[^>]+>|\\*|-[^/ ]+/#[^ ]+-)\t", "event"),
}

func init() {
	realFiles = append(realFiles,
		realFile{path: "testdata/real-world/hexchat-varnish/#varnish.log", format: "xchat", opt: Options{Channel: "#varnish"},
			shapes: xchatShapes},
		realFile{path: "testdata/real-world/znc-qtox/#qtox_20160827.log.txt", format: "znc", opt: Options{Channel: "#qtox"},
			shapes: zncShapes},
		realFile{path: "testdata/real-world/znc-qtox/#qtox_20161001.log.txt", format: "znc", opt: Options{Channel: "#qtox"},
			shapes: zncShapes},
		realFile{path: "testdata/real-world/supybot-pov/2005-01-08-test1.log", format: "limnoria", opt: Options{Channel: "#pov"},
			shapes: []lineShape{supybotShape}},
		realFile{path: "testdata/real-world/supybot-pov/2005-01-09-test2.log", format: "limnoria", opt: Options{Channel: "#pov"},
			shapes: []lineShape{supybotShape}},
		realFile{path: "testdata/real-world/supybot-pov/2011-01-16-hybrid-charset.log", format: "limnoria", opt: Options{Channel: "#pov"},
			shapes: []lineShape{supybotShape}},
	)
}

// wantCounts classifies every line of data by the shapes.
func wantCounts(t *testing.T, data []byte, shapes []lineShape) (lines int64, byClass map[string]int64) {
	t.Helper()
	byClass = map[string]int64{}
	text := string(data)
	text = strings.TrimSuffix(text, "\n")
	if len(data) == 0 {
		return 0, byClass
	}
	for i, l := range strings.Split(text, "\n") {
		lines++
		l = strings.TrimSuffix(l, "\r")
		if !utf8.ValidString(l) {
			byClass["repaired"]++
		}
		if strings.IndexByte(l, 0) >= 0 {
			byClass["repaired"]++
		}
		if strings.Trim(l, " \t\x00") == "" {
			byClass["blank"]++
			continue
		}
		class := ""
		for _, s := range shapes {
			if s.re.MatchString(l) {
				class = s.class
				break
			}
		}
		if class == "" {
			t.Errorf("line %d has no shape in the test: %q", i+1, clip(l))
			continue
		}
		byClass[class]++
	}
	return lines, byClass
}

// checkCounts compares what the reader counted with the classes.
func checkCounts(t *testing.T, c Counts, lines int64, byClass map[string]int64) {
	t.Helper()
	if c.Lines != lines {
		t.Errorf("Lines = %d, the file has %d", c.Lines, lines)
	}
	if c.Sum() != c.Lines {
		t.Errorf("Blank %d + Events %d + Markers %d + NotKept %v + NotUnderstood %v = %d, not Lines %d",
			c.Blank, c.Events, c.Markers, c.NotKept, c.NotUnderstood, c.Sum(), c.Lines)
	}
	got := map[string]int64{"blank": c.Blank, "event": c.Events, "marker": c.Markers, "repaired": sumOf(c.Repaired)}
	anyNotKept := byClass["notkept"] > 0
	for r, n := range c.NotKept {
		if anyNotKept {
			got["notkept"] += n
		} else {
			got["notkept:"+r] += n
		}
	}
	for r, n := range c.NotUnderstood {
		got["bad:"+r] += n
	}
	maps.DeleteFunc(got, func(_ string, n int64) bool { return n == 0 })
	maps.DeleteFunc(byClass, func(_ string, n int64) bool { return n == 0 })
	if !maps.Equal(got, byClass) {
		t.Errorf("counted %v\nby shape %v", got, byClass)
	}
}

func TestCountsOfRealFiles(t *testing.T) {
	for _, rf := range realFiles {
		t.Run(rf.path, func(t *testing.T) {
			data, err := os.ReadFile(rf.path)
			if err != nil {
				t.Fatal(err)
			}
			lines, byClass := wantCounts(t, data, rf.shapes)
			opt := rf.opt
			opt.FileName = rf.path
			if opt.Location == nil {
				opt.Location = time.UTC
			}
			_, r := readAll(t, string(data), opt)
			if r.Format() != rf.format {
				t.Errorf("format %q, want %q", r.Format(), rf.format)
			}
			checkCounts(t, r.Counts(), lines, byClass)
		})
	}
	// Every other real-world file (the WeeChat and themed irssi logs, whose
	// events TestRealWorldWeechat and TestRealWorldIrssiThemes count by
	// their columns) still accounts for each of its lines exactly once.
	paths, err := filepath.Glob("testdata/real-world/*/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if slices.ContainsFunc(realFiles, func(rf realFile) bool { return rf.path == p }) {
			continue
		}
		t.Run(p, func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			_, r := readAll(t, string(data), Options{Channel: "#chan", Network: "net", FileName: p})
			c := r.Counts()
			if want := lineCount(string(data)); c.Lines != want {
				t.Errorf("Lines = %d, the file has %d", c.Lines, want)
			}
			if c.Sum() != c.Lines {
				t.Errorf("counts %+v add up to %d, not %d", c, c.Sum(), c.Lines)
			}
		})
	}
}

// lineCount counts the lines of s as a text editor would.
func lineCount(s string) int64 {
	if s == "" {
		return 0
	}
	n := int64(strings.Count(s, "\n"))
	if !strings.HasSuffix(s, "\n") {
		n++
	}
	return n
}

func TestCountsOfFormatCases(t *testing.T) {
	for _, tc := range formatCases {
		t.Run(tc.name, func(t *testing.T) {
			evs, r := readAll(t, tc.input, tc.opt)
			c := r.Counts()
			if want := lineCount(tc.input); c.Lines != want {
				t.Errorf("Lines = %d, want %d", c.Lines, want)
			}
			if c.Sum() != c.Lines {
				t.Errorf("counts %+v add up to %d, not %d", c, c.Sum(), c.Lines)
			}
			if int64(r.Skipped()) != sumOf(c.NotKept)+sumOf(c.NotUnderstood) {
				t.Errorf("Skipped = %d, counts %+v", r.Skipped(), c)
			}
			if c.Events > int64(len(evs)) || (len(evs) > 0 && c.Events == 0) {
				t.Errorf("Events = %d for %d events", c.Events, len(evs))
			}
		})
	}
}

func TestCountsEveryReason(t *testing.T) {
	// More lines than Warnings keeps, of several reasons, between events.
	var b strings.Builder
	for i := range 150 {
		fmt.Fprintf(&b, "[00:%02d:00] <alice> %d\n", i%60, i)
		b.WriteString("rubbish\n")
		fmt.Fprintf(&b, "[00:%02d:01] *** Server sets mode: +nt\n", i%60)
		if i%3 == 0 {
			b.WriteString("\n  \t\n")
			b.WriteString("[00:01:02] <bob> caf\xe9\x00\n")
		}
	}
	b.WriteString("[00:59:00] <carol> " + strings.Repeat("z", 2<<20) + "\n")
	b.WriteString("[00:59:01] Connected to IRC (irc.example.net +6697)")
	evs, r := readAll(t, b.String(), Options{Channel: "#c", Format: "znc", Date: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)})
	c := r.Counts()
	want := Counts{
		Lines: 150*3 + 50*3 + 2, Blank: 100, Events: 200,
		NotKept:       map[string]int64{reasonModesOnJoin: 150, "ZNC connected or disconnected": 1},
		NotUnderstood: map[string]int64{reasonBadTime: 150, reasonTooLong: 1},
		Repaired:      map[string]int64{reasonCP1252: 50, reasonNUL: 50},
	}
	if fmt.Sprint(c) != fmt.Sprint(want) {
		t.Errorf("counts\n %+v\nwant\n %+v", c, want)
	}
	if len(evs) != 200 {
		t.Errorf("read %d events, want 200", len(evs))
	}
	if c.Sum() != c.Lines {
		t.Errorf("counts add up to %d, not %d", c.Sum(), c.Lines)
	}
	// Warnings, as before Counts: lines not understood, NUL bytes removed.
	if n := r.WarningCount(); n != 150+1+50 {
		t.Errorf("WarningCount = %d, want %d", n, 150+1+50)
	}
	if len(r.Warnings()) != maxWarnings {
		t.Errorf("kept %d warnings, want %d", len(r.Warnings()), maxWarnings)
	}
	// Lines: 1 alice, 2 rubbish, 3 mode, 4 and 5 blank, 6 bob, 7 alice, 8
	// rubbish, 9 mode, 10 alice, 11 rubbish…
	ex := r.Examples(reasonBadTime)
	if len(ex) != 3 || ex[0].Line != 2 || ex[1].Line != 8 || ex[2].Line != 11 || ex[0].Text != "rubbish" {
		t.Errorf("examples of %q: %+v", reasonBadTime, ex)
	}
	if ex := r.Examples(reasonModesOnJoin); len(ex) != 3 || ex[0].Line != 3 || ex[2].Line != 12 {
		t.Errorf("examples of %q: %+v", reasonModesOnJoin, ex)
	}
	if ex := r.Examples(reasonNUL); len(ex) != 3 || ex[0].Line != 6 || ex[0].Text != "[00:01:02] <bob> café" {
		t.Errorf("examples of %q: %+v", reasonNUL, ex)
	}
	if ex := r.Examples(reasonTooLong); len(ex) != 1 || len(ex[0].Text) != warnTextLen {
		t.Errorf("examples of %q: %+v", reasonTooLong, ex)
	}
	if ex := r.Examples("no such reason"); len(ex) != 0 {
		t.Errorf("examples of an unknown reason: %+v", ex)
	}
	// The caller's copy is its own.
	c.NotKept[reasonModesOnJoin] = 0
	if r.Counts().NotKept[reasonModesOnJoin] != 150 {
		t.Error("Counts returned the reader's own map")
	}
}

// TestCountsDefaults: a parser that says "not kept" or "not understood"
// without a reason, or "event" without giving one, is still counted.
func TestCountsDefaults(t *testing.T) {
	stub := &formatSpec{name: "stub", parse: func(s *state, line string) (lineResult, string) {
		switch line {
		case "noise":
			return resNoise, ""
		case "bad":
			return resBad, ""
		case "empty event":
			return resEvent, ""
		}
		s.add(1, time.Unix(0, 0).UTC(), "n")
		return resEvent, ""
	}}
	r := &Reader{spec: stub, st: state{channel: "#c"}}
	for i, l := range []string{"noise", "bad", "empty event", "event", "bad"} {
		r.st.evs = r.st.evs[:0]
		if err := r.handle(rawLine{text: l, no: i + 1}); err != nil {
			t.Fatal(err)
		}
	}
	c := r.Counts()
	if c.Lines != 5 || c.Events != 1 || c.NotKept[reasonNotKept] != 2 || c.NotUnderstood[reasonBad] != 2 || c.Sum() != 5 {
		t.Errorf("counts %+v", c)
	}
}

func TestCountsStrictFailsOnlyOnNotUnderstood(t *testing.T) {
	input := "[00:01:00] *** Server sets mode: +nt\n" + // not kept
		"[00:02:00] <bob> caf\xe9\x00\n" + // repaired
		"\n" +
		"[00:03:00] <alice> hi\n" +
		"[00:04:00] what is this\n" +
		"[00:05:00] <alice> never read\n"
	r, err := NewReader(strings.NewReader(input), Options{Channel: "#c", Strict: true, FileName: "2026-02-02.log", Format: "znc"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := countEvents(r)
	le, ok := err.(*LineError)
	if !ok || le.Line != 5 || n != 2 {
		t.Fatalf("after %d events: %v, want a *LineError at line 5 after 2", n, err)
	}
	c := r.Counts()
	if c.Lines != 5 || c.Sum() != 5 || sumOf(c.NotUnderstood) != 1 || sumOf(c.Repaired) != 2 {
		t.Errorf("counts %+v", c)
	}
}

func TestCountsEmptyAndBlank(t *testing.T) {
	r, err := NewReader(strings.NewReader("\n\n[14:03:11] <a> one\n \n"), Options{Channel: "#c", Format: "znc", Date: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := countEvents(r); err != io.EOF {
		t.Fatal(err)
	}
	if c := r.Counts(); c.Lines != 4 || c.Blank != 3 || c.Events != 1 || c.Sum() != 4 {
		t.Errorf("counts %+v", c)
	}
}
