package logs

import (
	"proceedings/event"
	"strings"
	"time"
	"unicode"
)

// irssi's default log settings (src/core/log.c) and default theme
// (themes/default.theme, fe-common/core and fe-common/irc module-formats.c,
// the same from 0.8 to 1.4):
//
//	--- Log opened Mon Feb 02 14:00:00 2026
//	14:03 < alice> hi                     (show_nickmode_empty: a space for no mode)
//	14:03 <@alice> hi
//	14:03  * alice waves
//	14:03 -bob:#chan- a notice            ("-bob(~b@h)- text" is a private one)
//	14:04 -!- carol [~c@h] has joined #chan
//	14:05 -!- carol [~c@h] has left #chan [reason]     ("[]" when none)
//	14:06 -!- dave [~d@h] has quit [reason]
//	14:07 -!- erin was kicked from #chan by alice [reason]
//	14:08 -!- alice is now known as al
//	14:08 -!- You're now known as me2     (the logger's own nick)
//	14:09 -!- alice changed the topic of #chan to: new topic
//	14:09 -!- Topic for #chan: topic on join
//	14:09 -!- Topic unset by alice on #chan
//	14:10 -!- mode/#chan [+o bob] by alice
//	14:10 -!- mode/#chan [+l 50] by alice, bob          (group_multi_mode)
//	14:10 -!- ServerMode/#chan [+nt] by irc.example.net
//	14:11 -!- Netsplit a.net <-> b.net quits: x, y
//	14:12 -!- Netsplit over, joins: x, y
//	--- Day changed Tue Feb 03 2026
//	--- Log closed Tue Feb 03 10:00:00 2026
//
// The time stamp is log_timestamp ("%H:%M " by default) and the rest of the
// line is the text of the window, formatted by the theme. So a themed log
// keeps its theme's shapes, and with autolog_colors on irssi also writes its
// own format codes (0x04 and one to five bytes, see strip_codes in
// src/fe-common/core/formats.c) around the theme's pieces. The reader
// removes irssi's codes (they are never text: mIRC formatting in a message
// is written with other bytes, and is kept), and reads besides the default
// theme the common theme shapes: stamps such as "[14:03]", "(14:03:11)" or
// "2026-02-02 14:03:11" once the file has shown irssi's "--- Log opened"
// marker, nick columns "<alice>", "[alice]", "(alice)", "alice |",
// "alice:", "alice>", "alice -", and status lines after another line_start
// than "-!-" ("***", "»»", "::"…). Other lines are counted as not
// understood.
//
// The logger's own nick change ("You're now known as") is kept as a nick
// change (event.FlagSelf) when the log has shown the logger's nick: the
// join irssi's join burst follows at once ("Topic for #chan", "Topic set
// by", the names list, "Irssi: #chan: Total of N nicks", "Irssi: Join to
// #chan was synced"), or an earlier "You're now known as". A join alone
// says nothing: a log rotated at midnight opens with anyone's. The nick
// stays known across the sessions of a file.
func parseIrssi(s *state, line string) (lineResult, string) {
	if strings.IndexByte(line, 4) >= 0 {
		line = stripIrssiCodes(line)
		if line == "" {
			return resBad, "line of irssi format codes only"
		}
	}
	is := &s.x.irssi
	if line[0] == '-' && strings.HasPrefix(line, "--- ") {
		for _, p := range [...]string{"--- Log opened ", "--- Day changed "} {
			if rest, ok := strings.CutPrefix(line, p); ok {
				y, m, d, ok := ctimeDate(rest)
				if !ok {
					return resBad, "date marker without a date"
				}
				s.clk.setDate(y, m, d)
				is.opened = true
				is.lastJoin = ""
				return resMarker, ""
			}
		}
		if strings.HasPrefix(line, "--- Log closed ") {
			return resMarker, ""
		}
		return resBad, "unknown irssi marker line"
	}
	t, body, res, reason := is.stamp(s, line)
	if res != resEvent {
		is.lastJoin = ""
		return res, reason
	}
	n := len(s.evs)
	res, reason = is.body(s, t, body)
	switch {
	case joinBurst(body):
		// the join just before irssi's join burst is the logger's own
		if is.lastJoin != "" {
			is.self = is.lastJoin
		}
	case res == resEvent && len(s.evs) == n+1 && s.evs[n].Kind == event.KindJoin:
		is.lastJoin = s.evs[n].Nick
	default:
		is.lastJoin = ""
	}
	return res, reason
}

