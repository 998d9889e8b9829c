package bot

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/lrstanley/girc"
	"golang.org/x/time/rate"

	"proceedings/archive"
	"proceedings/config"
)

// netConn is the bot on one network: a girc client reconnected with backoff,
// the state the recorder tracks from its events, and a paced queue of the
// bot's own lines.
type netConn struct {
	b      *Bot
	name   string
	log    *slog.Logger
	client *girc.Client
	server string // host:port
	ncfg   atomic.Pointer[config.Network]
	conn   atomic.Pointer[lineConn] // the current connection's socket

	out       chan outLine  // the bot's own lines, paced by sendLoop
	limiter   *rate.Limiter // pace of out
	ctcpLimit *rate.Limiter // CTCP replies allowed into out
	whoLimit  *rate.Limiter // girc's automatic WHO of each joining user

	// tr is touched only while a line is recorded (in lineConn.Read), and
	// by the run loop between connections, when no line is.
	tr tracker

	mu          sync.Mutex // guards the fields below
	nick        string
	joined      map[string]string // folded name → name, channels the bot is in
	connectedAt time.Time
	lastErr     string
	closing     string                  // the reason of the server's last ERROR on this connection
	pendingGap  map[string]time.Time    // folded channel → start of a gap to record when it is joined again
	rejoin      map[string]*rejoinState // folded channel → pending retry
	runCtx      context.Context         // set by run
	regainTimer *time.Ticker

	registered atomic.Bool  // welcome (001) received on the current connection
	echo       atomic.Bool  // echo-message is on for the current connection
	acctCaps   atomic.Bool  // the server tells accounts (extended-join, account-notify)
	skipSASL   atomic.Bool  // the last SASL attempt failed: connect once without it
	saslOK     atomic.Bool  // SASL succeeded on the current connection
	altIdx     atomic.Int32 // next alternative nick during registration
	lastRead   atomic.Int64 // unix nanoseconds of the last line read from the server
	lastEvent  atomic.Int64 // unix nanoseconds of the last event recorded
	reconnects atomic.Int64
}

type outLine struct {
	cmd, target, text string
}

type rejoinState struct {
	tries int
	timer *time.Timer
}

// newWhoLimit bounds girc's automatic WHO of each joining user: a burst of
// ten, then one every two seconds.
func newWhoLimit() *rate.Limiter { return rate.NewLimiter(rate.Every(2*time.Second), 10) }

// outQueue bounds the lines waiting to be sent on one network.
const outQueue = 512

func newNetConn(b *Bot, nc config.Network) (*netConn, error) {
	n := &netConn{
		b:          b,
		name:       nc.Name,
		log:        b.log.With("network", nc.Name),
		out:        make(chan outLine, outQueue),
		limiter:    rate.NewLimiter(rate.Every(b.opts.sendEvery), b.opts.sendBurst),
		ctcpLimit:  rate.NewLimiter(rate.Every(3*time.Second), 3),
		whoLimit:   newWhoLimit(),
		joined:     map[string]string{},
		pendingGap: map[string]time.Time{},
		rejoin:     map[string]*rejoinState{},
	}
	n.ncfg.Store(&nc)
	n.tr.reset()
	user := nc.User
	if user == "" {
		user = nc.Nick
	}
	realName := nc.RealName
	if realName == "" {
		realName = config.DefaultRealName
	}
	port := nc.Server.Port
	if port == 0 {
		port = 6667
		if nc.Server.TLS {
			port = 6697
		}
	}
	n.server = net.JoinHostPort(nc.Server.Host, strconv.Itoa(port))
	c := girc.New(girc.Config{
		Server: nc.Server.Host,
		Port:   port,
		Nick:   nc.Nick,
		User:   user,
		Name:   realName,
		// TLS is done by our dialer (dial), under the line filter, and STS
		// would wrap a second TLS layer over it: tls: true is the way.
		SSL:        false,
		DisableSTS: true,
		// girc's own flood control blocks the goroutine that sends, which
		// for CTCP replies and WHO is the goroutine that reads events: it
		// is off, and the bot paces its own lines in sendLoop instead.
		AllowFlood: true,
		// server-time, message-tags, account-tag, extended-join and
		// away-notify are in girc's default list; echo-message is not.
		SupportedCaps:     map[string][]string{"echo-message": nil},
		Version:           Version,
		PingDelay:         30 * time.Second,
		PingTimeout:       30 * time.Second,
		HandleNickCollide: n.nextNick,
		RecoverFunc:       n.recoverPanic,
	})
	if !girc.IsValidNick(nc.Nick) {
		return nil, fmt.Errorf("network %s: %q is not a valid IRC nick", nc.Name, nc.Nick)
	}
	for _, cmd := range []string{girc.CTCP_PING, girc.CTCP_PONG, girc.CTCP_VERSION, girc.CTCP_SOURCE, girc.CTCP_TIME, girc.CTCP_FINGER} {
		c.CTCP.Clear(cmd)
	}
	c.CTCP.Set(girc.CTCP_VERSION, n.onCTCP)
	c.CTCP.Set(girc.CTCP_PING, n.onCTCP)
	c.CTCP.Set(girc.CTCP_TIME, n.onCTCP)
	n.client = c
	return n, nil
}

