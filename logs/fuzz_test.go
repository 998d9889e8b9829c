package logs

import (
	"bytes"
	"io"
	"proceedings/event"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// FuzzReader reads arbitrary bytes as each format (0: detect): it must never
// panic, and every event must be valid, in UTC, imported and UTF-8.
func FuzzReader(f *testing.F) {
	for _, tc := range formatCases {
		f.Add(uint8(0), []byte(tc.input))
		for i, spec := range formats {
			if spec.name == tc.format {
				f.Add(uint8(i+1), []byte(tc.input))
			}
		}
	}
	f.Add(uint8(0), []byte("[14:03:11] <a\x00> caf\xe9\r\n[14:0"))
	f.Add(uint8(2), []byte("--- Day changed Tue Feb 03 2026\n00:01 -!- Netsplit a <-> b quits: , ,@,x\n"))
	f.Add(uint8(3), []byte("2026-02-02 14:09:00\t--\talice has changed topic for #c from \"\" to \"\n"))
	f.Add(uint8(6), []byte("**** BEGIN LOGGING AT Thu Dec 31 23:00:00 2026\nJan 01 00:00:01 *\t\x03\x02 has quit (x)\n"))
	f.Add(uint8(64+4), []byte("[12:00:00] <a> \x82\xb1\x82\xf1\x82\n[12:00:01] <b> \x83\x65\n"))
	f.Add(uint8(128+4), []byte("[12:00:00] <a> \x1b$B$3$s\x1b(B ok\n"))
	f.Add(uint8(4), []byte("[12:00:00] <a> \xa4\xb3\xa4\xf3\xa4\xcb\xa4\xc1\n[12:00:01] <a> \xd0\xd2\xc9 \xd7\xc5\xd4\n[12:00:02] <a> \xd0\x9f\xd1\n"))
	f.Add(uint8(2), []byte("--- Log opened Sun Mar 29 00:00:00 2026\n00:59:59 < a> 1\n01:30:00 < a> 2\n02:10 < a> 3\n"))
	f.Add(uint8(1), []byte("--- IRC logs for Sunday, October 25, 2026\n--- #c (times are Europe/London)\n[01:30:00] -!- recording gap: nothing was recorded from 2026-10-24 01:30:00 to 01:30:00\n"))
	// WeeChat in other languages and with custom prefixes
	f.Add(uint8(3), []byte("2017-09-07 18:35:11\t-->\tm1cl (~m1cl@193.175.2.18) hat den Channel #weechat betreten\n"+
		"2017-09-07 18:35:11\t--\tChannel #weechat: 744 Nicks (5 Operatoren, 1 ge-voice-ter, 738 normale)\n"+
		"2017-09-07 18:38:44\t<--\tZialus (~RMF@h) hat den IRC verlassen (Quit: i'm out!)\n"+
		"2017-09-07 18:39:00\t--\tDu bist nun als m1cl_ bekannt\n"))
	f.Add(uint8(3), []byte("2014-05-13 20:38:41\t-->\trobin_m (~r@h) a rejoint #bepo\n2014-05-13 20:40:00\t<--\tgaetan (~g@h) a quitté #bepo (a (b))\n"+
		"2014-05-13 20:40:01\t<--\tgaetan (~g@h) a quitté\n2014-05-13 20:40:02\t--\tsinma a changé le titre pour #bepo de \"a\" en \"b\"\n"))
	f.Add(uint8(3), []byte("2019-07-05 09:42:29\t> \t_R (~g@h) has joined #a\n2019-07-05 09:42:30\tℹ \tx is now known as y\n"+
		"2019-07-05 09:42:31\t⚡\ty waves\n2019-07-05 09:42:32\t | \ty hugs\n2019-07-05 09:42:33\t☭\tz\n"+
		"2019-07-05 09:42:34\t<--\tmari (~m@h) lahkus kanalilt #c (head aega)\n2019-07-05 09:42:35\t--\tPvNotice(C): w\n"))
	// irssi with autolog_colors and a theme
	f.Add(uint8(2), []byte("--- Log opened Mon Feb 02 14:00:00 2026\n14:00 \x049/-\x04g!\x049/-\x04g me [~me@h] has joined #chan\n"+
		"[14:03] \x048/<\x04g@bob\x048/>\x04g \x04ehi \x0304red\n(14:03:11) alice | hi\n14:04 *** carol (~c@h) has left #chan [bye]\n"+
		"14:05 -!- You're now known as me2\n14:06 [notice(#chan)] hi\n14:07 -bob(~b@h)- psst\n14:08 \x04#\xff\x20\x40\x30<\xff> x\n"))

	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, format uint8, data []byte) {
		opt := Options{
			Channel:  "#c",
			Network:  "net",
			Location: london,
			Date:     time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC),
		}
		if i := int(format) % (len(formats) + 1); i > 0 {
			opt.Format = formats[i-1].name
		}
		switch format >> 6 {
		case 1:
			opt.Encoding = "shift_jis"
		case 2:
			opt.Encoding = "iso-2022-jp"
		case 3:
			opt.Encoding = "utf-8"
		}
		r, err := NewReader(bytes.NewReader(data), opt)
		if err != nil {
			return
		}
		eof := false
		for n := 0; n < 1<<20; n++ {
			ev, err := r.Next()
			if err == io.EOF {
				eof = true
				break
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if err := readEventError(ev); err != nil {
				t.Fatal(err)
			}
			if ev.Channel != "#c" || ev.Network != "net" {
				t.Fatalf("channel/network not stamped: %s", show(ev))
			}
			for _, s := range []string{ev.Nick, ev.UserHost, ev.Account, ev.Text, ev.Target} {
				if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 || strings.IndexByte(s, '\n') >= 0 {
					t.Fatalf("bad string %q in %s", s, show(ev))
				}
			}
			// never a message from a nick that is a prefix or a status
			// line's symbol ("-->", "ℹ", "-!-", "*"); checked for the
			// formats whose prefixes a user can change
			for _, n := range []string{ev.Nick, ev.Target} {
				if f := r.Format(); n != "" && (f == "weechat" || f == "irssi") && (strings.ContainsAny(n, " \t") || symbolsOnly(n)) {
					t.Fatalf("%q as a nick in %s", n, show(ev))
				}
			}
			if (ev.Kind == event.KindNick || ev.Kind == event.KindKick) && ev.Target == "" {
				t.Fatalf("%s without its target: %s", ev.Kind, show(ev))
			}
			if r.Format() == "weechat" && ev.Nick != "" && !isNick(ev.Nick) && !isServerName(ev.Nick) {
				t.Fatalf("%q from WeeChat's prefix column or sentences is no nick: %s", ev.Nick, show(ev))
			}
		}
		for _, w := range r.Warnings() {
			if !utf8.ValidString(w.Text) || len(w.Text) > warnTextLen || w.Line < 1 {
				t.Fatalf("bad warning %+v", w)
			}
		}
		// Every line is accounted for, once.
		c := r.Counts()
		if c.Sum() != c.Lines {
			t.Fatalf("counts %+v add up to %d, not Lines %d", c, c.Sum(), c.Lines)
		}
		if eof && c.Lines != lineCount(string(data)) {
			t.Fatalf("Lines = %d, the input has %d", c.Lines, lineCount(string(data)))
		}
		for _, m := range []map[string]int64{c.NotKept, c.NotUnderstood, c.Repaired} {
			for reason, n := range m {
				if reason == "" || n <= 0 {
					t.Fatalf("count %d for reason %q", n, reason)
				}
				if ex := r.Examples(reason); len(ex) == 0 || len(ex) > maxExamples {
					t.Fatalf("%d examples for %q", len(ex), reason)
				}
			}
		}
	})
}

