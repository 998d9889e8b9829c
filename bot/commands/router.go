// Package commands answers the commands said to the bot in channels and in
// private ("!part 10", "!search minsk", "!optout", the admin commands): the
// router that reads them as a bot.Listener, the table of commands, the rate
// limits, and who is an admin (isAdminSender, the one place that decides).
// commands.md, embedded as Doc, is the reference the site publishes.
//
// It reads the archive and answers through a Sender; it knows nothing of the
// connection or the recorder beyond bot's exported types, and nothing of
// HTML.
package commands

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"proceedings/event"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"proceedings/archive"
	"proceedings/bot"
	"proceedings/config"
	"proceedings/internal/irctext"
)

// The router's limits on what it says and what it reads.
const (
	// MaxReplyLines is the most lines one command may answer with.
	MaxReplyLines = 3
	// maxArgBytes bounds what a command reads after its name.
	maxArgBytes = 300
	// commandTimeout bounds the archive queries of one command.
	commandTimeout = 10 * time.Second
)

// Reply is one line the bot says in answer to a command.
type Reply struct {
	Network string
	Target  string // a channel, or a nick for a private reply
	Text    string // one IRC line: at most MaxTextBytes, no CR, LF or NUL, no formatting
	Notice  bool   // send as NOTICE rather than PRIVMSG
}

// Sender delivers replies; *bot.Bot is one.
type Sender interface {
	Say(network, target, text string) error
	Notice(network, target, text string) error
}

var _ Sender = (*bot.Bot)(nil)

// Admin carries out the admin commands. The glue between the router and
// the running bot implements it; without one (proceedings ask) admin
// commands answer that they need the running bot.
type Admin interface {
	Join(network, channel string) error
	Part(network, channel string) error
	Say(network, target, text string) error
	// Reload reads the configuration file again and applies it (to the
	// bot and, with SetConfig, to the router).
	Reload(ctx context.Context) error
	// SetAnnounce turns feed announcements on or off in one channel, or in
	// every channel of the network when channel is "".
	SetAnnounce(network, channel string, on bool) error
}

// Options are the parts of a Router that come from the running bot.
type Options struct {
	// Nick returns the bot's current nick on a network, for the addressed
	// form "proceedings: part 10". Nil: only the prefix form works.
	Nick func(network string) string
	// Sender delivers the replies of Incoming. Handle does not need it.
	Sender Sender
	// Admin carries out admin commands; nil refuses them politely.
	Admin Admin
	// OnOptOut is called after !optout (out true) or !optin changed the
	// archive's opt-out list, so that the recorder can update the list it
	// honours at once. key is the lower-cased account or nick.
	OnOptOut func(key string, out bool)
	// Logger receives errors; default slog.Default().
	Logger *slog.Logger
	// Now is the clock (rate limits, "today", "3 hours ago"); default time.Now.
	Now func() time.Time
	// Busy reports whether the bot's lines on a network wait so deep
	// that more answers would come late ((*bot.Bot).Busy). The commands of
	// those who had one taken within the last minute are then refused
	// there, unanswered, so that a flood cannot keep the bot's answers
	// minutes behind; admins and newcomers are still answered. Nil: never
	// busy.
	Busy func(network string) bool
}

var _ bot.Listener = (*Router)(nil)

// Router answers commands said in channels and in private messages. It is
// safe for concurrent use; Handle does all the work and Incoming hands its
// replies to the Sender.
type Router struct {
	db     archive.Store
	opts   Options
	log    *slog.Logger
	cfg    atomic.Pointer[config.Config]
	limits *rateLimits
	cache  channelCache
	series seriesCache
}

// NewRouter builds a router over an open archive.
func NewRouter(cfg *config.Config, db archive.Store, opts Options) *Router {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &Router{
		db:     db,
		opts:   opts,
		log:    opts.Logger.With("component", "commands"),
		limits: newRateLimits(cfg.Commands.PerUser, cfg.Commands.PerChannel),
	}
	r.cfg.Store(cfg)
	return r
}

