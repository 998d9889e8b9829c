package logs

import (
	"proceedings/event"
	"strings"
	"time"
)

// ZNC's log module (modules/log.cpp) writes "[%H:%M:%S] " and then:
//
//	<alice> hello
//	* alice waves
//	-bob- a notice
//	*** Joins: carol (~c@h)
//	*** Joins: carol (~c@h) carol_account     (ZNC 1.9, with extended-join)
//	*** Parts: carol (~c@h) (reason)
//	*** Quits: dave (~d@h) (reason)
//	*** alice is now known as al
//	*** bob was kicked by alice (reason)
//	*** alice changes topic to 'new'
//	*** alice sets mode: +o bob
//	*** Server sets mode: +nt                 (the modes seen on join: not kept)
//	Connected to IRC (irc.example.net +6697)   (not kept, and its "Disconnected")
//	Broadcast: text                            (not kept)
//
// One file per day, named YYYY-MM-DD.log by default (older versions:
// NETWORK_#chan_YYYYMMDD.log). Private notices go to the sender's own file,
// never to a channel's. Any other "***" line is not understood.
func parseZNC(s *state, line string) (lineResult, string) {
	t, body, res, reason := bracketedClock(s, line)
	if res != resEvent {
		return res, reason
	}
	if x, ok := strings.CutPrefix(body, "*** "); ok {
		return zncStatus(s, t, x)
	}
	if strings.HasPrefix(body, "Connected to IRC") || strings.HasPrefix(body, "Disconnected from IRC") {
		return resNoise, "ZNC connected or disconnected"
	}
	if strings.HasPrefix(body, "Broadcast: ") {
		return resNoise, "ZNC broadcast"
	}
	return parseSpeech(s, t, body)
}

// bracketedClock reads the "[HH:MM:SS] " that starts the lines of ZNC and
// of our own format, and returns the instant and the rest of the line.
func bracketedClock(s *state, line string) (time.Time, string, lineResult, string) {
	h, m, sec, ok := hms(line, 1)
	if !ok || line[0] != '[' || len(line) < 11 || line[9] != ']' || line[10] != ' ' {
		return time.Time{}, "", resBad, reasonBadTime
	}
	t, ok := s.clk.tod(h, m, sec)
	if !ok {
		return time.Time{}, "", resBad, reasonNoDate
	}
	return t, line[11:], resEvent, ""
}

// parseSpeech reads "<nick> text", "* nick text" and "-nick- text", the
// lines ZNC and Limnoria write alike.
func parseSpeech(s *state, t time.Time, body string) (lineResult, string) {
	if body == "" {
		return resBad, "time stamp without an event"
	}
	switch body[0] {
	case '<':
		nick, text, ok := strings.Cut(body[1:], ">")
		if !ok || nick == "" {
			return resBad, "message without a nick"
		}
		if len(text) > 0 && text[0] == ' ' {
			text = text[1:]
		}
		ev := s.add(event.KindMessage, t, nick)
		ev.Text = text
		return resEvent, ""
	case '*':
		if len(body) < 2 || body[1] != ' ' {
			break
		}
		nick, text := cut(body[2:], ' ')
		if nick == "" {
			return resBad, "action without a nick"
		}
		ev := s.add(event.KindAction, t, nick)
		ev.Text = text
		return resEvent, ""
	case '-':
		nick, text, ok := noticeNick(body)
		if !ok || strings.ContainsAny(nick, "!@") {
			// "-!- …" is no notice of ZNC or Limnoria (our own status lines)
			return resBad, "notice without a nick"
		}
		ev := s.add(event.KindNotice, t, nick)
		ev.Text = text
		return resEvent, ""
	}
	return resBad, "not a message, action or notice"
}

// nickOrKickLine reads the two "***" lines ZNC and Limnoria write alike
// after a nick: "is now known as NEW" and "was kicked by OP (reason)". ok
// is false when rest is neither.
func nickOrKickLine(s *state, t time.Time, nick, rest string) (res lineResult, reason string, ok bool) {
	if to, ok := strings.CutPrefix(rest, "is now known as "); ok {
		res, reason = addNickChange(s, t, nick, to)
		return res, reason, true
	}
	if x, ok := strings.CutPrefix(rest, "was kicked by "); ok {
		res, reason = addKick(s, t, nick, x, '(', ')')
		return res, reason, true
	}
	return 0, "", false
}

// zncUserHost reads "(ident@host)"; ZNC writes "(@)" when it knows neither.
func zncUserHost(s string) string {
	in, _ := enclosed(s, '(', ')')
	if in == "@" {
		return ""
	}
	return in
}

func zncStatus(s *state, t time.Time, x string) (lineResult, string) {
	for _, k := range [...]struct {
		prefix string
		kind   event.Kind
	}{{"Joins: ", event.KindJoin}, {"Parts: ", event.KindPart}, {"Quits: ", event.KindQuit}} {
		rest, ok := strings.CutPrefix(x, k.prefix)
		if !ok {
			continue
		}
		nick, rest := cut(rest, ' ')
		if nick == "" {
			return resBad, "join, part or quit without a nick"
		}
		ev := s.add(k.kind, t, nick)
		if j := strings.Index(rest, ") ("); j >= 0 && k.kind != event.KindJoin {
			ev.UserHost = zncUserHost(rest[:j+1])
			ev.Text, _ = enclosed(rest[j+2:], '(', ')')
		} else if j := strings.Index(rest, ") "); j >= 0 && k.kind == event.KindJoin {
			ev.UserHost = zncUserHost(rest[:j+1])
			ev.Account = rest[j+2:]
		} else {
			ev.UserHost = zncUserHost(rest)
		}
		return resEvent, ""
	}
	if strings.HasPrefix(x, gapLine) {
		return resNoise, reasonGapLine
	}
	if rest, ok := strings.CutPrefix(x, "Topic for "); ok { // written by our ZNC writer
		_, rest = cut(rest, ' ')
		if text, ok := strings.CutPrefix(rest, "is '"); ok && strings.HasSuffix(text, "'") {
			ev := s.add(event.KindTopic, t, "")
			ev.Text = text[:len(text)-1]
			ev.Flags |= event.FlagTopicOnJoin
			return resEvent, ""
		}
		return resBad, "topic line without its text"
	}
	nick, rest := cut(x, ' ')
	if nick == "" {
		return resBad, "a *** line without a nick"
	}
	if res, reason, ok := nickOrKickLine(s, t, nick, rest); ok {
		return res, reason
	}
	switch {
	case strings.HasPrefix(rest, "changes topic to '"):
		text := rest[len("changes topic to '"):]
		text = strings.TrimSuffix(text, "'")
		ev := s.add(event.KindTopic, t, nick)
		ev.Text = text
		return resEvent, ""
	case strings.HasPrefix(rest, "sets mode: "):
		if nick == "Server" {
			// ZNC's record of the modes the server reported when it
			// joined (RPL_CHANNELMODEIS has no setter): not a change.
			return resNoise, reasonModesOnJoin
		}
		ev := s.add(event.KindMode, t, nick)
		ev.Text = strings.TrimRight(rest[len("sets mode: "):], " ")
		return resEvent, ""
	}
	return resBad, "a *** line of an unknown kind"
}

// reasonModesOnJoin counts ZNC's "*** Server sets mode: +nt": the modes the
// server reported when ZNC joined, not a change.
const reasonModesOnJoin = "channel modes reported on join"
