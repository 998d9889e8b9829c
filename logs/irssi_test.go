package logs

import (
	"proceedings/event"
	"strings"
	"testing"
	"time"
)

// irssi's format codes as its default theme writes them with autolog_colors
// on (src/fe-common/core/formats.c): %K and %B are bold colours (0x04 and
// two bytes), %n resets and %| marks the indent (0x04 and one byte).
const (
	cK    = "\x048/" // %K
	cB    = "\x049/" // %B
	cC    = "\x04>/" // %C
	cn    = "\x04g"  // %n
	cIndt = "\x04e"  // %|
)

// TestIrssiColouredDefaultTheme reads a log written with autolog_colors
// on: the codes go, mIRC formatting in the text stays.
func TestIrssiColouredDefaultTheme(t *testing.T) {
	ls := cB + "-" + cn + "!" + cB + "-" + cn + " " // line_start
	playScene(t, "irssi", day, []lineWant{
		{line: "--- Log opened Mon Feb 02 14:00:00 2026", res: resMarker},
		{line: "14:00 " + ls + cC + "alice" + cn + " [" + cC + "~a@h" + cn + "] has joined " + cC + "#chan", events: []string{`02-02 14:00:00 join alice [~a@h] ""`}},
		{line: "14:03 " + cK + "<" + cn + "@bob" + cK + ">" + cn + " " + cIndt + "hello \x02bold\x02 \x0304red", events: []string{`02-02 14:03:00 message bob "hello \x02bold\x02 \x0304red"`}},
		{line: "14:03 " + cK + "<" + cn + " dx" + cK + ">" + cn + " " + cIndt + "ok that's on now", events: []string{`02-02 14:03:00 message dx "ok that's on now"`}},
		{line: "14:04 " + ls + "carol [~c@h] has quit [" + cC + "Ping timeout" + cn + "]", events: []string{`02-02 14:04:00 quit carol [~c@h] "Ping timeout"`}},
		// a 24-bit colour: 0x04 '#' and four bytes
		{line: "14:05 \x04#\x7f\x20\x40\x30<alice> hi", events: []string{`02-02 14:05:00 message alice "hi"`}},
		{line: "14:06 " + ls + "Irssi: Join to #chan was synced in 0 secs", res: resNoise, reason: "irssi client status (-!- Irssi: …)"},
	})
}

// TestIrssiColourBytesNotUTF8 reads through the whole reader a line where
// irssi wrote 0xff (%o): the line is decoded byte by byte, and the codes
// still go.
func TestIrssiColourBytesNotUTF8(t *testing.T) {
	in := "--- Log opened Mon Feb 02 14:00:00 2026\n14:03 \x04/\xff<alice>\x04g hi\n"
	evs, r := readAll(t, in, Options{Channel: "#chan", Format: "irssi"})
	if len(evs) != 1 || evs[0].Nick != "alice" || evs[0].Text != "hi" || len(r.Warnings()) != 0 {
		t.Fatalf("got %v, warnings %v", evs, r.Warnings())
	}
}

// TestIrssiThemes reads the shapes popular themes give the stamp (the
// log_timestamp setting) and the nick column, and a line_start other than
// "-!-".
const themedEventReason = "a themed irssi event line"

