package logs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"maps"
	"proceedings/event"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestFormatWritersRoundTrip writes events of every kind and flag with each
// text format's writer and reads them back with that format's reader, in
// several zones: what comes back is what went in, less what the format
// cannot say, and a line the format's program would not have written is
// one its reader counts as not kept, under the reason expected.
func TestFormatWritersRoundTrip(t *testing.T) {
	// serverNick turns a topic or mode with no nick, not reported on join,
	// into the nick a format writes for the server.
	serverNick := func(ev event.Event, nick string) event.Event {
		if ev.Nick == "" && ev.Flags&event.FlagTopicOnJoin == 0 && (ev.Kind == event.KindTopic || ev.Kind == event.KindMode) {
			ev.Nick = nick
		}
		return ev
	}
	tests := []struct {
		format string
		perDay bool // no day markers: one file per day, read with its date
		// headed: the file names its channel and zone; it is read without options
		headed bool
		// expect turns an event written into the one read back, or into
		// the reason its line is not kept for
		expect func(ev event.Event) (event.Event, string)
	}{
		{"own", false, true, func(ev event.Event) (event.Event, string) {
			ev.Account = ""
			return ev, ""
		}},
		{"irssi", false, false, func(ev event.Event) (event.Event, string) {
			if ev.Kind == event.KindGap {
				return ev, reasonGapLine
			}
			ev.Account = ""
			return serverNick(ev, "server"), ""
		}},
		{"weechat", false, false, func(ev event.Event) (event.Event, string) {
			if ev.Kind == event.KindGap {
				return ev, reasonGapLine
			}
			return serverNick(ev, "server"), "" // a join keeps its account
		}},
		{"znc", true, false, func(ev event.Event) (event.Event, string) {
			switch {
			case ev.Kind == event.KindGap:
				return ev, reasonGapLine
			case ev.Kind == event.KindMode && ev.Nick == "":
				return ev, reasonModesOnJoin // "Server sets mode": the modes seen on join
			}
			ev.Account = ""
			return serverNick(ev, "Server"), ""
		}},
	}
	evs := everyKind(t)
	kinds, flags := map[event.Kind]bool{}, event.Flags(0)
	for _, ev := range evs {
		kinds[ev.Kind], flags = true, flags|ev.Flags
	}
	for _, k := range event.Kinds() {
		if !kinds[k] {
			t.Fatalf("test data lacks kind %s", k)
		}
	}
	if want := event.FlagSelf | event.FlagRelayed | event.FlagTopicOnJoin; flags&want != want {
		t.Fatalf("test data has flags %b, want %b among them", flags, want)
	}
	for _, tt := range tests {
		for _, zone := range []string{"UTC", "Europe/London", "America/New_York", "Asia/Tokyo"} {
			t.Run(tt.format+"/"+zone, func(t *testing.T) {
				loc := mustZone(t, zone)
				files := [][]event.Event{evs}
				if tt.perDay {
					files = byLocalDay(evs, loc)
				}
				var got, want []event.Event
				gotNotKept, wantNotKept := map[string]int64{}, map[string]int64{}
				for _, file := range files {
					text := writeEvents(t, tt.format, loc, file)
					opt := Options{}
					if !tt.headed {
						opt = Options{Channel: "#techrights", Network: "techrights", Location: loc, Date: file[0].Time.In(loc)}
					}
					read, r := readAll(t, text, opt)
					if r.Format() != tt.format {
						t.Errorf("detected %s, want %s", r.Format(), tt.format)
					}
					if len(r.Warnings()) > 0 {
						t.Errorf("warnings: %v\n%s", r.Warnings(), text)
					}
					for reason, n := range r.Counts().NotKept {
						gotNotKept[reason] += n
					}
					got = append(got, read...)
					for _, ev := range file {
						// no text format says who sent a line or how it came
						ev.Flags &^= event.FlagSelf | event.FlagRelayed
						ev.Via = ""
						if ev, reason := tt.expect(ev); reason != "" {
							wantNotKept[reason]++
						} else {
							want = append(want, ev)
						}
					}
				}
				if !maps.Equal(gotNotKept, wantNotKept) {
					t.Errorf("not kept: %v, want %v", gotNotKept, wantNotKept)
				}
				if len(got) != len(want) {
					t.Fatalf("read %d events, want %d", len(got), len(want))
				}
				for i := range want {
					if show(got[i]) != show(want[i]) {
						t.Errorf("event %d:\n got %s\nwant %s", i, show(got[i]), show(want[i]))
					}
				}
			})
		}
	}
}