func (n *netConn) cfg() config.Network { return *n.ncfg.Load() }

func (n *netConn) recoverPanic(_ *girc.Client, err *girc.HandlerError) {
	n.log.Error("an event handler panicked; the event was skipped", "err", err.Error(), "command", err.Event.Command, "stack", string(err.Stack))
}

// run connects, and reconnects with exponential backoff and jitter, until
// ctx is done.
func (n *netConn) run(ctx context.Context) {
	n.mu.Lock()
	n.runCtx = ctx
	n.mu.Unlock()
	sendDone := make(chan struct{})
	go func() {
		defer close(sendDone)
		n.sendLoop(ctx)
	}()
	regainDone := make(chan struct{})
	go func() {
		defer close(regainDone)
		n.regainLoop(ctx)
	}()

	loopDone := make(chan struct{})
	go n.closeOnDone(ctx, loopDone)
	defer func() {
		close(loopDone)
		<-sendDone
		<-regainDone
		n.stopRejoins()
	}()

	attempt := 0
	for ctx.Err() == nil {
		tlsConf, err := n.prepare()
		if err != nil {
			n.setErr(err)
			n.log.Error("cannot connect", "err", err)
		} else {
			n.log.Info("connecting", "server", n.addr(), "tls", tlsConf != nil)
			began := time.Now()
			err = n.client.DialerConnect(&dialer{n: n, ctx: ctx, tls: tlsConf})
			err = n.disconnected(err)
			if ctx.Err() != nil {
				return
			}
			if time.Since(began) >= n.b.opts.stableAfter {
				attempt = 0
			}
		}
		delay := backoff(n.b.opts.backoffBase, n.b.opts.backoffMax, attempt)
		attempt++
		n.log.Warn("disconnected; reconnecting", "err", errText(err), "retry_in", delay.Round(time.Millisecond))
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		n.reconnects.Add(1)
	}
}

// closeOnDone ends the connection when ctx is done: QUIT first, then (if
// the connection is still up, or a new one started meanwhile) Close, until
// the run loop has returned.
func (n *netConn) closeOnDone(ctx context.Context, loopDone <-chan struct{}) {
	select {
	case <-loopDone:
		return
	case <-ctx.Done():
	}
	// QUIT goes to the socket directly: girc's Quit closes the connection
	// as soon as it is written, losing what the server sent meanwhile.
	// Written this way, girc keeps reading (and the recorder recording)
	// until the server closes the link.
	if lc := n.conn.Load(); lc == nil || !n.client.IsConnected() || lc.writeLine("QUIT :"+n.b.opts.quitMessage) != nil {
		n.client.Close()
	}
	grace := time.NewTimer(2 * time.Second)
	defer grace.Stop()
	select {
	case <-loopDone:
		return
	case <-grace.C:
	}
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		n.client.Close()
		select {
		case <-loopDone:
			return
		case <-t.C:
		}
	}
}