func TestIrssiThemes(t *testing.T) {
	playScene(t, "irssi", day, []lineWant{
		{line: "[14:03] <alice> before irssi's marker: not irssi", res: resBad, reason: reasonBadTime},
		{line: "--- Log opened Mon Feb 02 14:00:00 2026", res: resMarker},
		{line: "[14:03] <alice> bracketed stamp", events: []string{`02-02 14:03:00 message alice "bracketed stamp"`}},
		{line: "[14:03:11]<alice> no space after it", events: []string{`02-02 14:03:11 message alice "no space after it"`}},
		{line: "(14:03:12) alice | pipe", events: []string{`02-02 14:03:12 message alice "pipe"`}},
		{line: "2026-02-02 14:03:13 [@alice] dated stamp", events: []string{`02-02 14:03:13 message alice "dated stamp"`}},
		{line: "14:03:14 @alice: colon", events: []string{`02-02 14:03:14 message alice "colon"`}},
		{line: "14:03:15  bob> angle", events: []string{`02-02 14:03:15 message bob "angle"`}},
		{line: "14:03:16 bob - dash", events: []string{`02-02 14:03:16 message bob "dash"`}},
		{line: "14:03:17 (bob) parens", events: []string{`02-02 14:03:17 message bob "parens"`}},
		{line: "14:03:18 {+bob} braces", events: []string{`02-02 14:03:18 message bob "braces"`}},
		{line: "14:04 *** carol [~c@h] has joined #chan", events: []string{`02-02 14:04:00 join carol [~c@h] ""`}},
		{line: "14:04 »» carol (~c@h) has left #chan [bye]", events: []string{`02-02 14:04:00 part carol [~c@h] "bye"`}},
		{line: "14:05 :: dave [~d@h] has quit [Ping timeout]", events: []string{`02-02 14:05:00 quit dave [~d@h] "Ping timeout"`}},
		{line: "14:05 --> erin was kicked from #chan by alice [spam]", events: []string{`02-02 14:05:00 kick alice >erin "spam"`}},
		{line: "14:06 frank [~f@h] has joined #chan", events: []string{`02-02 14:06:00 join frank [~f@h] ""`}},
		{line: "14:07 Irssi: #chan: Total of 2 nicks [1 ops, 0 halfops, 0 voices, 1 normal]", res: resNoise, reason: "irssi client status (-!- Irssi: …)"},
		{line: "14:08 *** Topic set by alice [~a@h] [Sun Feb 01 10:00:00 2026]", res: resNoise, reason: "irssi channel information (topic set by, creation date, home page)"},
		// a theme that writes the nick and the text with nothing between
		{line: "14:09 alice hi there", res: resBad, reason: "not an irssi line of a known shape"},
		{line: "14:10 *** something irssi never wrote", res: resBad, reason: "status line of an unknown kind"},
		{line: "14:11 [Users #chan]", res: resNoise, reason: "names list"},
		{line: "14:11 [@alice] [ bob    ] [+carol  ]", res: resNoise, reason: "names list"},
		// themes that write a label or the subject's user@host in the nick
		// column of events (crap, pipeline, laaama-2, pyhy)
		{line: "14:12 Join : alice (~a@h.example) to #th-crap", res: resBad, reason: themedEventReason},
		{line: "14:12 Part : alice (~a@h.example) from #th-crap", res: resBad, reason: themedEventReason},
		{line: "14:12 QUIT : alice (~a@h.example) [bye]", res: resBad, reason: themedEventReason},
		{line: "14:12 Kick : bob from #th-crap by alice", res: resBad, reason: themedEventReason},
		{line: "14:13              join | alice!~a@h.example", res: resBad, reason: themedEventReason},
		{line: "14:13              nick | alice -> al", res: resBad, reason: themedEventReason},
		{line: "14:13             alice | alice!~a@h.example has left", res: resBad, reason: themedEventReason},
		{line: "14:14 carol: changes nick to carol2", res: resBad, reason: themedEventReason},
		{line: "14:14 carol: (~c@h) joined", res: resBad, reason: themedEventReason},
		{line: "14:14 [carol] dave (~d@h) has joined", res: resBad, reason: themedEventReason},
		// messages all the same
		{line: "14:15 carol: changes nick to carol2 if she wants", events: []string{`02-02 14:15:00 message carol "changes nick to carol2 if she wants"`}},
		{line: "14:15 joiner | hi", events: []string{`02-02 14:15:00 message joiner "hi"`}},
		{line: "14:15 <join> the default theme's column stays", events: []string{`02-02 14:15:00 message join "the default theme's column stays"`}},
		{line: "--- Day changed Tue Feb 03 2026", res: resMarker},
		{line: "[00:01] <alice> next day", events: []string{`02-03 00:01:00 message alice "next day"`}},
	})
}

