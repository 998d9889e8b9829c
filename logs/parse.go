package logs

import (
	"proceedings/event"
	"strings"
	"time"
	"unicode"
)

// parseLine runs a format's parser on one line and refuses events that
// would have no channel.
func parseLine(f *formatSpec, s *state, line string) (lineResult, string) {
	res, reason := f.parse(s, line)
	if res == resEvent && s.channel == "" {
		s.evs = s.evs[:0]
		return resBad, reasonNoChannel
	}
	return res, reason
}

// cut splits s at the first sep: the part before, and the part after.
func cut(s string, sep byte) (string, string) {
	if i := strings.IndexByte(s, sep); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// enclosed returns the inside of s when s is open+inside+close.
func enclosed(s string, open, close byte) (string, bool) {
	if len(s) >= 2 && s[0] == open && s[len(s)-1] == close {
		return s[1 : len(s)-1], true
	}
	return "", false
}

// reasonOf reads an optional trailing reason: "", "[reason]" or "(reason)".
func reasonOf(s string, open, close byte) string {
	if in, ok := enclosed(s, open, close); ok {
		return in
	}
	return s
}

// stripMode removes the channel-mode prefix a client shows before a nick.
func stripMode(nick string) string {
	for len(nick) > 0 {
		switch nick[0] {
		case '@', '+', '%', '~', '&', ' ':
			nick = nick[1:]
		default:
			return nick
		}
	}
	return nick
}

// d2 reads two digits at s[i:].
func d2(s string, i int) (int, bool) {
	if i+2 > len(s) || !isDigit(s[i]) || !isDigit(s[i+1]) {
		return 0, false
	}
	return int(s[i]-'0')*10 + int(s[i+1]-'0'), true
}

// hms reads "HH:MM:SS" at s[i:].
func hms(s string, i int) (h, m, sec int, ok bool) {
	if i+8 > len(s) || s[i+2] != ':' || s[i+5] != ':' {
		return 0, 0, 0, false
	}
	h, ok1 := d2(s, i)
	m, ok2 := d2(s, i+3)
	sec, ok3 := d2(s, i+6)
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || sec > 59 {
		return 0, 0, 0, false
	}
	return h, m, sec, true
}

// ymd reads "YYYY-MM-DD" at s[i:].
func ymd(s string, i int) (y int, m time.Month, d int, ok bool) {
	if i+10 > len(s) || s[i+4] != '-' || s[i+7] != '-' || !allDigits(s[i:i+4]) {
		return 0, 0, 0, false
	}
	mm, ok1 := d2(s, i+5)
	dd, ok2 := d2(s, i+8)
	if !ok1 || !ok2 {
		return 0, 0, 0, false
	}
	y, m, d, ok = checkDate(atoi(s[i:i+4]), mm, dd)
	return y, m, d, ok
}

var monthNames = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

func parseMonth(s string) (time.Month, bool) {
	for i, n := range monthNames {
		if s == n {
			return time.Month(i + 1), true
		}
	}
	return 0, false
}

// ctimeDate reads the date of "Mon Feb 02 14:00:00 2026" or
// "Mon Feb 02 2026" (irssi markers, xchat's ctime-style stamps).
func ctimeDate(s string) (int, time.Month, int, bool) {
	f := strings.Fields(s)
	if len(f) < 4 {
		return 0, 0, 0, false
	}
	m, ok := parseMonth(f[1])
	if !ok || !allDigits(f[2]) || len(f[2]) > 2 {
		return 0, 0, 0, false
	}
	year := f[len(f)-1]
	if !allDigits(year) || len(year) != 4 {
		return 0, 0, 0, false
	}
	y, mm, d, ok := checkDate(atoi(year), int(m), atoi(f[2]))
	return y, mm, d, ok
}

// parseBang reads the body of an irssi-style status line (after "-!- "),
// as irssi's default theme and our own format write them. own selects the
// few places where the two differ: irssi's themes may write the user@host
// in parentheses. A line of none of these shapes is not understood.
func parseBang(s *state, t time.Time, body string, own bool) (lineResult, string) {
	first, rest := cut(body, ' ')
	switch {
	case first == "":
		return resBad, "status line without a subject"
	case strings.HasPrefix(first, "mode/"), strings.HasPrefix(first, "ServerMode/"):
		return parseBangMode(s, t, rest, own)
	}
	if res, reason, ok := bangPresence(s, t, first, rest, own); ok {
		return res, reason
	}
	switch {
	case strings.HasPrefix(rest, "was kicked from "):
		_, x := cut(rest[len("was kicked from "):], ' ')
		by, ok := strings.CutPrefix(x, "by ")
		if !ok {
			return resBad, reasonNoKicker
		}
		return addKick(s, t, first, by, '[', ']')
	case strings.HasPrefix(rest, "is now known as "):
		return addNickChange(s, t, first, rest[len("is now known as "):])
	case strings.HasPrefix(rest, "changed the topic of "):
		_, x := cut(rest[len("changed the topic of "):], ' ')
		text, ok := topicText(x, "to:")
		if !ok {
			return resBad, "topic change without its text"
		}
		ev := s.add(event.KindTopic, t, first)
		ev.Text = text
		return resEvent, ""
	}
	switch first {
	case "Topic":
		return bangTopic(s, t, rest, own)
	case "recording":
		if x, ok := strings.CutPrefix(rest, "gap: nothing was recorded "); ok && own {
			return parseGap(s, t, x)
		}
	case "Netsplit":
		return parseNetsplit(s, t, rest)
	}
	return resBad, reasonBangUnknown
}

const reasonBangUnknown = "status line of an unknown kind"

// bangPresence reads a join, part or quit after its nick: the user@host,
// when shown, and the sentence. ok is false when rest is none of them and
// shows no user@host.
func bangPresence(s *state, t time.Time, nick, rest string, own bool) (lineResult, string, bool) {
	uh, r := "", rest
	if strings.HasPrefix(r, "[") || strings.HasPrefix(r, "(") && !own {
		// the user@host ends where the sentence starts, so that one with
		// spaces or brackets in it is read whole
		closer := "] "
		if r[0] == '(' {
			closer = ") "
		}
		j := strings.Index(r, closer+"has ")
		if j < 0 {
			j = strings.Index(r, closer)
		}
		if j > 0 {
			uh, r = r[1:j], r[j+2:]
		}
	}
	switch {
	case presence(s, t, nick, uh, r, "has quit", '[', ']'):
		return resEvent, "", true
	case r != rest:
		return resBad, "status line about a nick of an unknown kind", true
	}
	return 0, "", false
}

// bangTopic reads the status lines about a topic that start with "Topic":
// the topic reported on join, and changed or unset with no nick before.
func bangTopic(s *state, t time.Time, rest string, own bool) (lineResult, string) {
	switch {
	case strings.HasPrefix(rest, "for "):
		x := rest[len("for "):]
		ch, text, ok := strings.Cut(x, ": ")
		if !ok {
			ch, ok = strings.CutSuffix(x, ":")
		}
		if !ok || ch == "" || strings.IndexByte(ch, ' ') >= 0 {
			return resBad, "topic line without its text"
		}
		ev := s.add(event.KindTopic, t, "")
		ev.Text = text
		ev.Flags |= event.FlagTopicOnJoin
		return resEvent, ""
	case strings.HasPrefix(rest, "of ") && own:
		_, x := cut(rest[len("of "):], ' ')
		text, ok := topicText(x, "changed to:")
		if !ok {
			return resBad, "topic change without its text"
		}
		ev := s.add(event.KindTopic, t, "")
		ev.Text = text
		return resEvent, ""
	case strings.HasPrefix(rest, "unset by "):
		nick, _ := cut(rest[len("unset by "):], ' ')
		if nick == "" {
			return resBad, "topic unset without a nick"
		}
		s.add(event.KindTopic, t, nick)
		return resEvent, ""
	}
	return resBad, reasonBangUnknown
}

// Reasons of nick change and kick lines without the nicks they need.
const (
	reasonNotOneNick = "nick change without one new nick"
	reasonNoKicker   = "kick without the nick who kicked"
)

// oneWord reports whether s is one word, as the new nick of a nick change
// line must be.
func oneWord(s string) bool { return s != "" && strings.IndexByte(s, ' ') < 0 }

// addNickChange reads a nick change from one nick to the one word to.
func addNickChange(s *state, t time.Time, from, to string) (lineResult, string) {
	if !oneWord(to) {
		return resBad, reasonNotOneNick
	}
	ev := s.add(event.KindNick, t, from)
	ev.Target = to
	return resEvent, ""
}

// addKick reads the kick of target by the nick that starts x, followed by
// the reason, if any, enclosed in open…close: "alice [spam]", "alice (spam)".
func addKick(s *state, t time.Time, target, x string, open, close byte) (lineResult, string) {
	by, reason := cut(x, ' ')
	if by == "" {
		return resBad, reasonNoKicker
	}
	ev := s.add(event.KindKick, t, by)
	ev.Target = target
	ev.Text = reasonOf(reason, open, close)
	return resEvent, ""
}

// reasonSelfNickUnknown is the reason of a nick change of the logger's
// ("You're now known as X") when the log has not shown the logger's nick:
// a join is the logger's only when the client's join burst follows it.
const reasonSelfNickUnknown = "your own nick change, and the logger's old nick is unknown"

// The irssi, WeeChat and ZNC writers write a recording gap, which none of
// those programs has, as a status line of this text; their readers skip it.
const (
	gapLine       = "recording gap: nothing was recorded "
	reasonGapLine = "recording gap (a line of this program's export)"
)

// topicText reads "to: TEXT" (or "to:" with an empty text after an editor
// trimmed the line).
func topicText(x, lead string) (string, bool) {
	x, ok := strings.CutPrefix(x, lead)
	if !ok {
		return "", false
	}
	if len(x) > 0 && x[0] == ' ' {
		x = x[1:]
	}
	return x, true
}

// parseBangMode reads "[+o bob] by alice" after "mode/#chan". irssi's
// group_multi_mode (on by default) writes one line for the same change made
// by several nicks within 3 s, "[+l 50] by alice, bob": one event per nick.
func parseBangMode(s *state, t time.Time, rest string, own bool) (lineResult, string) {
	if i := strings.LastIndex(rest, "] by "); i > 0 && rest[0] == '[' {
		if bys, ok := modeSetters(rest[i+len("] by "):]); ok {
			for _, by := range bys {
				ev := s.add(event.KindMode, t, by)
				ev.Text = rest[1:i]
			}
			return resEvent, ""
		}
	}
	modes, ok := enclosed(rest, '[', ']')
	if !ok {
		return resBad, "mode change without its modes in brackets"
	}
	if !own {
		// irssi's "mode/#chan [+nt]" reports the modes on join, not a change
		return resNoise, "channel modes shown on join"
	}
	ev := s.add(event.KindMode, t, "")
	ev.Text = modes
	return resEvent, ""
}

// modeSetters splits "alice" or "alice, bob" into nicks.
func modeSetters(by string) ([]string, bool) {
	nicks := strings.Split(by, ", ")
	for _, n := range nicks {
		if n == "" || strings.IndexByte(n, ' ') >= 0 {
			return nil, false
		}
	}
	return nicks, true
}

// parseGap reads what follows "recording gap: nothing was recorded ":
// "from [YYYY-MM-DD ]HH:MM:SS to HH:MM:SS" or "before HH:MM:SS".
func parseGap(s *state, t time.Time, x string) (lineResult, string) {
	if strings.HasPrefix(x, "before ") {
		s.add(event.KindGap, t, "")
		return resEvent, ""
	}
	x, ok := strings.CutPrefix(x, "from ")
	if !ok {
		return resBad, "recording gap without its start"
	}
	local := t.In(s.clk.loc)
	y, m, d := local.Date()
	explicitDate := false
	if yy, mm, dd, ok := ymd(x, 0); ok && len(x) > 11 && x[10] == ' ' {
		y, m, d, explicitDate = yy, mm, dd, true
		x = x[11:]
	}
	h, mi, sec, ok := hms(x, 0)
	if !ok {
		return resBad, "recording gap without its start time"
	}
	start := time.Date(y, m, d, h, mi, sec, 0, s.clk.loc)
	if !explicitDate && start.After(t) {
		start = time.Date(y, m, d-1, h, mi, sec, 0, s.clk.loc)
	}
	ev := s.add(event.KindGap, t, "")
	ev.Text = start.UTC().Format(time.RFC3339)
	return resEvent, ""
}

// parseNetsplit reads irssi's netsplit summaries, which stand for one quit
// (or join) per nick: "a.net <-> b.net quits: n1, n2" and "over, joins: n1".
func parseNetsplit(s *state, t time.Time, rest string) (lineResult, string) {
	kind, reason := event.KindQuit, ""
	var list string
	if x, ok := strings.CutPrefix(rest, "over, joins: "); ok {
		kind, list = event.KindJoin, x
	} else if i := strings.Index(rest, " quits: "); i > 0 {
		servers := rest[:i]
		a, b, ok := strings.Cut(servers, " <-> ")
		if !ok {
			return resBad, "netsplit without its servers"
		}
		reason, list = a+" "+b, rest[i+len(" quits: "):]
	} else {
		return resBad, "netsplit line of an unknown kind"
	}
	if i := strings.Index(list, " (+"); i >= 0 {
		list = list[:i]
	}
	n := 0
	for list != "" {
		var nick string
		nick, list, _ = strings.Cut(list, ", ")
		nick = stripMode(strings.TrimSpace(nick))
		if nick == "" {
			continue
		}
		ev := s.add(kind, t, nick)
		ev.Text = reason
		n++
	}
	if n == 0 {
		return resBad, "netsplit without nicks"
	}
	return resEvent, ""
}

// formatState is what the readers of other programs' logs remember from
// the earlier lines of a file.
type formatState struct {
	weechat weechatState
	irssi   irssiState
	xchat   xchatState
}

// columnNick reports whether s can be the nick of a column that leaves no
// doubt about it (irssi's "<nick>"): a nick, or one made of RFC 2812's
// special characters alone ("`", "^_^"), which real logs have.
func columnNick(s string) bool {
	return isNick(s) || s != "" && strings.Trim(s, "[]\\`_^{|}") == ""
}

// isNick reports whether s can be an IRC nick: the characters RFC 2812
// allows (ASCII letters, digits and []\`_^{|}-), or letters, marks and
// digits of other scripts (some networks allow them), not starting with
// '-', with at least one letter or digit. So a nick made of symbols only
// ("|", "`") is not taken for one, nor are the symbols WeeChat users put in
// their prefix column (ℹ, ⚡, →, ▬▬▶, «), letter-like symbols included.
func isNick(s string) bool {
	if s == "" || s[0] == '-' {
		return false
	}
	alnum := false
	for _, r := range s {
		switch {
		case r < 0x80:
			c := byte(r)
			if isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				alnum = true
			} else if !strings.ContainsRune("[]\\`_^{|}-", r) {
				return false
			}
		case r >= 0x2100 && r <= 0x214f: // letter-like symbols: ℹ, ™, №
			return false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			alnum = true
		case unicode.IsMark(r):
		default:
			return false
		}
	}
	return alnum
}

