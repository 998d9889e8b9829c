package logs

import (
	"proceedings/event"
	"strings"
	"time"
	"unicode"
)

// WeeChat's logger plugin writes "DATE TIME<TAB>PREFIX<TAB>MESSAGE" with the
// default time format "%Y-%m-%d %H:%M:%S". The prefix column is the nick
// (with its mode character) for messages, and for everything else one of
// the prefixes the user can set (weechat.look.prefix_*): "-->" for joins,
// "<--" for parts, quits and kicks, "--" for other network lines, " *" for
// actions and "=!=" for errors by default, and whatever the user chose
// instead (ℹ, ⚡, →, ←, ▬▬▶, », " - ", " <<< "…). The message is a sentence
// of src/plugins/irc/irc-protocol.c in the user's language:
//
//	alice [account] (real name) (~a@h) has joined #chan   (extended join)
//	alice (~a@h) has left #chan (reason)
//	alice (~a@h) has quit (reason)
//	alice has kicked bob (reason)
//	alice is now known as al
//	You are now known as al                             (the logger's nick)
//	alice has changed topic for #chan from "old" to "new"
//	alice has changed topic for #chan to "new"
//	alice has unset topic for #chan
//	Topic for #chan is "topic"
//	Mode #chan [+o bob] by alice
//	Notice(bob) -> #chan: text       (WeeChat 4; before: "Notice(bob): text")
//	PvNotice(bob): text              (a private notice shown in the channel)
//
// A line is read by its structure, not by its words alone: the prefix
// column says what kind of line it is (a nick for a message), and the
// sentence is matched against WeeChat's own sentences in every language it
// ships (weechat_sentences.go). Behind a custom prefix the sentence alone
// decides the kind, since users give one prefix to several kinds ("-" or
// "•" for all of them, "⚡" for joins and quits); the kinds a custom prefix
// has stood for are remembered for the file. A join the table does not
// know is still read from its structure (nick, user@host, a channel), and
// so is a part or quit that shows a user@host (a part names the channel, a
// quit does not), under WeeChat's default prefixes or a custom one that
// has stood for that kind alone. A line whose prefix is neither a nick nor
// a prefix this reader can tell is not understood: it is never a message
// from a nick that is a prefix.
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
	w := &s.x.weechat
	w.lines++
	p := strings.TrimSpace(prefix)
	if nick, ok := weechatNick(p); ok {
		if res, reason, ok := w.eventUnder(s, t, p, msg); ok {
			return res, reason
		}
		w.saw(nick)
		ev := s.add(event.KindMessage, t, nick)
		ev.Text = msg
		return resEvent, ""
	}
	switch w.role(p) {
	case roleJoin:
		if res, reason, ok := w.sentence(s, t, msg, roleJoin); ok {
			return res, reason
		}
		return w.joinShape(s, t, msg)
	case roleQuit:
		if res, reason, ok := w.sentence(s, t, msg, roleQuit); ok {
			return res, reason
		}
		return w.leaveShape(s, t, msg)
	case roleNetwork:
		if res, reason, ok := w.sentence(s, t, msg, roleNetwork); ok {
			return res, reason
		}
		if res, reason, ok := w.notice(s, t, msg); ok {
			return res, reason
		}
		return networkRest(msg)
	case roleAction:
		if res, reason, ok := w.eventUnder(s, t, p, msg); ok {
			return res, reason
		}
		return w.action(s, t, msg)
	case roleError:
		return resNoise, "WeeChat error line"
	case roleNone:
		if res, reason, ok := w.sentence(s, t, msg, roleUnknown); ok {
			return res, reason
		}
		return resNoise, "WeeChat client line without a prefix"
	}
	return w.customLine(s, t, p, msg)
}

