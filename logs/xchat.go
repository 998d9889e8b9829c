package logs

import (
	"proceedings/event"
	"strings"
	"time"
)

// xchat 2 and HexChat write "**** BEGIN LOGGING AT Mon Feb  2 14:00:00 2026",
// then lines stamped "%b %d %H:%M:%S " (no year) whose text event has a left
// column and a right column separated by a tab (src/common/textevents.in):
//
//	Feb 02 14:03:11 <alice>	hello                      (HexChat: <@alice>)
//	Feb 02 14:03:15 *	alice waves
//	Feb 02 14:03:20 -bob/#chan-	a notice
//	Feb 02 14:04:00 -->	carol (~c@h) has joined #chan  (HexChat: "*	carol (~c@h) has joined")
//	Feb 02 14:05:00 <--	carol (~c@h) has left #chan (bye)
//	Feb 02 14:06:00 <--	dave has quit (Ping timeout)
//	Feb 02 14:07:00 <--	alice has kicked erin from #chan (spam)
//	Feb 02 14:08:00 ---	frank is now known as frankie
//	Feb 02 14:09:00 ---	alice has changed the topic to: new topic
//	Feb 02 14:09:01 ---	Topic for #chan is topic   (HexChat: "Topic for #chan is: topic")
//	Feb 02 14:10:00 ---	alice gives channel operator status to bob
//
// HexChat writes "*" in the left column for all of these, so an action that
// reads like one of them ("* dave has quit (…)") is taken for it.
//
// HexChat also writes in a channel's tab, and so in its log, lines that
// were not said in the channel; they are not kept:
//
//	Feb 02 14:00:00 -ChanServ-	[#chan] Welcome      (a notice to you: "private notice")
//	Feb 02 14:00:01 ->bob<-	text                     (one you sent: "private notice")
//	Feb 02 14:00:02 -bob/@#chan-	text                 ("notice to the channel's operators")
//	Feb 02 14:00:03 -oper/Wallops-	text               ("wallops")
//	Feb 02 14:00:04 *bob*	text  >bob<	text  **	bob waves **   ("private message")
//	Feb 02 14:00:05 *	*** Looking up your hostname   ("server notice": the "*"
//	                                                 column with no nick first)
//	Feb 02 14:00:06 *	Now talking on #chan          ("xchat/HexChat status line")
//
// HexChat's status events (DCC, WHOIS, connection, notify list…) share the
// "*" column too; they are not kept. A "*" line with a user@host after its
// first word is a join, part or quit HexChat wrote in another language: not
// understood, never an action. The logger's own nick change ("You are now
// known as X") and kick ("You have been kicked from #chan by op (reason)")
// are kept when the log has shown the logger's nick (an earlier change, or
// "me_ is already in use. Retrying with me__", or "me_ is erroneous…").
// Another nick's invite ("carol has been invited to #chan by op (server)")
// is counted as "invite". A server's text in the "*" column is told from an
// action by a colon after its first word ("#chan: mask on … by op") or
// after a capitalised first word and the next ("Closing Link: me (Quit)");
// so "* Alice says: hi" is taken for one. Other server text that starts
// with a word that can be a nick cannot be told from an action; it is read
// as one.
func parseXchat(s *state, line string) (lineResult, string) {
	if x, ok := strings.CutPrefix(line, "**** "); ok {
		return xchatMarker(s, x)
	}
	t, res, reason := xchatStamp(s, line)
	if res != resEvent {
		return res, reason
	}
	left, msg, ok := strings.Cut(line[16:], "\t")
	if !ok {
		return resBad, "line without a tab between its two columns"
	}
	left = stripCodes(left)
	switch left {
	case "*", "-->", "<--", "---", "-", "--", "-->>", "<<--":
		return xchatStatus(s, t, left, msg)
	case "":
		return resNoise, reasonXchatStatus // "Notify list is empty." and such
	case "**":
		return resNoise, reasonPrivate // HexChat's "Private Action"
	}
	if in, ok := enclosed(left, '<', '>'); ok {
		nick := stripMode(in)
		if nick == "" {
			return resBad, "message without a nick"
		}
		ev := s.add(event.KindMessage, t, nick)
		ev.Text = msg
		return resEvent, ""
	}
	if in, ok := enclosed(left, '-', '-'); ok {
		return xchatNotice(s, t, in, msg)
	}
	if len(left) > 2 && (left[0] == '>' && left[len(left)-1] == '<' || left[0] == '*' && left[len(left)-1] == '*') {
		// ">nick<": a message or CTCP you sent to someone; "*nick*": a
		// private message shown in the channel's tab
		return resNoise, reasonPrivate
	}
	return resBad, "a line of an unknown kind"
}