// joinBurst reports whether body is one of the lines irssi writes when the
// logger has joined a channel, after its join.
func joinBurst(body string) bool {
	if namesRow(body) {
		return true // "[Users #chan]", "[@alice] [ bob]"
	}
	b, ok := strings.CutPrefix(body, "-!- ")
	if !ok {
		if b, ok = themedLineStart(body); !ok {
			return false
		}
	}
	for _, p := range [...]string{"Topic for ", "Topic set by ", "No topic set for ", "Channel "} {
		if strings.HasPrefix(b, p) {
			return true
		}
	}
	if x, ok := strings.CutPrefix(b, "Irssi: "); ok {
		return strings.Contains(x, ": Total of ") || strings.HasPrefix(x, "Join to ") && strings.Contains(x, " was synced")
	}
	return false
}

// irssiState is what the irssi reader remembers from earlier lines.
type irssiState struct {
	opened   bool   // the file has shown irssi's markers: its stamps may be themed
	self     string // the logger's own nick, once the log shows it
	lastJoin string // the nick of the join on the line above, if that was one
}

// stamp reads the time stamp and returns the rest of the line: "HH:MM " or
// "HH:MM:SS " (irssi's defaults), and once the file has shown irssi's
// markers also in brackets or parentheses and after a date.
func (is *irssiState) stamp(s *state, line string) (time.Time, string, lineResult, string) {
	i := 0
	var closer byte
	if is.opened && (line[0] == '[' || line[0] == '(') {
		closer, i = ']', 1
		if line[0] == '(' {
			closer = ')'
		}
	}
	dated := false
	var y, d int
	var mo time.Month
	if is.opened {
		if yy, mm, dd, ok := ymd(line, i); ok && len(line) > i+10 && (line[i+10] == ' ' || line[i+10] == 'T') {
			y, mo, d, dated = yy, mm, dd, true
			i += 11
		}
	}
	h, ok1 := d2(line, i)
	m, ok2 := d2(line, i+3)
	if !ok1 || !ok2 || line[i+2] != ':' || h > 23 || m > 59 {
		return time.Time{}, "", resBad, reasonBadTime
	}
	i += 5
	sec := 0
	if len(line) > i+3 && line[i] == ':' {
		var ok bool
		if sec, ok = d2(line, i+1); !ok || sec > 59 {
			return time.Time{}, "", resBad, reasonBadTime
		}
		i += 3
	}
	if closer != 0 {
		if len(line) <= i || line[i] != closer {
			return time.Time{}, "", resBad, reasonBadTime
		}
		i++
		if len(line) > i && line[i] != ' ' {
			i-- // "[14:03]<alice>": no space after the stamp
		}
	}
	if len(line) <= i+1 || line[i] != ' ' && closer == 0 {
		return time.Time{}, "", resBad, reasonBadTime
	}
	body := line[i+1:]
	if dated {
		return s.clk.full(y, mo, d, h, m, sec), body, resEvent, ""
	}
	t, ok := s.clk.tod(h, m, sec)
	if !ok {
		return time.Time{}, "", resBad, reasonNoDate
	}
	return t, body, resEvent, ""
}