// eventUnder reads the event sentences logged under the action prefix "*"
// (prefixes all set to it) or under a prefix that reads as a nick ("[J]",
// "join", "info"). Only the whole structure of a sentence makes a line an
// event there: a join or part shows a user@host and names the channel, a
// quit shows a user@host, the other sentences name the channel ("Mode #c
// [+v bob] by op"); a nick change or kick under "*" or a nick stays an
// action or a message. A bracketed word ("[J]", "[Nick]") is no nick
// before any event sentence. Under "*" or a bracketed word, a nick with a
// user@host before a sentence the table lacks is not understood.
func (w *weechatState) eventUnder(s *state, t time.Time, p, msg string) (lineResult, string, bool) {
	bracketed := len(p) > 2 && p[0] == '[' && p[len(p)-1] == ']'
	_, rest := cut(msg, ' ')
	withUH := startsWithUserHost(rest)
	if !bracketed && !withUH && !strings.ContainsAny(msg, "#&") {
		return 0, "", false // no sentence's structure: spare the table
	}
	// Without a user@host (no "@") only the sentences that name a channel
	// can have their structure here (see structured): the table is read
	// for those alone.
	f := eventSentences
	if !bracketed && strings.IndexByte(msg, '@') < 0 {
		f = channelEventSentences
	}
	var m wsMatch
	if ws := w.find(s, msg, roleUnknown, f, &m); ws != nil && (bracketed || m.structured(ws.kind)) {
		res, reason := w.event(s, t, ws.kind, &m)
		return res, reason, true
	}
	if withUH && (bracketed || p == "*") {
		return resBad, "WeeChat event of an unknown shape under the action prefix or a prefix like a nick", true
	}
	return 0, "", false
}

// namesChannelOnly reports whether k is an event whose structure is its
// channel alone (a topic or mode sentence): no user@host is needed.
func (k wsKind) namesChannelOnly() bool {
	switch k {
	case wsJoin, wsPart, wsQuit, wsKick, wsNick, wsSelfNick:
		return false
	}
	return k.event()
}

// structured reports whether a match of a sentence of kind k has the
// structure that tells it from a person's words: a user@host for a join,
// part or quit, and the channel for the sentences that name one.
func (m *wsMatch) structured(k wsKind) bool {
	switch k {
	case wsJoin, wsPart, wsQuit:
		nick, _, uh, ok := parseWho(m.who)
		return ok && whoNick(stripMode(nick), uh) && (k == wsQuit || m.channel != "")
	case wsKick, wsNick, wsSelfNick:
		return false
	}
	return m.channel != ""
}

// whoNick reports whether nick, followed by the user@host uh in a join,
// part or quit, is a nick: with a user@host, one of RFC 2812's special
// characters alone ("\`", "^_^") is too (columnNick).
func whoNick(nick, uh string) bool {
	return uh != "" && columnNick(nick)
}

// weechatRole is what the prefix column says a line is.
type weechatRole uint8

const (
	roleUnknown weechatRole = iota
	roleJoin
	roleQuit // parts, quits and kicks
	roleNetwork
	roleAction
	roleError
	roleNone // no prefix: WeeChat's own output (script, /exec, old "irc:" lines)
)

// weechatState is what the WeeChat reader remembers from earlier lines.
type weechatState struct {
	roles    map[string]roleSet // custom prefixes: the kinds their lines were
	nicks    map[string]bool    // nicks seen in this log
	self     string             // the logger's own nick, once the log shows it
	lastJoin string             // nick of the last join read
	joinAt   int                // its line number
	lines    int
	recent   [roleNone][8]int // the sentences matched last, per role, latest first
}

const maxKnownNicks = 1 << 16

func (w *weechatState) saw(nick string) {
	if w.nicks == nil {
		w.nicks = map[string]bool{}
	}
	if len(w.nicks) < maxKnownNicks && !w.nicks[nick] {
		w.nicks[strings.Clone(nick)] = true // not the whole line
	}
}

// roleSet holds the roles a custom prefix has stood for, one bit each.
type roleSet uint8

func (r weechatRole) bit() roleSet { return 1 << r }