// xchatMarker reads what follows "**** ": "BEGIN LOGGING AT DATE", which
// dates the lines after it, and "ENDING LOGGING AT DATE".
func xchatMarker(s *state, x string) (lineResult, string) {
	if i := strings.Index(x, " LOGGING AT "); i >= 0 {
		if y, m, d, ok := ctimeDate(x[i+len(" LOGGING AT "):]); ok {
			if strings.HasPrefix(x, "BEGIN") {
				s.clk.setDate(y, m, d)
				s.dateFromOpt = false
			}
			return resMarker, ""
		}
	}
	return resBad, "a **** line of an unknown kind"
}

// xchatStamp reads the "%b %d %H:%M:%S " stamp that starts a line, its
// year that of the current date, or the next one from December to January.
func xchatStamp(s *state, line string) (time.Time, lineResult, string) {
	if len(line) < 17 || line[3] != ' ' || line[6] != ' ' || line[15] != ' ' {
		return time.Time{}, resBad, reasonBadTime
	}
	mo, ok := parseMonth(line[:3])
	if !ok {
		return time.Time{}, resBad, reasonBadTime
	}
	day, ok := d2(line, 4)
	if !ok && line[4] == ' ' && isDigit(line[5]) {
		day, ok = int(line[5]-'0'), true
	}
	h, mi, sec, ok2 := hms(line, 7)
	if !ok || !ok2 || day < 1 || day > 31 {
		return time.Time{}, resBad, reasonBadTime
	}
	if !s.clk.haveDate {
		return time.Time{}, resBad, reasonNoDate
	}
	y := s.clk.y
	if mo < s.clk.m && s.clk.m-mo >= 6 && !s.dateFromOpt {
		y++ // December to January
	}
	s.dateFromOpt = false
	if _, _, _, ok := checkDate(y, int(mo), day); !ok {
		return time.Time{}, resBad, "no such day"
	}
	return s.clk.full(y, mo, day, h, mi, sec), resEvent, ""
}

// xchatStatus reads a line of the status columns ("*", "-->", "<--",
// "---"…): the logger's own lines, the events, and in HexChat's "*" column
// also its status lines, the server's text and actions.
func xchatStatus(s *state, t time.Time, left, msg string) (lineResult, string) {
	if res, reason, ok := s.x.xchat.own(s, t, msg); ok {
		return res, reason
	}
	if res, reason := xchatEvent(s, t, msg); res != resNoise || left != "*" {
		return res, reason
	}
	if reason := hexchatStatusLine(msg); reason != "" {
		return resNoise, reason
	}
	nick, text := cut(msg, ' ')
	nick = stripMode(stripCodes(nick))
	if nick == "" {
		return resNoise, reasonXchatStatus
	}
	if _, ok := enclosed(nick, '[', ']'); ok {
		return resNoise, reasonXchatStatus // WHOIS: "[alice] idle 00:01:02"
	}
	if startsWithUserHost(stripCodes(text)) {
		// HexChat's join, part and quit events carry one; the English
		// ones were read above
		return resBad, "HexChat event in a language the reader does not know"
	}
	if !nickLike(nick) {
		// HexChat's "Server Notice", "Server Text" and "Motd" write the
		// server's text alone in the "*" column: "*** Looking up…",
		// "irc.example.net …", "- motd line".
		return resNoise, "server notice"
	}
	ev := s.add(event.KindAction, t, nick)
	ev.Text = text
	return resEvent, ""
}

// Reasons of the lines of xchat and HexChat that are not kept.
const (
	reasonPrivate       = "private message"
	reasonPrivateNotice = "private notice"
)

