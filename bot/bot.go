// Package bot is the IRC side of proceedings: one connection per network
// (a read loop, a state tracker, a paced writer) and the recorder that
// turns what it reads into archive events. Every line is then handed to the
// Listeners (bot/commands, bot/titles); bot/announce speaks through the
// bot. bot knows none of them, and no HTML. docs/recorder.md tells how it
// works.
package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"proceedings/event"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"proceedings/archive"
	"proceedings/config"

	"golang.org/x/time/rate"
)

// BridgeNetwork is the archive network of every bridged (merged) log.
const BridgeNetwork = config.ReservedNetwork

// Version is what the bot answers to CTCP VERSION.
var Version = "proceedings IRC logger"

// DefaultUserAgent names the bot in its HTTP requests (feeds, page titles).
const DefaultUserAgent = "proceedings-bot/1.0 (IRC feed announcer)"

// Incoming is a PRIVMSG or NOTICE seen by the bot, handed to listeners after
// it was queued for recording (or decided not to be recorded).
type Incoming struct {
	Network  string // the configured network name
	Channel  string // "" for a private message to the bot
	Nick     string // the speaker; for a relayed line the real author
	UserHost string // user@host of the sender (of the relay bot, for a relayed line)
	Account  string // services account when the server said
	Text     string // without CTCP ACTION framing
	Notice   bool
	Action   bool
	Time     time.Time
	Self     bool // the bot's own line

	Relay string // the relay bot's nick when the line was unwrapped from one
	NoLog bool   // the line was not recorded (no-log prefix or opt-out)
}

// Listener receives incoming lines. Each listener runs on its own goroutine
// with a bounded queue; when it falls too far behind, lines are dropped for it
// (and counted in Status), never delaying recording.
type Listener interface {
	Incoming(ctx context.Context, in Incoming)
}

// ListenerFunc is a function as a Listener.
type ListenerFunc func(ctx context.Context, in Incoming)

// Incoming calls f.
func (f ListenerFunc) Incoming(ctx context.Context, in Incoming) { f(ctx, in) }

// Bot is the IRC side of proceedings: one connection per configured network,
// all recording into one archive.
type Bot struct {
	db   archive.Store
	log  *slog.Logger
	opts botOptions
	// output is the configured pace of the bot's lines (applied again by
	// Reload when it changes).
	output config.Rate

	rules   atomic.Pointer[recRules]
	optouts atomic.Pointer[map[string]bool] // from the archive, lower-cased
	nets    []*netConn
	rec     *recorder

	lmu       sync.Mutex
	listeners atomic.Pointer[[]*listenerQueue]
	lctx      context.Context // listeners' context, cancelled when Run ends
	lcancel   context.CancelFunc
	lwg       sync.WaitGroup
	ldrops    atomic.Int64

	running atomic.Bool
	started time.Time
}

// botOptions are the timings and hooks New fills with production values;
// tests in this package shorten them.
type botOptions struct {
	backoffBase     time.Duration // first reconnect delay
	backoffMax      time.Duration // reconnect delays never exceed this
	stableAfter     time.Duration // a connection that lasted this long resets the backoff
	dialTimeout     time.Duration
	pingEvery       time.Duration // ping a server that said nothing this long…
	pingTimeout     time.Duration // …and reconnect when it stays silent this much longer
	lagReconnect    time.Duration // reconnect when the server has not answered a lag probe this long (lagGate.behind)
	regainEvery     time.Duration // try to take the configured nick back this often
	rejoinBase      time.Duration // first delay before rejoining after a kick or a refused join
	optOutEvery     time.Duration // re-read the archive's opt-out list this often
	shutdownTimeout time.Duration // how long QUIT and the final flush may take
	quitMessage     string
	listenerQueue   int
	trimAfter       int64         // events recorded in a burst whose memory trimLoop returns…
	trimQuiet       time.Duration // …once the bot has been quiet this long
	// onRecorded, when set, is called from the archive's writer after each
	// event is committed (err nil) or refused.
	onRecorded func(ev event.Event, id int64, err error)
	// isCommand, when set, tells the lines that ask a command.
	isCommand func(line, prefix, botNick string) bool
}