// role says what a prefix stands for: WeeChat's default prefixes and the
// common symbols of errors. Any other prefix is roleUnknown: what it has
// stood for before is a hint, never the kind of its next line.
func (w *weechatState) role(p string) weechatRole {
	switch p {
	case "-->":
		return roleJoin
	case "<--":
		return roleQuit
	case "--":
		return roleNetwork
	case "*":
		return roleAction
	case "=!=", "⚠", "!", "!!", "!!!":
		return roleError
	case "":
		return roleNone
	}
	return roleUnknown
}

func (w *weechatState) learn(p string, r weechatRole) {
	if w.roles == nil {
		w.roles = map[string]roleSet{}
	}
	if _, ok := w.roles[p]; ok {
		w.roles[p] |= r.bit()
	} else if len(w.roles) < 64 {
		w.roles[strings.Clone(p)] = r.bit()
	}
}

// weechatNick reads the prefix column of a message: a nick, after the mode
// character WeeChat writes before it ("@alice", " bob") and the "<>" some
// versions wrote around it.
func weechatNick(p string) (string, bool) {
	if in, ok := enclosed(p, '<', '>'); ok {
		p = in
	}
	nick := stripMode(p)
	return nick, isNick(nick)
}

// customLine reads a line whose prefix is not one of WeeChat's defaults:
// its sentence tells what it is, whatever the prefix stood for before.
// Only a prefix that has stood for one kind alone reads the lines of that
// kind the table lacks.
func (w *weechatState) customLine(s *state, t time.Time, p, msg string) (lineResult, string) {
	var m wsMatch
	if ws := w.find(s, msg, roleUnknown, eventSentences, &m); ws != nil {
		w.learn(p, ws.kind.role())
		return w.event(s, t, ws.kind, &m)
	}
	if actionPrefix(p) {
		nick, text := cut(msg, ' ')
		nick = stripMode(nick)
		// a nick of symbols alone ("|", "`") is also an action prefix only
		// when the nick after it has been seen in this log; a user@host
		// after the nick is a join, part or quit the table lacks
		learned := w.roles[p]&roleAction.bit() != 0
		if isNick(nick) && !startsWithUserHost(text) && (!isNick(p+"a") || learned || w.nicks[nick]) {
			w.learn(p, roleAction)
			return w.action(s, t, msg)
		}
	}
	if ws := w.find(s, msg, roleUnknown, otherSentences, &m); ws != nil {
		if !ws.open {
			w.learn(p, roleNetwork)
		}
		return w.event(s, t, ws.kind, &m)
	}
	if res, reason, ok := w.notice(s, t, msg); ok {
		w.learn(p, roleNetwork)
		return res, reason
	}
	if p == "***" && (msg == "Buffer Playback..." || msg == "Playback Complete.") {
		return resNoise, "ZNC playback marker"
	}
	switch w.roles[p] {
	case 0:
		return resBad, "WeeChat line whose prefix is neither a nick nor a prefix this reader knows"
	case roleJoin.bit():
		return w.joinShape(s, t, msg)
	case roleQuit.bit():
		return w.leaveShape(s, t, msg)
	case roleNetwork.bit():
		return networkRest(msg)
	}
	return resBad, "WeeChat line of an unknown kind under a prefix that stands for several kinds"
}

func notEvent(k wsKind) bool { return !k.event() }

// actionPrefix reports whether p is one of the symbols people set as
// weechat.look.prefix_action.
func actionPrefix(p string) bool {
	switch p {
	case "*", "**", "=*=", "⚡", "•", "·", "★", "☆", "✱", "✦", "∗", "⋆", "|", "♦", "►":
		return true
	}
	return false
}

// matchOne matches one sentence; the topic last seen tells where the old
// topic of a change ends, should the old text hold the words around it.
func (w *weechatState) matchOne(s *state, ws *wsSentence, msg string, m *wsMatch) bool {
	m.hint = ""
	if ws.kind == wsTopicFrom {
		m.hint = s.topic
	}
	return ws.match(msg, m)
}