// TestIrssiOwnNick keeps "You're now known as" when the log has shown the
// logger's nick: the join irssi's join burst follows, or an earlier change
// of the logger's. A join alone (a log rotated at midnight opens with
// anyone's) says nothing, and the nick stays known across sessions.
func TestIrssiOwnNick(t *testing.T) {
	playScene(t, "irssi", day, []lineWant{
		{line: "14:00 -!- You're now known as me1", res: resBad, reason: reasonSelfNickUnknown},
		{line: "--- Log opened Mon Feb 02 14:00:00 2026", res: resMarker},
		{line: "14:00 -!- me [~me@h] has joined #chan", events: []string{`02-02 14:00:00 join me [~me@h] ""`}},
		{line: "14:00 -!- Topic for #chan: hi", events: []string{`02-02 14:00:00 topic  "hi" +onjoin`}},
		{line: "14:00 -!- Topic set by op [~o@h] [Mon Feb 02 10:00:00 2026]", res: resNoise, reason: "irssi channel information (topic set by, creation date, home page)"},
		{line: "14:00 [Users #chan]", res: resNoise, reason: "names list"},
		{line: "14:00 [@op] [ me]", res: resNoise, reason: "names list"},
		{line: "14:00 -!- Irssi: #chan: Total of 2 nicks [1 ops, 0 halfops, 0 voices, 1 normal]", res: resNoise, reason: "irssi client status (-!- Irssi: …)"},
		{line: "14:01 -!- bob [~b@h] has joined #chan", events: []string{`02-02 14:01:00 join bob [~b@h] ""`}},
		{line: "14:02 -!- You're now known as me2", events: []string{`02-02 14:02:00 nick me >me2 "" +self`}},
		{line: "14:03 [notice(#chan)] hello all", events: []string{`02-02 14:03:00 notice me2 "hello all" +self`}},
		{line: "14:03 [notice(bob)] psst", res: resNoise, reason: "your own private notice"},
		{line: "14:03 [ctcp(#chan)] VERSION", res: resNoise, reason: "CTCP request or reply"},
		{line: "14:04 -!- You're now known as me3", events: []string{`02-02 14:04:00 nick me2 >me3 "" +self`}},
		{line: "--- Log closed Mon Feb 02 15:00:00 2026", res: resMarker},
		// a second session: its first join is not the logger's
		{line: "--- Log opened Mon Feb 02 16:00:00 2026", res: resMarker},
		{line: "16:00 -!- carol [~c@h] has joined #chan", events: []string{`02-02 16:00:00 join carol [~c@h] ""`}},
		{line: "16:01 -!- You're now known as me4", events: []string{`02-02 16:01:00 nick me3 >me4 "" +self`}},
		// a join followed by the burst
		{line: "16:02 -!- me5 [~me@h] has joined #chan", events: []string{`02-02 16:02:00 join me5 [~me@h] ""`}},
		{line: "16:02 -!- Irssi: Join to #chan was synced in 0 secs", res: resNoise, reason: "irssi client status (-!- Irssi: …)"},
		{line: "16:03 -!- You're now known as me6", events: []string{`02-02 16:03:00 nick me5 >me6 "" +self`}},
	})
	// a daily file opened at midnight: the first join is someone else's
	playScene(t, "irssi", day, []lineWant{
		{line: "--- Log opened Mon Feb 02 00:00:00 2026", res: resMarker},
		{line: "00:00 < alice> hi", events: []string{`02-02 00:00:00 message alice "hi"`}},
		{line: "00:05 -!- bob [~b@h] has joined #own", events: []string{`02-02 00:05:00 join bob [~b@h] ""`}},
		{line: "00:06 -!- You're now known as newme", res: resBad, reason: reasonSelfNickUnknown},
	})
}

// TestIrssiNotices keeps a notice to the channel, and never stores one to
// the logger (irssi's notice_private, a server's) as the channel's.
func TestIrssiNotices(t *testing.T) {
	playScene(t, "irssi", day, []lineWant{
		{line: "14:03 -bob:#chan- to the channel", events: []string{`02-02 14:03:00 notice bob "to the channel"`}},
		{line: "14:03 -bob:@#chan- to its operators", events: []string{`02-02 14:03:00 notice bob "to its operators"`}},
		{line: "14:03 -@bob- irssi 1.5 writes the mode", events: []string{`02-02 14:03:00 notice bob "irssi 1.5 writes the mode"`}},
		{line: "14:03 -NickServ(NickServ@services.)- This nickname is registered", res: resNoise, reason: "private notice"},
		{line: "14:03 -bob- to the logger", res: resNoise, reason: "private notice"},
		{line: "14:03 -irc.example.net- *** Looking up your hostname", res: resNoise, reason: "private notice"},
		{line: "14:03 !irc.example.net *** Notice -- Client connecting", res: resNoise, reason: "server notice"},
		{line: "14:03 -bob:#chan", res: resBad, reason: "notice without a nick"},
	})
}

