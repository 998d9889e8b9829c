package bot

import (
	"proceedings/event"
	"strings"
	"sync/atomic"
	"time"

	"proceedings/internal/casemap"
)

// tracker is the one state of a connection, kept from the server's lines in
// the order they are read: who is in which channel (for QUIT and NICK, which
// name no channel), who is logged in to which account, the capabilities in
// use and the server's naming rules. Only the connection's read loop touches
// it, and the run loop between connections, except chantypes, which the
// sending goroutine reads too.
type tracker struct {
	me        string // our nick, as the server named it last
	casemap   string // the server's CASEMAPPING ("rfc1459" until it says)
	foldFn    func(string) string
	prefixes  string // membership prefixes in NAMES (PREFIX)
	statusmsg string // prefixes a message target may carry (STATUSMSG)
	chantypes atomic.Pointer[string]
	whox      bool // the server answers WHOX (ISUPPORT WHOX)
	// The maps are keyed by names folded with the server's case
	// mapping (fold).
	chans  map[string]*members // folded channel → members
	topic  *pendingTopic
	hidden map[string]bool // folded nicks an opted-out nick changed to, on this connection
	caps   map[string]bool // capabilities the server acknowledged
	// accounts holds the services account of nicks that share a channel
	// with the bot, from extended-join, account-notify and WHOX replies;
	// nothing is kept of a nick out of sight (see account).
	accounts map[string]string
	// joinedAt is when the bot joined each channel (folded) on this
	// connection, by the server's clock: a line stamped earlier is played
	// back history (a bouncer's buffer, a server's chathistory replay).
	joinedAt map[string]time.Time
	flushed  bool // the archive was flushed for the first history line
}

type members struct {
	name  string
	nicks map[string]string // folded → as seen
}

type pendingTopic struct {
	rule *chanRule
	ev   event.Event
	f    string // folded channel
}

func (t *tracker) reset() {
	t.me = ""
	t.casemap, t.foldFn = "rfc1459", casemap.Fold
	t.prefixes = "~&@%+"
	t.statusmsg = ""
	ct := "#&"
	t.chantypes.Store(&ct)
	t.whox = false
	t.chans = map[string]*members{}
	t.topic = nil
	t.hidden = map[string]bool{}
	t.caps = map[string]bool{}
	t.accounts = map[string]string{}
	t.joinedAt = map[string]time.Time{}
	t.flushed = false
}

// account is the trust rule of the whole bot, the one place that says who
// sent a line: the sender has a services account only if the line carries
// it (account-tag), or, on a server without account-tag, the tracker holds
// it for a nick that shares a channel with the bot while account-notify
// keeps it current. Otherwise the sender is not logged in. With
// account-tag, a line without the tag is from someone not logged in, whatever
// was known of the nick before. Admin checks, opt-out and opt-in, and the
// account recorded with every event all take it from here.
func (t *tracker) account(m *message) string {
	if a, ok := m.tag("account"); ok {
		if a == "*" || a == "" {
			return ""
		}
		return a
	}
	if t.caps["account-tag"] || !t.caps["account-notify"] || m.src.Name == "" {
		return ""
	}
	f := t.fold(m.src.Name)
	if !t.shares(f) {
		return ""
	}
	return t.accounts[f]
}

// fold folds a nick or channel name with the server's case mapping
// (CASEMAPPING in RPL_ISUPPORT, rfc1459 by default): on a server with
// ascii, "x[" and "x{" are two people.
func (t *tracker) fold(s string) string {
	if t.foldFn == nil {
		return casemap.Fold(s)
	}
	return t.foldFn(s)
}

// isMe reports whether nick is the bot's own, by the server's case mapping.
func (t *tracker) isMe(nick string) bool {
	return t.me != "" && nick != "" && t.fold(nick) == t.fold(t.me)
}

// noteAccount notes the account of nick ("*", "0" and "" mean none) when
// nick shares a channel with the bot; nothing is kept of others.
func (t *tracker) noteAccount(nick, account string) {
	f := t.fold(nick)
	if account == "" || account == "*" || account == "0" || !t.shares(f) {
		delete(t.accounts, f)
		return
	}
	t.accounts[f] = account
}

// shares reports whether the folded nick is in a channel the bot is in.
func (t *tracker) shares(f string) bool {
	for _, m := range t.chans {
		if _, ok := m.nicks[f]; ok {
			return true
		}
	}
	return false
}

// accountsFromCaps reports whether the capabilities alone give the account
// of someone who joins a channel the bot is in, and keep it current, so
// that no WHO is needed for a joiner: account-tag on every line, or
// extended-join and account-notify together. They say nothing of those
// already in a channel when the bot joins it (see needWho).
func (t *tracker) accountsFromCaps() bool {
	return t.caps["account-tag"] || (t.caps["extended-join"] && t.caps["account-notify"])
}

