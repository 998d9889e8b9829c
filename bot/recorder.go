package bot

import (
	"context"
	"errors"
	"fmt"
	"proceedings/event"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
	relays   map[string]relayRule // folded relay nick
}

type relayRule struct{ cfg config.Relay }

// relay returns the relay entry configured for nick.
func (nr *netRules) relay(nick string) (relayRule, bool) {
	if nr == nil || len(nr.relays) == 0 {
		return relayRule{}, false
	}
	rl, ok := nr.relays[config.FoldName(nick)]
	return rl, ok
}

type chanRule struct {
	ch     config.Channel
	log    event.ChannelRef // where its events are stored
	bridge string           // folded bridge name; "" when not bridged
	window time.Duration    // the bridge's dedupe window
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
		nr := &netRules{channels: map[string]*chanRule{}, relays: map[string]relayRule{}}
		for _, ch := range n.Channels {
			cr := &chanRule{ch: ch, log: event.ChannelRef{Network: n.Name, Name: ch.Name}}
			if br, ok := bridgeOf(cfg, n.Name, ch.Name); ok {
				cr.log = event.ChannelRef{Network: BridgeNetwork, Name: br.Name}
				cr.bridge = config.FoldName(br.Name)
				cr.window = br.Window
			}
			nr.channels[config.FoldName(ch.Name)] = cr
			nr.order = append(nr.order, cr)
		}
		for _, rl := range n.Relays {
			if rl.Pattern != nil {
				nr.relays[config.FoldName(rl.Nick)] = relayRule{cfg: rl}
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
func LogRef(cfg *config.Config, network, channel string) (ref event.ChannelRef, ok bool) {
	if br, ok := bridgeOf(cfg, network, channel); ok {
		return event.ChannelRef{Network: BridgeNetwork, Name: br.Name}, true
	}
	for _, n := range cfg.Networks {
		if !strings.EqualFold(n.Name, network) {
			continue
		}
		for _, ch := range n.Channels {
			if config.FoldName(ch.Name) == config.FoldName(channel) {
				return event.ChannelRef{Network: n.Name, Name: ch.Name}, true
			}
		}
	}
	return event.ChannelRef{Network: network, Name: channel}, false
}

// LogNetworks are the networks whose logs cfg decides about: its networks
// and, for its bridges, BridgeNetwork. SetPublicOnly makes the channels of
// these networks that PublicLogs leaves out private, and leaves every other
// network's channels (another bot's, on a shared archive) alone.
func LogNetworks(cfg *config.Config) []string {
	out := cfg.NetworkNames()
	if len(cfg.Bridges) > 0 {
		out = append(out, BridgeNetwork)
	}
	return out
}

// PublicLogs lists the archive logs the configuration publishes, for
// archive.DB.SetPublicOnly: every public channel that is in no bridge, and
// every bridge whose channels are all public.
func PublicLogs(cfg *config.Config) []event.ChannelRef {
	var out []event.ChannelRef
	for _, n := range cfg.Networks {
		for _, ch := range n.Channels {
			if _, bridged := bridgeOf(cfg, n.Name, ch.Name); ch.Public && !bridged {
				out = append(out, event.ChannelRef{Network: n.Name, Name: ch.Name})
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
			out = append(out, event.ChannelRef{Network: BridgeNetwork, Name: br.Name})
		}
	}
	return out
}

// handleMessage is the read loop's one switch: every line from the server,
// in the server's order, keeps the connection (registration, PING, nick,
// CTCP), the tracker and the archive up to date, and then reaches the
// listeners. It returns an error only when the connection must end.
func (n *netConn) handleMessage(s *session, m *message) error {
	if p := n.tr.topic; p != nil && (m.Command != "333" || len(m.Params) < 3 || n.tr.fold(m.Params[1]) != p.f) {
		n.flushTopic()
	}
	if err := n.handleConn(s, m); err != nil {
		return err
	}
	n.record(m)
	return nil
}

// record turns one line into archive events and queues them without
// blocking, keeping the tracker as it goes; PRIVMSG and NOTICE then reach
// the listeners.
func (n *netConn) record(m *message) {
	r := n.b.rules.Load()
	nr := r.net(n.name)
	if m.src.Name != "" {
		if a, ok := m.tag("account"); ok {
			n.tr.noteAccount(m.src.Name, a)
		}
	}
	switch m.Command {
	case "CAP":
		n.tr.capReply(m.Params)
	case "ACCOUNT": // account-notify
		if len(m.Params) >= 1 && m.src.Name != "" {
			n.tr.noteAccount(m.src.Name, m.Params[0])
		}
	case "354": // RPL_WHOSPCRPL to WHO #chan %tcuhnar,1: me 1 channel user host nick account :realname
		if len(m.Params) >= 7 && m.Params[1] == whoxToken {
			n.tr.noteAccount(m.Params[5], m.Params[6])
		}
	case "005": // RPL_ISUPPORT
		n.tr.isupport(m.Params)
	case "PRIVMSG", "NOTICE":
		n.onMessage(r, nr, m)
	case "JOIN":
		n.onJoin(r, nr, m)
	case "PART":
		n.onPart(r, nr, m)
	case "KICK":
		n.onKick(r, nr, m)
	case "QUIT":
		n.onQuit(r, nr, m)
	case "NICK":
		n.onNick(r, nr, m)
	case "TOPIC":
		if len(m.Params) >= 1 && m.src.Name != "" {
			if cr := nr.channel(m.Params[0]); cr != nil && !n.optedOut(r, m.src.Name, m.userHost(), n.tr.account(m)) {
				ev := n.event(m, event.KindTopic)
				ev.Text = m.param(1)
				n.b.rec.record(n, cr, ev)
			}
		}
	case "MODE":
		n.onMode(r, nr, m)
	case "332": // RPL_TOPIC: me channel :topic, on join
		if len(m.Params) >= 3 {
			if cr := nr.channel(m.Params[1]); cr != nil {
				ev := n.event(m, event.KindTopic)
				ev.Nick, ev.UserHost, ev.Account, ev.Flags = "", "", "", event.FlagTopicOnJoin
				ev.Text = m.Params[2]
				n.tr.topic = &pendingTopic{rule: cr, ev: ev, f: n.tr.fold(m.Params[1])}
			}
		}
	case "333": // RPL_TOPICWHOTIME: me channel setter time
		if p := n.tr.topic; p != nil && len(m.Params) >= 3 {
			setter := m.Params[2]
			if i := strings.IndexByte(setter, '!'); i >= 0 {
				p.ev.UserHost = setter[i+1:]
				setter = setter[:i]
			}
			p.ev.Nick = setter
			n.flushTopic()
		}
	case "353": // RPL_NAMREPLY: me symbol channel :names
		if len(m.Params) >= 4 {
			n.tr.names(m.Params[2], m.Params[3])
		}
	case "366": // RPL_ENDOFNAMES: the members are known; ask their accounts
		if len(m.Params) >= 2 {
			n.askAccounts(m.Params[1])
		}
	}
}

// event starts an archive event from what every line carries.
func (n *netConn) event(m *message, kind event.Kind) event.Event {
	ev := event.Event{Time: m.time.UTC(), Kind: kind, Nick: m.src.Name, UserHost: m.userHost()}
	if n.tr.isMe(ev.Nick) {
		ev.Flags |= event.FlagSelf
	}
	ev.Account = n.tr.account(m)
	if id, ok := m.tag("msgid"); ok {
		ev.MsgID = id
	} else if id, ok := m.tag("draft/msgid"); ok {
		ev.MsgID = id
	}
	return ev
}

func (n *netConn) flushTopic() {
	p := n.tr.topic
	n.tr.topic = nil
	if p == nil {
		return
	}
	if p.ev.Nick != "" && n.optedOut(n.b.rules.Load(), p.ev.Nick, p.ev.UserHost, "") {
		p.ev.Nick, p.ev.UserHost = "", ""
	}
	n.b.rec.record(n, p.rule, p.ev)
}

func (n *netConn) onMessage(r *recRules, nr *netRules, m *message) {
	if len(m.Params) < 2 || m.src.Name == "" {
		return
	}
	target, text := m.Params[0], m.last()
	if strings.HasPrefix(m.src.Name, "*") {
		// No nick starts with "*": these are a bouncer's own voices (ZNC's
		// *status, its "***" around a buffer playback, module nicks).
		return
	}
	notice := m.Command == "NOTICE"
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
	ev := n.event(m, event.KindMessage)
	switch {
	case action:
		ev.Kind = event.KindAction
	case notice:
		ev.Kind = event.KindNotice
	}
	self := ev.Flags&event.FlagSelf != 0
	ev.Text = text
	in := Incoming{Network: n.name, Nick: ev.Nick, UserHost: ev.UserHost, Account: ev.Account, Text: text,
		Notice: notice, Action: action, Time: ev.Time, Self: self}
	if !n.tr.isChannelName(target) {
		// Private: never recorded; listeners see what others send.
		if !self {
			if !n.tr.shares(n.tr.fold(ev.Nick)) {
				n.noteStranger(ev.Nick, time.Now())
			}
			n.b.deliver(in)
		}
		return
	}
	in.Channel = target
	cr := nr.channel(target)
	relayUserHost, relayAccount := "", ""
	if !self {
		if rl, ok := nr.relay(ev.Nick); ok && relayMatches(rl.cfg, ev.Nick, ev.UserHost, ev.Account) {
			if nick, body, ok := rl.cfg.Unwrap(text); ok {
				// The relayed person has no account and no host here:
				// nothing of the relay's identity passes to them.
				in.Relay, relayUserHost, relayAccount = ev.Nick, ev.UserHost, ev.Account
				ev.Nick, ev.Text, ev.Account, ev.UserHost = nick, body, "", ""
				ev.Flags |= event.FlagRelayed
				in.Nick, in.Text, in.Account, in.UserHost = nick, body, "", ""
			}
		}
	}
	switch {
	case cr == nil:
		in.NoLog = true // not a configured channel
	case hasNoLogPrefix(ev.Text, r.noLog):
		in.NoLog = true
	case in.Relay == "" && n.optedOut(r, ev.Nick, ev.UserHost, ev.Account),
		in.Relay != "" && (n.b.optedOut(r, n.name, ev.Nick, "", "", true) || n.optedOut(r, in.Relay, relayUserHost, relayAccount)):
		in.NoLog = true
	default:
		if !self && !notice && !action && n.b.opts.isCommand != nil && n.b.opts.isCommand(text, r.prefix, n.b.Nick(n.name)) {
			ev.Flags |= event.FlagCommand
		}
		n.b.rec.record(n, cr, ev)
	}
	n.b.deliver(in)
}

func (n *netConn) onJoin(r *recRules, nr *netRules, m *message) {
	if len(m.Params) < 1 || m.src.Name == "" {
		return
	}
	channel := m.Params[0]
	f := config.FoldName(channel)
	ev := n.event(m, event.KindJoin)
	cr := nr.channel(channel)
	if ev.Flags&event.FlagSelf != 0 {
		tf := n.tr.fold(channel)
		n.tr.chans[tf] = &members{name: channel, nicks: map[string]string{}}
		n.tr.joinedAt[tf] = ev.Time
		n.mu.Lock()
		n.joined[f] = channel
		start, gap := n.pendingGap[f]
		delete(n.pendingGap, f)
		n.mu.Unlock()
		n.joinedOK(f)
		n.log.Info("joined", "channel", channel, "recorded", cr != nil)
		if gap && cr != nil {
			g := event.Event{Time: ev.Time, Kind: event.KindGap, Text: start.UTC().Format(time.RFC3339Nano)}
			if g.Time.Before(start) {
				g.Time = start
			}
			n.b.rec.record(n, cr, g)
		}
	}
	n.tr.join(channel, ev.Nick)
	if len(m.Params) >= 2 && n.tr.caps["extended-join"] {
		// extended-join: JOIN #chan account :realname, "*" for none.
		n.tr.noteAccount(ev.Nick, m.Params[1])
		if _, tagged := m.tag("account"); !tagged && m.Params[1] != "*" {
			ev.Account = m.Params[1]
		}
	} else if ev.Flags&event.FlagSelf == 0 {
		n.whoJoined(channel)
	}
	if cr != nil && !n.optedOut(r, ev.Nick, ev.UserHost, ev.Account) {
		n.b.rec.record(n, cr, ev)
	}
}

// lostChannel notes that the bot is no longer in a channel: recording there
// has a gap from now until it is back.
func (n *netConn) lostChannel(channel string, at time.Time) {
	f := config.FoldName(channel)
	n.tr.lost(channel)
	n.mu.Lock()
	delete(n.joined, f)
	if _, ok := n.pendingGap[f]; !ok {
		n.pendingGap[f] = at
	}
	n.mu.Unlock()
}

func (n *netConn) onPart(r *recRules, nr *netRules, m *message) {
	if len(m.Params) < 1 || m.src.Name == "" {
		return
	}
	channel := m.Params[0]
	ev := n.event(m, event.KindPart)
	ev.Text = m.param(1)
	cr := nr.channel(channel)
	if cr != nil && !n.optedOut(r, ev.Nick, ev.UserHost, ev.Account) {
		n.b.rec.record(n, cr, ev)
	}
	if ev.Flags&event.FlagSelf != 0 {
		n.lostChannel(channel, ev.Time)
		n.log.Info("left", "channel", channel)
		return
	}
	n.tr.leave(channel, ev.Nick)
}

func (n *netConn) onKick(r *recRules, nr *netRules, m *message) {
	if len(m.Params) < 2 || m.src.Name == "" {
		return
	}
	channel, kicked := m.Params[0], m.Params[1]
	ev := n.event(m, event.KindKick)
	ev.Target = kicked
	ev.Text = m.param(2)
	cr := nr.channel(channel)
	if cr != nil && !n.optedOut(r, ev.Nick, ev.UserHost, ev.Account) && !n.optedOut(r, kicked, "", "") {
		n.b.rec.record(n, cr, ev)
	}
	if n.tr.isMe(kicked) {
		n.lostChannel(channel, ev.Time)
		n.log.Warn("kicked", "channel", channel, "by", ev.Nick, "reason", ev.Text)
		if cr != nil {
			n.scheduleRejoin(channel)
		}
		return
	}
	n.tr.leave(channel, kicked)
}

func (n *netConn) onQuit(r *recRules, nr *netRules, m *message) {
	if m.src.Name == "" {
		return
	}
	ev := n.event(m, event.KindQuit)
	ev.Text = m.param(0)
	skip := n.optedOut(r, ev.Nick, ev.UserHost, ev.Account)
	for _, channel := range n.tr.channelsOf(ev.Nick) {
		if cr := nr.channel(channel); cr != nil && !skip {
			n.b.rec.record(n, cr, ev)
		}
	}
	n.tr.gone(ev.Nick)
	n.maybeRegain(ev.Nick)
	n.w.dropKey(config.FoldName(ev.Nick)) // nobody to send them to
}

func (n *netConn) onNick(r *recRules, nr *netRules, m *message) {
	if len(m.Params) < 1 || m.src.Name == "" {
		return
	}
	ev := n.event(m, event.KindNick)
	old, nick := ev.Nick, m.Params[0]
	ev.Target = nick
	self := ev.Flags&event.FlagSelf != 0
	wasOut := n.optedOut(r, old, ev.UserHost, ev.Account)
	skip := wasOut || n.optedOut(r, nick, ev.UserHost, "")
	delete(n.tr.hidden, n.tr.fold(old))
	if wasOut {
		n.tr.hidden[n.tr.fold(nick)] = true
	}
	for _, channel := range n.tr.channelsOf(old) {
		if cr := nr.channel(channel); cr != nil && !skip {
			n.b.rec.record(n, cr, ev)
		}
	}
	n.tr.rename(old, nick)
	if self {
		n.setNick(nick)
		n.log.Info("nick changed", "nick", nick)
		return
	}
	n.maybeRegain(old)
}

func (n *netConn) onMode(r *recRules, nr *netRules, m *message) {
	if len(m.Params) < 2 {
		return
	}
	cr := nr.channel(m.Params[0])
	if cr == nil {
		return // user modes, or a channel not recorded
	}
	ev := n.event(m, event.KindMode)
	ev.Text = strings.Join(m.Params[1:], " ")
	if n.optedOut(r, ev.Nick, ev.UserHost, ev.Account) {
		return
	}
	for _, arg := range m.Params[2:] {
		if n.optedOut(r, arg, "", "") {
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

	spool    []event.Event // events the archive's full queue could not take yet
	draining bool
	dedupe   map[string]*dedupe // folded bridge name
	sink     func(event.Event)  // when set (benchmarks), replaces the archive

	recorded   atomic.Int64 // committed
	failed     atomic.Int64 // refused by the archive
	dropped    atomic.Int64 // lost to a full spool
	duplicates atomic.Int64 // bridge echoes not stored
	// replayedKnown counts played-back history the archive held already.
	replayedKnown atomic.Int64
}

// maxSpool bounds the events held in memory while the archive's queue is
// full.
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
func (r *recorder) record(n *netConn, cr *chanRule, ev event.Event) {
	ev.Network, ev.Channel = cr.log.Network, cr.log.Name
	if r.replayed(n, cr, ev) {
		r.replayedKnown.Add(1)
		return
	}
	r.store(n, cr, ev)
}

// store stores ev in the log of cr, as seen on network n; lines of the
// bot's own that the server does not echo come here directly.
func (r *recorder) store(n *netConn, cr *chanRule, ev event.Event) {
	ev.Network, ev.Channel = cr.log.Network, cr.log.Name
	if cr.bridge != "" || ev.Flags&event.FlagRelayed != 0 {
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
func (r *recorder) replayed(n *netConn, cr *chanRule, ev event.Event) bool {
	joined, ok := n.tr.joinedAt[n.tr.fold(cr.ch.Name)]
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

func (r *recorder) done(ev event.Event) func(int64, error) {
	hook := r.b.opts.onRecorded
	if hook == nil {
		return r.ack
	}
	return func(id int64, err error) {
		r.ack(id, err)
		hook(ev, id, err)
	}
}

func (r *recorder) appendLocked(ev event.Event) {
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
			r.spool[0] = event.Event{}
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
	last := map[event.ChannelRef]time.Time{}
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
func (r *recorder) lastLive(ctx context.Context, ref event.ChannelRef) (time.Time, error) {
	ch, err := r.b.db.FindChannel(ctx, ref.Network, ref.Name)
	if errors.Is(err, archive.ErrNoChannel) {
		return time.Time{}, nil
	}
	if err != nil || ch.Last.IsZero() {
		return time.Time{}, err
	}
	from, to := ch.Last.Bounds(r.b.db.Location())
	var last event.Event
	if err := r.b.db.Range(ctx, ch.ID, from, to, archive.AllFields, func(ev event.Event) error { last = ev; return nil }); err != nil {
		return time.Time{}, err
	}
	if last.Time.IsZero() || last.Flags&event.FlagImported != 0 {
		return time.Time{}, nil
	}
	return last.Time, nil
}