// byLocalDay splits events in time order into the runs of each local day.
func byLocalDay(evs []event.Event, loc *time.Location) [][]event.Event {
	var days [][]event.Event
	for i, ev := range evs {
		if i == 0 || !startOfDay(ev.Time.In(loc)).Equal(startOfDay(evs[i-1].Time.In(loc))) {
			days = append(days, nil)
		}
		days[len(days)-1] = append(days[len(days)-1], ev)
	}
	return days
}

// writeEvents writes one channel's events in a format, through a
// bufio.Writer, and returns the text.
func writeEvents(t testing.TB, format string, loc *time.Location, evs []event.Event) string {
	t.Helper()
	var b bytes.Buffer
	bw := bufio.NewWriter(&b)
	w, err := NewFormatWriter(format, bw, loc)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Header("techrights", "#techrights", evs[0].Time); err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestFormatWriterLines pins the line each text format writes for each kind
// of event and its corner cases (our own format's are in TestFormatLine).
func TestFormatWriterLines(t *testing.T) {
	at := time.Date(2026, 2, 2, 14, 3, 11, 0, time.UTC)
	tests := []struct {
		name                string
		ev                  event.Event
		irssi, weechat, znc string
	}{
		{"message", event.Event{Kind: event.KindMessage, Nick: "alice", Text: "hi"},
			"14:03:11 < alice> hi",
			"2026-02-02 14:03:11\talice\thi",
			"[14:03:11] <alice> hi"},
		{"message from a nick with a tab", event.Event{Kind: event.KindMessage, Nick: "a\tb", Text: "x\ty"},
			"14:03:11 < a\tb> x\ty",
			"2026-02-02 14:03:11\ta b\tx\ty",
			"[14:03:11] <a\tb> x\ty"},
		{"action", event.Event{Kind: event.KindAction, Nick: "alice", Text: "waves"},
			"14:03:11  * alice waves",
			"2026-02-02 14:03:11\t *\talice waves",
			"[14:03:11] * alice waves"},
		{"notice", event.Event{Kind: event.KindNotice, Nick: "bob", Text: "a notice"},
			"14:03:11 -bob:#c- a notice",
			"2026-02-02 14:03:11\t--\tNotice(bob) -> #c: a notice",
			"[14:03:11] -bob- a notice"},
		{"join", event.Event{Kind: event.KindJoin, Nick: "carol", UserHost: "~c@h", Account: "carol_acct"},
			"14:03:11 -!- carol [~c@h] has joined #c",
			"2026-02-02 14:03:11\t-->\tcarol [carol_acct] (~c@h) has joined #c",
			"[14:03:11] *** Joins: carol (~c@h)"},
		{"join without host", event.Event{Kind: event.KindJoin, Nick: "carol"},
			"14:03:11 -!- carol has joined #c",
			"2026-02-02 14:03:11\t-->\tcarol has joined #c",
			"[14:03:11] *** Joins: carol (@)"},
		{"part", event.Event{Kind: event.KindPart, Nick: "carol", UserHost: "~c@h", Text: "bye"},
			"14:03:11 -!- carol [~c@h] has left #c [bye]",
			"2026-02-02 14:03:11\t<--\tcarol (~c@h) has left #c (bye)",
			"[14:03:11] *** Parts: carol (~c@h) (bye)"},
		{"part without host or reason", event.Event{Kind: event.KindPart, Nick: "carol"},
			"14:03:11 -!- carol has left #c []",
			"2026-02-02 14:03:11\t<--\tcarol has left #c",
			"[14:03:11] *** Parts: carol (@) ()"},
		{"quit", event.Event{Kind: event.KindQuit, Nick: "dave", UserHost: "~d@h", Text: "Ping timeout"},
			"14:03:11 -!- dave [~d@h] has quit [Ping timeout]",
			"2026-02-02 14:03:11\t<--\tdave (~d@h) has quit (Ping timeout)",
			"[14:03:11] *** Quits: dave (~d@h) (Ping timeout)"},
		{"quit without reason", event.Event{Kind: event.KindQuit, Nick: "dave", UserHost: "~d@h"},
			"14:03:11 -!- dave [~d@h] has quit []",
			"2026-02-02 14:03:11\t<--\tdave (~d@h) has quit",
			"[14:03:11] *** Quits: dave (~d@h) ()"},
		{"kick", event.Event{Kind: event.KindKick, Nick: "alice", Target: "erin", Text: "spam"},
			"14:03:11 -!- erin was kicked from #c by alice [spam]",
			"2026-02-02 14:03:11\t<--\talice has kicked erin (spam)",
			"[14:03:11] *** erin was kicked by alice (spam)"},
		{"kick without reason", event.Event{Kind: event.KindKick, Nick: "alice", Target: "erin"},
			"14:03:11 -!- erin was kicked from #c by alice []",
			"2026-02-02 14:03:11\t<--\talice has kicked erin",
			"[14:03:11] *** erin was kicked by alice ()"},
		{"nick", event.Event{Kind: event.KindNick, Nick: "frank", Target: "frankie"},
			"14:03:11 -!- frank is now known as frankie",
			"2026-02-02 14:03:11\t--\tfrank is now known as frankie",
			"[14:03:11] *** frank is now known as frankie"},
		{"topic", event.Event{Kind: event.KindTopic, Nick: "alice", Text: "new topic"},
			"14:03:11 -!- alice changed the topic of #c to: new topic",
			"2026-02-02 14:03:11\t--\talice has changed topic for #c to \"new topic\"",
			"[14:03:11] *** alice changes topic to 'new topic'"},
		{"topic on join", event.Event{Kind: event.KindTopic, Text: "seen on join", Flags: event.FlagTopicOnJoin},
			"14:03:11 -!- Topic for #c: seen on join",
			"2026-02-02 14:03:11\t--\tTopic for #c is \"seen on join\"",
			"[14:03:11] *** Topic for #c is 'seen on join'"},
		{"topic by a server", event.Event{Kind: event.KindTopic, Text: "t"},
			"14:03:11 -!- server changed the topic of #c to: t",
			"2026-02-02 14:03:11\t--\tserver has changed topic for #c to \"t\"",
			"[14:03:11] *** Server changes topic to 't'"},
		{"topic unset", event.Event{Kind: event.KindTopic, Nick: "alice"},
			"14:03:11 -!- Topic unset by alice on #c",
			"2026-02-02 14:03:11\t--\talice has unset topic for #c",
			"[14:03:11] *** alice changes topic to ''"},
		{"topic unset by a server", event.Event{Kind: event.KindTopic},
			"14:03:11 -!- server changed the topic of #c to: ",
			"2026-02-02 14:03:11\t--\tserver has unset topic for #c",
			"[14:03:11] *** Server changes topic to ''"},
		{"mode", event.Event{Kind: event.KindMode, Nick: "alice", Text: "+o bob"},
			"14:03:11 -!- mode/#c [+o bob] by alice",
			"2026-02-02 14:03:11\t--\tMode #c [+o bob] by alice",
			"[14:03:11] *** alice sets mode: +o bob"},
		{"mode by a server", event.Event{Kind: event.KindMode, Text: "+nt"},
			"14:03:11 -!- ServerMode/#c [+nt] by server",
			"2026-02-02 14:03:11\t--\tMode #c [+nt] by server",
			"[14:03:11] *** Server sets mode: +nt"},
		{"gap", event.Event{Kind: event.KindGap, Text: "2026-02-02T13:50:02Z"},
			"14:03:11 -!- Irssi: recording gap: nothing was recorded from 13:50:02 to 14:03:11",
			"2026-02-02 14:03:11\t--\trecording gap: nothing was recorded from 13:50:02 to 14:03:11",
			"[14:03:11] *** recording gap: nothing was recorded from 13:50:02 to 14:03:11"},
		{"gap from another day", event.Event{Kind: event.KindGap, Text: "2026-01-30T23:50:02Z"},
			"14:03:11 -!- Irssi: recording gap: nothing was recorded from 2026-01-30 23:50:02 to 14:03:11",
			"2026-02-02 14:03:11\t--\trecording gap: nothing was recorded from 2026-01-30 23:50:02 to 14:03:11",
			"[14:03:11] *** recording gap: nothing was recorded from 2026-01-30 23:50:02 to 14:03:11"},
		{"gap without start", event.Event{Kind: event.KindGap, Text: "?"},
			"14:03:11 -!- Irssi: recording gap: nothing was recorded before 14:03:11",
			"2026-02-02 14:03:11\t--\trecording gap: nothing was recorded before 14:03:11",
			"[14:03:11] *** recording gap: nothing was recorded before 14:03:11"},
		{"unknown kind", event.Event{Kind: event.Kind(200), Nick: "x", Text: "y"},
			"14:03:11 -!- kind(200) x: y",
			"2026-02-02 14:03:11\t--\tkind(200) x: y",
			"[14:03:11] *** kind(200) x: y"},
		{"self and relayed lines are written as others", event.Event{Kind: event.KindMessage, Nick: "me", Text: "hi", Flags: event.FlagSelf | event.FlagRelayed, Via: "matrix"},
			"14:03:11 < me> hi",
			"2026-02-02 14:03:11\tme\thi",
			"[14:03:11] <me> hi"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := tt.ev
			ev.Channel, ev.Time = "#c", at
			for format, want := range map[string]string{"irssi": tt.irssi, "weechat": tt.weechat, "znc": tt.znc} {
				var b bytes.Buffer
				w, err := NewFormatWriter(format, &b, time.UTC)
				if err != nil {
					t.Fatal(err)
				}
				if err := w.Write(ev); err != nil {
					t.Fatal(err)
				}
				lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
				if got := lines[len(lines)-1]; got != want {
					t.Errorf("%s:\n got %q\nwant %q", format, got, want)
				}
			}
		})
	}
}