// xchatNotice reads the inside of "-nick/#chan-" (a notice to the channel)
// and of the notices HexChat writes in a channel's tab that were not sent to
// it (src/common/inbound.c, inbound_notice): "-nick-" (to you: ChanServ's
// "[#chan] welcome" is shown in #chan, another nick's in a channel where that
// nick is), "-nick/@#chan-" (to the channel's operators), "-nick/Wallops-"
// and "->nick<-" (one you sent).
func xchatNotice(s *state, t time.Time, in, msg string) (lineResult, string) {
	nick, to, ok := strings.Cut(in, "/")
	switch {
	case strings.HasPrefix(in, ">") && strings.HasSuffix(in, "<"):
		return resNoise, reasonPrivateNotice
	case nick == "":
		return resBad, "notice without a nick"
	case !ok:
		return resNoise, reasonPrivateNotice
	case to == "Wallops":
		return resNoise, "wallops"
	case to == "":
		return resBad, "notice without its target"
	}
	if ch := strings.TrimLeft(to, "~&@%+"); ch != to && ch != "" && ch[0] == '#' {
		return resNoise, "notice to the channel's operators"
	}
	if !strings.ContainsRune("#&!+", rune(to[0])) {
		return resNoise, reasonPrivateNotice
	}
	ev := s.add(event.KindNotice, t, nick)
	ev.Text = msg
	return resEvent, ""
}

// nickLike reports whether s can be a nick: not a server name, a "***" or a
// "-" of the server's text. IRC nicks have no spaces, dots, commas, colons,
// '*', '?', '!' or '@', and start with no digit and no '-', '#', '&' or '$'.
func nickLike(s string) bool {
	if s == "" || isDigit(s[0]) || strings.IndexByte("-#&$", s[0]) >= 0 {
		return false
	}
	return !strings.ContainsAny(s, " .,:*?!@")
}

// reasonXchatStatus counts the client's own status lines: "Now talking on
// #chan", "Topic for #chan set by …", and the like.
const reasonXchatStatus = "xchat/HexChat status line"

// hexchatStatus starts HexChat's own status lines, which share the "*"
// column with actions (src/common/textevents.in, the SSL texts of
// src/common/server.c, and the server texts HexChat shows there).
var hexchatStatus = [...]string{
	"Now talking on ", "You are now talking on ", "You have left channel ",
	"You have been invited to ", "You've invited ", "You're inviting ", "You have been killed by ",
	"Channel #", "Channel &", "Channel !", "Channel +", "Users on ", "Capabilities ", "Looking up ",
	"Connecting to ", "Connected.", "Connection failed", "Disconnected (", "Cannot join ",
	"Received a CTCP ", "Ping reply from ", "No ping reply for ", "Notify: ", "Notify list is empty",
	"Authenticating via SASL ", "SASL ", "Found your IP: ", "Topic for ",
	"You are now logged in as ", "You must use a nick assigned to you", "You have already authenticated",
	"DCC ", "Offering ", "Already offering ", "Received '", "Received a DCC ", "Received a malformed DCC ",
	"Contents of packet: ", "No such DCC", "The file ", "MOTD Skipped", "Nickname already in use",
	"Nickname is erroneous", "No process is currently running", "A process is already running",
	"Stopped previous connection attempt", "Unknown host.",
	"Certification info:", "Cipher info:", "No Certificate", "SSL handshake timed out", "Verify E: ",
	"Closing Link: ", "Current local users", "Current global users", "Highest connection count",
}

// hexchatStatusNick holds what follows the nick in HexChat's status events
// that start with one ("bob has offered 'a.pdf' (1024 bytes)"), and the
// reason they are counted under.
var hexchatStatusNick = [...]struct{ after, reason string }{
	{"has offered ", reasonXchatStatus}, {"has requested to resume ", reasonXchatStatus},
	{"added to notify list.", reasonXchatStatus}, {"deleted from notify list.", reasonXchatStatus},
	{"users in notify list.", reasonXchatStatus}, {"Banlist: ", reasonXchatStatus},
	{"has been invited to ", "invite"}, // "Invited Other": "carol has been invited to #c by op (server)"
}

// hexchatStatusLine returns the reason of one of HexChat's status events,
// or "" when msg is none. Besides the sentences of the tables, a first
// word that ends in a colon ("#chan: mask on date by op" of the ban list,
// "join: Unknown channel" of a failed command) and a capitalised word
// followed by one that does ("Closing Link: me (Quit)", "Certification
// info:") are the server's or HexChat's text, not an action.
func hexchatStatusLine(msg string) string {
	for _, p := range hexchatStatus {
		if strings.HasPrefix(msg, p) {
			return reasonXchatStatus
		}
	}
	first, rest := cut(msg, ' ')
	for _, p := range hexchatStatusNick {
		x, ok := strings.CutPrefix(rest, p.after)
		switch {
		case !ok:
			continue
		case p.after == "has offered ":
			ok = strings.HasSuffix(rest, " bytes)")
		case p.after == "has been invited to ":
			ch, by := cut(x, ' ')
			ok = isChannel(ch) && strings.HasPrefix(by, "by ")
		}
		if ok {
			return p.reason
		}
	}
	second, _ := cut(rest, ' ')
	if len(first) > 1 && strings.HasSuffix(first, ":") ||
		first != "" && 'A' <= first[0] && first[0] <= 'Z' && len(second) > 1 && strings.HasSuffix(second, ":") {
		return reasonXchatStatus
	}
	return ""
}