// TestIrssiDefaultColumns: in the default theme's columns any word is a
// nick, symbols included (a real log's "`").
func TestIrssiDefaultColumns(t *testing.T) {
	playScene(t, "irssi", day, []lineWant{
		{line: "20:02 < `> fail.", events: []string{"02-02 20:02:00 message ` \"fail.\""}},
		{line: "20:03  * ` pets the cat", events: []string{"02-02 20:03:00 action ` \"pets the cat\""}},
		{line: "20:04 -!- ` [dissimulo@h] has joined #retrobox", events: []string{"02-02 20:04:00 join ` [dissimulo@h] \"\""}},
		{line: "20:05 <> empty nick", res: resBad, reason: "message without a nick"},
	})
}

// TestIrssiUserHostWithSpaces reads a user@host with spaces or brackets:
// it ends where the sentence starts.
func TestIrssiUserHostWithSpaces(t *testing.T) {
	playScene(t, "irssi", day, []lineWant{
		{line: "14:00 -!- flo [~flo@ ] has joined #chan", events: []string{`02-02 14:00:00 join flo [~flo@ ] ""`}},
		{line: "14:01 -!- flo [a b] c@d] has quit [bye]", events: []string{`02-02 14:01:00 quit flo [a b] c@d] "bye"`}},
	})
}

func TestStripIrssiCodes(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"\x04gdefault\x04e", "default"},
		{"\x048/bold black", "bold black"},
		{"\x04#abcdx24-bit", "x24-bit"},
		{"\x04/\u00ffo", "o"}, // %o as decoded from 0xff
		{"end\x04", "end"},
		{"end\x04#ab", "end"},
		{"\x02mirc\x02 \x0304kept\x0f", "\x02mirc\x02 \x0304kept\x0f"},
	} {
		if got := stripIrssiCodes(tc.in); got != tc.want {
			t.Errorf("stripIrssiCodes(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestSelfFlagOnlyOnOwnNick checks that only the logger's nick changes
// carry event.FlagSelf.
func TestSelfFlagOnlyOnOwnNick(t *testing.T) {
	in := "--- Log opened Mon Feb 02 14:00:00 2026\n14:00 -!- me [~me@h] has joined #chan\n" +
		"14:00 -!- Irssi: #chan: Total of 1 nicks [1 ops, 0 halfops, 0 voices, 0 normal]\n" +
		"14:01 -!- bob is now known as bobby\n14:02 -!- You're now known as me2\n"
	evs, _ := readAll(t, in, Options{Channel: "#chan", Format: "irssi"})
	var self []string
	for _, ev := range evs {
		if ev.Flags&event.FlagSelf != 0 {
			self = append(self, ev.Nick+">"+ev.Target)
		}
	}
	if strings.Join(self, ",") != "me>me2" {
		t.Errorf("self events %v, want [me>me2]", self)
	}
}

// TestIrssiColour24KeepsUTF8Text checks that a line whose only bytes that
// are not UTF-8 are those of irssi's 24-bit colour codes keeps its UTF-8
// text, instead of being decoded whole as Windows-1252.
func TestIrssiColour24KeepsUTF8Text(t *testing.T) {
	// 0x04 '#' then four bytes, as format_24bit_color writes a colour with
	// components of 0x80 and up
	colour := "\x04#\xc0\x90\xff\x20"
	in := "--- Log opened Mon Feb 02 14:00:00 2026\n" +
		"14:00 <" + colour + "alice\x04g> Grüße aus Köln — ça va\n"
	evs, r := readAll(t, in, Options{Channel: "#chan", Format: "irssi"})
	if len(evs) != 1 || evs[0].Nick != "alice" || evs[0].Text != "Grüße aus Köln — ça va" {
		t.Fatalf("read %+v, want alice's line with its text intact", evs)
	}
	if c := r.Counts(); len(c.Repaired) != 0 {
		t.Errorf("the line was counted as repaired: %v", c.Repaired)
	}
	// the same bytes in a line of another kind are still not UTF-8
	_, r = readAll(t, "[14:00:00] <bob> caf\xe9 \x04#\xc0\x90\xff\x20\n", Options{Channel: "#chan", Format: "znc", Date: time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)})
	if c := r.Counts(); len(c.Repaired) != 1 {
		t.Errorf("a Latin-1 line with the same bytes: repaired %v, want one reason", c.Repaired)
	}
}
