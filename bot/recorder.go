package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lrstanley/girc"

	"proceedings/archive"
	"proceedings/config"
)

// recRules is what the recorder needs of a configuration, indexed for the
// hot path. A new one replaces the old on Reload.
type recRules struct {
	nets   map[string]*netRules // lower-cased network name
	optout map[string]bool      // folded nicks and lower-cased accounts
	noLog  string
	prefix string // the command prefix, to mark commands (FlagCommand)
}

type netRules struct {
	channels map[string]*chanRule // folded channel name
	order    []*chanRule          // as configured
	relays   map[string]*regexp.Regexp
}

type chanRule struct {
	ch     config.Channel
	log    archive.ChannelRef // where its events are stored
	bridge string             // folded bridge name; "" when not bridged
	window time.Duration      // the bridge's dedupe window
}

func (r *recRules) net(name string) *netRules {
	if r == nil {
		return nil
	}
	return r.nets[strings.ToLower(name)]
}

func (nr *netRules) channel(name string) *chanRule {
	if nr == nil {
		return nil
	}
	return nr.channels[config.FoldName(name)]
}

func buildRules(cfg *config.Config) *recRules {
	r := &recRules{nets: map[string]*netRules{}, optout: map[string]bool{}, noLog: cfg.NoLogPrefix, prefix: cfg.Commands.Prefix}
	for _, k := range cfg.OptOut {
		r.optout[strings.ToLower(k)] = true
		r.optout[config.FoldName(k)] = true
	}
	for _, n := range cfg.Networks {
		nr := &netRules{channels: map[string]*chanRule{}, relays: map[string]*regexp.Regexp{}}
		for _, ch := range n.Channels {
			cr := &chanRule{ch: ch, log: archive.ChannelRef{Network: n.Name, Name: ch.Name}}
			if br, ok := bridgeOf(cfg, n.Name, ch.Name); ok {
				cr.log = archive.ChannelRef{Network: BridgeNetwork, Name: br.Name}
				cr.bridge = config.FoldName(br.Name)
				cr.window = br.Window
				if cr.window <= 0 {
					cr.window = config.DefaultBridgeWindow
				}
			}
			nr.channels[config.FoldName(ch.Name)] = cr
			nr.order = append(nr.order, cr)
		}
		for _, rl := range n.Relays {
			if rl.Pattern != nil {
				nr.relays[config.FoldName(rl.Nick)] = rl.Pattern
			}
		}
		r.nets[strings.ToLower(n.Name)] = nr
	}
	return r
}

func bridgeOf(cfg *config.Config, network, channel string) (config.Bridge, bool) {
	for _, br := range cfg.Bridges {
		for _, ref := range br.Channels {
			if strings.EqualFold(ref.Network, network) && config.FoldName(ref.Channel) == config.FoldName(channel) {
				return br, true
			}
		}
	}
	return config.Bridge{}, false
}

// LogRef says under which archive network and channel the events of a
// configured channel are stored: its own network and name, or BridgeNetwork
// and the bridge's name when it is bridged. ok is false for a channel that
// is not configured (the ref is then network and channel as given).
func LogRef(cfg *config.Config, network, channel string) (ref archive.ChannelRef, ok bool) {
	if br, ok := bridgeOf(cfg, network, channel); ok {
		return archive.ChannelRef{Network: BridgeNetwork, Name: br.Name}, true
	}
	for _, n := range cfg.Networks {
		if !strings.EqualFold(n.Name, network) {
			continue
		}
		for _, ch := range n.Channels {
			if config.FoldName(ch.Name) == config.FoldName(channel) {
				return archive.ChannelRef{Network: n.Name, Name: ch.Name}, true
			}
		}
	}
	return archive.ChannelRef{Network: network, Name: channel}, false
}