// symbolsOnly reports whether s has no letter nor digit and a character
// no nick has: a prefix or a status line's symbol, never a nick. (Nicks of
// RFC 2812's special characters alone, "`" or "^_^", exist.)
func symbolsOnly(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return strings.Trim(s, "[]\\`_^{|}") != ""
}

// FuzzOwnRoundTrip writes one event in our own format and reads it back:
// within the format's rules (nicks without spaces or brackets), what comes
// back is what went in.
func FuzzOwnRoundTrip(f *testing.F) {
	f.Add(uint8(event.KindMessage), "alice", "~a@h", "bob", "hello there", int64(1770040991), false)
	f.Add(uint8(event.KindPart), "carol", "", "", "bye [now]", int64(1770040991), false)
	f.Add(uint8(event.KindMode), "", "", "", "+o x] by y", int64(1770040991), false)
	f.Add(uint8(event.KindTopic), "Topic", "", "", "for #c: x", int64(1770040991), true)
	f.Add(uint8(event.KindKick), "alice", "", "erin", "", int64(1792544400), false)
	f.Add(uint8(event.KindGap), "", "", "", "", int64(1792544400), false)
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		f.Fatal(err)
	}
	word := func(s string) bool {
		return s != "" && utf8.ValidString(s) && !strings.ContainsAny(s, " <>[]\r\n\x00\t") && !strings.HasPrefix(s, "-") && !strings.HasPrefix(s, "!")
	}
	f.Fuzz(func(t *testing.T, kind uint8, nick, uh, target, text string, unix int64, onJoin bool) {
		k := event.Kind(kind%uint8(len(event.Kinds())) + 1)
		at := time.Unix(1e9+unix%(3e9), 0).UTC()
		ev := event.Event{Network: "net", Channel: "#c", Time: at, Kind: k, Nick: nick, UserHost: uh, Target: target,
			Text: text, Flags: event.FlagImported}
		if !utf8.ValidString(text) || (uh != "" && !word(uh)) {
			return
		}
		switch k {
		case event.KindGap:
			ev.Nick, ev.UserHost, ev.Target = "", "", ""
			ev.Text = at.Add(-time.Duration(unix%1e6) * time.Second).Format(time.RFC3339)
		case event.KindTopic:
			if onJoin {
				ev.Flags |= event.FlagTopicOnJoin
				ev.Nick = ""
			}
			if ev.Nick != "" && !word(ev.Nick) {
				return
			}
			ev.UserHost, ev.Target = "", ""
		case event.KindMode:
			if ev.Nick != "" && !word(ev.Nick) || ev.Nick == "" && strings.Contains(strings.NewReplacer("\r", " ", "\n", " ", "\x00", " ").Replace(text), "] by ") {
				return
			}
			ev.UserHost, ev.Target = "", ""
		default:
			if !word(nick) {
				return
			}
			if k == event.KindNick || k == event.KindKick {
				if !word(target) {
					return
				}
			} else {
				ev.Target = ""
			}
			if k != event.KindJoin && k != event.KindPart && k != event.KindQuit {
				ev.UserHost = ""
			}
			if k == event.KindNick || k == event.KindJoin {
				ev.Text = ""
			}
		}
		var b bytes.Buffer
		w := NewWriter(&b, london)
		if err := w.Write(ev); err != nil {
			t.Fatal(err)
		}
		got, r := readAll(t, b.String(), Options{})
		if len(got) != 1 {
			t.Fatalf("read %d events from %q (warnings %v)", len(got), b.String(), r.Warnings())
		}
		// What comes back is what appendClean kept (FuzzAppendClean checks
		// what it keeps).
		want := ev
		clean := func(s string) string { return string(appendClean(nil, s)) }
		want.Text, want.Nick, want.UserHost, want.Target = clean(ev.Text), clean(ev.Nick), clean(ev.UserHost), clean(ev.Target)
		if show(got[0]) != show(want) {
			t.Fatalf("round trip of %q:\n got %s\nwant %s", b.String(), show(got[0]), show(want))
		}
	})
}