// backoff returns the delay before reconnect attempt number attempt (from
// 0): base·2^attempt capped at max, with jitter taking it down to half.
func backoff(base, max time.Duration, attempt int) time.Duration {
	d := base
	for i := 0; i < attempt && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

func errText(err error) string {
	if err == nil {
		return "connection closed"
	}
	var ee *girc.EventError
	if errors.As(err, &ee) {
		return "server said: " + ee.Error()
	}
	return err.Error()
}

// addr is the server's host:port. It does not read the girc config, which
// prepare writes between connections.
func (n *netConn) addr() string { return n.server }

func (n *netConn) setErr(err error) {
	n.mu.Lock()
	n.lastErr = errText(err)
	n.mu.Unlock()
}

// prepare reads the secrets and sets up authentication and TLS for the next
// connection. Secrets are read at every connect, so a rotated password file
// is used without a restart.
func (n *netConn) prepare() (*tls.Config, error) {
	nc := n.cfg()
	c := n.client
	n.altIdx.Store(0)
	n.saslOK.Store(false)
	c.Config.ServerPass = ""
	if nc.Server.Password != nil {
		pw, err := nc.Server.Password.Value()
		if err != nil {
			return nil, fmt.Errorf("server password: %w", err)
		}
		c.Config.ServerPass = pw
	}
	c.Config.SASL = nil
	if nc.SASL != nil {
		if n.skipSASL.Swap(false) {
			n.log.Warn("SASL failed last time: connecting once without it (unidentified; NickServ is tried when configured)")
		} else {
			switch strings.ToUpper(nc.SASL.Mechanism) {
			case "EXTERNAL":
				c.Config.SASL = &girc.SASLExternal{}
			default:
				user := nc.SASL.User
				if user == "" {
					user = nc.Nick
				}
				if nc.SASL.Password == nil {
					return nil, errors.New("SASL PLAIN needs a password: set sasl.password_env or sasl.password_file")
				}
				pw, err := nc.SASL.Password.Value()
				if err != nil {
					return nil, fmt.Errorf("SASL password: %w", err)
				}
				c.Config.SASL = &girc.SASLPlain{User: user, Pass: pw}
			}
		}
	}
	if !nc.Server.TLS {
		if nc.Server.ClientCert != "" {
			n.log.Warn("server.client_cert is only used with tls: true")
		}
		return nil, nil
	}
	tc := &tls.Config{
		ServerName:         nc.Server.Host,
		InsecureSkipVerify: nc.Server.TLSInsecure, //nolint:gosec // only when the configuration asks
		MinVersion:         tls.VersionTLS12,
	}
	if nc.Server.ClientCert != "" {
		key := nc.Server.ClientKey
		if key == "" {
			key = nc.Server.ClientCert
		}
		cert, err := tls.LoadX509KeyPair(nc.Server.ClientCert, key)
		if err != nil {
			return nil, fmt.Errorf("load the TLS client certificate %s: %w", nc.Server.ClientCert, err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// disconnected runs after Connect returned: no handler runs any more for
// that connection. Every channel the bot was in gets a pending gap starting
// at the last line read.
// disconnected notes the end of a connection and returns why it ended:
// err, or the reason the server gave in its ERROR line when err says
// less (a bare EOF after "Closing link: … [Access denied by
// configuration]").
func (n *netConn) disconnected(err error) error {
	if lc := n.conn.Load(); lc != nil {
		lc.stop() // the tracker is reset below: nothing may record meanwhile
	}
	n.registered.Store(false)
	n.echo.Store(false)
	n.acctCaps.Store(false)
	start := time.Now()
	if last := n.lastRead.Load(); last != 0 {
		start = time.Unix(0, last)
	}
	n.tr.reset()
	n.mu.Lock()
	for f := range n.joined {
		if _, ok := n.pendingGap[f]; !ok {
			n.pendingGap[f] = start
		}
	}
	n.joined = map[string]string{}
	n.connectedAt = time.Time{}
	var ee *girc.EventError
	if n.closing != "" && !errors.As(err, &ee) {
		err = fmt.Errorf("the server closed the link: %s", n.closing)
	}
	n.closing = ""
	if err != nil {
		n.lastErr = errText(err)
	}
	n.mu.Unlock()
	return err
}

// dialer connects girc to the server: TCP, then TLS when configured, then
// the line filter (lineConn) that girc reads and writes through.
type dialer struct {
	n   *netConn
	ctx context.Context
	tls *tls.Config
}

func (d *dialer) Dial(network, addr string) (net.Conn, error) {
	if err := d.ctx.Err(); err != nil {
		return nil, err
	}
	nd := &net.Dialer{Timeout: d.n.b.opts.dialTimeout, KeepAlive: 30 * time.Second}
	conn, err := nd.DialContext(d.ctx, network, addr)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", addr, err)
	}
	if d.tls != nil {
		tc := tls.Client(conn, d.tls)
		hctx, cancel := context.WithTimeout(d.ctx, d.n.b.opts.dialTimeout)
		err := tc.HandshakeContext(hctx)
		cancel()
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("TLS handshake with %s: %w (set server.tls_insecure only for a server with a self-signed certificate you trust)", addr, err)
		}
		conn = tc
	}
	d.n.lastRead.Store(time.Now().UnixNano())
	lc := newLineConn(conn, d.n)
	d.n.conn.Store(lc)
	return lc, nil
}

// maxLine bounds one line from the server (512 bytes of message and 8191 of
// tags are the protocol's limits); longer lines are cut there.
const maxLine = 16 << 10

// lineConn sits between the socket and girc. Reading, it hands girc whole
// lines only, with invalid UTF-8 decoded as Latin-1 and lines girc cannot
// parse dropped: girc ends the connection on a line it cannot parse, and the
// recorder must not lose the channel over one bad line. Writing, it drops
// girc's automatic replies that a hostile user could multiply into an
// "Excess Flood" disconnect: CTCP ERRMSG answers to unknown CTCP queries, and
// WHO of each joining user beyond a rate.
type lineConn struct {
	net.Conn
	n   *netConn
	wmu sync.Mutex // one line at a time from girc and from writeLine
	// rmu is held by Read, which records every line it reads: stop takes
	// it to know that no line of this connection is being recorded any
	// more.
	rmu      sync.Mutex
	r        *bufio.Reader
	pending  []byte
	err      error
	line     []byte
	extended time.Time // when Read last pushed the read deadline on
}

func newLineConn(c net.Conn, n *netConn) *lineConn {
	return &lineConn{Conn: c, n: n, r: bufio.NewReaderSize(c, 64<<10)}
}

// Read hands girc the next line it needs. Every line is recorded here
// first (netConn.onLine), in the server's order and as soon as it is read:
// girc dispatches each event through goroutines and copies, far slower than
// a busy channel, and a burst used to wait in girc's queue before it was
// recorded. Messages and notices to channels, which girc has no use for,
// are not handed on at all.
func (c *lineConn) Read(p []byte) (int, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	for len(c.pending) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		raw, err := c.readLine()
		if len(raw) > 0 {
			now := time.Now()
			c.n.lastRead.Store(now.UnixNano())
			if clean, ok := cleanLine(raw); ok {
				if c.n.onLine(clean) {
					c.pending = clean
				} else if now.Sub(c.extended) > readExtend/10 {
					// girc sets the read deadline when it asks for a line;
					// while Read keeps lines from it, the link is alive.
					c.extended = now
					c.Conn.SetReadDeadline(now.Add(readExtend))
				}
			} else {
				c.n.log.Debug("dropped a line the IRC library cannot parse", "line", fmt.Sprintf("%q", truncate(string(raw), 200)))
			}
		}
		if err != nil {
			c.err = err
		}
	}
	k := copy(p, c.pending)
	c.pending = c.pending[k:]
	return k, nil
}

// readExtend is how far Read pushes the read deadline while it reads lines
// girc does not see (girc's own read timeout).
const readExtend = 300 * time.Second

// stop closes the connection and waits until no line of it is being
// recorded; Read returns an error from then on.
func (c *lineConn) stop() {
	c.Conn.Close()
	c.rmu.Lock()
	if c.err == nil {
		c.err = net.ErrClosed
	}
	c.pending = nil
	c.rmu.Unlock()
}

// readLine returns the next line with its "\n" (without it at EOF), cut at
// maxLine.
func (c *lineConn) readLine() ([]byte, error) {
	c.line = c.line[:0]
	for {
		frag, err := c.r.ReadSlice('\n')
		if len(c.line)+len(frag) <= maxLine {
			c.line = append(c.line, frag...)
		} else if len(c.line) < maxLine {
			c.line = append(c.line, frag[:maxLine-len(c.line)]...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == nil && len(c.line) > 0 && c.line[len(c.line)-1] != '\n' {
			// Cut at maxLine: end the line here.
			c.line = append(c.line, '\n')
		}
		return c.line, err
	}
}

// cleanLine turns one raw line from the server into what girc reads: CR and
// LF trimmed and put back as "\r\n", invalid UTF-8 decoded as Latin-1, NUL
// bytes removed. ok is false for a line girc.ParseEvent would refuse.
func cleanLine(raw []byte) ([]byte, bool) {
	raw = bytes.TrimRight(raw, "\r\n")
	if bytes.IndexByte(raw, 0) >= 0 {
		raw = bytes.ReplaceAll(raw, []byte{0}, nil)
	}
	raw = decodeLatin1(raw)
	if !parseable(raw) {
		return nil, false
	}
	out := make([]byte, 0, len(raw)+2)
	out = append(out, raw...)
	return append(out, '\r', '\n'), true
}

// parseable mirrors the checks of girc.ParseEvent (v1.1.1) that make it
// return nil.
func parseable(raw []byte) bool {
	raw = bytes.TrimFunc(raw, func(r rune) bool { return r == '\r' || r == '\n' })
	if len(raw) < 2 {
		return false
	}
	if raw[0] == '@' {
		i := bytes.IndexByte(raw, ' ')
		if i < 2 {
			return false
		}
		raw = raw[i+1:]
	}
	if len(raw) > 0 && raw[0] == ':' {
		if i := bytes.IndexByte(raw, ' '); i < 2 {
			return false
		}
	}
	return true
}

// decodeLatin1 returns b unchanged when it is valid UTF-8, and otherwise a
// copy in which every byte that is not part of a valid UTF-8 sequence is
// decoded as Latin-1 (ISO 8859-1), the fallback most IRC logs use.
func decodeLatin1(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+len(b)/4)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			out = utf8.AppendRune(out, rune(b[i]))
			i++
			continue
		}
		out = append(out, b[i:i+size]...)
		i += size
	}
	return out
}

// writeLine writes one line of our own straight to the socket.
func (c *lineConn) writeLine(line string) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.Conn.SetWriteDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return err
	}
	_, err := c.Conn.Write([]byte(line + "\r\n"))
	return err
}

