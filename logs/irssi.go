package logs

import (
	"strings"

	"proceedings/archive"
)

// irssi's default log settings (src/core/log.c) and default theme
// (themes/default.theme, fe-common/core and fe-common/irc module-formats.c):
//
//	--- Log opened Mon Feb 02 14:00:00 2026
//	14:03 < alice> hi                     (show_nickmode_empty: a space for no mode)
//	14:03 <@alice> hi
//	14:03  * alice waves
//	14:03 -bob:#chan- a notice
//	14:04 -!- carol [~c@h] has joined #chan
//	14:05 -!- carol [~c@h] has left #chan [reason]     ("[]" when none)
//	14:06 -!- dave [~d@h] has quit [reason]
//	14:07 -!- erin was kicked from #chan by alice [reason]
//	14:08 -!- alice is now known as al
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
// Lines of other kinds ("-!- Irssi: …", names lists "[@alice] [ bob]",
// "Topic set by …", your own nick changes) are counted as skipped.
func parseIrssi(s *state, line string) (lineResult, string) {
	if line[0] == '-' && strings.HasPrefix(line, "--- ") {
		for _, p := range [...]string{"--- Log opened ", "--- Day changed "} {
			if rest, ok := strings.CutPrefix(line, p); ok {
				y, m, d, ok := ctimeDate(rest)
				if !ok {
					return resBad, "date marker without a date"
				}
				s.clk.setDate(y, m, d)
				return resMarker, ""
			}
		}
		if strings.HasPrefix(line, "--- Log closed ") {
			return resMarker, ""
		}
		return resBad, "unknown irssi marker line"
	}
	h, ok1 := d2(line, 0)
	m, ok2 := d2(line, 3)
	if !ok1 || !ok2 || line[2] != ':' || h > 23 || m > 59 {
		return resBad, reasonBadTime
	}
	sec, i := 0, 5
	if len(line) > 8 && line[5] == ':' {
		var ok bool
		if sec, ok = d2(line, 6); !ok || sec > 59 {
			return resBad, reasonBadTime
		}
		i = 8
	}
	if len(line) <= i+1 || line[i] != ' ' {
		return resBad, reasonBadTime
	}
	body := line[i+1:]
	t, ok := s.clk.tod(h, m, sec)
	if !ok {
		return resBad, reasonNoDate
	}
	switch body[0] {
	case '<':
		nick, text, ok := strings.Cut(body[1:], ">")
		nick = stripMode(nick)
		if !ok || nick == "" {
			return resBad, "message without a nick"
		}
		if len(text) > 0 && text[0] == ' ' {
			text = text[1:]
		}
		ev := s.add(archive.KindMessage, t, nick)
		ev.Text = text
		return resEvent, ""
	case ' ':
		if rest, ok := strings.CutPrefix(body, " * "); ok {
			nick, text := cut(rest, ' ')
			if nick == "" {
				return resBad, "action without a nick"
			}
			ev := s.add(archive.KindAction, t, nick)
			ev.Text = text
			return resEvent, ""
		}
		return resNoise, "" // " (*) nick …": a private action
	case '-':
		if strings.HasPrefix(body, "-!- ") {
			return parseBang(s, t, body[4:], false)
		}
		who, text, ok := noticeNick(body)
		if !ok {
			return resBad, "notice without a nick"
		}
		nick, _ := cut(who, ':')
		if strings.IndexByte(nick, '(') >= 0 || nick == "" {
			return resNoise, "" // "-nick(user@host)- …": a private notice
		}
		ev := s.add(archive.KindNotice, t, nick)
		ev.Text = text
		return resEvent, ""
	case '[', '!':
		// names lists, your own notices and private messages, server notices
		return resNoise, ""
	}
	return resBad, "not an irssi event"
}