// outputPace turns the configured output rate into the pacing of the bot's
// lines: one every every after a burst of burst.
func outputPace(r config.Rate) (every time.Duration, burst int) {
	return r.Per / time.Duration(r.N), r.N
}

func defaultOptions() botOptions {
	return botOptions{
		backoffBase:     time.Second,
		backoffMax:      5 * time.Minute,
		stableAfter:     time.Minute,
		dialTimeout:     30 * time.Second,
		pingEvery:       60 * time.Second,
		pingTimeout:     60 * time.Second,
		lagReconnect:    5 * time.Minute,
		regainEvery:     time.Minute,
		rejoinBase:      10 * time.Second,
		optOutEvery:     30 * time.Second,
		shutdownTimeout: 10 * time.Second,
		quitMessage:     "proceedings is shutting down",
		listenerQueue:   1024,
		trimAfter:       10000,
		trimQuiet:       2 * time.Second,
	}
}

// Options are what New takes besides the configuration and the archive.
type Options struct {
	// Logger receives the bot's log; default slog.Default().
	Logger *slog.Logger
	// OnRecorded, when set, is called from the archive's writer after each
	// event is committed (err nil, id its row) or refused (err set): to
	// count what is recorded, or to follow the archive as it grows. It must
	// return quickly, for it holds up the writer.
	OnRecorded func(ev event.Event, id int64, err error)
	// IsCommand reports whether a channel line asks the bot one of its
	// commands (commands.IsCommand): the recorder marks such lines with
	// event.FlagCommand, so that searches can leave them out. Nil: no
	// line is marked.
	IsCommand func(line, prefix, botNick string) bool
}

// New prepares a bot for every network of cfg, recording into db (opened for
// writing). Nothing connects before Run. cfg has its defaults filled in, as
// config.Load returns it (or after cfg.FillDefaults).
func New(cfg *config.Config, db archive.Store, o Options) (*Bot, error) {
	if cfg == nil || db == nil {
		return nil, errors.New("bot: a configuration and an archive are both needed")
	}
	if len(cfg.Networks) == 0 {
		return nil, errors.New("the configuration names no IRC network: add server, nick and channels to bot.yaml")
	}
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	b := &Bot{db: db, log: log.With("component", "bot"), opts: defaultOptions(), started: time.Now()}
	b.opts.onRecorded = o.OnRecorded
	b.opts.isCommand = o.IsCommand
	b.output = cfg.Commands.Output
	b.rules.Store(buildRules(cfg))
	empty := map[string]bool{}
	b.optouts.Store(&empty)
	b.listeners.Store(&[]*listenerQueue{})
	b.rec = newRecorder(b)
	seen := map[string]bool{}
	for i := range cfg.Networks {
		nc := cfg.Networks[i]
		key := strings.ToLower(nc.Name)
		if seen[key] {
			return nil, fmt.Errorf("network %q is configured twice: give each network its own name", nc.Name)
		}
		seen[key] = true
		n, err := newNetConn(b, nc)
		if err != nil {
			return nil, err
		}
		b.nets = append(b.nets, n)
	}
	return b, nil
}

// Run connects every network and records until ctx is done; then it sends
// QUIT on every connection, waits for the last events to be queued and flushes
// the archive. It returns nil after a clean shutdown.
func (b *Bot) Run(ctx context.Context) error {
	if !b.running.CompareAndSwap(false, true) {
		return errors.New("bot: Run was called twice")
	}
	b.startListeners()
	if err := b.RefreshOptOuts(ctx); err != nil {
		b.log.Warn("could not read the archive's opt-out list; using the configuration's only", "err", err)
	}
	b.rec.loadStartupGaps(ctx)

	var wg sync.WaitGroup
	for _, n := range b.nets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n.run(ctx)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		b.refreshOptOutsLoop(ctx)
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		b.trimLoop(ctx)
	}()
	<-ctx.Done()
	b.log.Info("shutting down: leaving IRC and flushing the archive")

	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(b.opts.shutdownTimeout):
		b.log.Warn("connections did not close in time; flushing what was received", "timeout", b.opts.shutdownTimeout)
	}
	b.lcancel()
	fctx, cancel := context.WithTimeout(context.Background(), b.opts.shutdownTimeout)
	defer cancel()
	err := b.rec.flush(fctx)
	b.lwg.Wait()
	if err != nil {
		return fmt.Errorf("flush the archive at shutdown: %w", err)
	}
	b.log.Info("stopped", "events_recorded", b.rec.recorded.Load())
	return nil
}