// SetConfig applies a reloaded configuration: prefix, rate limits, admins,
// hand-declared series, site address.
func (r *Router) SetConfig(cfg *config.Config) {
	r.cfg.Store(cfg)
	r.limits.configure(cfg.Commands.PerUser, cfg.Commands.PerChannel)
	r.cache.invalidate()
	r.series.invalidate()
}

// PostsChanged tells the router that the archive has new posts (the
// announcer stored some), so that its list of series is read again at once.
func (r *Router) PostsChanged() { r.series.invalidate() }

// botNick is the bot's nick on a network: the running bot's, else the
// configured one.
func (r *Router) botNick(cfg *config.Config, network string) string {
	if r.opts.Nick != nil {
		if n := r.opts.Nick(network); n != "" {
			return n
		}
	}
	for _, n := range cfg.Networks {
		if strings.EqualFold(n.Name, network) || len(cfg.Networks) == 1 {
			return n.Nick
		}
	}
	return ""
}

// channelSeries is the series "!part N" means without series words: the
// one whose part the bot linked last in the channel (in a private message,
// in any channel), announced or answered about, as the archive has it, so
// that a restarted bot, ask and every process agree. "" when the bot
// linked none.
func (r *Router) channelSeries(ctx context.Context, j *invocation) (string, error) {
	var ref event.ChannelRef
	if j.in.Channel != "" {
		ref, _ = bot.LogRef(j.cfg, j.in.Network, j.in.Channel)
	}
	name, _, err := r.db.LastSeriesLinked(ctx, ref, r.botNick(j.cfg, j.in.Network))
	return name, err
}

// Incoming answers a line through the Sender: the bot's Listener. The bot
// calls it on the listener's own goroutine, so the archive queries of a
// command never delay recording.
func (r *Router) Incoming(ctx context.Context, in bot.Incoming) {
	for _, rep := range r.Handle(ctx, in) {
		r.send(rep)
	}
}

func (r *Router) send(rep Reply) {
	if r.opts.Sender == nil {
		return
	}
	var err error
	if rep.Notice {
		err = r.opts.Sender.Notice(rep.Network, rep.Target, rep.Text)
	} else {
		err = r.opts.Sender.Say(rep.Network, rep.Target, rep.Text)
	}
	switch {
	case errors.Is(err, bot.ErrSendQueueFull):
		// A flood: counted in the status (send_shed), not a log line
		// for each.
	case err != nil:
		r.log.Warn("could not send a reply", "network", rep.Network, "target", rep.Target, "err", err)
	}
}

// Handle answers one line: the replies the bot would send, none when the
// line is not a known command, the sender is over a rate limit, or a
// non-admin tried an admin command. Every reply is one clean IRC line
// (see Reply). Handle never panics.
func (r *Router) Handle(ctx context.Context, in bot.Incoming) []Reply {
	j, ok := r.accept(in)
	if !ok {
		return nil
	}
	return r.run(ctx, j)
}

// invocation is one accepted command: the line, what it parsed to, and the
// table entry of the command it names.
type invocation struct {
	in      bot.Incoming
	parsed  Command
	spec    commandSpec
	cfg     *config.Config
	admin   bool
	now     time.Time
	answers []cmdAnswer
}

// cmdAnswer is what a command says; private answers go to the nick.
type cmdAnswer struct {
	text    string
	private bool
}

func (j *invocation) say(format string, args ...any) {
	j.answers = append(j.answers, cmdAnswer{text: fmt.Sprintf(format, args...)})
}

func (j *invocation) sayPrivately(format string, args ...any) {
	j.answers = append(j.answers, cmdAnswer{text: fmt.Sprintf(format, args...), private: true})
}

// usage answers with the command's usage line.
func (j *invocation) usage(why string) {
	u := j.spec.usageLine(j.cfg.Commands.Prefix, j.parsed.Name)
	say := j.say
	if j.spec.admin {
		say = j.sayPrivately
	}
	if why != "" {
		say("%s — usage: %s", why, u)
		return
	}
	say("Usage: %s", u)
}