// body reads what follows the time stamp.
func (is *irssiState) body(s *state, t time.Time, body string) (lineResult, string) {
	switch {
	case body[0] == '<':
		// the default theme's columns leave no doubt about the nick, which
		// may be symbols alone ("`")
		nick, text, ok := strings.Cut(body[1:], ">")
		nick = stripMode(nick)
		if !ok || !columnNick(nick) {
			return resBad, "message without a nick"
		}
		return is.message(s, t, nick, strings.TrimPrefix(text, " "))
	case strings.HasPrefix(body, " * "):
		nick, text := cut(body[3:], ' ')
		if !columnNick(nick) {
			return resBad, "action without a nick"
		}
		ev := s.add(event.KindAction, t, nick)
		ev.Text = text
		return resEvent, ""
	case strings.HasPrefix(body, " (*) "):
		return resNoise, "private action"
	case strings.HasPrefix(body, "-!- "):
		return is.bang(s, t, body[4:])
	case body[0] == '-':
		if rest, ok := themedLineStart(body); ok {
			return is.bang(s, t, rest) // a theme's line_start: "-->", "-:-"
		}
		return is.notice(s, t, body)
	case body[0] == '!':
		return resNoise, "server notice" // "!irc.example.net text"
	case body[0] == '[':
		if res, reason, ok := is.bracketed(s, t, body); ok {
			return res, reason
		}
	}
	if strings.Contains(body, " requested CTCP ") || strings.HasPrefix(body, "CTCP ") {
		return resNoise, "CTCP request or reply"
	}
	if reason := irssiNoise(body); reason != "" {
		return resNoise, reason // a theme with an empty line_start
	}
	// a theme's shapes
	if nick, text, ok := themedNick(body); ok {
		if themedEvent(nick, text) {
			return resBad, "a themed irssi event line"
		}
		return is.message(s, t, nick, text)
	}
	if rest, ok := themedLineStart(body); ok {
		return is.bang(s, t, rest)
	}
	if res, reason := is.bang(s, t, body); res == resEvent {
		return res, reason // a theme with an empty line_start
	}
	s.evs = s.evs[:0]
	return resBad, "not an irssi line of a known shape"
}

func (is *irssiState) message(s *state, t time.Time, nick, text string) (lineResult, string) {
	ev := s.add(event.KindMessage, t, nick)
	ev.Text = text
	return resEvent, ""
}

// bang reads a status line (after the theme's line_start, "-!- " by
// default): the lines of parseBang, and the ones only irssi writes.
func (is *irssiState) bang(s *state, t time.Time, body string) (lineResult, string) {
	if to, ok := strings.CutPrefix(body, "You're now known as "); ok {
		if !oneWord(to) {
			return resBad, reasonNotOneNick
		}
		if is.self == "" {
			return resBad, reasonSelfNickUnknown
		}
		ev := s.add(event.KindNick, t, is.self)
		ev.Target = to
		ev.Flags |= event.FlagSelf
		is.self = to
		return resEvent, ""
	}
	if reason := irssiNoise(body); reason != "" {
		return resNoise, reason
	}
	n := len(s.evs)
	res, reason := parseBang(s, t, body, false)
	if res != resEvent {
		return res, reason
	}
	for _, ev := range s.evs[n:] {
		if ev.Nick != "" && !columnNick(ev.Nick) && !isServerName(ev.Nick) ||
			ev.Target != "" && !columnNick(ev.Target) {
			s.evs = s.evs[:n]
			return resBad, "status line with no nick where a nick should be"
		}
	}
	for _, ev := range s.evs[n:] {
		if ev.Kind == event.KindNick && ev.Nick == is.self && is.self != "" {
			is.self = ev.Target
		}
	}
	return res, reason
}