// Reload applies a new configuration (SIGHUP): channels added to a network are
// joined, channels removed are parted, and relays, bridges, the opt-out list
// and the no-log prefix take effect at once. Changes to a network's server,
// nick or authentication, and added or removed networks, need a restart; they
// are logged.
func (b *Bot) Reload(cfg *config.Config) {
	old := b.rules.Load()
	nr := buildRules(cfg)
	b.rules.Store(nr)
	if cfg.Commands.Output != b.output {
		b.output = cfg.Commands.Output
		b.SetSendPace(outputPace(b.output))
	}
	for _, n := range b.nets {
		var nc *config.Network
		for i := range cfg.Networks {
			if strings.EqualFold(cfg.Networks[i].Name, n.name) {
				nc = &cfg.Networks[i]
			}
		}
		if nc == nil {
			b.log.Warn("network removed from the configuration: it stays connected (and unrecorded) until proceedings restarts", "network", n.name)
			continue
		}
		if needsRestart(n.cfg(), *nc) {
			b.log.Warn("the server, nick or authentication of a network changed: restart proceedings to apply it", "network", n.name)
		}
		n.reload(*nc, old.net(n.name), nr.net(n.name))
	}
	for _, nc := range cfg.Networks {
		if b.netConn(nc.Name) == nil {
			b.log.Warn("network added to the configuration: restart proceedings to connect to it", "network", nc.Name)
		}
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := b.RefreshOptOuts(ctx); err != nil {
			b.log.Warn("could not re-read the archive's opt-out list", "err", err)
		}
	}()
	b.log.Info("configuration reloaded", "file", cfg.Path)
}

// SetSendPace paces the bot's own lines on every network: a burst of burst
// lines, then one every every (every 0: no pacing). New and Reload take the
// pace from commands.output in the configuration; a bot that talks to a
// server of its own (a test network, a private server without flood limits)
// may set another, at any time.
func (b *Bot) SetSendPace(every time.Duration, burst int) {
	for _, n := range b.nets {
		n.w.limiter.SetLimit(rate.Every(every))
		n.w.limiter.SetBurst(max(burst, 1))
	}
}

func needsRestart(a, b config.Network) bool {
	if a.Server.Host != b.Server.Host || a.Server.Port != b.Server.Port || a.Server.TLS != b.Server.TLS ||
		a.Server.TLSInsecure != b.Server.TLSInsecure || a.Nick != b.Nick || a.User != b.User || a.RealName != b.RealName ||
		a.Server.ClientCert != b.Server.ClientCert || a.Server.ClientKey != b.Server.ClientKey {
		return true
	}
	if (a.SASL == nil) != (b.SASL == nil) || (a.SASL != nil && (a.SASL.Mechanism != b.SASL.Mechanism || a.SASL.User != b.SASL.User)) {
		return true
	}
	return false
}

// RefreshOptOuts re-reads the archive's opt-out list now (the command that
// opts a user out calls it so that the change applies to the next line).
func (b *Bot) RefreshOptOuts(ctx context.Context) error {
	keys, err := b.db.OptOuts(ctx)
	if err != nil {
		return err
	}
	m := optOutSet(keys)
	b.optouts.Store(&m)
	return nil
}

// optOutSet is the lookup set of the archive's opt-out keys that optedOut
// reads: each key as stored, a bare key also folded both ways, and for a
// nick's key with a user@host the nick's anyHost key.
func optOutSet(keys []string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		switch OptOutKind(k) {
		case "nick":
			m[anyHost(k)] = true
			fallthrough
		case "account", "relayed":
			m[k] = true // stored as OptOutKey made it
			continue
		}
		m[strings.ToLower(k)] = true
		m[config.FoldName(k)] = true
	}
	return m
}

func (b *Bot) refreshOptOutsLoop(ctx context.Context) {
	everyTick(ctx, b.opts.optOutEvery, func() {
		if err := b.RefreshOptOuts(ctx); err != nil && ctx.Err() == nil {
			b.log.Warn("could not re-read the archive's opt-out list", "err", err)
		}
	})
}

