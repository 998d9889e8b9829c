package logs

import (
	"strings"
	"time"

	"proceedings/archive"
)

// WeeChat's logger plugin writes "DATE TIME<TAB>PREFIX<TAB>MESSAGE" with the
// default time format "%Y-%m-%d %H:%M:%S". The prefix is the nick (with its
// mode character) for messages, " *" for actions, "-->" for joins, "<--" for
// parts, quits and kicks, and "--" for other network messages. The message
// texts are those of src/plugins/irc/irc-protocol.c:
//
//	alice [account] (real name) (~a@h) has joined #chan   (extended join)
//	alice (~a@h) has left #chan (reason)
//	alice (~a@h) has quit (reason)
//	alice has kicked bob (reason)
//	alice is now known as al
//	alice has changed topic for #chan from "old" to "new"
//	alice has changed topic for #chan to "new"
//	alice has unset topic for #chan
//	Topic for #chan is "topic"
//	Mode #chan [+o bob] by alice
//	Notice(bob): text                (WeeChat 3.8, a notice to the channel)
//	Notice(bob) -> #chan: text
func parseWeechat(s *state, line string) (lineResult, string) {
	y, mo, d, ok := ymd(line, 0)
	if !ok || len(line) < 20 || line[10] != ' ' || line[19] != '\t' {
		return resBad, reasonBadTime
	}
	h, mi, sec, ok := hms(line, 11)
	if !ok {
		return resBad, reasonBadTime
	}
	prefix, msg, ok := strings.Cut(line[20:], "\t")
	if !ok {
		return resBad, "line without a tab between prefix and message"
	}
	t := s.clk.full(y, mo, d, h, mi, sec)
	p := strings.TrimSpace(prefix)
	switch p {
	case "-->":
		return weechatJoin(s, t, msg)
	case "<--":
		return weechatLeave(s, t, msg)
	case "--":
		return weechatNetwork(s, t, msg)
	case "*":
		nick, text := cut(msg, ' ')
		nick = stripMode(nick)
		if nick == "" {
			return resBad, "action without a nick"
		}
		ev := s.add(archive.KindAction, t, nick)
		ev.Text = text
		return resEvent, ""
	case "", "=!=", "-", "!", "<", ">":
		return resNoise, ""
	}
	if in, ok := enclosed(p, '<', '>'); ok {
		p = in
	}
	nick := stripMode(p)
	if nick == "" || strings.IndexByte(nick, ' ') >= 0 {
		return resNoise, ""
	}
	ev := s.add(archive.KindMessage, t, nick)
	ev.Text = msg
	return resEvent, ""
}

func weechatJoin(s *state, t time.Time, msg string) (lineResult, string) {
	i := strings.LastIndex(msg, " has joined ")
	if i <= 0 {
		return resNoise, ""
	}
	nick, rest := cut(msg[:i], ' ')
	ev := s.add(archive.KindJoin, t, nick)
	if strings.HasPrefix(rest, "[") {
		if j := strings.IndexByte(rest, ']'); j > 0 {
			ev.Account = rest[1:j]
			rest = strings.TrimPrefix(rest[j+1:], " ")
		}
	}
	if strings.HasSuffix(rest, ")") {
		if j := strings.LastIndexByte(rest, '('); j >= 0 {
			if uh := rest[j+1 : len(rest)-1]; strings.IndexByte(uh, '@') >= 0 && strings.IndexByte(uh, ' ') < 0 {
				ev.UserHost = uh
			}
		}
	}
	return resEvent, ""
}

func weechatLeave(s *state, t time.Time, msg string) (lineResult, string) {
	nick, rest := cut(msg, ' ')
	if nick == "" {
		return resNoise, ""
	}
	uh := ""
	if strings.HasPrefix(rest, "(") {
		if j := strings.Index(rest, ") "); j > 0 {
			uh, rest = rest[1:j], rest[j+2:]
		}
	}
	switch {
	case strings.HasPrefix(rest, "has left "):
		_, reason := cut(rest[len("has left "):], ' ')
		ev := s.add(archive.KindPart, t, nick)
		ev.UserHost = uh
		ev.Text = reasonOf(reason, '(', ')')
		return resEvent, ""
	case rest == "has quit" || strings.HasPrefix(rest, "has quit "):
		ev := s.add(archive.KindQuit, t, nick)
		ev.UserHost = uh
		if len(rest) > len("has quit ") {
			ev.Text = reasonOf(rest[len("has quit "):], '(', ')')
		}
		return resEvent, ""
	case strings.HasPrefix(rest, "has kicked ") && uh == "":
		target, reason := cut(rest[len("has kicked "):], ' ')
		if target == "" {
			return resBad, "kick without the kicked nick"
		}
		if x, ok := strings.CutPrefix(reason, "from "); ok { // WeeChat before 0.3.x
			_, reason = cut(x, ' ')
		}
		ev := s.add(archive.KindKick, t, nick)
		ev.Target = target
		ev.Text = reasonOf(reason, '(', ')')
		return resEvent, ""
	}
	return resNoise, ""
}