// PublicLogs lists the archive logs the configuration publishes, for
// archive.DB.SetPublicOnly: every public channel that is in no bridge, and
// every bridge whose channels are all public.
func PublicLogs(cfg *config.Config) []archive.ChannelRef {
	var out []archive.ChannelRef
	for _, n := range cfg.Networks {
		for _, ch := range n.Channels {
			if _, bridged := bridgeOf(cfg, n.Name, ch.Name); ch.Public && !bridged {
				out = append(out, archive.ChannelRef{Network: n.Name, Name: ch.Name})
			}
		}
	}
	for _, br := range cfg.Bridges {
		public := len(br.Channels) > 0
		for _, ref := range br.Channels {
			if ch, ok := cfg.Channel(ref.Network, ref.Channel); !ok || !ch.Public {
				public = false
			}
		}
		if public {
			out = append(out, archive.ChannelRef{Network: BridgeNetwork, Name: br.Name})
		}
	}
	return out
}

// tracker is what the recorder knows of one connection: who is in which
// channel (for QUIT and NICK, which name no channel), who is logged in to
// which account, the capabilities in use and the server's naming rules. It
// is kept from the lines as they are read, ahead of girc's own state (see
// lineConn.Read): only the goroutine in lineConn.Read uses it, and the run
// loop between connections, except chantypes, which the sending goroutine
// reads too.
type tracker struct {
	me        string // our nick, folded
	prefixes  string // membership prefixes in NAMES (PREFIX)
	statusmsg string // prefixes a message target may carry (STATUSMSG)
	chantypes atomic.Pointer[string]
	chans     map[string]*members // folded channel → members
	topic     *pendingTopic
	hidden    map[string]bool   // folded nicks an opted-out nick changed to, on this connection
	caps      map[string]bool   // capabilities the server acknowledged
	accounts  map[string]string // folded nick → services account, for servers without account-tag
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
	ev   archive.Event
	f    string // folded channel
}

func (t *tracker) reset() {
	t.me = ""
	t.prefixes = "~&@%+"
	t.statusmsg = ""
	ct := "#&"
	t.chantypes.Store(&ct)
	t.chans = map[string]*members{}
	t.topic = nil
	t.hidden = map[string]bool{}
	t.caps = map[string]bool{}
	t.accounts = map[string]string{}
	t.joinedAt = map[string]time.Time{}
	t.flushed = false
}

// capReply follows CAP ACK and CAP DEL (cap-notify): which capabilities
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

// setAccount notes the account of nick; "*" and "0" (WHOX) mean none.
func (t *tracker) setAccount(nick, account string) {
	f := config.FoldName(nick)
	if account == "" || account == "*" || account == "0" {
		delete(t.accounts, f)
		return
	}
	t.accounts[f] = account
}

// optedOut reports whether the events of a nick or account are not
// recorded: they are on an opt-out list, or the nick was taken by a nick
// that is (a person who opted out stays out after /nick).
func (n *netConn) optedOut(r *recRules, nick, account string) bool {
	if nick != "" && n.tr.hidden[config.FoldName(nick)] {
		return true
	}
	return n.b.optedOut(r, nick, account)
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
		}
	}
}

func (t *tracker) join(channel, nick string) {
	f := config.FoldName(channel)
	m := t.chans[f]
	if m == nil {
		m = &members{name: channel, nicks: map[string]string{}}
		t.chans[f] = m
	}
	m.nicks[config.FoldName(nick)] = nick
}

func (t *tracker) leave(channel, nick string) {
	f := config.FoldName(nick)
	if m := t.chans[config.FoldName(channel)]; m != nil {
		delete(m.nicks, f)
	}
	if _, ok := t.accounts[f]; ok && len(t.channelsOf(nick)) == 0 {
		delete(t.accounts, f) // out of sight: the account may change unseen
	}
}

