package logs

import (
	"fmt"
	"proceedings/event"
	"strings"
	"testing"
	"time"
)

// brief renders an event as "MM-DD HH:MM:SS kind nick [user@host] >target
// acct=… "text" +onjoin", times in UTC.
func brief(ev event.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s", ev.Time.UTC().Format("01-02 15:04:05"), ev.Kind, ev.Nick)
	if ev.UserHost != "" {
		fmt.Fprintf(&b, " [%s]", ev.UserHost)
	}
	if ev.Target != "" {
		fmt.Fprintf(&b, " >%s", ev.Target)
	}
	if ev.Account != "" {
		fmt.Fprintf(&b, " acct=%s", ev.Account)
	}
	fmt.Fprintf(&b, " %q", ev.Text)
	if ev.Flags&event.FlagTopicOnJoin != 0 {
		b.WriteString(" +onjoin")
	}
	if ev.Flags&event.FlagSelf != 0 {
		b.WriteString(" +self")
	}
	return b.String()
}

type formatCase struct {
	name    string
	format  string // expected detection
	opt     Options
	input   string
	want    []string // brief of each event
	skipped int
}

var formatCases = []formatCase{
	{
		name:   "irssi default theme",
		format: "irssi",
		opt:    Options{Channel: "#chan", Network: "net", Location: time.UTC},
		input: `--- Log opened Mon Feb 02 14:00:00 2026
14:00 -!- alice [~a@h.example] has joined #chan
14:00 -!- Topic for #chan: the topic
14:00 -!- Topic set by bob [~b@h] [Sun Feb 01 10:00:00 2026]
14:00 [Users #chan]
14:00 [@alice] [ bob    ]
14:00 -!- Irssi: #chan: Total of 2 nicks [1 ops, 0 halfops, 0 voices, 1 normal]
14:00 -!- Irssi: Join to #chan was synced in 0 secs
14:03 < alice> hi
14:03 <@bob> hello <there>
14:03 <+carol> voiced
14:03  * alice waves
14:03 -bob:#chan- a notice
14:04 -!- carol [~c@h] has left #chan [bye]
14:04 -!- dave [~d@h] has left #chan []
14:05 -!- dave [~d@h] has quit [Ping timeout: 240 seconds]
14:05 -!- eve [~e@h] has quit []
14:06 -!- erin was kicked from #chan by alice [spam]
14:06 -!- erin was kicked from #chan by alice []
14:07 -!- frank is now known as frankie
14:08 -!- alice changed the topic of #chan to: new topic
14:08 -!- Topic unset by alice on #chan
14:09 -!- mode/#chan [+o bob] by alice
14:09 -!- mode/#chan [+l 50] by alice, bob
14:09 -!- ServerMode/#chan [+nt] by irc.example.net
14:09 -!- mode/#chan [+nt]
14:10 -!- Netsplit a.net <-> b.net quits: x, @y, z
14:11 -!- Netsplit over, joins: x, y (+3 more)
14:12 -!- You're now known as me2
23:59:30 <alice> seconds too
--- Day changed Tue Feb 03 2026
00:01 <alice> next day
--- Log closed Tue Feb 03 00:02:00 2026
`,
		want: []string{
			`02-02 14:00:00 join alice [~a@h.example] ""`,
			`02-02 14:00:00 topic  "the topic" +onjoin`,
			`02-02 14:03:00 message alice "hi"`,
			`02-02 14:03:00 message bob "hello <there>"`,
			`02-02 14:03:00 message carol "voiced"`,
			`02-02 14:03:00 action alice "waves"`,
			`02-02 14:03:00 notice bob "a notice"`,
			`02-02 14:04:00 part carol [~c@h] "bye"`,
			`02-02 14:04:00 part dave [~d@h] ""`,
			`02-02 14:05:00 quit dave [~d@h] "Ping timeout: 240 seconds"`,
			`02-02 14:05:00 quit eve [~e@h] ""`,
			`02-02 14:06:00 kick alice >erin "spam"`,
			`02-02 14:06:00 kick alice >erin ""`,
			`02-02 14:07:00 nick frank >frankie ""`,
			`02-02 14:08:00 topic alice "new topic"`,
			`02-02 14:08:00 topic alice ""`,
			`02-02 14:09:00 mode alice "+o bob"`,
			`02-02 14:09:00 mode alice "+l 50"`,
			`02-02 14:09:00 mode bob "+l 50"`,
			`02-02 14:09:00 mode irc.example.net "+nt"`,
			`02-02 14:10:00 quit x "a.net b.net"`,
			`02-02 14:10:00 quit y "a.net b.net"`,
			`02-02 14:10:00 quit z "a.net b.net"`,
			`02-02 14:11:00 join x ""`,
			`02-02 14:11:00 join y ""`,
			`02-02 14:12:00 nick alice >me2 "" +self`,
			`02-02 23:59:30 message alice "seconds too"`,
			`02-03 00:01:00 message alice "next day"`,
		},
		skipped: 6,
	},
	{
		name:   "weechat logger",
		format: "weechat",
		opt:    Options{Channel: "#chan", Location: time.UTC},
		input: "2026-02-02 14:00:00\t-->\talice (~a@h.example) has joined #chan\n" +
			"2026-02-02 14:00:00\t--\tTopic for #chan is \"the topic\"\n" +
			"2026-02-02 14:00:00\t--\tTopic set by bob (~b@h) on Sun, 01 Feb 2026 10:00:00\n" +
			"2026-02-02 14:00:00\t--\tChannel #chan: 2 nicks (1 op, 0 voices, 1 normal)\n" +
			"2026-02-02 14:03:11\talice\thi\n" +
			"2026-02-02 14:03:12\t@bob\thello\twith a tab\n" +
			"2026-02-02 14:03:15\t *\talice waves\n" +
			"2026-02-02 14:03:20\t--\tNotice(bob) -> #chan: a notice\n" +
			"2026-02-02 14:03:21\t--\tNotice(@bob) -> #chan: \n" +
			"2026-02-02 14:03:22\t--\tNotice(carol):  as WeeChat 3.8 writes it\n" +
			"2026-02-02 14:04:00\t-->\tcarol [carol_acct] (Carol (C)) (~c@h) has joined #chan\n" +
			"2026-02-02 14:04:01\t-->\tnohost has joined #chan\n" +
			"2026-02-02 14:05:00\t<--\tcarol (~c@h) has left #chan (bye)\n" +
			"2026-02-02 14:05:01\t<--\tcarol (~c@h) has left #chan\n" +
			"2026-02-02 14:06:00\t<--\tdave (~d@h) has quit (Ping timeout)\n" +
			"2026-02-02 14:06:01\t<--\tdave (~d@h) has quit\n" +
			"2026-02-02 14:07:00\t<--\talice has kicked erin (spam)\n" +
			"2026-02-02 14:07:01\t<--\talice has kicked erin\n" +
			"2026-02-02 14:08:00\t--\tfrank is now known as frankie\n" +
			"2026-02-02 14:08:01\t--\tYou are now known as me2\n" +
			"2026-02-02 14:09:00\t--\talice has changed topic for #chan from \"the topic\" to \"new \" to \" topic\"\n" +
			"2026-02-02 14:09:01\t--\talice has changed topic for #chan to \"other\"\n" +
			"2026-02-02 14:09:02\t--\talice has unset topic for #chan\n" +
			"2026-02-02 14:10:00\t--\tMode #chan [+o bob] by alice\n" +
			"2026-02-02 14:11:00\t=!=\tirc: some error\n" +
			"2026-02-03 00:00:01\tbob\tnext day\n",
		want: []string{
			`02-02 14:00:00 join alice [~a@h.example] ""`,
			`02-02 14:00:00 topic  "the topic" +onjoin`,
			`02-02 14:03:11 message alice "hi"`,
			`02-02 14:03:12 message bob "hello\twith a tab"`,
			`02-02 14:03:15 action alice "waves"`,
			`02-02 14:03:20 notice bob "a notice"`,
			`02-02 14:03:21 notice bob ""`,
			`02-02 14:03:22 notice carol " as WeeChat 3.8 writes it"`,
			`02-02 14:04:00 join carol [~c@h] acct=carol_acct ""`,
			`02-02 14:04:01 join nohost ""`,
			`02-02 14:05:00 part carol [~c@h] "bye"`,
			`02-02 14:05:01 part carol [~c@h] ""`,
			`02-02 14:06:00 quit dave [~d@h] "Ping timeout"`,
			`02-02 14:06:01 quit dave [~d@h] ""`,
			`02-02 14:07:00 kick alice >erin "spam"`,
			`02-02 14:07:01 kick alice >erin ""`,
			`02-02 14:08:00 nick frank >frankie ""`,
			`02-02 14:08:01 nick alice >me2 "" +self`,
			`02-02 14:09:00 topic alice "new \" to \" topic"`,
			`02-02 14:09:01 topic alice "other"`,
			`02-02 14:09:02 topic alice ""`,
			`02-02 14:10:00 mode alice "+o bob"`,
			`02-03 00:00:01 message bob "next day"`,
		},
		skipped: 3,
	},
	{
		name:   "znc log module",
		format: "znc",
		opt:    Options{Channel: "#chan", FileName: "/var/lib/znc/moddata/log/net/#chan/2026-02-02.log"},
		input: `[14:00:00] *** Joins: alice (~a@h.example)
[14:00:01] *** Joins: bob (~b@h) bob_account
[14:03:11] <alice> hi
[14:03:15] * alice waves
[14:03:20] -bob- a notice
[14:04:00] *** Parts: carol (~c@h) (bye)
[14:04:01] *** Parts: carol (~c@h) ()
[14:05:00] *** Quits: dave (~d@h) (Ping timeout)
[14:05:01] *** Quits: eve (@) ()
[14:06:00] *** erin was kicked by alice (spam)
[14:07:00] *** frank is now known as frankie
[14:08:00] *** alice changes topic to 'new 'quoted' topic'
[14:09:00] *** alice sets mode: +o bob
[14:09:01] *** Server sets mode: +nt 
[14:10:00] Connected to IRC (irc.example.net +6697)
[14:11:00] Disconnected from IRC (irc.example.net +6697)
`,
		want: []string{
			`02-02 14:00:00 join alice [~a@h.example] ""`,
			`02-02 14:00:01 join bob [~b@h] acct=bob_account ""`,
			`02-02 14:03:11 message alice "hi"`,
			`02-02 14:03:15 action alice "waves"`,
			`02-02 14:03:20 notice bob "a notice"`,
			`02-02 14:04:00 part carol [~c@h] "bye"`,
			`02-02 14:04:01 part carol [~c@h] ""`,
			`02-02 14:05:00 quit dave [~d@h] "Ping timeout"`,
			`02-02 14:05:01 quit eve ""`,
			`02-02 14:06:00 kick alice >erin "spam"`,
			`02-02 14:07:00 nick frank >frankie ""`,
			`02-02 14:08:00 topic alice "new 'quoted' topic"`,
			`02-02 14:09:00 mode alice "+o bob"`,
		},
		skipped: 3,
	},
	{
		name:   "limnoria channel logger",
		format: "limnoria",
		opt:    Options{Channel: "#chan"},
		input: `2026-02-02T14:00:00  *** alice <alice!~a@h.example> has joined #chan
2026-02-02T14:03:11  <alice> hi
2026-02-02T14:03:15  * alice waves
2026-02-02T14:03:20  -bob- a notice
2026-02-02T14:04:00  *** carol <carol!~c@h> has left #chan (bye)
2026-02-02T14:04:01  *** carol <carol!~c@h> has left #chan
2026-02-02T14:05:00  *** dave <dave!~d@h> has quit IRC (Ping timeout)
2026-02-02T14:05:01  *** dave <dave!~d@h> has quit IRC
2026-02-02T14:06:00  *** erin was kicked by alice (spam)
2026-02-02T14:06:01  *** erin was kicked by alice
2026-02-02T14:07:00  *** frank is now known as frankie
2026-02-02T14:08:00  *** alice sets mode: +o bob
2026-02-02T14:08:01  *** alice sets mode: +m 
2026-02-02T14:09:00  *** alice changes topic to "new topic"
2026-02-02T14:10:00  *** alice <alice!~a@h> invited bob to #chan
2026-02-02T14:11:00  <alice> -= THIS MESSAGE NOT LOGGED =-
`,
		want: []string{
			`02-02 14:00:00 join alice [~a@h.example] ""`,
			`02-02 14:03:11 message alice "hi"`,
			`02-02 14:03:15 action alice "waves"`,
			`02-02 14:03:20 notice bob "a notice"`,
			`02-02 14:04:00 part carol [~c@h] "bye"`,
			`02-02 14:04:01 part carol [~c@h] ""`,
			`02-02 14:05:00 quit dave [~d@h] "Ping timeout"`,
			`02-02 14:05:01 quit dave [~d@h] ""`,
			`02-02 14:06:00 kick alice >erin "spam"`,
			`02-02 14:06:01 kick alice >erin ""`,
			`02-02 14:07:00 nick frank >frankie ""`,
			`02-02 14:08:00 mode alice "+o bob"`,
			`02-02 14:08:01 mode alice "+m"`,
			`02-02 14:09:00 topic alice "new topic"`,
			`02-02 14:11:00 message alice "-= THIS MESSAGE NOT LOGGED =-"`,
		},
		skipped: 1,
	},
	{
		// Supybot's ChannelLogger before Limnoria: no nick!user@host prefix
		// on joins, parts and quits (a real log of #PoV, 2005).
		name:   "supybot joins, parts and quits",
		format: "limnoria",
		opt:    Options{Channel: "#PoV"},
		input: `2005-01-09T07:36:43  *** ryzaja has joined #PoV
2005-01-09T07:37:02  <ryzaja> hi all
2005-01-09T07:40:10  *** ryzaja has left #PoV (later)
2005-01-09T07:41:00  *** mk has left #PoV
2005-01-09T07:42:00  *** ryzaja has quit IRC
2005-01-09T07:43:00  *** mk has quit IRC (Read error: 104 (Connection reset by peer))
`,
		want: []string{
			`01-09 07:36:43 join ryzaja ""`,
			`01-09 07:37:02 message ryzaja "hi all"`,
			`01-09 07:40:10 part ryzaja "later"`,
			`01-09 07:41:00 part mk ""`,
			`01-09 07:42:00 quit ryzaja ""`,
			`01-09 07:43:00 quit mk "Read error: 104 (Connection reset by peer)"`,
		},
	},
	{
		// The rest of what Supybot's ChannelLogger wrote (plugins/ChannelLogger.py,
		// 2003 to 2004): its kicks always carried "(%s)", even empty, until
		// September 2003; a server's mode change had an empty nick.
		name:   "supybot kicks, nicks, topics and modes",
		format: "limnoria",
		opt:    Options{Channel: "#pov"},
		input: `2005-01-09T08:44:07  *** ryzaja_ has joined #pov
2005-01-09T09:14:04  *** ryzaja_ is now known as ryzaja
2005-01-09T09:15:00  *** mgedmin changes topic to "Point of View: "quotes" inside"
2005-01-09T09:15:01  *** mgedmin changes topic to ""
2005-01-09T09:16:00  *** mgedmin sets mode: +o ryzaja
2005-01-09T09:16:01  *** mgedmin sets mode: +m 
2005-01-09T09:16:02  ***  sets mode: +nt 
2005-01-09T09:16:03  *** irc.pov.lt sets mode: -o+v ryzaja ryzaja
2005-01-09T09:17:00  *** spammer was kicked by mgedmin (go away (now))
2005-01-09T09:17:01  *** spammer was kicked by mgedmin ()
2005-01-09T09:17:02  *** spammer was kicked by mgedmin
`,
		want: []string{
			`01-09 08:44:07 join ryzaja_ ""`,
			`01-09 09:14:04 nick ryzaja_ >ryzaja ""`,
			`01-09 09:15:00 topic mgedmin "Point of View: \"quotes\" inside"`,
			`01-09 09:15:01 topic mgedmin ""`,
			`01-09 09:16:00 mode mgedmin "+o ryzaja"`,
			`01-09 09:16:01 mode mgedmin "+m"`,
			`01-09 09:16:02 mode  "+nt"`,
			`01-09 09:16:03 mode irc.pov.lt "-o+v ryzaja ryzaja"`,
			`01-09 09:17:00 kick mgedmin >spammer "go away (now)"`,
			`01-09 09:17:01 kick mgedmin >spammer ""`,
			`01-09 09:17:02 kick mgedmin >spammer ""`,
		},
	},
	{
		name:   "supybot stamps",
		format: "limnoria",
		opt:    Options{Channel: "#chan"},
		input: `[02-Feb-2004 14:18:55]  <mg> Hello!
[02-Feb-2004 14:19:00] *** mg is now known as mg_away
`,
		want: []string{
			`02-02 14:18:55 message mg "Hello!"`,
			`02-02 14:19:00 nick mg >mg_away ""`,
		},
	},
	{
		name:   "xchat 2",
		format: "xchat",
		opt:    Options{Channel: "#chan"},
		input: "**** BEGIN LOGGING AT Mon Feb  2 14:00:00 2026\n\n" +
			"Feb 02 14:00:00 -->\talice (~a@h.example) has joined #chan\n" +
			"Feb 02 14:00:00 ---\tTopic for #chan is the topic\n" +
			"Feb 02 14:00:00 ---\tTopic for #chan set by bob at Sun Feb  1 10:00:00 2026\n" +
			"Feb 02 14:03:11 <alice>\thi\n" +
			"Feb 02 14:03:15 *\talice waves\n" +
			"Feb 02 14:03:20 -bob/#chan-\ta notice\n" +
			"Feb 02 14:04:00 <--\tcarol (~c@h) has left #chan (bye)\n" +
			"Feb 02 14:04:01 <--\tcarol (~c@h) has left #chan\n" +
			"Feb 02 14:05:00 <--\tdave has quit (Ping timeout)\n" +
			"Feb 02 14:06:00 <--\talice has kicked erin from #chan (spam)\n" +
			"Feb 02 14:07:00 ---\tfrank is now known as frankie\n" +
			"Feb 02 14:08:00 ---\talice has changed the topic to: new topic\n" +
			"Feb 02 14:09:00 ---\talice gives channel operator status to bob\n" +
			"Feb 02 14:09:01 ---\talice sets ban on *!*@bad\n" +
			"Feb 02 14:09:02 ---\talice sets mode +m #chan\n" +
			"Feb 02 14:09:03 ---\talice removes user limit\n" +
			"**** ENDING LOGGING AT Mon Feb  2 15:00:00 2026\n",
		want: []string{
			`02-02 14:00:00 join alice [~a@h.example] ""`,
			`02-02 14:00:00 topic  "the topic" +onjoin`,
			`02-02 14:03:11 message alice "hi"`,
			`02-02 14:03:15 action alice "waves"`,
			`02-02 14:03:20 notice bob "a notice"`,
			`02-02 14:04:00 part carol [~c@h] "bye"`,
			`02-02 14:04:01 part carol [~c@h] ""`,
			`02-02 14:05:00 quit dave "Ping timeout"`,
			`02-02 14:06:00 kick alice >erin "spam"`,
			`02-02 14:07:00 nick frank >frankie ""`,
			`02-02 14:08:00 topic alice "new topic"`,
			`02-02 14:09:00 mode alice "+o bob"`,
			`02-02 14:09:01 mode alice "+b *!*@bad"`,
			`02-02 14:09:02 mode alice "+m"`,
			`02-02 14:09:03 mode alice "-l"`,
		},
		skipped: 1,
	},
	{
		name:   "hexchat over new year",
		format: "xchat",
		opt:    Options{Channel: "#chan"},
		input: "**** BEGIN LOGGING AT Thu Dec 31 23:00:00 2026\n\n" +
			"Dec 31 23:59:59 *\talice (~a@h) has joined\n" +
			"Dec 31 23:59:59 *\tTopic for #chan is: the topic\n" +
			"Jan 01 00:00:01 <@alice>\thappy new year\n" +
			"Jan 01 00:00:02 *\talice dances\n" +
			"Jan 01 00:00:03 *\tcarol (~c@h) has left (bye)\n" +
			"Jan 01 00:00:04 *\tcarol (~c@h) has left\n" +
			"Jan 01 00:00:05 *\tdave has quit (Ping timeout)\n" +
			"Jan 01 00:00:06 *\talice has kicked erin from #chan (spam)\n" +
			"Jan 01 00:00:07 *\tfrank is now known as frankie\n" +
			"Jan 01 00:00:08 *\talice sets mode +m on #chan\n" +
			"Jan 01 00:00:09 *\talice gives voice to bob\n" +
			"Jan 01 00:00:10 *\tNow talking on #chan\n",
		want: []string{
			`12-31 23:59:59 join alice [~a@h] ""`,
			`12-31 23:59:59 topic  "the topic" +onjoin`,
			`01-01 00:00:01 message alice "happy new year"`,
			`01-01 00:00:02 action alice "dances"`,
			`01-01 00:00:03 part carol [~c@h] "bye"`,
			`01-01 00:00:04 part carol [~c@h] ""`,
			`01-01 00:00:05 quit dave "Ping timeout"`,
			`01-01 00:00:06 kick alice >erin "spam"`,
			`01-01 00:00:07 nick frank >frankie ""`,
			`01-01 00:00:08 mode alice "+m"`,
			`01-01 00:00:09 mode alice "+v bob"`,
		},
		skipped: 1,
	},
	{
		// What HexChat writes in a channel's tab that was not said in the
		// channel (src/common/textevents.in, inbound.c): not kept.
		name:   "hexchat notices and private lines",
		format: "xchat",
		opt:    Options{Channel: "#chan"},
		input: "**** BEGIN LOGGING AT Mon Feb  2 14:00:00 2026\n\n" +
			"Feb 02 14:00:00 *\tNow talking on #chan\n" +
			"Feb 02 14:00:00 -ChanServ-\t[#chan] Welcome to #chan, read the rules\n" +
			"Feb 02 14:00:01 -NickServ-\tThis nickname is registered.\n" +
			"Feb 02 14:00:02 *\t*** Looking up your hostname...\n" +
			"Feb 02 14:00:03 *\tirc.example.net is now your displayed host\n" +
			"Feb 02 14:00:04 -bob/#chan-\ta channel notice\n" +
			"Feb 02 14:00:05 -bob/@#chan-\tto the operators\n" +
			"Feb 02 14:00:06 -oper/Wallops-\twallops text\n" +
			"Feb 02 14:00:07 ->bob<-\tmy private notice\n" +
			"Feb 02 14:00:08 >bob<\tmy private message\n" +
			"Feb 02 14:00:09 *bob*\ta private message to me\n" +
			"Feb 02 14:00:10 **\tbob waves privately **\n" +
			"Feb 02 14:00:11 *\t- a line of the MOTD\n" +
			"Feb 02 14:00:12 *\talice waves\n" +
			"Feb 02 14:00:13 -carol/&local-\ta notice to a local channel\n",
		want: []string{
			`02-02 14:00:04 notice bob "a channel notice"`,
			`02-02 14:00:12 action alice "waves"`,
			`02-02 14:00:13 notice carol "a notice to a local channel"`,
		},
		skipped: 12,
	},
	{
		name:   "own format by hand",
		format: "own",
		opt:    Options{Location: time.UTC},
		input: `--- IRC logs for Monday, February 02, 2026
--- #techrights on techrights (times are Europe/London)
[14:03:11] <alice> hello there
[14:03:15] * alice waves
[14:03:20] -bob- a notice
[14:04:00] -!- carol [~carol@host.example] has joined #techrights
[14:05:00] -!- carol [~carol@host.example] has left #techrights [bye]
[14:06:00] -!- dave [~d@h] has quit [Ping timeout]
[14:07:00] -!- erin was kicked from #techrights by alice [spam]
[14:08:00] -!- frank is now known as frankie
[14:09:00] -!- alice changed the topic of #techrights to: new topic
[14:09:00] -!- alice changed the topic of #techrights to:
[14:09:01] -!- Topic for #techrights: topic seen on join
[14:10:00] -!- mode/#techrights [+o bob] by alice
[14:11:00] -!- recording gap: nothing was recorded from 13:50:02 to 14:11:00
[14:12:00] <alice>
[14:12:01] -bob-
`,
		want: []string{
			`02-02 14:03:11 message alice "hello there"`,
			`02-02 14:03:15 action alice "waves"`,
			`02-02 14:03:20 notice bob "a notice"`,
			`02-02 14:04:00 join carol [~carol@host.example] ""`,
			`02-02 14:05:00 part carol [~carol@host.example] "bye"`,
			`02-02 14:06:00 quit dave [~d@h] "Ping timeout"`,
			`02-02 14:07:00 kick alice >erin "spam"`,
			`02-02 14:08:00 nick frank >frankie ""`,
			`02-02 14:09:00 topic alice "new topic"`,
			`02-02 14:09:00 topic alice ""`,
			`02-02 14:09:01 topic  "topic seen on join" +onjoin`,
			`02-02 14:10:00 mode alice "+o bob"`,
			`02-02 14:11:00 gap  "2026-02-02T13:50:02Z"`,
			`02-02 14:12:00 message alice ""`,
			`02-02 14:12:01 notice bob ""`,
		},
	},
}