// startsWithUserHost reports whether s starts with a user@host as clients
// write one after a nick: "(~a@h)", "[~a@h]" or "!~a@h". Joins, parts and
// quits carry one; messages and actions do not start with one.
func startsWithUserHost(s string) bool {
	if strings.HasPrefix(s, "!") {
		uh, _ := cut(s[1:], ' ')
		return strings.IndexByte(uh, '@') > 0
	}
	closer := byte(')')
	if strings.HasPrefix(s, "[") {
		closer = ']'
	} else if !strings.HasPrefix(s, "(") {
		return false
	}
	end := strings.IndexByte(s, closer)
	return end > 0 && strings.IndexByte(s[1:end], '@') > 0
}

// presence reads a join, part or quit as irssi, our own format and Limnoria
// write them after the nick (and its user@host): "has joined #c", "has left
// #c REASON", and quit ("has quit", Limnoria's "has quit IRC") then REASON,
// a reason enclosed in open…close. It reports whether r was one of them.
func presence(s *state, t time.Time, nick, uh, r, quit string, open, close byte) bool {
	switch {
	case strings.HasPrefix(r, "has joined "):
		ev := s.add(event.KindJoin, t, nick)
		ev.UserHost = uh
	case strings.HasPrefix(r, "has left "):
		_, reason := cut(r[len("has left "):], ' ')
		ev := s.add(event.KindPart, t, nick)
		ev.UserHost = uh
		ev.Text = reasonOf(reason, open, close)
	case r == quit || strings.HasPrefix(r, quit+" "):
		ev := s.add(event.KindQuit, t, nick)
		ev.UserHost = uh
		if len(r) > len(quit)+1 {
			ev.Text = reasonOf(r[len(quit)+1:], open, close)
		}
	default:
		return false
	}
	return true
}