// irssiNoise names the status lines irssi writes that carry nothing the
// archive keeps, or returns "".
func irssiNoise(body string) string {
	if strings.HasPrefix(body, "Irssi: "+gapLine) {
		return reasonGapLine
	}
	for _, p := range [...]string{"Irssi: ", "Cannot join to channel ", "You have been marked as being away",
		"You are no longer marked as being away", "Your user mode is "} {
		if strings.HasPrefix(body, p) {
			return "irssi client status (-!- Irssi: …)"
		}
	}
	for _, p := range [...]string{"Topic set by ", "Channel ", "Home page for ", "No topic set for "} {
		if strings.HasPrefix(body, p) {
			return "irssi channel information (topic set by, creation date, home page)"
		}
	}
	if nick, _, ok := strings.Cut(body, " is away: "); ok && isNick(nick) {
		return "away message"
	}
	return ""
}

// notice reads "-bob:#chan- text", a notice to the channel, and
// "-@bob- text" (irssi 1.5 writes the sender's mode there instead). A
// notice without a channel ("-bob(~b@h)- text", "-bob- text", a server's)
// was sent to the logger alone: it is never stored as the channel's.
func (is *irssiState) notice(s *state, t time.Time, body string) (lineResult, string) {
	who, text, ok := noticeNick(body)
	if !ok {
		return resBad, "notice without a nick"
	}
	nick, channel, hasChannel := strings.Cut(who, ":")
	mode := len(nick) > 1 && strings.IndexByte("@+%~& ", nick[0]) >= 0
	if !hasChannel && !mode || strings.IndexByte(nick, '(') >= 0 {
		return resNoise, "private notice"
	}
	nick = stripMode(nick)
	if !isNick(nick) || hasChannel && !isChannel(strings.TrimLeft(channel, "@+")) {
		return resBad, "notice without a nick"
	}
	ev := s.add(event.KindNotice, t, nick)
	ev.Text = text
	return resEvent, ""
}

// bracketed reads the default theme's lines that start with '[': names
// lists ("[Users #chan]", "[@alice] [ bob    ]"), the logger's own notices
// and CTCPs ("[notice(#chan)] text", "[ctcp(#chan)] VERSION"), and a
// theme's nick column "[alice] text".
func (is *irssiState) bracketed(s *state, t time.Time, body string) (lineResult, string, bool) {
	if namesRow(body) {
		return resNoise, "names list", true
	}
	for _, p := range [...]string{"[notice(", "[ctcp("} {
		x, ok := strings.CutPrefix(body, p)
		if !ok {
			continue
		}
		target, text, ok := strings.Cut(x, ")] ")
		if !ok {
			target, ok = strings.CutSuffix(x, ")]")
		}
		switch {
		case !ok:
			return resBad, "own notice of an unknown shape", true
		case p == "[ctcp(":
			return resNoise, "CTCP request or reply", true
		case !isChannel(strings.TrimLeft(target, "@+")):
			return resNoise, "your own private notice", true
		case is.self == "":
			return resBad, "your own notice to the channel, and the log does not show your nick", true
		}
		ev := s.add(event.KindNotice, t, is.self)
		ev.Text = text
		ev.Flags |= event.FlagSelf
		return resEvent, "", true
	}
	return 0, "", false
}

// namesRow reports whether body is a line of irssi's names list: only
// bracketed columns.
func namesRow(body string) bool {
	for body != "" {
		if body[0] != '[' {
			return false
		}
		j := strings.IndexByte(body, ']')
		if j < 0 {
			return false
		}
		body = strings.TrimLeft(body[j+1:], " ")
	}
	return true
}