func (c *lineConn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if !bytes.Contains(p, []byte("ERRMSG")) && !bytes.HasPrefix(p, []byte("WHO ")) {
		return c.Conn.Write(p)
	}
	var keep []byte
	rest := p
	for len(rest) > 0 {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line = rest[:i+1]
		}
		rest = rest[len(line):]
		if c.drop(line) {
			continue
		}
		keep = append(keep, line...)
	}
	if len(keep) > 0 {
		if _, err := c.Conn.Write(keep); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// drop reports whether an outgoing line is one of girc's automatic replies
// that the bot does not send.
func (c *lineConn) drop(line []byte) bool {
	s := string(bytes.TrimRight(line, "\r\n"))
	if strings.HasPrefix(s, "NOTICE ") && strings.Contains(s, ":\x01ERRMSG") {
		return true
	}
	if target, ok := strings.CutPrefix(s, "WHO "); ok {
		target, _, _ = strings.Cut(target, " ")
		if target != "" && !strings.ContainsRune("#&+!", rune(target[0])) && !c.n.whoLimit.Allow() {
			return true
		}
	}
	return false
}

// sendLoop sends the bot's own lines at a sane pace.
func (n *netConn) sendLoop(ctx context.Context) {
	for {
		var l outLine
		select {
		case <-ctx.Done():
			return
		case l = <-n.out:
		}
		if err := n.limiter.Wait(ctx); err != nil {
			return
		}
		if !n.registered.Load() {
			n.log.Debug("not connected: a queued line was dropped", "target", l.target)
			continue
		}
		n.client.Send(&girc.Event{Command: l.cmd, Params: []string{l.target, l.text}})
		if !n.echo.Load() {
			n.recordOwn(l)
		}
	}
}

// queue adds lines of the bot's own to the paced queue without blocking.
func (n *netConn) queue(cmd, target, text string) error {
	if target == "" || strings.ContainsAny(target, " \r\n\x00,") {
		return fmt.Errorf("cannot send to %q: not a nick or channel name", target)
	}
	if !n.registered.Load() {
		return fmt.Errorf("not connected to %s: the line was not sent", n.name)
	}
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		line = strings.ReplaceAll(line, "\x00", "")
		select {
		case n.out <- outLine{cmd: cmd, target: target, text: line}:
		default:
			return fmt.Errorf("the send queue of %s is full (%d lines waiting): the line was not sent", n.name, outQueue)
		}
	}
	return nil
}