// channelsOf lists the channels nick is in, in no particular order.
func (t *tracker) channelsOf(nick string) []string {
	f := config.FoldName(nick)
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

// onLine is the recorder's entry: lineConn.Read calls it for every line
// from the server, one at a time in the server's order, before girc sees
// the line. It reports whether girc needs the line: messages and notices
// to channels (other than CTCP queries, which girc answers) it does not.
func (n *netConn) onLine(line []byte) (forward bool) {
	e := girc.ParseEvent(string(line))
	if e == nil {
		return false
	}
	chat := (e.Command == girc.PRIVMSG || e.Command == girc.NOTICE) && len(e.Params) >= 2
	// girc's echo-message test: our own message or notice, sent back.
	e.Echo = chat && e.Source != nil && n.tr.me != "" && config.FoldName(e.Source.Name) == n.tr.me
	n.onEvent(e)
	if !chat || !n.tr.isChannelName(strings.TrimLeft(e.Params[0], n.tr.statusmsg)) {
		return true
	}
	if text := e.Last(); strings.HasPrefix(text, "\x01") {
		cmd, _ := splitCTCP(text)
		return cmd != "ACTION"
	}
	return false
}

// onEvent turns one event into archive events, queues them without
// blocking, and then hands PRIVMSG and NOTICE to listeners.
func (n *netConn) onEvent(e *girc.Event) {
	if a, ok := e.Tags.Get("account"); ok && e.Source != nil {
		n.tr.setAccount(e.Source.Name, a)
	}
	if p := n.tr.topic; p != nil && (e.Command != "333" || len(e.Params) < 3 || config.FoldName(e.Params[1]) != p.f) {
		n.flushTopic()
	}
	r := n.b.rules.Load()
	nr := r.net(n.name)
	switch e.Command {
	case girc.RPL_WELCOME:
		n.onWelcome(e)
	case girc.CAP:
		n.tr.capReply(e.Params)
	case girc.CAP_ACCOUNT:
		if len(e.Params) >= 1 && e.Source != nil {
			n.tr.setAccount(e.Source.Name, e.Params[0])
		}
	case girc.RPL_WHOSPCRPL:
		// girc's WHO of every joining user: WHO nick %tacuhnr,1 gives
		// me 1 user host nick account :realname.
		if len(e.Params) == 8 && e.Params[1] == "1" {
			n.tr.setAccount(e.Params[5], e.Params[6])
		}
	case girc.RPL_ISUPPORT:
		n.tr.isupport(e.Params)
	case girc.PRIVMSG, girc.NOTICE:
		n.onMessage(r, nr, e)
	case girc.JOIN:
		n.onJoin(r, nr, e)
	case girc.PART:
		n.onPart(r, nr, e)
	case girc.KICK:
		n.onKick(r, nr, e)
	case girc.QUIT:
		n.onQuit(r, nr, e)
	case girc.NICK:
		n.onNick(r, nr, e)
	case girc.TOPIC:
		if len(e.Params) >= 1 && e.Source != nil {
			if cr := nr.channel(e.Params[0]); cr != nil && !n.optedOut(r, e.Source.Name, n.account(e)) {
				ev := n.event(e, archive.KindTopic)
				if len(e.Params) >= 2 {
					ev.Text = e.Params[1]
				}
				n.b.rec.record(n, cr, ev)
			}
		}
	case girc.MODE:
		n.onMode(r, nr, e)
	case "332": // RPL_TOPIC: me channel :topic, on join
		if len(e.Params) >= 3 {
			if cr := nr.channel(e.Params[1]); cr != nil {
				ev := n.event(e, archive.KindTopic)
				ev.Nick, ev.UserHost, ev.Account = "", "", ""
				ev.Text = e.Params[2]
				ev.Flags |= archive.FlagTopicOnJoin
				n.tr.topic = &pendingTopic{rule: cr, ev: ev, f: config.FoldName(e.Params[1])}
			}
		}
	case "333": // RPL_TOPICWHOTIME: me channel setter time
		if p := n.tr.topic; p != nil && len(e.Params) >= 3 {
			setter := e.Params[2]
			if i := strings.IndexByte(setter, '!'); i >= 0 {
				p.ev.UserHost = setter[i+1:]
				setter = setter[:i]
			}
			p.ev.Nick = setter
			n.flushTopic()
		}
	case "353": // RPL_NAMREPLY: me symbol channel :names
		if len(e.Params) >= 4 {
			n.tr.names(e.Params[2], e.Params[3])
		}
	case "903": // RPL_SASLSUCCESS
		n.saslOK.Store(true)
	case "902", "904", "905", "908": // SASL refused
		if n.cfg().SASL != nil {
			n.skipSASL.Store(true)
			n.log.Error("SASL authentication failed", "reason", e.Last())
		}
	case "471", "473", "474", "475", "477", "403", "405", "437", "520":
		// Join refused (full, invite only, banned, bad key, needs an
		// account, no such channel, too many channels, unavailable).
		if len(e.Params) >= 2 && n.tr.isChannelName(e.Params[1]) && nr.channel(e.Params[1]) != nil {
			n.log.Error("the server refused to let the bot join", "channel", e.Params[1], "reason", e.Last())
			n.scheduleRejoin(e.Params[1])
		}
	case "464": // ERR_PASSWDMISMATCH
		n.log.Error("the server refused the server password", "reason", e.Last())
	case girc.ERROR:
		n.log.Warn("the server is closing the connection", "reason", e.Last())
		n.mu.Lock()
		n.closing = e.Last()
		n.mu.Unlock()
	}
}

// event starts an archive event from what every IRC event carries.
func (n *netConn) event(e *girc.Event, kind archive.Kind) archive.Event {
	ev := archive.Event{Time: e.Timestamp.UTC(), Kind: kind}
	if ev.Time.IsZero() {
		ev.Time = time.Now().UTC()
	}
	if e.Source != nil {
		ev.Nick = e.Source.Name
		switch {
		case e.Source.Ident != "" && e.Source.Host != "":
			ev.UserHost = e.Source.Ident + "@" + e.Source.Host
		case e.Source.Host != "":
			ev.UserHost = e.Source.Host
		}
		if config.FoldName(ev.Nick) == n.tr.me && n.tr.me != "" {
			ev.Flags |= archive.FlagSelf
		}
	}
	ev.Account = n.account(e)
	if id, ok := e.Tags.Get("msgid"); ok {
		ev.MsgID = id
	} else if id, ok := e.Tags.Get("draft/msgid"); ok {
		ev.MsgID = id
	}
	return ev
}

// account is the services account of an event's source: the account tag,
// or what girc learnt from extended-join and account-notify.
func (n *netConn) account(e *girc.Event) string {
	if a, ok := e.Tags.Get("account"); ok && a != "*" {
		return a
	}
	if e.Source == nil || !n.acctCaps.Load() {
		return ""
	}
	return n.tr.accounts[config.FoldName(e.Source.Name)]
}

func (n *netConn) flushTopic() {
	p := n.tr.topic
	n.tr.topic = nil
	if p == nil {
		return
	}
	if p.ev.Nick != "" && n.optedOut(n.b.rules.Load(), p.ev.Nick, "") {
		p.ev.Nick, p.ev.UserHost = "", ""
	}
	n.b.rec.record(n, p.rule, p.ev)
}

// splitCTCP splits "\x01CMD text\x01" into CMD and text.
func splitCTCP(s string) (cmd, text string) {
	s = strings.TrimPrefix(s, "\x01")
	s = strings.TrimSuffix(s, "\x01")
	cmd, text, _ = strings.Cut(s, " ")
	return strings.ToUpper(cmd), text
}

func (n *netConn) onMessage(r *recRules, nr *netRules, e *girc.Event) {
	if len(e.Params) < 2 || e.Source == nil {
		return
	}
	target, text := e.Params[0], e.Params[len(e.Params)-1]
	if strings.HasPrefix(e.Source.Name, "*") {
		// No nick starts with "*": these are a bouncer's own voices (ZNC's
		// *status, its "***" around a buffer playback, module nicks).
		return
	}
	notice := e.Command == girc.NOTICE
	action := false
	if strings.HasPrefix(text, "\x01") {
		cmd, rest := splitCTCP(text)
		if cmd != "ACTION" || notice {
			return // CTCP queries and replies are answered, never recorded
		}
		text, action = rest, true
	}
	if t := strings.TrimLeft(target, n.tr.statusmsg); t != target && n.tr.isChannelName(t) {
		return // @#chan: for operators only, not the channel's log
	}
	ev := n.event(e, archive.KindMessage)
	switch {
	case action:
		ev.Kind = archive.KindAction
	case notice:
		ev.Kind = archive.KindNotice
	}
	if e.Echo {
		ev.Flags |= archive.FlagSelf
	}
	self := ev.Flags&archive.FlagSelf != 0
	ev.Text = text
	in := Incoming{Network: n.name, Nick: ev.Nick, UserHost: ev.UserHost, Account: ev.Account, Text: text,
		Notice: notice, Action: action, Time: ev.Time, Self: self}
	if !n.tr.isChannelName(target) {
		// Private: never recorded; listeners see what others send.
		if !self {
			n.b.deliver(in)
		}
		return
	}
	in.Channel = target
	cr := nr.channel(target)
	if re := nr.relays[config.FoldName(ev.Nick)]; re != nil && !self {
		if nick, body, ok := unwrapRelay(re, text); ok {
			in.Relay = ev.Nick
			ev.Nick, ev.Text, ev.Account = nick, body, ""
			ev.Flags |= archive.FlagRelayed
			in.Nick, in.Text, in.Account = nick, body, ""
		}
	}
	switch {
	case cr == nil:
		in.NoLog = true // not a configured channel
	case hasNoLogPrefix(ev.Text, r.noLog):
		in.NoLog = true
	case n.optedOut(r, ev.Nick, ev.Account) || (in.Relay != "" && n.optedOut(r, in.Relay, "")):
		in.NoLog = true
	default:
		if !self && !notice && !action && isCommand(text, r.prefix, n.b.Nick(n.name)) {
			ev.Flags |= archive.FlagCommand
		}
		n.b.rec.record(n, cr, ev)
	}
	n.b.deliver(in)
}

func (n *netConn) onJoin(r *recRules, nr *netRules, e *girc.Event) {
	if len(e.Params) < 1 || e.Source == nil {
		return
	}
	channel := e.Params[0]
	f := config.FoldName(channel)
	if len(e.Params) >= 2 && n.tr.caps["extended-join"] {
		n.tr.setAccount(e.Source.Name, e.Params[1])
	}
	ev := n.event(e, archive.KindJoin)
	if len(e.Params) >= 2 && e.Params[1] != "*" && ev.Account == "" {
		ev.Account = e.Params[1] // extended-join
	}
	cr := nr.channel(channel)
	if ev.Flags&archive.FlagSelf != 0 {
		n.tr.chans[f] = &members{name: channel, nicks: map[string]string{}}
		n.tr.joinedAt[f] = ev.Time
		n.mu.Lock()
		n.joined[f] = channel
		start, gap := n.pendingGap[f]
		delete(n.pendingGap, f)
		n.mu.Unlock()
		n.joinedOK(f)
		n.log.Info("joined", "channel", channel, "recorded", cr != nil)
		if gap && cr != nil {
			g := archive.Event{Time: ev.Time, Kind: archive.KindGap, Text: start.UTC().Format(time.RFC3339Nano)}
			if g.Time.Before(start) {
				g.Time = start
			}
			n.b.rec.record(n, cr, g)
		}
	}
	n.tr.join(channel, ev.Nick)
	if cr != nil && !n.optedOut(r, ev.Nick, ev.Account) {
		n.b.rec.record(n, cr, ev)
	}
}

// lostChannel notes that the bot is no longer in a channel: recording there
// has a gap from now until it is back.
func (n *netConn) lostChannel(channel string, at time.Time) {
	f := config.FoldName(channel)
	delete(n.tr.chans, f)
	delete(n.tr.joinedAt, f)
	n.mu.Lock()
	delete(n.joined, f)
	if _, ok := n.pendingGap[f]; !ok {
		n.pendingGap[f] = at
	}
	n.mu.Unlock()
}

func (n *netConn) onPart(r *recRules, nr *netRules, e *girc.Event) {
	if len(e.Params) < 1 || e.Source == nil {
		return
	}
	channel := e.Params[0]
	ev := n.event(e, archive.KindPart)
	if len(e.Params) >= 2 {
		ev.Text = e.Params[1]
	}
	cr := nr.channel(channel)
	if cr != nil && !n.optedOut(r, ev.Nick, ev.Account) {
		n.b.rec.record(n, cr, ev)
	}
	if ev.Flags&archive.FlagSelf != 0 {
		n.lostChannel(channel, ev.Time)
		n.log.Info("left", "channel", channel)
		return
	}
	n.tr.leave(channel, ev.Nick)
}

func (n *netConn) onKick(r *recRules, nr *netRules, e *girc.Event) {
	if len(e.Params) < 2 || e.Source == nil {
		return
	}
	channel, kicked := e.Params[0], e.Params[1]
	ev := n.event(e, archive.KindKick)
	ev.Target = kicked
	if len(e.Params) >= 3 {
		ev.Text = e.Params[2]
	}
	cr := nr.channel(channel)
	if cr != nil && !n.optedOut(r, ev.Nick, ev.Account) && !n.optedOut(r, kicked, "") {
		n.b.rec.record(n, cr, ev)
	}
	if config.FoldName(kicked) == n.tr.me {
		n.lostChannel(channel, ev.Time)
		n.log.Warn("kicked", "channel", channel, "by", ev.Nick, "reason", ev.Text)
		if cr != nil {
			n.scheduleRejoin(channel)
		}
		return
	}
	n.tr.leave(channel, kicked)
}

func (n *netConn) onQuit(r *recRules, nr *netRules, e *girc.Event) {
	if e.Source == nil {
		return
	}
	ev := n.event(e, archive.KindQuit)
	ev.Text = e.Last()
	if len(e.Params) == 0 {
		ev.Text = ""
	}
	skip := n.optedOut(r, ev.Nick, ev.Account)
	for _, channel := range n.tr.channelsOf(ev.Nick) {
		if cr := nr.channel(channel); cr != nil && !skip {
			n.b.rec.record(n, cr, ev)
		}
		n.tr.leave(channel, ev.Nick)
	}
	delete(n.tr.hidden, config.FoldName(ev.Nick))
	delete(n.tr.accounts, config.FoldName(ev.Nick))
	n.maybeRegain(ev.Nick)
}

func (n *netConn) onNick(r *recRules, nr *netRules, e *girc.Event) {
	if len(e.Params) < 1 || e.Source == nil {
		return
	}
	ev := n.event(e, archive.KindNick)
	old, nick := ev.Nick, e.Params[0]
	ev.Target = nick
	self := ev.Flags&archive.FlagSelf != 0
	skip := n.optedOut(r, old, ev.Account) || n.optedOut(r, nick, "")
	if n.optedOut(r, old, ev.Account) {
		n.tr.hidden[config.FoldName(nick)] = true
	}
	delete(n.tr.hidden, config.FoldName(old))
	if a, ok := n.tr.accounts[config.FoldName(old)]; ok {
		delete(n.tr.accounts, config.FoldName(old))
		n.tr.accounts[config.FoldName(nick)] = a
	}
	for _, channel := range n.tr.channelsOf(old) {
		if cr := nr.channel(channel); cr != nil && !skip {
			n.b.rec.record(n, cr, ev)
		}
		n.tr.leave(channel, old)
		n.tr.join(channel, nick)
	}
	if self {
		n.setNick(nick)
		n.log.Info("nick changed", "nick", nick)
		return
	}
	n.maybeRegain(old)
}

// maybeRegain asks for the configured nick when its holder just left it.
func (n *netConn) maybeRegain(freed string) {
	if want := n.cfg().Nick; config.FoldName(freed) == config.FoldName(want) && n.tr.me != config.FoldName(want) {
		n.sendFromReader(&girc.Event{Command: girc.NICK, Params: []string{want}})
	}
}

func (n *netConn) onMode(r *recRules, nr *netRules, e *girc.Event) {
	if len(e.Params) < 2 {
		return
	}
	cr := nr.channel(e.Params[0])
	if cr == nil {
		return // user modes, or a channel not recorded
	}
	ev := n.event(e, archive.KindMode)
	ev.Text = strings.Join(e.Params[1:], " ")
	if n.optedOut(r, ev.Nick, ev.Account) {
		return
	}
	for _, arg := range e.Params[2:] {
		if n.optedOut(r, arg, "") {
			return
		}
	}
	n.b.rec.record(n, cr, ev)
}

// recorder queues events for the archive in the order it is given them and
// merges bridged channels.
type recorder struct {
	b   *Bot
	mu  sync.Mutex // orders appends; guards spool and dedupe
	ack func(int64, error)

	spool    []archive.Event // events the archive's full queue could not take yet
	draining bool
	dedupe   map[string]*dedupe  // folded bridge name
	sink     func(archive.Event) // when set (benchmarks), replaces the archive

	recorded   atomic.Int64 // committed
	failed     atomic.Int64 // refused by the archive
	dropped    atomic.Int64 // lost to a full spool
	duplicates atomic.Int64 // bridge echoes not stored
	// replayedKnown counts played-back history the archive held already.
	replayedKnown atomic.Int64
}

// maxSpool bounds the events held in memory while the archive's queue is
// full (about 0.5 KB each).
const maxSpool = 1 << 20

func newRecorder(b *Bot) *recorder {
	r := &recorder{b: b, dedupe: map[string]*dedupe{}}
	r.ack = func(_ int64, err error) {
		if err != nil {
			r.refused(err)
			return
		}
		r.recorded.Add(1)
	}
	return r
}

func (r *recorder) refused(err error) {
	if r.failed.Add(1)%1000 == 1 {
		r.b.log.Error("the archive refused events; they are lost", "err", err, "refused_so_far", r.failed.Load())
	}
}

// record stores ev, read from the server on network n, in the log of cr,
// unless it is played-back history the log holds already. Only the
// goroutine that reads n's lines calls it.
func (r *recorder) record(n *netConn, cr *chanRule, ev archive.Event) {
	ev.Network, ev.Channel = cr.log.Network, cr.log.Name
	if r.replayed(n, cr, ev) {
		r.replayedKnown.Add(1)
		return
	}
	r.store(n, cr, ev)
}

// store stores ev in the log of cr, as seen on network n; lines of the
// bot's own that the server does not echo come here directly.
func (r *recorder) store(n *netConn, cr *chanRule, ev archive.Event) {
	ev.Network, ev.Channel = cr.log.Network, cr.log.Name
	if cr.bridge != "" || ev.Flags&archive.FlagRelayed != 0 {
		ev.Via = n.name
	}
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if cr.bridge != "" && ev.Kind.IsSpeech() {
		d := r.dedupe[cr.bridge]
		if d == nil {
			d = newDedupe()
			r.dedupe[cr.bridge] = d
		}
		if d.duplicate(dedupeKey(ev), n.name, now, cr.window) {
			r.duplicates.Add(1)
			return
		}
	}
	n.lastEvent.Store(now.UnixNano())
	r.appendLocked(ev)
}

// historyTolerance is how far apart in time a played-back line and a stored
// one may be and still be the same line.
const historyTolerance = time.Second

// replayed reports whether ev is history played back to the bot (stamped
// before it joined the channel on this connection, by a bouncer such as ZNC
// or by the server) that the archive holds already. Lines the bot missed
// while it was away are recorded, at the time they were said.
func (r *recorder) replayed(n *netConn, cr *chanRule, ev archive.Event) bool {
	joined, ok := n.tr.joinedAt[config.FoldName(cr.ch.Name)]
	if !ok || !ev.Time.Before(joined) || r.sink != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if !n.tr.flushed {
		// What was recorded before the connection went down must be in
		// the archive before it can be compared with.
		if err := r.b.db.Flush(ctx); err != nil {
			n.log.Warn("cannot compare played-back lines with the archive; recording them", "err", err)
			return false
		}
		n.tr.flushed = true
	}
	known, err := r.b.db.Contains(ctx, ev, historyTolerance)
	if err != nil {
		n.log.Warn("cannot compare a played-back line with the archive; recording it", "err", err)
		return false
	}
	return known
}

func (r *recorder) done(ev archive.Event) func(int64, error) {
	hook := r.b.opts.onRecorded
	if hook == nil {
		return r.ack
	}
	return func(id int64, err error) {
		r.ack(id, err)
		hook(ev, id, err)
	}
}

func (r *recorder) appendLocked(ev archive.Event) {
	if r.sink != nil {
		r.sink(ev)
		return
	}
	if len(r.spool) == 0 {
		err := r.b.db.AppendAsync(ev, r.done(ev))
		if err == nil {
			return
		}
		if !errors.Is(err, archive.ErrQueueFull) {
			r.refused(err)
			return
		}
	}
	if len(r.spool) >= maxSpool {
		if r.dropped.Add(1)%1000 == 1 {
			r.b.log.Error("the archive is not keeping up and the memory queue is full: events are lost", "lost_so_far", r.dropped.Load())
		}
		return
	}
	r.spool = append(r.spool, ev)
	if !r.draining {
		r.draining = true
		r.b.log.Warn("the archive's write queue is full; holding events in memory", "held", len(r.spool))
		go r.drain()
	}
}

// drain moves spooled events into the archive as its queue frees up.
func (r *recorder) drain() {
	for {
		r.mu.Lock()
		for len(r.spool) > 0 {
			err := r.b.db.AppendAsync(r.spool[0], r.done(r.spool[0]))
			if errors.Is(err, archive.ErrQueueFull) {
				break
			}
			if err != nil {
				r.refused(err)
			}
			r.spool[0] = archive.Event{}
			r.spool = r.spool[1:]
		}
		if len(r.spool) == 0 {
			r.spool = nil
			r.draining = false
			r.mu.Unlock()
			return
		}
		r.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
}

func (r *recorder) spooled() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.spool)
}

