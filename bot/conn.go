package bot

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"proceedings/event"
	"proceedings/internal/backoff"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/ergochat/irc-go/ircutils"
	"golang.org/x/time/rate"

	"proceedings/config"
)

// netConn is the bot on one network: a connection reconnected with backoff,
// read by one loop that handles every line in the server's order (see
// handleMessage), the one tracker that loop keeps, and the one writer every
// line of the bot's own goes through.
type netConn struct {
	b      *Bot
	name   string
	log    *slog.Logger
	server string // host:port
	ncfg   atomic.Pointer[config.Network]
	sess   atomic.Pointer[session] // the current connection

	w         *writer
	ctcpLimit *rate.Limiter // CTCP replies allowed into the writer

	// tr is touched only by the read loop, and by the run loop between
	// connections, when no line is read.
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

	// strangers holds, by folded nick (config.FoldName, the writer's
	// keys), when each nick that shares no channel with the bot last said
	// something to it privately; their answers go at prioStranger.
	smu       sync.Mutex
	strangers map[string]time.Time
	// held are lines to strangers waiting for an ISON to say their nick
	// is on the server (pushStranger); isonQueued is set while an ISON
	// waits in the writer, isonAsked holds the folded nicks of the one
	// sent, nil when none is out, and isonAt when it was sent; present
	// holds when an ISON last named each stranger as there.
	held       []outLine
	isonQueued bool
	isonAsked  map[string]bool
	isonAt     time.Time
	present    map[string]time.Time

	registered atomic.Bool  // welcome (001) received on the current connection
	echo       atomic.Bool  // echo-message is on for the current connection
	saslOK     atomic.Bool  // SASL succeeded on the current connection
	altIdx     atomic.Int32 // next alternative nick during registration
	shortNicks atomic.Bool  // the server refused a long nick as erroneous: try short ones (nextNick)
	lastRead   atomic.Int64 // unix nanoseconds of the last line read from the server
	lastEvent  atomic.Int64 // unix nanoseconds of the last event recorded
	reconnects atomic.Int64
}

type rejoinState struct {
	tries int
	timer *time.Timer
}

// outQueue bounds the lines waiting to be sent on one network.
const outQueue = 512

// ErrSendQueueFull is the error of a line shed because too many of the
// bot's lines wait already (see writer.push); the status counts them
// (send_shed).
var ErrSendQueueFull = errors.New("too many of the bot's lines wait to be sent")

// whoxToken marks the bot's WHOX queries (WHO #chan %tcuhnar,1), whose
// replies carry accounts.
const whoxToken = "1"

// wantCaps are the IRCv3 capabilities the bot asks for when the server
// offers them (sasl is added when configured).
var wantCaps = []string{
	"server-time", "message-tags", "account-tag", "extended-join", "account-notify",
	"echo-message", "batch", "multi-prefix", "userhost-in-names", "cap-notify", "chghost",
}

func newNetConn(b *Bot, nc config.Network) (*netConn, error) {
	if !validNick(nc.Nick) {
		return nil, fmt.Errorf("network %s: %q is not a valid IRC nick", nc.Name, nc.Nick)
	}
	every, burst := outputPace(b.output)
	n := &netConn{
		b:          b,
		name:       nc.Name,
		log:        b.log.With("network", nc.Name),
		w:          newWriter(rate.Every(every), burst, outQueue),
		ctcpLimit:  rate.NewLimiter(rate.Every(3*time.Second), 3),
		joined:     map[string]string{},
		pendingGap: map[string]time.Time{},
		strangers:  map[string]time.Time{},
		present:    map[string]time.Time{},
		rejoin:     map[string]*rejoinState{},
	}
	n.w.gate.probe = func(token string) bool {
		s := n.sess.Load()
		return s != nil && n.registered.Load() && n.sendNow(s, "PING :"+token) == nil
	}
	n.ncfg.Store(&nc)
	n.tr.reset()
	n.server = net.JoinHostPort(nc.Server.Host, strconv.Itoa(nc.Server.Port))
	return n, nil
}

// validNick reports whether s can be sent as a nick: not empty, no space,
// no character that separates IRC parameters or targets, not starting with
// a digit, "-", ":" or a channel prefix.
func validNick(s string) bool {
	if s == "" || strings.ContainsAny(s, " ,*?!@.\r\n\x00") {
		return false
	}
	switch c := s[0]; {
	case c >= '0' && c <= '9', c == '-', c == ':', c == '#', c == '&', c == '$':
		return false
	}
	return true
}

func (n *netConn) cfg() config.Network { return *n.ncfg.Load() }