// onCTCP answers CTCP VERSION, PING and TIME, at most a few per seconds;
// girc calls it from the event goroutine, so it only queues.
func (n *netConn) onCTCP(_ *girc.Client, e girc.CTCPEvent) {
	if e.Reply || e.Source == nil || e.Origin == nil || e.Origin.Echo || !n.ctcpLimit.Allow() || len(n.out) > outQueue/2 {
		return
	}
	var text string
	switch e.Command {
	case girc.CTCP_VERSION:
		text = Version
	case girc.CTCP_PING:
		text = e.Text
	case girc.CTCP_TIME:
		text = time.Now().Format(time.RFC1123Z)
	default:
		return
	}
	reply := girc.EncodeCTCPRaw(e.Command, text)
	select {
	case n.out <- outLine{cmd: girc.NOTICE, target: e.Source.Name, text: reply}:
	default:
	}
}

// nextNick picks the nick to try when the server refuses ours during
// registration: the configured alternatives, then the nick with digits.
// Once registered, a refused NICK (a regain attempt) keeps the current nick.
func (n *netConn) nextNick(string) string {
	if n.registered.Load() {
		return ""
	}
	nc := n.cfg()
	i := int(n.altIdx.Add(1)) - 1
	if i < len(nc.AltNicks) {
		return nc.AltNicks[i]
	}
	base := nc.Nick
	if len(base) > 12 {
		base = base[:12]
	}
	return fmt.Sprintf("%s%04d", base, rand.IntN(10000))
}