// xchatState is what the xchat reader remembers from earlier lines.
type xchatState struct {
	self string // the logger's own nick, once the log shows it
}

// own reads the lines about the logger: its nick change, its kick, and
// HexChat's retry of a nick in use or erroneous, which shows the logger's
// nick.
func (xs *xchatState) own(s *state, t time.Time, msg string) (lineResult, string, bool) {
	if to, ok := strings.CutPrefix(msg, "You are now known as "); ok {
		to = stripCodes(to)
		if !oneWord(to) {
			return resBad, reasonNotOneNick, true
		}
		if xs.self == "" {
			xs.self = strings.Clone(to)
			return resBad, reasonSelfNickUnknown, true
		}
		ev := s.add(event.KindNick, t, xs.self)
		ev.Target = to
		ev.Flags |= event.FlagSelf
		xs.self = strings.Clone(to)
		return resEvent, "", true
	}
	if x, ok := strings.CutPrefix(msg, "You have been kicked from "); ok {
		_, x = cut(x, ' ')
		x, ok = strings.CutPrefix(x, "by ")
		by, reason := cut(x, ' ')
		by = stripCodes(by)
		switch {
		case !ok || !isNick(by):
			return resBad, reasonNoKicker, true
		case xs.self == "":
			return resBad, "the logger was kicked, and its nick is unknown", true
		}
		ev := s.add(event.KindKick, t, by)
		ev.Target = xs.self
		ev.Text = reasonOf(reason, '(', ')')
		return resEvent, "", true
	}
	_, x, ok := strings.Cut(msg, " already in use. Retrying with ")
	if !ok {
		_, x, ok = strings.Cut(msg, " is erroneous. Retrying with ")
	}
	if ok {
		if nick := strings.TrimRight(stripCodes(x), "."); isNick(nick) {
			xs.self = strings.Clone(nick)
		}
		return resNoise, reasonXchatStatus, true
	}
	return 0, "", false
}

// xchatModes maps xchat's mode sentences to mode letters.
var xchatModes = [...]struct{ phrase, mode string }{
	{"gives channel operator status to ", "+o"},
	{"removes channel operator status from ", "-o"},
	{"gives channel half-operator status to ", "+h"},
	{"removes channel half-operator status from ", "-h"},
	{"gives voice to ", "+v"},
	{"removes voice from ", "-v"},
	{"sets ban on ", "+b"},
	{"removes ban on ", "-b"},
	{"sets exempt on ", "+e"},
	{"removes exempt on ", "-e"},
	{"sets invite exempt on ", "+I"},
	{"removes invite exempt on ", "-I"},
	{"sets invite on ", "+I"},
	{"removes invite on ", "-I"},
	{"sets quiet on ", "+q"},
	{"removes quiet on ", "-q"},
	{"sets channel keyword to ", "+k"},
	{"sets channel limit to ", "+l"},
}