// run connects, and reconnects with exponential backoff and jitter, until
// ctx is done.
func (n *netConn) run(ctx context.Context) {
	n.mu.Lock()
	n.runCtx = ctx
	n.mu.Unlock()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); n.w.run(ctx, n.send) }()
	go func() { defer wg.Done(); n.regainLoop(ctx) }()
	defer func() {
		wg.Wait()
		n.stopRejoins()
	}()

	attempt := 0
	for ctx.Err() == nil {
		began := time.Now()
		err := n.connect(ctx)
		if ctx.Err() != nil {
			return
		}
		if time.Since(began) >= n.b.opts.stableAfter {
			attempt = 0
		}
		delay := reconnectDelay(n.b.opts.backoffBase, n.b.opts.backoffMax, attempt)
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

// reconnectDelay returns the delay before reconnect (or rejoin) attempt
// number attempt, from 0: base·2^attempt capped at max, with jitter taking
// it down to half.
func reconnectDelay(base, max time.Duration, attempt int) time.Duration {
	return backoff.Delay(base, max, attempt, 0.5, rand.Float64())
}

func errText(err error) string {
	if err == nil {
		return "connection closed"
	}
	return err.Error()
}

// addr is the server's host:port.
func (n *netConn) addr() string { return n.server }

func (n *netConn) setErr(err error) {
	n.mu.Lock()
	n.lastErr = errText(err)
	n.mu.Unlock()
}

// session is one connection to the server. Its registration state is
// touched only by the read loop.
type session struct {
	conn  net.Conn
	wmu   sync.Mutex    // one line at a time on the socket
	done  chan struct{} // closed when the read loop has ended
	creds credentials

	capLS   []string // capabilities offered so far (CAP LS continues)
	capWait int      // CAP REQ lines not yet answered
	capDone bool     // CAP END sent
	pinged  atomic.Bool
}

// credentials are what a connection authenticates with, read from the
// secrets at every connect, so that a rotated password file is used
// without a restart.
type credentials struct {
	serverPass string
	saslMech   string // "PLAIN", "EXTERNAL" or "" for none
	saslUser   string
	saslPass   string
}

// connect makes one connection and reads it until it ends.
func (n *netConn) connect(ctx context.Context) error {
	creds, tlsConf, err := n.prepare()
	if err != nil {
		n.setErr(err)
		n.log.Error("cannot connect", "err", err)
		return err
	}
	n.log.Info("connecting", "server", n.addr(), "tls", tlsConf != nil)
	conn, err := n.dial(ctx, tlsConf)
	if err != nil {
		n.setErr(err)
		return err
	}
	s := &session{conn: conn, done: make(chan struct{}), creds: creds}
	n.tr.reset()
	n.altIdx.Store(0)
	n.shortNicks.Store(false)
	n.saslOK.Store(false)
	n.lastRead.Store(time.Now().UnixNano())
	n.sess.Store(s)

	keepDone := make(chan struct{})
	go func() { defer close(keepDone); n.keepalive(ctx, s) }()
	n.register(s)
	err = n.readLoop(s)
	close(s.done)
	<-keepDone
	return n.disconnected(s, err)
}

// dial connects to the server: TCP, then TLS when configured.
func (n *netConn) dial(ctx context.Context, tc *tls.Config) (net.Conn, error) {
	nd := &net.Dialer{Timeout: n.b.opts.dialTimeout, KeepAlive: 30 * time.Second}
	conn, err := nd.DialContext(ctx, "tcp", n.addr())
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", n.addr(), err)
	}
	if tc == nil {
		return conn, nil
	}
	tconn := tls.Client(conn, tc)
	hctx, cancel := context.WithTimeout(ctx, n.b.opts.dialTimeout)
	err = tconn.HandshakeContext(hctx)
	cancel()
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("TLS handshake with %s: %w (set server.tls_insecure only for a server with a self-signed certificate you trust)", n.addr(), err)
	}
	return tconn, nil
}