func (r *Router) accept(in bot.Incoming) (j invocation, ok bool) {
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("command parser panicked", "panic", p, "stack", string(debug.Stack()), "text", in.Text)
			ok = false
		}
	}()
	if in.Self || in.Notice || in.Action {
		return invocation{}, false // never answer notices (RFC 2812) nor ourselves
	}
	cfg := r.cfg.Load()
	botNick := ""
	if r.opts.Nick != nil {
		botNick = r.opts.Nick(in.Network)
	}
	parsed, ok := ParseCommand(in.Text, cfg.Commands.Prefix, botNick, in.Channel == "")
	if !ok {
		return invocation{}, false
	}
	spec, ok := commands[parsed.Name]
	if !ok {
		return invocation{}, false
	}
	admin := isAdminSender(cfg.Admins, in)
	if spec.admin && !admin {
		return invocation{}, false
	}
	now := r.opts.Now()
	if !admin && r.opts.Busy != nil && r.limits.recent(rateUserKey(in), now) && r.opts.Busy(in.Network) {
		// Backpressure: under a flood of commands the answers would
		// queue for minutes; those who asked lately wait.
		return invocation{}, false
	}
	if !admin && !r.limits.allow(rateUserKey(in), rateChannelKey(in), now) {
		return invocation{}, false
	}
	return invocation{in: in, parsed: parsed, spec: spec, cfg: cfg, admin: admin, now: now}, true
}

func (r *Router) run(ctx context.Context, j invocation) (replies []Reply) {
	defer func() {
		if p := recover(); p != nil {
			r.log.Error("command panicked", "command", j.parsed.Name, "panic", p, "stack", string(debug.Stack()), "text", j.in.Text)
			replies = r.finish(j.in, []cmdAnswer{{text: "Sorry, something went wrong with that command."}})
		}
	}()
	switch {
	case len(j.parsed.Rest) > maxArgBytes:
		j.usage("That is too long")
	case strings.ContainsFunc(j.parsed.Rest, func(c rune) bool { return c != '\t' && unicode.IsControl(c) }) || !utf8.ValidString(j.parsed.Rest):
		j.usage("That has control characters in it")
	case len(j.parsed.Args) < j.spec.minArgs:
		j.usage("")
	default:
		ctx, cancel := context.WithTimeout(ctx, commandTimeout)
		defer cancel()
		j.spec.run(ctx, r, &j)
	}
	return r.finish(j.in, j.answers)
}

// finish turns answers into reply lines: the one choke point where text is
// cleaned and split.
func (r *Router) finish(in bot.Incoming, answers []cmdAnswer) []Reply {
	var out []Reply
	for _, a := range answers {
		budget := MaxReplyLines - len(out)
		if budget <= 0 {
			break
		}
		// A relayed person is not on this network: a notice to their nick
		// would reach whoever holds it here, so their private answers go to
		// the channel, which the relay carries back.
		// Someone whose lines are not recorded (opted out) is answered
		// privately: an answer in the channel would be recorded and repeat
		// what they asked.
		rep := Reply{Network: in.Network, Target: in.Channel}
		switch {
		case in.Channel == "":
			rep.Target = in.Nick
		case in.NoLog && in.Relay != "":
			continue // nowhere private to answer, and the channel is recorded
		case (a.private || in.NoLog) && in.Relay == "":
			rep.Target, rep.Notice = in.Nick, true
		}
		for _, line := range splitReply(bot.CleanText(a.text), bot.MaxTextBytes, budget) {
			rep.Text = line
			out = append(out, rep)
		}
	}
	return out
}