// needWho reports whether a WHOX of a channel the bot just joined is
// needed for the accounts of those already in it: without account-tag,
// nothing else tells them (extended-join covers only later joins), and
// with account-notify the answer stays current.
func (t *tracker) needWho() bool {
	return !t.caps["account-tag"] && t.caps["account-notify"] && t.whox
}

// capReply follows CAP ACK, NEW and DEL (cap-notify): which capabilities
// are in use on this connection.
func (t *tracker) capReply(params []string) {
	if len(params) < 3 {
		return
	}
	sub := strings.ToUpper(params[1])
	if sub != "ACK" && sub != "DEL" {
		return
	}
	for _, c := range strings.Fields(params[len(params)-1]) {
		c, off := strings.CutPrefix(c, "-")
		c, _, _ = strings.Cut(c, "=")
		if sub == "DEL" || off {
			delete(t.caps, c)
		} else {
			t.caps[c] = true
		}
	}
}

func (t *tracker) isChannelName(s string) bool {
	ct := "#&"
	if p := t.chantypes.Load(); p != nil {
		ct = *p
	}
	return s != "" && strings.IndexByte(ct, s[0]) >= 0
}

// isupport reads the tokens of RPL_ISUPPORT that matter here.
func (t *tracker) isupport(params []string) {
	if len(params) < 2 {
		return
	}
	for _, tok := range params[1 : len(params)-1] {
		k, v, _ := strings.Cut(tok, "=")
		switch k {
		case "PREFIX":
			// (qaohv)~&@%+
			if i := strings.IndexByte(v, ')'); i >= 0 {
				t.prefixes = v[i+1:]
			}
		case "CHANTYPES":
			if v != "" {
				t.chantypes.Store(&v)
			}
		case "STATUSMSG":
			t.statusmsg = v
		case "WHOX":
			t.whox = true
		case "CASEMAPPING":
			fold, known := casemap.ForName(v)
			if !known {
				v = "rfc1459"
			}
			t.casemap, t.foldFn = v, fold
		}
	}
}

func (t *tracker) join(channel, nick string) {
	f := t.fold(channel)
	m := t.chans[f]
	if m == nil {
		m = &members{name: channel, nicks: map[string]string{}}
		t.chans[f] = m
	}
	m.nicks[t.fold(nick)] = nick
}

// leave takes nick out of channel; a nick that shares no channel with the
// bot any more is forgotten (its account may change unseen).
func (t *tracker) leave(channel, nick string) {
	f := t.fold(nick)
	if m := t.chans[t.fold(channel)]; m != nil {
		delete(m.nicks, f)
	}
	if !t.shares(f) {
		delete(t.accounts, f)
		delete(t.hidden, f)
	}
}

// gone forgets a nick that quit.
func (t *tracker) gone(nick string) {
	f := t.fold(nick)
	for _, m := range t.chans {
		delete(m.nicks, f)
	}
	delete(t.accounts, f)
	delete(t.hidden, f)
}

// lost forgets a channel the bot left, and the accounts of those who shared
// only that channel with it.
func (t *tracker) lost(channel string) {
	f := t.fold(channel)
	m := t.chans[f]
	delete(t.chans, f)
	delete(t.joinedAt, f)
	if m == nil {
		return
	}
	for nf := range m.nicks {
		if !t.shares(nf) {
			delete(t.accounts, nf)
		}
	}
}

// rename follows a nick change: channels, account and hidden mark move to
// the new nick.
func (t *tracker) rename(old, nick string) {
	of, nf := t.fold(old), t.fold(nick)
	for _, m := range t.chans {
		if _, ok := m.nicks[of]; ok {
			delete(m.nicks, of)
			m.nicks[nf] = nick
		}
	}
	if a, ok := t.accounts[of]; ok {
		delete(t.accounts, of)
		t.accounts[nf] = a
	}
}

// channelsOf lists the channels nick is in, in no particular order.
func (t *tracker) channelsOf(nick string) []string {
	f := t.fold(nick)
	var out []string
	for _, m := range t.chans {
		if _, ok := m.nicks[f]; ok {
			out = append(out, m.name)
		}
	}
	return out
}

// names adds the nicks of one RPL_NAMREPLY, which may carry several
// prefixes (multi-prefix) and user@host (userhost-in-names).
func (t *tracker) names(channel, list string) {
	for _, nick := range strings.Fields(list) {
		nick = strings.TrimLeft(nick, t.prefixes)
		if i := strings.IndexByte(nick, '!'); i >= 0 {
			nick = nick[:i]
		}
		if nick != "" {
			t.join(channel, nick)
		}
	}
}

// optedOut reports whether the events of a nick (from userHost, "" when
// only its nick is known, with account) on this network are not recorded: they are on an opt-out list, or the nick was
// taken by a nick that is (a person who opted out stays out after /nick).
func (n *netConn) optedOut(r *recRules, nick, userHost, account string) bool {
	if nick != "" && n.tr.hidden[n.tr.fold(nick)] {
		return true
	}
	return n.b.optedOut(r, n.name, nick, userHost, account, false)
}
