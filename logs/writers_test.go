package logs

import (
	"bytes"
	"encoding/json"
	"proceedings/event"
	"strings"
	"testing"
	"time"
)

// TestFormatWritersRoundTrip writes every kind of event with each format's
// writer and reads it back with that format's reader: what comes back is
// what went in, less what the format cannot say.
func TestFormatWritersRoundTrip(t *testing.T) {
	tests := []struct {
		format string
		zone   string
		oneDay bool // the format has no day markers
		// adjust turns a written event into the one expected back; false drops it
		adjust func(ev event.Event) (event.Event, bool)
	}{
		{"own", "Europe/London", false, func(ev event.Event) (event.Event, bool) { return ev, true }},
		{"irssi", "Europe/London", false, func(ev event.Event) (event.Event, bool) {
			switch ev.Kind {
			case event.KindGap:
				return ev, false // irssi has no such line
			case event.KindTopic, event.KindMode:
				if ev.Nick == "" && ev.Flags&event.FlagTopicOnJoin == 0 {
					ev.Nick = "server"
				}
			}
			return ev, true
		}},
		{"weechat", "America/New_York", false, func(ev event.Event) (event.Event, bool) {
			switch ev.Kind {
			case event.KindGap:
				return ev, false
			case event.KindTopic, event.KindMode:
				if ev.Nick == "" && ev.Flags&event.FlagTopicOnJoin == 0 {
					ev.Nick = "server"
				}
			}
			return ev, true
		}},
		{"znc", "Asia/Tokyo", true, func(ev event.Event) (event.Event, bool) {
			switch ev.Kind {
			case event.KindGap:
				return ev, false
			case event.KindMode:
				if ev.Nick == "" {
					return ev, false // "Server sets mode": the modes seen on join
				}
			case event.KindTopic:
				if ev.Nick == "" && ev.Flags&event.FlagTopicOnJoin == 0 {
					ev.Nick = "Server"
				}
			}
			return ev, true
		}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			loc := mustZone(t, tt.zone)
			evs := everyKind(t)
			if tt.oneDay {
				day := startOfDay(evs[0].Time.In(loc))
				var same []event.Event
				for _, ev := range evs {
					if startOfDay(ev.Time.In(loc)).Equal(day) {
						same = append(same, ev)
					}
				}
				evs = same
			}
			var b bytes.Buffer
			w, err := NewFormatWriter(tt.format, &b, loc)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Header("techrights", "#techrights", evs[0].Time); err != nil {
				t.Fatal(err)
			}
			var want []event.Event
			for _, ev := range evs {
				if err := w.Write(ev); err != nil {
					t.Fatal(err)
				}
				if ev, ok := tt.adjust(ev); ok {
					want = append(want, ev)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			got, r := readAll(t, b.String(), Options{
				Channel: "#techrights", Network: "techrights", Location: loc,
				Date: evs[0].Time.In(loc),
			})
			if r.Format() != tt.format {
				t.Errorf("detected %s, want %s", r.Format(), tt.format)
			}
			if len(r.Warnings()) > 0 {
				t.Errorf("warnings: %v", r.Warnings())
			}
			if len(got) != len(want) {
				t.Fatalf("read %d events, want %d:\n%s", len(got), len(want), b.String())
			}
			for i := range want {
				if show(got[i]) != show(want[i]) {
					t.Errorf("event %d:\n got %s\nwant %s", i, show(got[i]), show(want[i]))
				}
			}
		})
	}
}

func TestFormatWriterLines(t *testing.T) {
	at := time.Date(2026, 2, 2, 14, 3, 11, 0, time.UTC)
	msg := event.Event{Channel: "#c", Time: at, Kind: event.KindMessage, Nick: "alice", Text: "hi"}
	part := event.Event{Channel: "#c", Time: at, Kind: event.KindPart, Nick: "carol", UserHost: "~c@h", Text: "bye"}
	tests := []struct {
		format string
		evs    []event.Event
		want   string
	}{
		{"irssi", []event.Event{msg, part, {Channel: "#c", Time: at.Add(24 * time.Hour), Kind: event.KindMode, Text: "+nt"}},
			"--- Log opened Mon Feb 02 00:00:00 2026\n14:03:11 < alice> hi\n14:03:11 -!- carol [~c@h] has left #c [bye]\n" +
				"--- Day changed Tue Feb 03 2026\n14:03:11 -!- ServerMode/#c [+nt] by server\n"},
		{"weechat", []event.Event{msg, part}, "2026-02-02 14:03:11\talice\thi\n2026-02-02 14:03:11\t<--\tcarol (~c@h) has left #c (bye)\n"},
		{"znc", []event.Event{msg, part}, "[14:03:11] <alice> hi\n[14:03:11] *** Parts: carol (~c@h) (bye)\n"},
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
			for _, ev := range tt.evs {
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