// splitReply cuts s into lines of at most max bytes on UTF-8 character
// boundaries, preferring to cut between the items of a list (" · "), then
// at a space, and into at most lines lines; when the text does not fit,
// the last line ends in "…", after its last whole item when it has one.
func splitReply(s string, max, lines int) []string {
	var out []string
	for s != "" && len(out) < lines {
		if len(s) <= max {
			out = append(out, s)
			break
		}
		if len(out) == lines-1 {
			if i := lastItemEnd(s, max-len(" …")); i > max/3 {
				out = append(out, s[:i]+" …")
			} else {
				out = append(out, clip(s, max))
			}
			break
		}
		cut := replyCut(s, max)
		out = append(out, strings.TrimRight(s[:cut], " "))
		s = strings.TrimLeft(s[cut:], " ")
	}
	return out
}

// itemSep separates the items of a reply's list (the hits of !search, the
// series of !part): a line is cut between items rather than inside one,
// where a hit's text would be on one line and its link on the next.
const itemSep = " · "

// lastItemEnd is where the last item of s that ends at or before byte n
// ends (an item separator starts there), or -1.
func lastItemEnd(s string, n int) int {
	return strings.LastIndex(s[:min(len(s), n+len(itemSep))], itemSep)
}

// replyCut is where to end a line of at most max bytes of s (len(s) > max):
// before the last item separator in the last two thirds of the line (the
// next line starts with "·"), else after the last space in the second
// half, else at the last character boundary.
func replyCut(s string, max int) int {
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if i := lastItemEnd(s, max-1); i > max/3 {
		return i + 1
	}
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > max/2 {
		return sp + 1
	}
	if cut == 0 { // cannot happen with valid UTF-8 and max >= 4
		return max
	}
	return cut
}

// clip shortens s to at most max bytes on a character boundary, ending
// in "…" when something was cut.
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const ell = "…"
	cut := max - len(ell)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if sp := strings.LastIndexByte(s[:cut], ' '); sp > cut*3/4 {
		cut = sp
	}
	return strings.TrimRight(s[:cut], " ") + ell
}

// rateUserKey identifies a person for rate limiting: their account when the
// server told it, else their nick.
func rateUserKey(in bot.Incoming) string {
	if in.Account != "" {
		return in.Network + "\x00a\x00" + strings.ToLower(in.Account)
	}
	return in.Network + "\x00n\x00" + config.FoldName(in.Nick)
}

// rateChannelKey identifies a channel for rate limiting; "" for private
// messages, which only the per-user limit covers.
func rateChannelKey(in bot.Incoming) string {
	if in.Channel == "" {
		return ""
	}
	return in.Network + "\x00" + config.FoldName(in.Channel)
}

// Command is a parsed command line.
type Command struct {
	Name string   // lower case, without the prefix: "part"
	Args []string // the words after the name
	Rest string   // everything after the name, trimmed ("#chan hello there" for !say)
}

// IsCommand reports whether a channel line asks the bot one of its
// commands. It is what the recorder is given as bot.Options.IsCommand.
func IsCommand(line, prefix, botNick string) bool {
	c, ok := ParseCommand(line, prefix, botNick, false)
	_, known := commands[c.Name]
	return ok && known
}

// maxCommandName bounds command names (the longest is "part-channel").
const maxCommandName = 24

// ParseCommand reads a line said in a channel or a private message and
// reports whether it is a command: "!part 10" with prefix "!", "proceedings:
// part 10" or "proceedings, !part 10" when botNick is "proceedings", and in a
// private message (private true) also the bare "part 10". IRC formatting is
// ignored. The name is ASCII letters, digits and "-", and is returned in
// lower case; nothing else is checked here.
func ParseCommand(line, prefix, botNick string, private bool) (Command, bool) {
	s := strings.TrimSpace(irctext.Strip(line))
	switch {
	case botNick != "" && len(s) > len(botNick) && (s[len(botNick)] == ':' || s[len(botNick)] == ',') &&
		config.FoldName(s[:len(botNick)]) == config.FoldName(botNick):
		s = strings.TrimSpace(s[len(botNick)+1:])
		if prefix != "" {
			s = strings.TrimPrefix(s, prefix)
		}
	case prefix != "" && strings.HasPrefix(s, prefix):
		s = s[len(prefix):]
	case private:
	default:
		return Command{}, false
	}
	end := strings.IndexFunc(s, unicode.IsSpace)
	if end < 0 {
		end = len(s)
	}
	name := s[:end]
	if name == "" || len(name) > maxCommandName {
		return Command{}, false
	}
	lower := []byte(name)
	for i, c := range lower {
		switch {
		case c >= 'A' && c <= 'Z':
			lower[i] = c + 'a' - 'A'
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-' && i > 0:
		default:
			return Command{}, false
		}
	}
	rest := strings.TrimSpace(s[end:])
	return Command{Name: string(lower), Args: strings.Fields(rest), Rest: rest}, true
}