func weechatNetwork(s *state, t time.Time, msg string) (lineResult, string) {
	if x, ok := strings.CutPrefix(msg, "Notice("); ok {
		// "Notice(bob): text" (WeeChat 3.8, a notice to the channel) or
		// "Notice(bob) -> #chan: text"
		j := strings.IndexByte(x, ')')
		if j <= 0 {
			return resNoise, ""
		}
		nick, rest := stripMode(x[:j]), x[j+1:]
		if r, ok := strings.CutPrefix(rest, " -> "); ok {
			_, rest, _ = strings.Cut(r, ":")
		} else if r, ok := strings.CutPrefix(rest, ":"); ok {
			rest = r
		} else {
			return resNoise, ""
		}
		if nick == "" {
			return resNoise, ""
		}
		ev := s.add(archive.KindNotice, t, nick)
		ev.Text = strings.TrimPrefix(rest, " ")
		return resEvent, ""
	}
	if x, ok := strings.CutPrefix(msg, "Mode "); ok {
		_, x = cut(x, ' ')
		if i := strings.LastIndex(x, "] by "); i > 0 && x[0] == '[' {
			ev := s.add(archive.KindMode, t, x[i+len("] by "):])
			ev.Text = x[1:i]
			return resEvent, ""
		}
		return resNoise, ""
	}
	if x, ok := strings.CutPrefix(msg, "Topic for "); ok {
		_, x = cut(x, ' ')
		if x, ok := strings.CutPrefix(x, "is "); ok {
			if text, ok := enclosed(x, '"', '"'); ok {
				ev := s.add(archive.KindTopic, t, "")
				ev.Text = text
				ev.Flags |= archive.FlagTopicOnJoin
				s.topic = text
				return resEvent, ""
			}
		}
		return resNoise, ""
	}
	nick, rest := cut(msg, ' ')
	switch {
	case strings.HasPrefix(rest, "is now known as "):
		to := rest[len("is now known as "):]
		if to == "" || nick == "" {
			return resBad, "nick change without both nicks"
		}
		ev := s.add(archive.KindNick, t, nick)
		ev.Target = to
		return resEvent, ""
	case strings.HasPrefix(rest, "has changed topic for "):
		_, x := cut(rest[len("has changed topic for "):], ' ')
		text, ok := weechatNewTopic(x, s.topic)
		if !ok {
			return resBad, "topic change without its text"
		}
		ev := s.add(archive.KindTopic, t, nick)
		ev.Text = text
		s.topic = text
		return resEvent, ""
	case strings.HasPrefix(rest, "has unset topic for "):
		s.add(archive.KindTopic, t, nick)
		s.topic = ""
		return resEvent, ""
	}
	return resNoise, ""
}

// weechatNewTopic reads `to "new"` or `from "old" to "new"`; old is the
// topic last seen, which tells where the old text ends when it could be
// ambiguous.
func weechatNewTopic(x, old string) (string, bool) {
	if !strings.HasSuffix(x, `"`) {
		return "", false
	}
	if rest, ok := strings.CutPrefix(x, `to "`); ok && rest != "" {
		return rest[:len(rest)-1], true
	}
	rest, ok := strings.CutPrefix(x, `from "`)
	if !ok {
		return "", false
	}
	if n, ok := strings.CutPrefix(rest, old+`" to "`); ok && old != "" && n != "" {
		return n[:len(n)-1], true
	}
	i := strings.Index(rest, `" to "`)
	if i < 0 || i+6 > len(rest)-1 {
		return "", false
	}
	return rest[i+6 : len(rest)-1], true
}