// prepare reads the secrets and sets up TLS for the next connection.
func (n *netConn) prepare() (credentials, *tls.Config, error) {
	nc := n.cfg()
	var c credentials
	if nc.Server.Password != nil {
		pw, err := nc.Server.Password.Value()
		if err != nil {
			return c, nil, fmt.Errorf("server password: %w", err)
		}
		c.serverPass = pw
	}
	if nc.SASL != nil {
		switch nc.SASL.Mechanism {
		case "EXTERNAL":
			c.saslMech = "EXTERNAL"
		default:
			c.saslMech, c.saslUser = "PLAIN", nc.SASL.User
			if nc.SASL.Password == nil {
				return c, nil, errors.New("SASL PLAIN needs a password: set sasl.password_env or sasl.password_file")
			}
			pw, err := nc.SASL.Password.Value()
			if err != nil {
				return c, nil, fmt.Errorf("SASL password: %w", err)
			}
			c.saslPass = pw
		}
	}
	if !nc.Server.TLS {
		if nc.Server.ClientCert != "" {
			n.log.Warn("server.client_cert is only used with tls: true")
		}
		return c, nil, nil
	}
	tc := &tls.Config{
		ServerName:         nc.Server.Host,
		InsecureSkipVerify: nc.Server.TLSInsecure, //nolint:gosec // only when the configuration asks
		MinVersion:         tls.VersionTLS12,
	}
	if nc.Server.ClientCert != "" {
		cert, err := tls.LoadX509KeyPair(nc.Server.ClientCert, nc.Server.ClientKey)
		if err != nil {
			return c, nil, fmt.Errorf("load the TLS client certificate %s: %w", nc.Server.ClientCert, err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return c, tc, nil
}

// readLoop reads lines until the connection ends and handles each in
// order. Lines longer than maxLine are cut there rather than ending the
// connection (irc-go's ircreader would end it).
func (n *netConn) readLoop(s *session) error {
	r := bufio.NewReaderSize(s.conn, 64<<10)
	var line []byte
	for {
		var err error
		line, err = readLine(r, line[:0])
		if len(line) > 0 {
			n.lastRead.Store(time.Now().UnixNano())
			s.pinged.Store(false)
			if herr := n.onLine(s, line); herr != nil {
				return herr
			}
		}
		if err != nil {
			return err
		}
	}
}

// readLine appends the next line to buf, without its line ending, cut at
// maxLine.
func readLine(r *bufio.Reader, buf []byte) ([]byte, error) {
	for {
		frag, err := r.ReadSlice('\n')
		if len(buf)+len(frag) <= maxLine {
			buf = append(buf, frag...)
		} else if len(buf) < maxLine {
			buf = append(buf, frag[:maxLine-len(buf)]...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		for len(buf) > 0 && (buf[len(buf)-1] == '\n' || buf[len(buf)-1] == '\r') {
			buf = buf[:len(buf)-1]
		}
		return buf, err
	}
}

// onLine parses one line and handles it; a line that is not an IRC
// message is logged and skipped. s is nil in tests that feed lines
// without a connection.
func (n *netConn) onLine(s *session, raw []byte) error {
	m, ok := parseMessage(raw, time.Now())
	if !ok {
		n.log.Debug("skipped a line that is not an IRC message", "line", fmt.Sprintf("%q", truncate(string(raw), 200)))
		return nil
	}
	return n.handleMessage(s, m)
}

// keepalive pings a quiet server and ends a connection that stopped
// answering, or whose server stopped reading the bot (lagGate.behind); when ctx is done it says QUIT and closes the connection once
// the server did, or after a grace period.
func (n *netConn) keepalive(ctx context.Context, s *session) {
	every := n.b.opts.pingEvery
	t := time.NewTicker(every / 4)
	defer t.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-ctx.Done():
			n.quit(s)
			return
		case <-t.C:
			idle := time.Since(time.Unix(0, n.lastRead.Load()))
			switch {
			case idle > every+n.b.opts.pingTimeout:
				n.log.Warn("the server stopped answering; reconnecting", "silent_for", idle.Round(time.Second))
				n.mu.Lock()
				n.closing = fmt.Sprintf("no answer from the server for %s", idle.Round(time.Second))
				n.mu.Unlock()
				s.conn.Close()
				return
			case n.w.gate.behind(time.Now()) > n.b.opts.lagReconnect:
				lag := n.w.gate.behind(time.Now()).Round(time.Second)
				n.log.Warn("the server has not read the bot's lines for too long; reconnecting", "lag", lag)
				n.mu.Lock()
				n.closing = fmt.Sprintf("the server left the bot's lines unread for %s", lag)
				n.mu.Unlock()
				s.conn.Close()
				return
			case idle > every && !s.pinged.Swap(true):
				n.sendNow(s, "PING :"+strconv.FormatInt(time.Now().Unix(), 10))
			}
		}
	}
}

// quit says QUIT and keeps reading (and recording) until the server closes
// the link, for at most two seconds.
func (n *netConn) quit(s *session) {
	if !n.registered.Load() || n.sendNow(s, "QUIT :"+n.b.opts.quitMessage) != nil {
		s.conn.Close()
		return
	}
	grace := time.NewTimer(2 * time.Second)
	defer grace.Stop()
	select {
	case <-s.done:
	case <-grace.C:
		s.conn.Close()
	}
}

// sendNow writes one line to the socket at once, ahead of the writer's
// queue: PONG and QUIT, which must never wait.
func (n *netConn) sendNow(s *session, line string) error {
	if s == nil {
		return net.ErrClosed
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.conn.SetWriteDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return err
	}
	_, err := s.conn.Write([]byte(line + "\r\n"))
	return err
}

// send writes a line the writer chose, on the current connection. Lines to
// channels and nicks wait for registration; control lines (registration
// itself) do not.
func (n *netConn) send(l outLine) {
	s := n.sess.Load()
	if s == nil {
		return
	}
	if l.prio != prioControl && !n.registered.Load() {
		n.log.Debug("not connected: a queued line was dropped", "target", l.target)
		return
	}
	if err := n.sendNow(s, l.line); err != nil {
		n.log.Warn("cannot write to the server; reconnecting", "err", err)
		s.conn.Close()
		return
	}
	if l.cmd != "" && !n.echo.Load() {
		n.recordOwn(l)
	}
}

// control queues a line of the connection's own (registration, JOIN, NICK).
func (n *netConn) control(line string, secret bool) {
	n.w.push(outLine{prio: prioControl, line: line, secret: secret})
}

// register starts the registration: the server password, capability
// negotiation, nick and user.
func (n *netConn) register(s *session) {
	nc := n.cfg()
	if s.creds.serverPass != "" {
		n.control("PASS :"+s.creds.serverPass, true)
	}
	n.control("CAP LS 302", false)
	n.control("NICK "+nc.Nick, false)
	n.control("USER "+nc.User+" 0 * :"+nc.RealName, false)
}

// handleConn keeps the connection: registration, capabilities, SASL, PING,
// nick collisions, CTCP, joins refused, the server's ERROR.
func (n *netConn) handleConn(s *session, m *message) error {
	switch m.Command {
	case "PING":
		n.sendNow(s, "PONG :"+m.last())
	case "PONG":
		n.w.gate.ack(m.last())
	case "CAP":
		n.onCap(s, m)
	case "AUTHENTICATE":
		n.onAuthenticate(s, m)
	case "903": // RPL_SASLSUCCESS
		n.saslOK.Store(true)
		n.capEnd(s)
	case "902", "904", "905", "906", "908": // SASL refused or aborted
		n.log.Error("SASL authentication failed; going on without it (NickServ is tried when configured)", "reason", m.last())
		n.capEnd(s)
	case "001":
		n.onWelcome(m)
	case "432", "433", "436", "437": // nick refused
		if !n.registered.Load() {
			next := n.nextNick(m.param(1), m.Command == "432")
			n.log.Warn("the server refused the nick; trying another", "nick", m.param(1), "next", next, "reason", m.last())
			n.control("NICK "+next, false)
		}
	case "PRIVMSG":
		n.onCTCP(m)
	case "303": // RPL_ISON
		n.onIson(m)
	case "401": // ERR_NOSUCHNICK
		// The nick left before its answer went: what else waits for it
		// is dropped, not sent to earn the same error.
		if len(m.Params) >= 2 && !n.tr.isChannelName(m.Params[1]) {
			n.w.dropKey(config.FoldName(m.Params[1]))
		}
	case "471", "473", "474", "475", "477", "403", "405", "520":
		// Join refused (full, invite only, banned, bad key, needs an
		// account, no such channel, too many channels, unavailable).
		if len(m.Params) >= 2 && n.tr.isChannelName(m.Params[1]) && n.b.rules.Load().net(n.name).channel(m.Params[1]) != nil {
			n.log.Error("the server refused to let the bot join", "channel", m.Params[1], "reason", m.last())
			n.scheduleRejoin(m.Params[1])
		}
	case "464": // ERR_PASSWDMISMATCH
		n.log.Error("the server refused the server password", "reason", m.last())
	case "ERROR":
		n.log.Warn("the server is closing the connection", "reason", m.last())
		n.mu.Lock()
		n.closing = m.last()
		n.mu.Unlock()
	}
	return nil
}

// onCap follows the capability negotiation: LS (possibly in several
// lines), ACK, NAK, NEW and DEL.
func (n *netConn) onCap(s *session, m *message) {
	if len(m.Params) < 3 {
		return
	}
	sub := strings.ToUpper(m.Params[1])
	switch sub {
	case "LS", "NEW":
		if s == nil {
			return
		}
		s.capLS = append(s.capLS, strings.Fields(m.last())...)
		if sub == "LS" && len(m.Params) >= 4 && m.Params[2] == "*" {
			return // more to come
		}
		offered := s.capLS
		s.capLS = nil
		n.requestCaps(s, offered, sub == "LS")
	case "ACK", "DEL":
		n.tr.capReply(m.Params)
		n.echo.Store(n.tr.caps["echo-message"])
		if sub == "ACK" {
			n.capAnswered(s, m.last())
		}
	case "NAK":
		n.capAnswered(s, "")
	}
}

// requestCaps asks for the wanted capabilities among those offered; during
// registration it ends the negotiation when there is nothing to ask.
func (n *netConn) requestCaps(s *session, offered []string, registering bool) {
	has := map[string]string{}
	for _, c := range offered {
		name, val, _ := strings.Cut(c, "=")
		has[name] = val
	}
	var want []string
	for _, c := range wantCaps {
		if _, ok := has[c]; ok && !n.tr.caps[c] {
			want = append(want, c)
		}
	}
	if mechs, ok := has["sasl"]; ok && s.creds.saslMech != "" && registering {
		if mechs == "" || strings.Contains(","+strings.ToUpper(mechs)+",", ","+s.creds.saslMech+",") {
			want = append(want, "sasl")
		} else {
			n.log.Error("the server does not offer the configured SASL mechanism; going on without it", "mechanism", s.creds.saslMech, "offered", mechs)
		}
	} else if registering && s.creds.saslMech != "" {
		n.log.Error("the server does not offer SASL; going on without it (NickServ is tried when configured)")
	}
	if len(want) == 0 {
		if registering {
			n.capEnd(s)
		}
		return
	}
	s.capWait++
	n.control("CAP REQ :"+strings.Join(want, " "), false)
}

// capAnswered notes the answer to a CAP REQ: SASL starts when it was
// acknowledged, else the negotiation ends.
func (n *netConn) capAnswered(s *session, acked string) {
	if s == nil || s.capDone {
		return
	}
	if s.capWait > 0 {
		s.capWait--
	}
	for _, c := range strings.Fields(acked) {
		if c == "sasl" {
			n.control("AUTHENTICATE "+s.creds.saslMech, false)
			return
		}
	}
	if s.capWait == 0 {
		n.capEnd(s)
	}
}

// onAuthenticate answers the server's "AUTHENTICATE +" with the
// credentials.
func (n *netConn) onAuthenticate(s *session, m *message) {
	if s == nil || m.param(0) != "+" {
		return
	}
	switch s.creds.saslMech {
	case "EXTERNAL":
		n.control("AUTHENTICATE +", false)
	case "PLAIN":
		raw := s.creds.saslUser + "\x00" + s.creds.saslUser + "\x00" + s.creds.saslPass
		for _, chunk := range ircutils.EncodeSASLResponse([]byte(raw)) {
			n.control("AUTHENTICATE "+chunk, true)
		}
	}
}

func (n *netConn) capEnd(s *session) {
	if s == nil || s.capDone {
		return
	}
	s.capDone = true
	n.control("CAP END", false)
}

// onCTCP answers CTCP VERSION, PING and TIME, at most a few per seconds,
// and only while the writer has room.
func (n *netConn) onCTCP(m *message) {
	text := m.last()
	if len(m.Params) < 2 || !strings.HasPrefix(text, "\x01") || m.src.Name == "" {
		return
	}
	if n.tr.isMe(m.src.Name) {
		return
	}
	line := ctcpReply(text)
	if line == "" || !validNick(m.src.Name) || !n.ctcpLimit.Allow() || n.w.len() > outQueue/2 {
		return
	}
	l := outLine{prio: prioPrivate, key: config.FoldName(m.src.Name), target: m.src.Name, ttl: answerTTL,
		line: "NOTICE " + m.src.Name + " :" + line}
	if !n.tr.shares(n.tr.fold(m.src.Name)) {
		l.prio = prioStranger
		n.pushStranger(l)
		return
	}
	n.w.push(l)
}

// noteStranger notes that nick, who said something to the bot privately,
// shares no channel with it (the read loop knows): the answer, queued a
// moment later by a listener, goes at prioStranger. The notes last an
// answer's ttl.
func (n *netConn) noteStranger(nick string, now time.Time) {
	n.smu.Lock()
	defer n.smu.Unlock()
	forgetExpired(n.strangers, now)
	n.strangers[config.FoldName(nick)] = now
}

// forgetExpired bounds a map of nicks noted at a time (strangers,
// present): past 1,024 entries, those older than an answer's ttl go.
func forgetExpired(noted map[string]time.Time, now time.Time) {
	if len(noted) < 1024 {
		return
	}
	for k, t := range noted {
		if now.Sub(t) > answerTTL {
			delete(noted, k)
		}
	}
}

// maxHeld bounds the lines held for an ISON (pushStranger): past it the
// oldest is shed.
const maxHeld = 256

// pushStranger queues a line to a stranger (a nick that asked privately
// while in no channel with the bot). A server may go on delivering the
// questions of nicks that left minutes before (ngIRCd reads a penalised
// client's buffered lines after it has gone), and each answer to one of
// them earns an error (on ngIRCd, 2 s of penalty that holds up every line
// behind it). So while other strangers' lines wait, a stranger's line is
// held until an ISON (askPresence) says the nick is on the server, and
// dropped when it says it is not; alone, or to a nick an ISON named a
// moment ago, it goes to the writer at once. It reports false when the
// line was shed.
func (n *netConn) pushStranger(l outLine) bool {
	now := time.Now()
	l.queued = now
	n.smu.Lock()
	seen, known := n.present[l.key]
	direct := known && now.Sub(seen) < answerTTL ||
		len(n.held) == 0 && n.isonAsked == nil && !n.isonQueued && n.w.waiting(prioStranger) == 0
	if !direct {
		if len(n.held) >= maxHeld {
			n.held = n.held[1:]
			n.w.shed.Add(1)
		}
		n.held = append(n.held, l)
	}
	n.smu.Unlock()
	if direct {
		return n.w.push(l)
	}
	n.askPresence()
	return true
}

// askPresence queues an ISON, which asks the server which of the nicks
// with lines held are on it (after every other line; buildIson names them
// when its turn comes), unless one waits or is out. ISON costs no penalty
// on ngIRCd and is in RFC 1459, so every server answers it.
func (n *netConn) askPresence() {
	if !n.registered.Load() {
		return
	}
	n.smu.Lock()
	if n.isonQueued || len(n.held) == 0 || n.isonAsked != nil && time.Since(n.isonAt) < answerTTL {
		n.smu.Unlock()
		return
	}
	n.isonQueued = true
	n.smu.Unlock()
	n.w.push(outLine{prio: prioPresence, build: n.buildIson})
}

// buildIson makes the ISON askPresence queued, when its turn comes: the
// held lines past their ttl are dropped, then the newest askers are named
// first (under a flood that a server goes on delivering after the senders
// left, the newest question is the likeliest to be from someone still
// there), at most isonMax. False when none is held any more.
func (n *netConn) buildIson() (string, bool) {
	// isonMax is the most nicks one ISON names: a line has at most 15
	// parameters (RFC 2812), and a server drops the ones past them
	// silently (ngIRCd), which would count those nicks as gone.
	const isonMax = 14
	now := time.Now()
	n.smu.Lock()
	defer n.smu.Unlock()
	n.isonQueued = false
	n.held = slices.DeleteFunc(n.held, func(l outLine) bool {
		late := l.ttl > 0 && now.Sub(l.queued) > l.ttl
		if late {
			n.w.expired.Add(1)
		}
		return late
	})
	line := "ISON"
	asked := map[string]bool{}
	add := func(l outLine) bool {
		if asked[l.key] {
			return true
		}
		if len(asked) == isonMax || len(line)+1+len(l.target) > 400 {
			return false
		}
		line += " " + l.target
		asked[l.key] = true
		return true
	}
	for i := len(n.held) - 1; i >= 0; i-- {
		if !add(n.held[i]) {
			break
		}
	}
	if len(asked) == 0 {
		return "", false
	}
	n.isonAsked, n.isonAt = asked, now
	return line, true
}

// onIson takes the answer to askPresence (RPL_ISON, 303): the held lines
// of the nicks it names go to the writer, those of the nicks asked about
// that it does not name are dropped (counted as expired), and the next
// ISON asks about the rest.
func (n *netConn) onIson(m *message) {
	now := time.Now()
	n.smu.Lock()
	asked := n.isonAsked
	n.isonAsked = nil
	if asked == nil {
		n.smu.Unlock()
		return
	}
	forgetExpired(n.present, now)
	named := map[string]bool{}
	for _, nick := range strings.Fields(m.last()) {
		if key := config.FoldName(nick); asked[key] {
			named[key] = true
			n.present[key] = now
		}
	}
	var ready []outLine
	gone := 0
	n.held = slices.DeleteFunc(n.held, func(l outLine) bool {
		switch {
		case !asked[l.key]:
			return false
		case named[l.key]:
			ready = append(ready, l)
		default:
			gone++
		}
		return true
	})
	n.smu.Unlock()
	n.w.expired.Add(int64(gone))
	for _, l := range ready {
		n.w.push(l)
	}
	n.askPresence()
}

// isStranger reports whether the folded nick key said something privately
// within an answer's ttl while it shared no channel with the bot.
func (n *netConn) isStranger(key string, now time.Time) bool {
	n.smu.Lock()
	defer n.smu.Unlock()
	t, ok := n.strangers[key]
	return ok && now.Sub(t) <= answerTTL
}

// ctcpReply is the bot's reply to the CTCP request text ("\x01VERSION\x01"),
// "" when it answers none: VERSION, PING (its argument repeated, without
// the \x01, CR, LF and NUL that would end the reply early or break the
// line) and TIME.
func ctcpReply(text string) string {
	cmd, arg := splitCTCP(text)
	var reply string
	switch cmd {
	case "VERSION":
		reply = Version
	case "PING":
		reply = strings.NewReplacer("\x01", "", "\r", "", "\n", "", "\x00", "").Replace(arg)
	case "TIME":
		reply = time.Now().Format(time.RFC1123Z)
	default:
		return ""
	}
	if reply == "" {
		return "\x01" + cmd + "\x01"
	}
	return "\x01" + cmd + " " + reply + "\x01"
}

// disconnected notes the end of a connection and returns why it ended:
// err, or the reason the server gave in its ERROR line when err says less
// (a bare EOF after "Closing link: … [Access denied by configuration]").
// Every channel the bot was in gets a pending gap from the last line read.
func (n *netConn) disconnected(s *session, err error) error {
	s.conn.Close()
	n.registered.Store(false)
	n.echo.Store(false)
	if dropped := n.w.clear(); dropped > 0 {
		n.log.Info("lines that were waiting to be sent are dropped with the connection", "lines", dropped)
	}
	n.w.gate.reset()
	n.smu.Lock()
	n.isonAsked, n.held, n.isonQueued = nil, nil, false // its answer will not come; the writer is cleared
	n.smu.Unlock()
	start := time.Now()
	if last := n.lastRead.Load(); last != 0 {
		start = time.Unix(0, last)
	}
	n.flushTopic()
	n.tr.reset()
	n.mu.Lock()
	defer n.mu.Unlock()
	for f := range n.joined {
		if _, ok := n.pendingGap[f]; !ok {
			n.pendingGap[f] = start
		}
	}
	n.joined = map[string]string{}
	n.connectedAt = time.Time{}
	if n.closing != "" {
		err = fmt.Errorf("the server closed the link: %s", n.closing)
	}
	n.closing = ""
	n.lastErr = errText(err)
	return err
}

// queue adds lines of the bot's own to the writer without blocking: to a
// channel before private lines, each target in turn.
func (n *netConn) queue(cmd, target, text string) error {
	return n.queueTTL(cmd, target, text, 0)
}

// queueTTL is queue for lines worth sending only within ttl (0: always).
func (n *netConn) queueTTL(cmd, target, text string, ttl time.Duration) error {
	if target == "" || strings.ContainsAny(target, " \r\n\x00,") {
		return fmt.Errorf("cannot send to %q: not a nick or channel name", target)
	}
	if !n.registered.Load() {
		return fmt.Errorf("not connected to %s: the line was not sent", n.name)
	}
	key := config.FoldName(target)
	prio := prioPrivate
	switch {
	case n.tr.isChannelName(target):
		prio = prioChannel
	case n.isStranger(key, time.Now()):
		prio = prioStranger
	}
	push := n.w.push
	if prio == prioStranger {
		push = n.pushStranger
	}
	for line := range strings.SplitSeq(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		line = strings.ReplaceAll(line, "\x00", "")
		l := outLine{prio: prio, key: key, line: cmd + " " + target + " :" + line, cmd: cmd, target: target, text: line, ttl: ttl}
		if !push(l) {
			return fmt.Errorf("%w on %s: the line was not sent", ErrSendQueueFull, n.name)
		}
	}
	return nil
}

// shortNick is the nick length every server takes (RFC 2812's 9): the
// server tells its own (ISUPPORT NICKLEN) only once the bot is registered.
const shortNick = 9

// nextNick picks the nick to try when the server refuses ours (refused)
// during registration: the configured alternatives, then the nick with
// digits. A nick the server finds erroneous (432) that is longer than
// shortNick may be too long for it (ngIRCd's default is 9): the nick cut to
// shortNick is tried next, and from then on every candidate is that short.
func (n *netConn) nextNick(refused string, erroneous bool) string {
	nc := n.cfg()
	if erroneous && len(refused) > shortNick && !n.shortNicks.Swap(true) {
		if cut := cutNick(nc.Nick, shortNick); cut != refused {
			return cut
		}
	}
	short := n.shortNicks.Load()
	for {
		i := int(n.altIdx.Add(1)) - 1
		if i >= len(nc.AltNicks) {
			break
		}
		if alt := nc.AltNicks[i]; !short || len(alt) <= shortNick {
			return alt
		}
	}
	base := cutNick(nc.Nick, 12)
	if short {
		base = cutNick(nc.Nick, shortNick-4)
	}
	return fmt.Sprintf("%s%04d", base, rand.IntN(10000))
}

// tooLong reports whether the server refused nicks like nick as too long
// on this connection (nextNick): asking for it again would only earn the
// same error.
func (n *netConn) tooLong(nick string) bool {
	return n.shortNicks.Load() && len(nick) > shortNick
}

// cutNick cuts nick to at most max bytes, at a character boundary.
func cutNick(nick string, max int) string {
	if len(nick) <= max {
		return nick
	}
	for max > 0 && !utf8.RuneStart(nick[max]) {
		max--
	}
	return nick[:max]
}

// regainLoop asks for the configured nick now and then while the bot uses
// another; the recorder also asks when it sees the nick's owner leave.
func (n *netConn) regainLoop(ctx context.Context) {
	everyTick(ctx, n.b.opts.regainEvery, n.regain)
}

func (n *netConn) regain() {
	want := n.cfg().Nick
	if !n.registered.Load() || config.FoldName(n.currentNick()) == config.FoldName(want) || n.tooLong(want) {
		return
	}
	n.w.pushOnce(outLine{prio: prioControl, key: "nick", line: "NICK " + want})
}

// maybeRegain asks for the configured nick when its holder just left it.
func (n *netConn) maybeRegain(freed string) {
	if want := n.cfg().Nick; n.tr.fold(freed) == n.tr.fold(want) && !n.tr.isMe(want) && !n.tooLong(want) {
		n.w.pushOnce(outLine{prio: prioControl, key: "nick", line: "NICK " + want})
	}
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
	n.tr.me = nick
}

// onWelcome runs on 001: identify to NickServ if asked, and join.
func (n *netConn) onWelcome(m *message) {
	nc := n.cfg()
	// The welcome names the nick the server gave us; a broken or hostile
	// server's empty or impossible nick would lose the bot's sight of its
	// own lines, so the configured nick stands then.
	nick := nc.Nick
	if p := m.param(0); validNick(p) {
		nick = p
	} else {
		n.log.Warn("the welcome names no valid nick; assuming the configured one", "nick", fmt.Sprintf("%q", truncate(p, 50)), "using", nc.Nick)
	}
	n.setNick(nick)
	caps := n.tr.caps
	n.echo.Store(caps["echo-message"])
	n.registered.Store(true)
	n.mu.Lock()
	n.connectedAt = time.Now()
	n.lastErr = ""
	n.mu.Unlock()
	n.log.Info("connected", "server", n.addr(), "nick", nick,
		"server_time", caps["server-time"], "echo_message", caps["echo-message"],
		"account_tag", caps["account-tag"], "sasl", n.saslOK.Load())
	if config.FoldName(nick) != config.FoldName(nc.Nick) {
		n.log.Warn("the configured nick is taken; using another and taking it back when it frees up", "nick", nick, "want", nc.Nick)
	}
	if nc.NickServ != nil && !n.saslOK.Load() {
		pw, err := nc.NickServ.Value()
		if err != nil {
			n.log.Error("cannot identify to NickServ", "err", err)
		} else {
			n.control("PRIVMSG NickServ :IDENTIFY "+pw, true)
		}
	}
	if r := n.b.rules.Load().net(n.name); r != nil {
		var chans []config.Channel
		for _, cr := range r.order {
			chans = append(chans, cr.ch)
		}
		n.joinChannels(chans)
	}
}

// joinChannels joins channels in as few JOIN lines as fit.
func (n *netConn) joinChannels(chans []config.Channel) {
	for _, params := range joinLines(chans, n.log) {
		n.control("JOIN "+strings.Join(params, " "), len(params) > 1)
	}
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

// askAccounts asks the server, once the bot is in a channel (RPL_ENDOFNAMES),
// which of the members are logged in to which account: without
// account-tag nothing else says it of those who were there before the bot
// (extended-join covers only later joins), and account-notify keeps the
// answer current (without it the answer could not be trusted for long, see
// tracker.account). One WHO per channel waits at most, at the lowest
// priority (the writer's aging sends it all the same).
func (n *netConn) askAccounts(channel string) {
	if !n.tr.needWho() || !n.registered.Load() {
		return
	}
	n.w.pushOnce(outLine{prio: prioWho, key: n.tr.fold(channel), line: "WHO " + channel + " %tcuhnar," + whoxToken})
}

// whoJoined asks for the account of someone who joined a channel when the
// capabilities do not give it (no extended-join): the channel's WHO,
// coalesced with any other waiting.
func (n *netConn) whoJoined(channel string) {
	if n.tr.accountsFromCaps() {
		return
	}
	n.askAccounts(channel)
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
	n.joinChannels([]config.Channel{ch})
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
	line := "PART " + channel
	if reason != "" {
		line += " :" + strings.NewReplacer("\r", " ", "\n", " ", "\x00", "").Replace(reason)
	}
	n.control(line, false)
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
	delay := reconnectDelay(n.b.opts.rejoinBase, n.b.opts.backoffMax, st.tries)
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
	for _, cr := range cur.order {
		if old == nil || old.channels[config.FoldName(cr.ch.Name)] == nil {
			add = append(add, cr.ch)
		}
	}
	n.joinChannels(add)
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
	kind := event.KindMessage
	switch {
	case action:
		kind = event.KindAction
	case l.cmd == "NOTICE":
		kind = event.KindNotice
	}
	ev := event.Event{Time: time.Now().UTC(), Kind: kind, Nick: n.currentNick(), Text: text, Flags: event.FlagSelf}
	r := n.b.rules.Load()
	in := Incoming{Network: n.name, Channel: l.target, Nick: ev.Nick, Text: text, Notice: kind == event.KindNotice,
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
