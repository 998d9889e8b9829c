package logs

import (
	"proceedings/event"
	"strings"
	"time"
)

// Limnoria's ChannelLogger (plugins/ChannelLogger/plugin.py) writes the
// time in supybot.log.timestampFormat (default "%Y-%m-%dT%H:%M:%S" since
// December 2004; Supybot wrote "[%d-%b-%Y %H:%M:%S]" before), two spaces,
// and then:
//
//	<alice> hello
//	* alice waves
//	-bob- a notice                                      (to the channel: private ones are not logged)
//	*** carol <carol!~c@h> has joined #chan
//	*** carol <carol!~c@h> has left #chan (reason)      (no "(reason)" when none)
//	*** dave <dave!~d@h> has quit IRC (reason)
//	*** bob was kicked by alice (reason)                (no "(reason)" when none)
//	*** alice is now known as al
//	*** alice sets mode: +o bob                         ("+m " with no argument)
//	*** alice changes topic to "new"
//	*** alice <alice!~a@h> invited bob to #chan          (not kept: "invite")
//
// Supybot's ChannelLogger (2003 to 2010) wrote joins, parts and quits
// without the nick!user@host and without reasons: "*** ryzaja has joined
// #PoV", "*** ryzaja has left #PoV", "*** ryzaja has quit IRC"; the other
// lines as above. A mode set by a server was written with the server's name
// (Limnoria) or, in old Supybot, with nothing: "***  sets mode: +nt " is a
// mode change without a nick. Any other "***" line is not understood.
func parseLimnoria(s *state, line string) (lineResult, string) {
	var t time.Time
	var body string
	if line[0] == '[' {
		// Supybot's older default stamp, "[%d-%b-%Y %H:%M:%S]"
		d, ok1 := d2(line, 1)
		mo, ok2 := parseMonth(safeSlice(line, 4, 7))
		if !ok1 || !ok2 || len(line) < 23 || line[3] != '-' || line[7] != '-' || line[12] != ' ' || line[21] != ']' ||
			!allDigits(line[8:12]) {
			return resBad, reasonBadTime
		}
		y, m, d, ok := checkDate(atoi(line[8:12]), int(mo), d)
		h, mi, sec, ok3 := hms(line, 13)
		if !ok || !ok3 || line[22] != ' ' {
			return resBad, reasonBadTime
		}
		t = s.clk.full(y, m, d, h, mi, sec)
		body = strings.TrimLeft(line[23:], " ")
	} else {
		y, mo, d, ok := ymd(line, 0)
		if !ok || len(line) < 21 || line[10] != 'T' || line[19] != ' ' || line[20] != ' ' {
			return resBad, reasonBadTime
		}
		h, mi, sec, ok := hms(line, 11)
		if !ok {
			return resBad, reasonBadTime
		}
		t = s.clk.full(y, mo, d, h, mi, sec)
		body = line[21:]
	}
	if x, ok := strings.CutPrefix(body, "*** "); ok {
		return limnoriaStatus(s, t, x)
	}
	return parseSpeech(s, t, body)
}

func safeSlice(s string, i, j int) string {
	if j > len(s) {
		return ""
	}
	return s[i:j]
}

// limnoriaUserHost takes user@host from a nick!user@host prefix.
func limnoriaUserHost(prefix string) string {
	_, uh, _ := strings.Cut(prefix, "!")
	return uh
}

func limnoriaStatus(s *state, t time.Time, x string) (lineResult, string) {
	nick, rest := cut(x, ' ')
	if nick == "" {
		// old Supybot wrote msg.nick, empty for a server
		if m, ok := strings.CutPrefix(rest, "sets mode: "); ok {
			ev := s.add(event.KindMode, t, "")
			ev.Text = strings.TrimRight(m, " ")
			return resEvent, ""
		}
		return resBad, "a *** line without a nick"
	}
	// Limnoria writes "nick <nick!user@host> has joined"; Supybot before it
	// wrote joins, parts and quits without the prefix.
	if strings.HasPrefix(rest, "<") {
		j := strings.Index(rest, "> ")
		if j < 0 {
			return resBad, reasonLimnoriaUnknown
		}
		return limnoriaPresence(s, t, nick, limnoriaUserHost(rest[1:j]), rest[j+2:], true)
	}
	if res, reason := limnoriaPresence(s, t, nick, "", rest, false); res != resBad || reason != "" {
		return res, reason
	}
	if res, reason, ok := nickOrKickLine(s, t, nick, rest); ok {
		return res, reason
	}
	switch {
	case strings.HasPrefix(rest, "sets mode: "):
		ev := s.add(event.KindMode, t, nick)
		ev.Text = strings.TrimRight(rest[len("sets mode: "):], " ")
		return resEvent, ""
	case strings.HasPrefix(rest, "changes topic to "):
		text := rest[len("changes topic to "):]
		if in, ok := enclosed(text, '"', '"'); ok {
			text = in
		}
		ev := s.add(event.KindTopic, t, nick)
		ev.Text = text
		return resEvent, ""
	}
	return resBad, reasonLimnoriaUnknown
}

const reasonLimnoriaUnknown = "a *** line of an unknown kind"

// limnoriaPresence reads what follows the nick (and its <nick!user@host>
// when prefixed) of a join, part, quit or, prefixed, invite. It returns
// resBad without a reason when r is none of them.
func limnoriaPresence(s *state, t time.Time, nick, uh, r string, prefixed bool) (lineResult, string) {
	if presence(s, t, nick, uh, r, "has quit IRC", '(', ')') {
		return resEvent, ""
	}
	switch {
	case !prefixed:
		return resBad, ""
	case strings.HasPrefix(r, "invited "):
		return resNoise, "invite"
	}
	return resBad, reasonLimnoriaUnknown
}