// flush waits until everything recorded so far is committed.
func (r *recorder) flush(ctx context.Context) error {
	for r.spooled() > 0 {
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d events still held in memory: %w", r.spooled(), ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
	return r.b.db.Flush(ctx)
}

// loadStartupGaps gives every configured channel whose log ends with a live
// event (not an import) a pending gap from that event: the bot was not
// running since.
func (r *recorder) loadStartupGaps(ctx context.Context) {
	rules := r.b.rules.Load()
	last := map[archive.ChannelRef]time.Time{}
	for _, n := range r.b.nets {
		nr := rules.net(n.name)
		if nr == nil {
			continue
		}
		for _, cr := range nr.order {
			t, seen := last[cr.log]
			if !seen {
				var err error
				t, err = r.lastLive(ctx, cr.log)
				if err != nil {
					r.b.log.Warn("could not find where the log stopped; no gap will be marked for the time the bot was down", "channel", cr.log.Name, "err", err)
				}
				last[cr.log] = t
			}
			if !t.IsZero() {
				n.mu.Lock()
				n.pendingGap[config.FoldName(cr.ch.Name)] = t
				n.mu.Unlock()
			}
		}
	}
}

// lastLive returns the time of the last event of a log, when it was recorded
// live.
func (r *recorder) lastLive(ctx context.Context, ref archive.ChannelRef) (time.Time, error) {
	ch, err := r.b.db.FindChannel(ctx, ref.Network, ref.Name)
	if errors.Is(err, archive.ErrNoChannel) {
		return time.Time{}, nil
	}
	if err != nil || ch.Last.IsZero() {
		return time.Time{}, err
	}
	from, to := ch.Last.Bounds(r.b.db.Location())
	var last archive.Event
	if err := r.b.db.Range(ctx, ch.ID, from, to, func(ev archive.Event) error { last = ev; return nil }); err != nil {
		return time.Time{}, err
	}
	if last.Time.IsZero() || last.Flags&archive.FlagImported != 0 {
		return time.Time{}, nil
	}
	return last.Time, nil
}
