package ircserver

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ergochat/irc-go/ircmsg"
	"github.com/ergochat/irc-go/ircreader"
)

const (
	dialTimeout     = 10 * time.Second
	registerTimeout = 15 * time.Second // InspIRCd takes up to ~1 s
	joinTimeout     = 10 * time.Second
	writeTimeout    = 10 * time.Second
	// linesBuffer is the capacity of the Lines channel; behind it the
	// queue is unbounded, so the socket is always read.
	linesBuffer = 4096
	// expectHistory is how many skipped lines a failed Expect reports.
	expectHistory = 30
)

// Client is a minimal raw-line IRC client for scripting users in tests. It
// answers PING by itself and reads the socket continuously into an
// unbounded queue, so a burst from the server never blocks it. Its methods
// report failures with t.Fatal on the test given to Dial, so call them from
// that test's goroutine.
type Client struct {
	Nick string

	t    testing.TB
	addr string
	conn net.Conn

	writeMu sync.Mutex

	out    chan string   // what Lines returns
	quit   chan struct{} // closed by Close
	notify chan struct{} // capacity 1: the queue has lines
	wg     sync.WaitGroup

	closeOnce sync.Once

	qmu     sync.Mutex
	queue   []string
	qclosed bool  // the reader has stopped
	qerr    error // why it stopped
}

// Dial connects to addr, registers as nick (NICK and USER) and waits for the
// welcome (001). It calls t.Fatal when that fails, and closes the client when
// the test ends.
func Dial(t testing.TB, addr, nick string) *Client {
	t.Helper()
	return dial(t, addr, nick, nick, nil)
}

// DialUser is Dial with a chosen username (the user part of USER, which
// the server shows as the ident in nick!user@host): clients from the same
// loopback address are told apart by it, as by their hosts on a real
// network.
func DialUser(t testing.TB, addr, nick, user string) *Client {
	t.Helper()
	return dial(t, addr, nick, user, nil)
}

// DialCaps is Dial with IRCv3 capabilities: it requests caps during
// registration (CAP REQ) and calls t.Fatal unless the server acknowledges
// all of them.
func DialCaps(t testing.TB, addr, nick string, caps ...string) *Client {
	t.Helper()
	return dial(t, addr, nick, nick, caps)
}

// DialTLS is Dial over TLS (the server's certificate is not verified: test
// servers have self-signed ones), presenting cert as the client
// certificate when it is not nil, as for CertFP and SASL EXTERNAL.
func DialTLS(t testing.TB, addr, nick string, cert *tls.Certificate) *Client {
	t.Helper()
	cfg := &tls.Config{InsecureSkipVerify: true}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{*cert}
	}
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: dialTimeout}, "tcp", addr, cfg)
	if err != nil {
		t.Fatalf("ircserver: %s: connect with TLS to %s: %v", nick, addr, err)
	}
	return register(t, conn, addr, nick, nick, nil)
}

func dial(t testing.TB, addr, nick, user string, caps []string) *Client {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, dialTimeout)
	if err != nil {
		t.Fatalf("ircserver: %s: connect to %s: %v", nick, addr, err)
	}
	return register(t, conn, addr, nick, user, caps)
}

// register registers as nick, with the username user, on a connection to
// addr.
func register(t testing.TB, conn net.Conn, addr, nick, user string, caps []string) *Client {
	t.Helper()
	c := newClient(t, conn, addr, nick)
	if len(caps) > 0 {
		c.Send("CAP REQ :%s", strings.Join(caps, " "))
	}
	c.Send("NICK %s", nick)
	c.Send("USER %s 0 * :%s", user, nick)
	if len(caps) > 0 {
		c.awaitCaps(caps)
		c.Send("CAP END")
	}
	c.awaitWelcome()
	return c
}

// DialMany connects and registers one client per nick at the same time
// (InspIRCd completes registrations on a once-a-second tick, so a dozen
// take about a second rather than a dozen) and waits for all the welcomes.
// It calls t.Fatal when one fails.
func DialMany(t testing.TB, addr string, nicks ...string) []*Client {
	t.Helper()
	out := make([]*Client, 0, len(nicks))
	for _, nick := range nicks {
		conn, err := net.DialTimeout("tcp", addr, dialTimeout)
		if err != nil {
			t.Fatalf("ircserver: %s: connect to %s: %v", nick, addr, err)
		}
		c := newClient(t, conn, addr, nick)
		c.Send("NICK %s", nick)
		c.Send("USER %s 0 * :%s", nick, nick)
		out = append(out, c)
	}
	for _, c := range out {
		c.awaitWelcome()
	}
	return out
}

// newClient starts reading a connection; the test's end closes it.
func newClient(t testing.TB, conn net.Conn, addr, nick string) *Client {
	c := &Client{
		Nick:   nick,
		t:      t,
		addr:   addr,
		conn:   conn,
		out:    make(chan string, linesBuffer),
		quit:   make(chan struct{}),
		notify: make(chan struct{}, 1),
	}
	c.wg.Add(2)
	go c.read()
	go c.pump()
	t.Cleanup(c.Close)
	return c
}

// awaitWelcome waits for the end of registration (001), and fails the
// test when the server refuses it.
func (c *Client) awaitWelcome() {
	c.t.Helper()
	var refused string
	c.Expect(registerTimeout, func(line string) bool {
		msg, err := ircmsg.ParseLine(line)
		if err != nil {
			return false
		}
		switch msg.Command {
		case "001":
			return true
		case "432", "433", "436", "465", "ERROR":
			refused = line
			return true
		}
		return false
	})
	if refused != "" {
		c.t.Fatalf("ircserver: %s: registration on %s refused: %s", c.Nick, c.addr, refused)
	}
}