// TestFormatWriterMarkers: the lines that open a file and mark a new day,
// in the formats that write them.
func TestFormatWriterMarkers(t *testing.T) {
	at := time.Date(2026, 2, 2, 14, 3, 11, 0, time.UTC)
	msg := event.Event{Channel: "#c", Time: at, Kind: event.KindMessage, Nick: "alice", Text: "hi"}
	next := msg
	next.Time = at.Add(24 * time.Hour)
	tests := []struct {
		format string
		want   string
	}{
		{"own", "--- IRC logs for Monday, February 02, 2026\n--- #c on net (times are UTC)\n[14:03:11] <alice> hi\n" +
			"--- IRC logs for Tuesday, February 03, 2026\n[14:03:11] <alice> hi\n"},
		{"irssi", "--- Log opened Mon Feb 02 00:00:00 2026\n14:03:11 < alice> hi\n--- Day changed Tue Feb 03 2026\n14:03:11 < alice> hi\n"},
		{"weechat", "2026-02-02 14:03:11\talice\thi\n2026-02-03 14:03:11\talice\thi\n"},
		{"znc", "[14:03:11] <alice> hi\n[14:03:11] <alice> hi\n"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			var b bytes.Buffer
			w, err := NewFormatWriter(tt.format, &b, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Header("net", "#c", time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)); err != nil {
				t.Fatal(err)
			}
			for _, ev := range []event.Event{msg, next} {
				if err := w.Write(ev); err != nil {
					t.Fatal(err)
				}
			}
			if b.String() != tt.want {
				t.Errorf("got\n%q\nwant\n%q", b.String(), tt.want)
			}
		})
	}
}