// sentence reads msg as one of the sentences written under role r
// (roleUnknown: every sentence).
func (w *weechatState) sentence(s *state, t time.Time, msg string, r weechatRole) (lineResult, string, bool) {
	var m wsMatch
	ws := w.find(s, msg, r, roleSentences[r], &m)
	if ws == nil {
		return 0, "", false
	}
	res, reason := w.event(s, t, ws.kind, &m)
	return res, reason, true
}

// find matches msg against the sentences of f, the ones this file matched
// last under role r first: a file keeps to one language, and to a few kinds
// of lines.
func (w *weechatState) find(s *state, msg string, r weechatRole, f *sentenceFilter, m *wsMatch) *wsSentence {
	recent := &w.recent[r]
	for k, i := range recent {
		if i == 0 {
			break
		}
		if ws := weechatSentences[i-1]; f.keep(ws.kind) && w.matchOne(s, ws, msg, m) {
			copy(recent[1:k+1], recent[:k])
			recent[0] = i
			return ws
		}
	}
	for _, i := range f.idx {
		if ws := weechatSentences[i]; w.matchOne(s, ws, msg, m) {
			copy(recent[1:], recent[:len(recent)-1])
			recent[0] = i + 1 // 0: none
			return ws
		}
	}
	return nil
}

// sentenceFilter is a set of kinds of sentence the reader looks for, with
// the table's sentences of those kinds listed once, in table order, so that
// a line is not tried against the whole table.
type sentenceFilter struct {
	keep func(wsKind) bool
	idx  []int // into weechatSentences
}

func filterOf(keep func(wsKind) bool) *sentenceFilter {
	f := &sentenceFilter{keep: keep}
	for i, ws := range weechatSentences {
		if keep(ws.kind) {
			f.idx = append(f.idx, i)
		}
	}
	return f
}

var (
	eventSentences        = filterOf(wsKind.event)
	channelEventSentences = filterOf(wsKind.namesChannelOnly)
	otherSentences        = filterOf(notEvent)
	// roleSentences are the sentences written under each role
	// (roleUnknown: all of them).
	roleSentences = func() (fs [roleNone]*sentenceFilter) {
		for r := range fs {
			role := weechatRole(r)
			fs[r] = filterOf(func(k wsKind) bool { return role == roleUnknown || k.role() == role })
		}
		return fs
	}()
)

// joinShape reads a join in a language the table does not know: "NICK[
// [account]] [(real name)] [(user@host)] SENTENCE", the sentence naming
// the channel.
func (w *weechatState) joinShape(s *state, t time.Time, msg string) (lineResult, string) {
	who, sentence := splitWho(msg)
	nick, account, uh, ok := parseWho(who)
	if !ok || !whoNick(stripMode(nick), uh) && !isNick(stripMode(nick)) || !hasChannel(sentence) {
		return resBad, "WeeChat join line of an unknown shape"
	}
	w.join(s, t, stripMode(nick), account, uh)
	return resEvent, ""
}

// leaveShape reads a part or quit in a language the table does not know:
// with a user@host (a kick has none) the structure tells them apart, a
// part naming the channel before the reason in parentheses.
func (w *weechatState) leaveShape(s *state, t time.Time, msg string) (lineResult, string) {
	who, sentence := splitWho(msg)
	nick, _, uh, ok := parseWho(who)
	if !ok || !whoNick(stripMode(nick), uh) || sentence == "" {
		return resBad, "WeeChat part, quit or kick line of an unknown shape"
	}
	reason := ""
	if i := strings.Index(sentence, " ("); i >= 0 && strings.HasSuffix(sentence, ")") {
		sentence, reason = sentence[:i], sentence[i+2:len(sentence)-1]
	}
	kind := event.KindQuit
	if hasChannel(sentence) {
		kind = event.KindPart
	}
	nick = stripMode(nick)
	w.saw(nick)
	ev := s.add(kind, t, nick)
	ev.UserHost = uh
	ev.Text = reason
	return resEvent, ""
}