// xchatEvent reads the right column of a join, part, quit, kick, nick,
// topic or mode line; resNoise when it is none of them.
func xchatEvent(s *state, t time.Time, msg string) (lineResult, string) {
	nick, rest := cut(msg, ' ')
	nick = stripCodes(nick)
	if nick == "" {
		return resNoise, reasonXchatStatus
	}
	if res, reason, ok := xchatPresence(s, t, nick, rest); ok {
		return res, reason
	}
	switch {
	case rest == "has quit" || strings.HasPrefix(rest, "has quit ("):
		ev := s.add(event.KindQuit, t, nick)
		if len(rest) > len("has quit ") {
			ev.Text = reasonOf(rest[len("has quit "):], '(', ')')
		}
		return resEvent, ""
	case strings.HasPrefix(rest, "has kicked "):
		target, x := cut(rest[len("has kicked "):], ' ')
		x, ok := strings.CutPrefix(x, "from ")
		if !ok || target == "" {
			return resNoise, reasonXchatStatus
		}
		_, reason := cut(x, ' ')
		ev := s.add(event.KindKick, t, nick)
		ev.Target = stripCodes(target)
		ev.Text = reasonOf(reason, '(', ')')
		return resEvent, ""
	case strings.HasPrefix(rest, "is now known as "):
		to := stripCodes(rest[len("is now known as "):])
		if !oneWord(to) {
			return resNoise, reasonXchatStatus
		}
		return addNickChange(s, t, nick, to)
	case strings.HasPrefix(rest, "has changed the topic to: "):
		ev := s.add(event.KindTopic, t, nick)
		ev.Text = rest[len("has changed the topic to: "):]
		return resEvent, ""
	case nick == "Topic" && strings.HasPrefix(rest, "for "):
		_, x := cut(rest[len("for "):], ' ')
		text, ok := strings.CutPrefix(x, "is: ") // HexChat
		if !ok {
			if text, ok = strings.CutPrefix(x, "is "); !ok { // xchat 2
				return resNoise, reasonXchatStatus // "Topic for #chan set by …"
			}
		}
		ev := s.add(event.KindTopic, t, "")
		ev.Text = text
		ev.Flags |= event.FlagTopicOnJoin
		return resEvent, ""
	}
	return xchatMode(s, t, nick, rest)
}

// xchatPresence reads a join or part: "NICK (user@host) has joined #chan",
// "NICK (user@host) has left #chan (reason)". ok is false when rest is
// neither and shows no user@host.
func xchatPresence(s *state, t time.Time, nick, rest string) (lineResult, string, bool) {
	uh, r := "", rest
	if strings.HasPrefix(r, "(") {
		if j := strings.Index(r, ") "); j > 0 {
			uh, r = r[1:j], r[j+2:]
		}
	}
	switch {
	case uh == "" && r == rest:
		// a join or part shows a user@host
	case r == "has joined" || strings.HasPrefix(r, "has joined "):
		ev := s.add(event.KindJoin, t, nick)
		ev.UserHost = uh
		return resEvent, "", true
	case r == "has left" || strings.HasPrefix(r, "has left "):
		x := strings.TrimPrefix(r[len("has left"):], " ")
		if x != "" && x[0] != '(' {
			_, x = cut(x, ' ') // xchat 2 names the channel
		}
		ev := s.add(event.KindPart, t, nick)
		ev.UserHost = uh
		ev.Text = reasonOf(x, '(', ')')
		return resEvent, "", true
	}
	if r != rest {
		return resNoise, reasonXchatStatus, true
	}
	return 0, "", false
}

// xchatMode reads a mode change: "NICK sets mode +x ARG", "NICK sets modes
// [+nt]", and the sentences of xchatModes.
func xchatMode(s *state, t time.Time, nick, rest string) (lineResult, string) {
	modes, ok := xchatModeText(rest)
	if !ok {
		return resNoise, reasonXchatStatus
	}
	ev := s.add(event.KindMode, t, nick)
	ev.Text = modes
	return resEvent, ""
}

// xchatModeText returns the modes a mode sentence sets; ok is false when
// rest is no mode sentence.
func xchatModeText(rest string) (modes string, ok bool) {
	switch {
	case strings.HasPrefix(rest, "sets mode "):
		m, _ := cut(rest[len("sets mode "):], ' ')
		return m, m != ""
	case strings.HasPrefix(rest, "sets modes ["):
		return strings.TrimSuffix(rest[len("sets modes ["):], "]"), true
	case rest == "removes channel keyword":
		return "-k", true
	case rest == "removes user limit":
		return "-l", true
	}
	for _, xm := range xchatModes {
		if arg, ok := strings.CutPrefix(rest, xm.phrase); ok && arg != "" {
			return xm.mode + " " + stripCodes(arg), true
		}
	}
	return "", false
}

// stripCodes removes mIRC formatting codes from a nick or column; message
// texts keep theirs.
func stripCodes(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 0x03:
			for n := 0; n < 2 && i+1 < len(s) && isDigit(s[i+1]); n++ {
				i++
			}
			if i+2 < len(s) && s[i+1] == ',' && isDigit(s[i+2]) {
				i += 2
				if i+1 < len(s) && isDigit(s[i+1]) {
					i++
				}
			}
		case c < 0x20:
		default:
			b = append(b, c)
		}
	}
	return string(b)
}