func TestJSONWriter(t *testing.T) {
	var b bytes.Buffer
	w, err := NewFormatWriter("json", &b, mustZone(t, "Europe/London"))
	if err != nil {
		t.Fatal(err)
	}
	ev := event.Event{
		ID: 42, Network: "techrights", Channel: "#techrights",
		Time: time.Date(2026, 7, 1, 13, 3, 11, 250e6, time.UTC), Kind: event.KindKick,
		Nick: "alice", UserHost: "~a@h", Account: "alice_acct", Text: "<b>spam</b> & more", Target: "erin",
		MsgID: "abc", Via: "matrix", Flags: event.FlagRelayed | event.FlagImported,
	}
	if err := w.Header("techrights", "#techrights", ev.Time); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ev); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	line := b.String()
	if strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") {
		t.Fatalf("want one line, got %q", line)
	}
	if !strings.Contains(line, `"<b>spam</b> & more"`) {
		t.Errorf("text was escaped for HTML: %s", line)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(line), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"id": 42.0, "network": "techrights", "channel": "#techrights", "time": "2026-07-01T14:03:11.250+01:00",
		"kind": "kick", "nick": "alice", "userhost": "~a@h", "account": "alice_acct", "text": "<b>spam</b> & more",
		"target": "erin", "msgid": "abc", "via": "matrix", "flags": float64(event.FlagRelayed | event.FlagImported),
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("fields %v, want %v", got, want)
	}
}