// networkRest reads the network lines that are neither a sentence of the
// table nor a notice.
func networkRest(msg string) (lineResult, string) {
	if strings.HasPrefix(msg, gapLine) {
		return resNoise, reasonGapLine
	}
	if ch, _, ok := strings.Cut(msg, ": "); ok && isChannel(ch) {
		return resNoise, "server reply about the channel" // "#chan: Cannot join channel (+r)"
	}
	return resBad, "WeeChat network line of an unknown kind"
}

func (w *weechatState) action(s *state, t time.Time, msg string) (lineResult, string) {
	nick, text := cut(msg, ' ')
	nick = stripMode(nick)
	if !isNick(nick) {
		return resBad, "action without a nick"
	}
	w.saw(nick)
	ev := s.add(event.KindAction, t, nick)
	ev.Text = text
	return resEvent, ""
}

func (w *weechatState) join(s *state, t time.Time, nick, account, uh string) {
	w.saw(nick)
	w.lastJoin, w.joinAt = nick, w.lines
	ev := s.add(event.KindJoin, t, nick)
	ev.Account = account
	ev.UserHost = uh
}

// event turns a matched sentence into events, or into a skipped line.
func (w *weechatState) event(s *state, t time.Time, kind wsKind, m *wsMatch) (lineResult, string) {
	switch kind {
	case wsJoin:
		nick, account, uh, _ := parseWho(m.who)
		w.join(s, t, stripMode(nick), account, uh)
	case wsPart, wsQuit:
		nick, _, uh, _ := parseWho(m.who)
		nick = stripMode(nick)
		w.saw(nick)
		k := event.KindPart
		if kind == wsQuit {
			k = event.KindQuit
		}
		ev := s.add(k, t, nick)
		ev.UserHost = uh
		ev.Text = m.reason
	case wsKick:
		w.saw(m.target)
		ev := s.add(event.KindKick, t, m.nick)
		ev.Target = m.target
		ev.Text = m.reason
	case wsNick:
		w.saw(m.target)
		if m.nick == w.self {
			w.self = m.target
		}
		ev := s.add(event.KindNick, t, m.nick)
		ev.Target = m.target
	case wsSelfNick:
		if w.self == "" {
			return resBad, reasonSelfNickUnknown
		}
		ev := s.add(event.KindNick, t, w.self)
		ev.Target = m.target
		ev.Flags |= event.FlagSelf
		w.self = m.target
	case wsTopicFrom, wsTopic:
		ev := s.add(event.KindTopic, t, m.nick)
		ev.Text = m.text
		s.topic = m.text
	case wsUnset:
		s.add(event.KindTopic, t, m.nick)
		s.topic = ""
	case wsTopicIs:
		ev := s.add(event.KindTopic, t, "")
		ev.Text = m.text
		ev.Flags |= event.FlagTopicOnJoin
		s.topic = m.text
	case wsMode:
		ev := s.add(event.KindMode, t, m.nick)
		ev.Text = m.modes
	case wsModeIs:
		return resNoise, "WeeChat channel modes shown on join"
	case wsNames:
		// WeeChat counts the nicks when the logger has joined: the join
		// just before is the logger's own
		if w.lastJoin != "" && w.lines-w.joinAt <= 8 {
			w.self = w.lastJoin
		}
		return resNoise, "WeeChat channel information (topic set by, creation date, nicks, URL)"
	case wsInfo:
		return resNoise, "WeeChat channel information (topic set by, creation date, nicks, URL)"
	case wsConn:
		return resNoise, "WeeChat connection status"
	case wsCTCP:
		return resNoise, "CTCP request or reply"
	case wsUser:
		return resNoise, "WeeChat user status (account, host, real name, away)"
	case wsInvite:
		return resNoise, "invitation"
	}
	return resEvent, ""
}