// everyTick calls fn every d until ctx is done.
func everyTick(ctx context.Context, d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// netConn returns the connection of a network by name; "" finds the only
// network when exactly one is configured.
func (b *Bot) netConn(name string) *netConn {
	if name == "" && len(b.nets) == 1 {
		return b.nets[0]
	}
	for _, n := range b.nets {
		if strings.EqualFold(n.name, name) {
			return n
		}
	}
	return nil
}

func (b *Bot) mustNet(name string) (*netConn, error) {
	n := b.netConn(name)
	if n == nil {
		names := make([]string, len(b.nets))
		for i, n := range b.nets {
			names[i] = n.name
		}
		return nil, fmt.Errorf("no network named %q (configured: %s)", name, strings.Join(names, ", "))
	}
	return n, nil
}

// Nick returns the bot's current nick on a network ("" for an unknown
// network; the configured nick while not connected).
func (b *Bot) Nick(network string) string {
	n := b.netConn(network)
	if n == nil {
		return ""
	}
	if nick := n.currentNick(); nick != "" {
		return nick
	}
	return n.cfg().Nick
}

// Say queues a PRIVMSG. Lines are paced (a short burst, then one every
// 1.5 s) on the network's own sending goroutine, so Say never blocks; a text
// with newlines is sent as several lines. The bot's channel lines are
// recorded with event.FlagSelf: from the server's echo when it offers
// echo-message, otherwise when they are written to the socket.
func (b *Bot) Say(network, target, text string) error {
	n, err := b.mustNet(network)
	if err != nil {
		return err
	}
	return n.queue("PRIVMSG", target, text)
}

// Notice queues a NOTICE, paced like Say.
func (b *Bot) Notice(network, target, text string) error {
	n, err := b.mustNet(network)
	if err != nil {
		return err
	}
	return n.queue("NOTICE", target, text)
}

// Join joins a channel now, with its configured key if it has one. Only
// configured channels are recorded.
func (b *Bot) Join(network, channel string) error {
	n, err := b.mustNet(network)
	if err != nil {
		return err
	}
	return n.joinNow(channel)
}

// Part leaves a channel now.
func (b *Bot) Part(network, channel string) error {
	n, err := b.mustNet(network)
	if err != nil {
		return err
	}
	return n.partNow(channel, "")
}

// AddListener adds a listener for incoming lines. Listeners added after Run
// started are served too.
func (b *Bot) AddListener(l Listener) {
	b.lmu.Lock()
	defer b.lmu.Unlock()
	q := &listenerQueue{l: l, ch: make(chan Incoming, b.opts.listenerQueue)}
	old := *b.listeners.Load()
	next := append(append([]*listenerQueue(nil), old...), q)
	b.listeners.Store(&next)
	if b.lctx != nil {
		b.startListener(q)
	}
}

type listenerQueue struct {
	l       Listener
	ch      chan Incoming
	started bool
}

func (b *Bot) startListeners() {
	b.lmu.Lock()
	defer b.lmu.Unlock()
	b.lctx, b.lcancel = context.WithCancel(context.Background())
	for _, q := range *b.listeners.Load() {
		b.startListener(q)
	}
}

// startListener runs q's goroutine; b.lmu is held.
func (b *Bot) startListener(q *listenerQueue) {
	if q.started {
		return
	}
	q.started = true
	b.lwg.Add(1)
	go func() {
		defer b.lwg.Done()
		for {
			select {
			case <-b.lctx.Done():
				return
			case in := <-q.ch:
				b.callListener(q.l, in)
			}
		}
	}()
}

func (b *Bot) callListener(l Listener, in Incoming) {
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("a listener panicked; it keeps receiving lines", "listener", fmt.Sprintf("%T", l), "panic", p)
		}
	}()
	l.Incoming(b.lctx, in)
}

// deliver hands in to every listener without blocking.
func (b *Bot) deliver(in Incoming) {
	for _, q := range *b.listeners.Load() {
		select {
		case q.ch <- in:
		default:
			if b.ldrops.Add(1)%100 == 1 {
				b.log.Warn("a listener is falling behind; lines are dropped for it", "listener", fmt.Sprintf("%T", q.l), "dropped", b.ldrops.Load())
			}
		}
	}
}