func TestNewFormatWriterUnknown(t *testing.T) {
	_, err := NewFormatWriter("mirc", &bytes.Buffer{}, nil)
	if err == nil || !strings.Contains(err.Error(), "irssi") {
		t.Errorf("err = %v, want a list of the formats", err)
	}
	for _, f := range WriteFormats() {
		if _, err := NewFormatWriter(f, &bytes.Buffer{}, nil); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestUserHostWithSpacesRoundTrip writes joins, parts and quits whose
// user@host holds spaces or brackets (a redacted host, a bridge) as WeeChat
// and irssi write them, and reads them back whole.
func TestUserHostWithSpacesRoundTrip(t *testing.T) {
	at := time.Date(2026, 2, 2, 14, 3, 11, 0, time.UTC)
	for _, format := range []string{"weechat", "irssi"} {
		for _, uh := range []string{"~flo@ ", "~a@ho st", " a@b", "a b@c d", "~a@h) x", "x] y@z", "(a@b)", "[a@b]"} {
			for _, k := range []event.Kind{event.KindJoin, event.KindPart, event.KindQuit} {
				var b bytes.Buffer
				w, err := NewFormatWriter(format, &b, time.UTC)
				if err != nil {
					t.Fatal(err)
				}
				ev := event.Event{Channel: "#c", Time: at, Kind: k, Nick: "flo", UserHost: uh, Text: "bye (for now)"}
				if k == event.KindJoin {
					ev.Text = ""
				}
				if err := w.Write(ev); err != nil {
					t.Fatal(err)
				}
				got, r := readAll(t, b.String(), Options{Channel: "#c", Format: format, Date: at})
				if len(got) != 1 || got[0].UserHost != uh || got[0].Text != ev.Text || got[0].Kind != k {
					t.Errorf("%s %s %q: read %v (warnings %v) from %q", format, k, uh, got, r.Warnings(), b.String())
				}
			}
		}
	}
}

// TestTextFormatsWriteEveryKind: each text format has a line for every
// event of every kind, its last line of a kind being for all of them.
func TestTextFormatsWriteEveryKind(t *testing.T) {
	for _, f := range textFormats {
		for _, k := range event.Kinds() {
			if int(k) >= len(f.lines) || len(f.lines[k]) == 0 {
				t.Errorf("%s has no line for %s", f.name, k)
				continue
			}
			if last := f.lines[k][len(f.lines[k])-1]; last.when != always {
				t.Errorf("%s has no line for every %s: the last is only for some", f.name, k)
			}
		}
	}
}

func TestCompileTemplateRefusesMalformed(t *testing.T) {
	for _, tmpl := range []string{"{nick", "{nickname}", "{nick? by }", "{text:15:04}", "{time}", "{nick!x}"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("compileTemplate(%q) did not panic", tmpl)
				}
			}()
			compileTemplate(tmpl)
		}()
	}
	got := compileTemplate("-!- {nick}{userhost? [%]} has left{text? [%]}")
	want := []piece{
		{before: "-!- ", field: fieldNick},
		{field: fieldUserHost, optional: true, before: " [", after: "]"},
		{before: " has left"},
		{field: fieldText, optional: true, before: " [", after: "]"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("compileTemplate = %+v\nwant %+v", got, want)
	}
}