// awaitCaps waits for the server's answer to CAP REQ.
func (c *Client) awaitCaps(caps []string) {
	c.t.Helper()
	var acked []string
	var nak string
	c.Expect(registerTimeout, func(line string) bool {
		msg, err := ircmsg.ParseLine(line)
		if err != nil || msg.Command != "CAP" || len(msg.Params) < 3 {
			return false
		}
		switch msg.Params[1] {
		case "NAK":
			nak = line
			return true
		case "ACK":
			acked = append(acked, strings.Fields(msg.Params[len(msg.Params)-1])...)
			for _, want := range caps {
				if !slices.Contains(acked, want) {
					return false
				}
			}
			return true
		}
		return false
	})
	if nak != "" {
		c.t.Fatalf("ircserver: %s: server refused capabilities %v: %s", c.Nick, caps, nak)
	}
}

// Send sends one raw line; it adds CRLF. It calls t.Fatal when the line
// contains CR or LF, or when the write fails.
func (c *Client) Send(format string, args ...any) {
	c.t.Helper()
	line := fmt.Sprintf(format, args...)
	if strings.ContainsAny(line, "\r\n") {
		c.t.Fatalf("ircserver: %s: Send takes one line, got %q", c.Nick, line)
	}
	if err := c.write(line); err != nil {
		c.t.Fatalf("ircserver: %s: send %q: %v", c.Nick, line, err)
	}
}

func (c *Client) write(line string) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	if err := c.conn.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return err
	}
	_, err := c.conn.Write([]byte(line + "\r\n"))
	return err
}

// Join joins channel and waits until the server confirms it (366, end of
// NAMES). It calls t.Fatal when the server refuses the join.
func (c *Client) Join(channel string) {
	c.t.Helper()
	c.Send("JOIN %s", channel)
	var refused string
	c.Expect(joinTimeout, func(line string) bool {
		msg, err := ircmsg.ParseLine(line)
		if err != nil || len(msg.Params) < 2 || !strings.EqualFold(msg.Params[1], channel) {
			return false
		}
		switch msg.Command {
		case "366":
			return true
		case "403", "405", "471", "473", "474", "475", "476", "477", "479":
			refused = line
			return true
		}
		return false
	})
	if refused != "" {
		c.t.Fatalf("ircserver: %s: join %s refused: %s", c.Nick, channel, refused)
	}
}

// Expect returns the first received line for which match returns true,
// consuming the lines before it. It calls t.Fatal, listing the last lines
// seen, when no line matches within timeout or the connection ends.
func (c *Client) Expect(timeout time.Duration, match func(line string) bool) string {
	c.t.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var seen []string
	skipped := 0
	for {
		select {
		case line, ok := <-c.out:
			if !ok {
				c.t.Fatalf("ircserver: %s: connection to %s ended (%v) before the expected line; %d lines skipped, the last:\n%s",
					c.Nick, c.addr, c.readErr(), skipped, strings.Join(seen, "\n"))
			}
			if match(line) {
				return line
			}
			skipped++
			if len(seen) == expectHistory {
				seen = slices.Delete(seen, 0, 1)
			}
			seen = append(seen, line)
		case <-timer.C:
			c.t.Fatalf("ircserver: %s: no expected line within %v; %d lines skipped, the last:\n%s",
				c.Nick, timeout, skipped, strings.Join(seen, "\n"))
		}
	}
}

// Lines returns the stream of every line received (without CRLF), in order.
// It is closed when the connection ends. Expect reads the same stream.
func (c *Client) Lines() <-chan string {
	return c.out
}

// Close closes the connection. Calling it again does nothing.
func (c *Client) Close() {
	c.closeOnce.Do(func() {
		close(c.quit)
		c.conn.Close()
		c.wg.Wait()
	})
}

// read reads lines off the socket into the queue and answers PING.
func (c *Client) read() {
	defer c.wg.Done()
	var r ircreader.Reader
	r.Initialize(c.conn, 4096, 1<<16)
	for {
		b, err := r.ReadLine()
		if err != nil {
			c.finish(err)
			return
		}
		line := string(b)
		if msg, err := ircmsg.ParseLine(line); err == nil && msg.Command == "PING" {
			// Errors show up on the next read.
			_ = c.write("PONG :" + strings.Join(msg.Params, " "))
		}
		c.qmu.Lock()
		c.queue = append(c.queue, line)
		c.qmu.Unlock()
		c.wake()
	}
}

func (c *Client) finish(err error) {
	select {
	case <-c.quit:
		err = errors.New("closed by the test")
	default:
	}
	c.qmu.Lock()
	c.qclosed = true
	c.qerr = err
	c.qmu.Unlock()
	c.wake()
}

func (c *Client) wake() {
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

func (c *Client) readErr() error {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return c.qerr
}

// pump moves lines from the unbounded queue to the Lines channel.
func (c *Client) pump() {
	defer c.wg.Done()
	defer close(c.out)
	for {
		c.qmu.Lock()
		batch, done := c.queue, c.qclosed
		c.queue = nil
		c.qmu.Unlock()
		for _, line := range batch {
			select {
			case c.out <- line:
			case <-c.quit:
				return
			}
		}
		if len(batch) > 0 {
			continue
		}
		if done {
			return
		}
		select {
		case <-c.notify:
		case <-c.quit:
			return
		}
	}
}