func TestReadFormats(t *testing.T) {
	for _, tc := range formatCases {
		t.Run(tc.name, func(t *testing.T) {
			// Once detected, once named.
			for _, format := range []string{"", tc.format} {
				opt := tc.opt
				opt.Format = format
				evs, r := readAll(t, tc.input, opt)
				if r.Format() != tc.format {
					t.Errorf("format = %q, want %q", r.Format(), tc.format)
				}
				if len(r.Warnings()) > 0 {
					t.Errorf("warnings: %v", r.Warnings())
				}
				if r.Skipped() != tc.skipped {
					t.Errorf("skipped %d lines, want %d", r.Skipped(), tc.skipped)
				}
				got := make([]string, len(evs))
				for i, ev := range evs {
					got[i] = brief(ev)
					if ev.Channel == "" || (opt.Channel != "" && ev.Channel != opt.Channel) {
						t.Errorf("event %d has channel %q, want %q", i, ev.Channel, opt.Channel)
					}
					if ev.Network != opt.Network && opt.Network != "" {
						t.Errorf("event %d has network %q, want %q", i, ev.Network, opt.Network)
					}
				}
				if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
					t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
				}
			}
		})
	}
}

// Every format must be able to express every kind of event it has lines
// for; the table cases above cover those, and this checks no kind was left
// out of a case by mistake.
func TestFormatCasesCoverKinds(t *testing.T) {
	want := map[string][]event.Kind{
		"irssi":    {event.KindMessage, event.KindAction, event.KindNotice, event.KindJoin, event.KindPart, event.KindQuit, event.KindKick, event.KindNick, event.KindTopic, event.KindMode},
		"weechat":  {event.KindMessage, event.KindAction, event.KindNotice, event.KindJoin, event.KindPart, event.KindQuit, event.KindKick, event.KindNick, event.KindTopic, event.KindMode},
		"znc":      {event.KindMessage, event.KindAction, event.KindNotice, event.KindJoin, event.KindPart, event.KindQuit, event.KindKick, event.KindNick, event.KindTopic, event.KindMode},
		"limnoria": {event.KindMessage, event.KindAction, event.KindNotice, event.KindJoin, event.KindPart, event.KindQuit, event.KindKick, event.KindNick, event.KindTopic, event.KindMode},
		"xchat":    {event.KindMessage, event.KindAction, event.KindNotice, event.KindJoin, event.KindPart, event.KindQuit, event.KindKick, event.KindNick, event.KindTopic, event.KindMode},
		"own":      event.Kinds(),
	}
	for format, kinds := range want {
		seen := map[string]bool{}
		for _, tc := range formatCases {
			if tc.format != format {
				continue
			}
			for _, w := range tc.want {
				f := strings.Fields(w)
				seen[f[2]] = true
			}
		}
		for _, k := range kinds {
			if !seen[k.String()] {
				t.Errorf("no %s case has a %s event", format, k)
			}
		}
	}
}