// regainLoop asks for the configured nick now and then while the bot uses
// another; the recorder also asks when it sees the nick's owner leave.
func (n *netConn) regainLoop(ctx context.Context) {
	t := time.NewTicker(n.b.opts.regainEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n.regain()
		}
	}
}

func (n *netConn) regain() {
	want := n.cfg().Nick
	if !n.registered.Load() || config.FoldName(n.currentNick()) == config.FoldName(want) {
		return
	}
	n.client.Cmd.Nick(want)
}

func (n *netConn) currentNick() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.nick
}

func (n *netConn) setNick(nick string) {
	n.mu.Lock()
	n.nick = nick
	n.mu.Unlock()
	n.tr.me = config.FoldName(nick)
}

// onWelcome runs on 001: identify to NickServ if asked, and join.
func (n *netConn) onWelcome(e *girc.Event) {
	nick := n.cfg().Nick
	if len(e.Params) > 0 {
		nick = e.Params[0]
	}
	n.setNick(nick)
	caps := n.tr.caps
	n.echo.Store(caps["echo-message"])
	n.acctCaps.Store(caps["extended-join"] || caps["account-notify"])
	n.registered.Store(true)
	n.mu.Lock()
	n.connectedAt = time.Now()
	n.lastErr = ""
	n.mu.Unlock()
	nc := n.cfg()
	n.log.Info("connected", "server", n.addr(), "nick", nick,
		"server_time", caps["server-time"], "echo_message", n.echo.Load(),
		"account_tag", caps["account-tag"], "sasl", n.saslOK.Load())
	if config.FoldName(nick) != config.FoldName(nc.Nick) {
		n.log.Warn("the configured nick is taken; using another and taking it back when it frees up", "nick", nick, "want", nc.Nick)
	}
	var out []*girc.Event
	if nc.NickServ != nil && !n.saslOK.Load() {
		pw, err := nc.NickServ.Value()
		if err != nil {
			n.log.Error("cannot identify to NickServ", "err", err)
		} else {
			out = append(out, &girc.Event{Command: girc.PRIVMSG, Params: []string{"NickServ", "IDENTIFY " + pw}, Sensitive: true})
		}
	}
	if r := n.b.rules.Load().net(n.name); r != nil {
		var chans []config.Channel
		for _, cr := range r.order {
			chans = append(chans, cr.ch)
		}
		for _, line := range joinLines(chans, n.log) {
			out = append(out, &girc.Event{Command: girc.JOIN, Params: line, Sensitive: len(line) > 1})
		}
	}
	n.sendFromReader(out...)
}