// themedNick reads the nick column of a theme: "[@alice] text",
// "[@alice]: text", "(alice) text", "{alice} text", or the nick followed
// by a separator ("alice | text", "@alice: text", "alice> text",
// "alice - text"), padded or not.
func themedNick(body string) (nick, text string, ok bool) {
	if closer := strings.IndexByte("])}", closerOf(body[0])); closer >= 0 {
		if j := strings.IndexByte(body, "])}"[closer]); j > 1 {
			nick = stripMode(strings.TrimSpace(body[1:j]))
			rest := strings.TrimPrefix(body[j+1:], ":")
			if isNick(nick) && (rest == "" || rest[0] == ' ') {
				return nick, strings.TrimPrefix(rest, " "), true
			}
		}
		return "", "", false
	}
	start := 0
	for start < len(body) && strings.IndexByte("@+%~& ", body[start]) >= 0 {
		start++
	}
	end := start
	for end < len(body) && !strings.ContainsRune(" :>|", rune(body[end])) {
		end++
	}
	nick = body[start:end]
	if !isNick(nick) {
		return "", "", false
	}
	rest := body[end:]
	for _, sep := range [...]string{" | ", ": ", " : ", "> ", " > ", " >> ", " - ", " » "} {
		if x, ok := strings.CutPrefix(rest, sep); ok {
			return nick, x, true
		}
		if rest == strings.TrimRight(sep, " ") { // an empty message
			return nick, "", true
		}
	}
	return "", "", false
}

// themedEvent reports whether a theme's nick column and text are an event
// line rather than a message: themes write a label for events in the nick
// column ("Join : alice (~a@h) to #chan", "join | alice!~a@h"), or the
// subject's user@host first, or a nick change's sentence.
func themedEvent(nick, text string) bool {
	switch strings.ToLower(nick) {
	case "join", "joins", "part", "parts", "quit", "quits", "kick", "kicks", "nick", "nicks",
		"mode", "modes", "topic", "notice", "action", "invite", "ctcp", "server", "netsplit",
		"netjoin", "away", "info", "error", "whois", "irssi", "dcc", "wallops":
		return true
	}
	// "(~a@h) …", "alice (~a@h) …", "alice!~a@h …"
	first, rest := cut(text, ' ')
	i := strings.IndexByte(first, '!')
	if startsWithUserHost(text) || startsWithUserHost(rest) || i > 0 && startsWithUserHost(first[i:]) {
		return true
	}
	for _, p := range [...]string{"changes nick to ", "is now known as "} {
		if to, ok := strings.CutPrefix(text, p); ok && isNick(to) {
			return true
		}
	}
	return false
}

func closerOf(c byte) byte {
	switch c {
	case '[':
		return ']'
	case '(':
		return ')'
	case '{':
		return '}'
	}
	return 0
}

// themedLineStart cuts a theme's line_start ("***", "»»", "::", "-->"): a
// short word of symbols before a space.
func themedLineStart(body string) (string, bool) {
	word, rest, ok := strings.Cut(body, " ")
	if !ok || word == "" || rest == "" || len(word) > 16 {
		return "", false
	}
	for _, r := range word {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '<' || r == '[' || r == '(' {
			return "", false
		}
	}
	return rest, true
}

// stripIrssiCodes removes irssi's own format codes, as strip_codes in
// src/fe-common/core/formats.c reads them: 0x04 then a style byte (0x60
// and up), a 24-bit colour ('#' and four bytes) or two colour bytes. A line
// whose codes made it invalid UTF-8 (the bytes of a 24-bit colour can be
// 0x80 and up) has them removed before it is decoded (see readRaw), so it
// keeps its text; one that was decoded byte by byte anyway reaches the
// parser with one rune per byte, so the codes are counted in runes.
func stripIrssiCodes(line string) string {
	if strings.IndexByte(line, 4) < 0 {
		return line
	}
	return string(stripIrssi([]rune(line)))
}

// stripIrssi is the rule of stripIrssiCodes over bytes or runes.
func stripIrssi[T byte | rune](s []T) []T {
	out := make([]T, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != 4 {
			out = append(out, s[i])
			continue
		}
		// irssi compares the byte after 0x04 as a signed char: bytes of
		// 0x80 and up are colours, not styles
		switch {
		case i+1 >= len(s):
		case s[i+1] >= 0x60 && s[i+1] < 0x80:
			i++
		case s[i+1] == '#':
			i = min(i+5, len(s)-1)
		default:
			i = min(i+2, len(s)-1)
		}
	}
	return out
}