// channelCache keeps the archive's channel list (names, ids, whether
// public) for a minute: !seen and !logs need it on every call, and it only
// changes when a channel is first recorded or the configuration changes.
type channelCache struct {
	mu      sync.Mutex
	list    []archive.Channel
	fetched time.Time
}

const channelCacheTTL = time.Minute

func (c *channelCache) invalidate() {
	c.mu.Lock()
	c.list, c.fetched = nil, time.Time{}
	c.mu.Unlock()
}

// channels returns the cached list, refreshed when older than the TTL or
// when fresh is set.
func (c *channelCache) channels(ctx context.Context, db archive.Store, now time.Time, fresh bool) ([]archive.Channel, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !fresh && c.list != nil && now.Sub(c.fetched) < channelCacheTTL && !now.Before(c.fetched) {
		return c.list, nil
	}
	list, err := db.Channels(ctx)
	if err != nil {
		return nil, err
	}
	c.list, c.fetched = list, now
	return list, nil
}

// BotAdmin is the Admin of a running bot: join, part and say go to the Bot;
// reload and announcement switching to what the runner gives. It is the
// whole glue between the router and the bot:
//
//	r := commands.NewRouter(cfg, db, commands.Options{Nick: b.Nick, Sender: b,
//		Admin: commands.BotAdmin{Bot: b, ReloadFunc: reload}, OnOptOut: …})
//	b.AddListener(r)
type BotAdmin struct {
	*bot.Bot
	// ReloadFunc does what SIGHUP does (read bot.yaml, then Bot.Reload,
	// Router.SetConfig…); nil: !reload answers that it cannot.
	ReloadFunc func(ctx context.Context) error
	// AnnounceFunc switches feed announcements in a channel ("" for every
	// channel of the network); nil: !announce answers that it cannot.
	AnnounceFunc func(network, channel string, on bool) error
}

var _ Admin = BotAdmin{}

// Reload calls ReloadFunc.
func (a BotAdmin) Reload(ctx context.Context) error {
	if a.ReloadFunc == nil {
		return errors.New("this bot was started without a way to reload; send it SIGHUP")
	}
	return a.ReloadFunc(ctx)
}

// SetAnnounce calls AnnounceFunc.
func (a BotAdmin) SetAnnounce(network, channel string, on bool) error {
	if a.AnnounceFunc == nil {
		return errors.New("announcements cannot be switched in this bot")
	}
	return a.AnnounceFunc(network, channel, on)
}

// isAdminSender is the one function that decides who is an admin. It
// reports whether the sender of a line is one of the
// configured admins: "account:NAME" (the services account the server
// reported) or a hostmask "nick!user@host" with * and ? wildcards whose host
// part names a host, compared by IRC case mapping. A mask whose host part is
// only wildcards (or a bare nick) matches nobody, and a relayed line is
// never an admin's.
func isAdminSender(admins []string, in bot.Incoming) bool {
	if in.Relay != "" {
		return false
	}
	for _, a := range admins {
		if name, ok := strings.CutPrefix(a, "account:"); ok {
			if in.Account != "" && config.FoldName(name) == config.FoldName(in.Account) {
				return true
			}
			continue
		}
		if in.UserHost != "" && !config.MaskMatchesAnyHost(a) && config.MatchHostmask(a, in.Nick, in.UserHost) {
			return true
		}
	}
	return false
}