// FuzzAppendClean checks the rule of every text output: one line, nothing a
// terminal acts on, valid UTF-8, mIRC formatting kept, and text that was
// already clean unchanged.
func FuzzAppendClean(f *testing.F) {
	for _, s := range []string{"plain", "caf\xe9", "\x1b]0;title\x07", "\x1b[2J", "a\x0bb\x0cc", "\u0085nel", "\u2028\u2029",
		"\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "\x0304red\x0f \x02bold\x02", "\xc2\x9b2J", "— “quoted” €", "\x7f\x0e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := string(appendClean(nil, s))
		if !utf8.ValidString(out) {
			t.Fatalf("appendClean(%q) = %q: not valid UTF-8", s, out)
		}
		for _, r := range out {
			if r < 0x20 && r != '\t' && !isFormatCode(byte(r)) || r >= 0x7f && r < 0xa0 || r == '\u2028' || r == '\u2029' {
				t.Fatalf("appendClean(%q) = %q keeps %U", s, out, r)
			}
		}
		safe := utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool {
			return r < 0x20 && r != '\t' && !isFormatCode(byte(r)) || r >= 0x7f && r < 0xa0 || r == '\u2028' || r == '\u2029'
		})
		if safe && out != s {
			t.Fatalf("appendClean(%q) = %q: clean text changed", s, out)
		}
		if utf8.RuneCountInString(out) != utf8.RuneCountInString(s) && utf8.ValidString(s) {
			t.Fatalf("appendClean(%q) = %q: characters added or lost", s, out)
		}
	})
}