// sendFromReader sends lines for the goroutine that reads the server, in
// order, without making it wait: girc's Send can block (up to 30 s) while
// the connection is going down, and the reading goroutine records.
func (n *netConn) sendFromReader(evs ...*girc.Event) {
	if len(evs) == 0 {
		return
	}
	go func() {
		for _, e := range evs {
			n.client.Send(e)
		}
	}()
}

// joinLines packs channels into as few JOIN commands as fit a line: keyed
// channels first, their keys in the same order.
func joinLines(chans []config.Channel, log *slog.Logger) [][]string {
	const budget = 400
	type ck struct{ name, key string }
	var keyed, open []ck
	for _, ch := range chans {
		if ch.Key != nil {
			k, err := ch.Key.Value()
			if err != nil {
				log.Error("cannot read a channel key; joining without it", "channel", ch.Name, "err", err)
			} else {
				keyed = append(keyed, ck{ch.Name, k})
				continue
			}
		}
		open = append(open, ck{ch.Name, ""})
	}
	var out [][]string
	var names, keys []string
	size := 0
	flush := func() {
		if len(names) == 0 {
			return
		}
		line := []string{strings.Join(names, ",")}
		if len(keys) > 0 {
			line = append(line, strings.Join(keys, ","))
		}
		out = append(out, line)
		names, keys, size = nil, nil, 0
	}
	for _, c := range append(keyed, open...) {
		add := len(c.name) + len(c.key) + 2
		if size+add > budget {
			flush()
		}
		names = append(names, c.name)
		if c.key != "" {
			keys = append(keys, c.key)
		}
		size += add
	}
	flush()
	return out
}

// joinNow joins one channel, with its configured key.
func (n *netConn) joinNow(channel string) error {
	if !n.registered.Load() {
		return fmt.Errorf("not connected to %s: cannot join %s now (configured channels are joined on connect)", n.name, channel)
	}
	if channel == "" || strings.ContainsAny(channel, " ,\r\n\x00") {
		return fmt.Errorf("%q is not a channel name", channel)
	}
	ch := config.Channel{Name: channel}
	if cr := n.b.rules.Load().net(n.name).channel(channel); cr != nil {
		ch = cr.ch
	}
	for _, line := range joinLines([]config.Channel{ch}, n.log) {
		n.client.Send(&girc.Event{Command: girc.JOIN, Params: line, Sensitive: len(line) > 1})
	}
	return nil
}