// notice reads WeeChat's notice lines: "Notice(bob) -> #chan: text" (4.x),
// "Notice(bob): text" (a channel notice before 4.0, "Notice:@(bob)" or
// "NoticeOp(bob)" to the channel's operators), "PvNotice(bob): text" (a
// private notice to the logger, shown in the channel) and
// "bob (~b@h): text" (a private notice WeeChat shows in the current
// buffer). "Notice" is translated ("Hinweis", "Aviso"…).
func (w *weechatState) notice(s *state, t time.Time, msg string) (lineResult, string, bool) {
	if word, rest, ok := strings.Cut(msg, " -> "); ok && isWord(word) {
		// "Notice -> #chan: text": the logger's own notice
		target, text, ok := strings.Cut(rest, ":")
		if !ok {
			return 0, "", false
		}
		if !isChannel(strings.TrimLeft(target, "@+%~&")) {
			return resNoise, "your own private notice", true
		}
		if w.self == "" {
			return resBad, "your own notice to the channel, and the log does not show your nick", true
		}
		ev := s.add(event.KindNotice, t, w.self)
		ev.Text = strings.TrimPrefix(text, " ")
		ev.Flags |= event.FlagSelf
		return resEvent, "", true
	}
	i := strings.IndexByte(msg, '(')
	if i <= 0 {
		return 0, "", false
	}
	word, status := msg[:i], ""
	if j := strings.IndexByte(word, ':'); j > 0 {
		word, status = word[:j], word[j+1:]
	}
	if !isWord(word) || strings.Trim(status, "@+%~&!") != "" {
		// "bob (~b@h): text", a private notice
		nick, rest, _ := strings.Cut(msg, " (")
		uh, _, ok := strings.Cut(rest, "): ")
		if isNick(nick) && ok && strings.IndexByte(uh, '@') >= 0 && word == nick+" " {
			return resNoise, "private notice", true
		}
		return 0, "", false
	}
	j := strings.IndexByte(msg[i:], ')')
	if j < 0 {
		return 0, "", false
	}
	nick, rest := stripMode(msg[i+1:i+j]), msg[i+j+1:]
	target := ""
	if r, ok := strings.CutPrefix(rest, " -> "); ok {
		target, rest, ok = strings.Cut(r, ":")
		if !ok {
			return 0, "", false
		}
	} else if r, ok := strings.CutPrefix(rest, ":"); ok {
		rest = r
	} else {
		return 0, "", false
	}
	if strings.HasPrefix(word, "Pv") || target != "" && !isChannel(strings.TrimLeft(target, "@+%~&")) {
		return resNoise, "private notice", true
	}
	if strings.IndexByte(nick, '.') > 0 && target == "" {
		return resNoise, "server notice", true // "Notice(irc.example.net): text"
	}
	if !isNick(nick) {
		return resBad, "notice without a nick", true
	}
	w.saw(nick)
	ev := s.add(event.KindNotice, t, nick)
	ev.Text = strings.TrimPrefix(rest, " ")
	return resEvent, "", true
}

// isWord reports whether s is one word of letters ("Notice", "Hinweis").
func isWord(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// splitWho cuts a join, part or quit line after what WeeChat writes about
// its subject: the nick, "[account]" and the groups in parentheses that
// follow (real name, user@host), nested parentheses allowed.
func splitWho(msg string) (who, sentence string) {
	nick, rest := cut(msg, ' ')
	i := 0
	for {
		for i < len(rest) && rest[i] == ' ' {
			i++
		}
		if i >= len(rest) || rest[i] != '[' && rest[i] != '(' {
			break
		}
		end := groupEnd(rest[i:])
		if end < 0 {
			break
		}
		i += end
	}
	if i == 0 {
		return nick, rest
	}
	return nick + " " + strings.TrimRight(rest[:i], " "), strings.TrimLeft(rest[i:], " ")
}

// groupEnd returns the length of the bracketed group at the start of s:
// "[…]" up to the first ']', "(…)" up to the matching ')'.
func groupEnd(s string) int {
	if s[0] == '[' {
		if j := strings.IndexByte(s, ']'); j >= 0 {
			return j + 1
		}
		return -1
	}
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return -1
}

// hasChannel reports whether a sentence has a word that is a channel name.
func hasChannel(sentence string) bool {
	for _, f := range strings.Fields(sentence) {
		if f[0] != '+' && isChannel(strings.TrimRight(f, ".,:;!?")) {
			return true
		}
	}
	return false
}