func (n *netConn) partNow(channel, reason string) error {
	if !n.registered.Load() {
		return fmt.Errorf("not connected to %s", n.name)
	}
	if channel == "" || strings.ContainsAny(channel, " ,\r\n\x00") {
		return fmt.Errorf("%q is not a channel name", channel)
	}
	n.cancelRejoin(channel)
	if reason == "" {
		n.client.Cmd.Part(channel)
	} else {
		n.client.Cmd.PartMessage(channel, reason)
	}
	return nil
}

// scheduleRejoin joins a configured channel again after a kick or a refused
// join, waiting longer after every failure (up to backoffMax).
func (n *netConn) scheduleRejoin(channel string) {
	f := config.FoldName(channel)
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.runCtx == nil || n.runCtx.Err() != nil {
		return
	}
	st := n.rejoin[f]
	if st == nil {
		st = &rejoinState{}
		n.rejoin[f] = st
	}
	if st.timer != nil {
		st.timer.Stop()
	}
	delay := backoff(n.b.opts.rejoinBase, n.b.opts.backoffMax, st.tries)
	st.tries++
	n.log.Info("will try to join again", "channel", channel, "in", delay.Round(time.Millisecond))
	st.timer = time.AfterFunc(delay, func() {
		if n.b.rules.Load().net(n.name).channel(channel) == nil || !n.registered.Load() {
			return
		}
		n.mu.Lock()
		_, in := n.joined[f]
		n.mu.Unlock()
		if !in {
			_ = n.joinNow(channel)
		}
	})
}

// joinedOK forgets the retries of a channel the bot is in.
func (n *netConn) joinedOK(f string) {
	n.mu.Lock()
	if st := n.rejoin[f]; st != nil {
		if st.timer != nil {
			st.timer.Stop()
		}
		delete(n.rejoin, f)
	}
	n.mu.Unlock()
}

func (n *netConn) cancelRejoin(channel string) { n.joinedOK(config.FoldName(channel)) }

func (n *netConn) stopRejoins() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for f, st := range n.rejoin {
		if st.timer != nil {
			st.timer.Stop()
		}
		delete(n.rejoin, f)
	}
}

// reload joins the channels a new configuration adds and parts those it
// removes.
func (n *netConn) reload(nc config.Network, old, cur *netRules) {
	n.ncfg.Store(&nc)
	if !n.registered.Load() || cur == nil {
		return
	}
	var add []config.Channel
	for f, cr := range cur.channels {
		if old == nil || old.channels[f] == nil {
			add = append(add, cr.ch)
		}
	}
	for _, line := range joinLines(add, n.log) {
		n.client.Send(&girc.Event{Command: girc.JOIN, Params: line, Sensitive: len(line) > 1})
	}
	if old != nil {
		for f, cr := range old.channels {
			if cur.channels[f] == nil {
				n.log.Info("leaving a channel removed from the configuration", "channel", cr.ch.Name)
				_ = n.partNow(cr.ch.Name, "removed from the configuration")
			}
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// recordOwn records a line the bot sent, when the server does not echo it.
func (n *netConn) recordOwn(l outLine) {
	if !n.tr.isChannelName(l.target) {
		return
	}
	text, action := l.text, false
	if strings.HasPrefix(text, "\x01") {
		cmd, rest := splitCTCP(text)
		if cmd != "ACTION" {
			return
		}
		text, action = rest, true
	}
	kind := archive.KindMessage
	switch {
	case action:
		kind = archive.KindAction
	case l.cmd == girc.NOTICE:
		kind = archive.KindNotice
	}
	ev := archive.Event{Time: time.Now().UTC(), Kind: kind, Nick: n.currentNick(), Text: text, Flags: archive.FlagSelf}
	r := n.b.rules.Load()
	in := Incoming{Network: n.name, Channel: l.target, Nick: ev.Nick, Text: text, Notice: kind == archive.KindNotice,
		Action: action, Time: ev.Time, Self: true}
	if cr := r.net(n.name).channel(l.target); cr != nil {
		if hasNoLogPrefix(text, r.noLog) {
			in.NoLog = true
		} else {
			n.b.rec.store(n, cr, ev) // sent just now: no history to compare with
		}
	}
	n.b.deliver(in)
}

var _ io.Writer = (*lineConn)(nil)
